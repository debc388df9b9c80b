// The figures the docs quote (`<!-- figure:NAME -->…<!-- /figure -->`) are what
// `npm run docs:figures` computes: from the repository's seed, a database loaded
// from it (what a fresh clone serves, asked of the real app) and the benchmarks'
// result files. A change to the data, the seed or a bench result that moves a
// figure fails here until `npm run docs:figures` writes it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { allFigures, FIGURE_FILES, figuresIn, ROOT, rewriteFigures } from '../scripts/docs-figures/figures.ts';
import { testApp } from './helpers/app.ts';
import { seededDatabase } from './helpers/seed.ts';

/**
 * Sizes of release files carry the times the seed's lists were loaded (`ingested_at`, `applied_at` in lists.csv,
 * and so the zip): a load on another machine, or another second, moves them by a few bytes. They agree within 2%.
 */
const SIZE = /^release-.*-(kb|mb)$/;
function sameSize(quoted: string, computed: string): boolean {
  const range = (text: string) => text.split('–').map(Number);
  const [a, b] = [range(quoted), range(computed)];
  return a.length === b.length && a.every((x, i) => Math.abs(x - b[i]!) <= 0.02 * b[i]!);
}

t.test('rewriting sets each marked figure and leaves the rest of the text alone', async (t) => {
  const text = 'A <!-- figure:lists -->1,259<!-- /figure --> lists, <!-- figure:what -->?<!-- /figure --> b.';
  t.same(rewriteFigures(text, { lists: '1,260' }), {
    text: 'A <!-- figure:lists -->1,260<!-- /figure --> lists, <!-- figure:what -->?<!-- /figure --> b.',
    unknown: ['what'],
  });
});

t.test("every figure in the docs is the one computed from the seed and the benchmarks' results", async (t) => {
  const database = await seededDatabase(t);
  const { app } = await testApp(t, { database });
  const figures = await allFigures(app, database.pool);
  let quoted = 0;
  for (const file of FIGURE_FILES) {
    const text = await readFile(join(ROOT, file), 'utf8');
    for (const { name, value } of figuresIn(text)) {
      quoted++;
      t.ok(name in figures, `${file}: ${name} is a figure the script computes`);
      if (SIZE.test(name))
        t.ok(sameSize(value, figures[name]!), `${file}: ${name} ${value}, computed ${figures[name]}`);
      else t.equal(value, figures[name], `${file}: ${name} (npm run docs:figures rewrites it)`);
    }
  }
  t.ok(quoted >= 30, `${quoted} figures quoted`);
  t.equal(
    figures['active-2025-06-06'],
    '648',
    'the published count of 2025-06-06 (ICE printed 649 rows, one a duplicate)',
  );
});
