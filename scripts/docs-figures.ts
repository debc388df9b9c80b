// `npm run docs:figures`: sets every marked figure in the docs
// (`<!-- figure:NAME -->…<!-- /figure -->`, the files in FIGURE_FILES) to what
// scripts/docs-figures/figures.ts computes from the seed, the service's database
// (DATABASE_URL, else the embedded one under DATA_DIR; loaded from the seed
// first when empty, as `npm start` does) and bench/results/*.json. Prints the
// figures that changed; exit 1 when a doc names a figure nobody computes.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/database/connect.ts';
import { seedEmptyDatabase } from '../src/ingestion/lists/seed.ts';
import { allFigures, FIGURE_FILES, figuresIn, ROOT, rewriteFigures } from './docs-figures/figures.ts';

const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn', INGEST_SCHEDULE: 'off' });
const database = await openDatabase(config, (message) => console.error(message));
let code = 0;
try {
  await seedEmptyDatabase(database.pool, (message) => console.error(message));
  const app = await buildApp({ config, database, logger: false });
  await app.ready();
  const figures = await allFigures(app, database.pool);
  await app.close();
  for (const file of FIGURE_FILES) {
    const path = join(ROOT, file);
    const before = await readFile(path, 'utf8');
    const { text, unknown } = rewriteFigures(before, figures);
    for (const name of unknown) {
      console.error(`${file}: no figure named ${name}`);
      code = 1;
    }
    const old = new Map(figuresIn(before).map((figure) => [figure.name, figure.value]));
    for (const figure of figuresIn(text))
      if (old.get(figure.name) !== figure.value)
        console.log(`${file}: ${figure.name} ${old.get(figure.name)} -> ${figure.value}`);
    if (text !== before) await writeFile(path, text);
  }
} finally {
  await database.close();
}
process.exit(code);
