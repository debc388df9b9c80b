// The "how to add a format" recipe (docs/architecture.md) followed end to end:
// one renderer file (src/renderers/tsv.ts), its line in FORMATS, named by the
// collection that offers it (/v1/changes). The route answers the CSV's rows
// tab-separated, and its OpenAPI operationId is derived, not written by hand.
import t from 'tap';
import { operationIdOf } from '../../src/plugins/external/swagger.ts';
import { tsvCell } from '../../src/renderers/tsv.ts';
import { testApp } from '../helpers/app.ts';
import { seedHistory } from '../helpers/fixtures.ts';

t.test('a cell never breaks a line or a column, and is never run as a formula', async (t) => {
  t.equal(tsvCell('Sheriff\tOffice\r\nof X'), 'Sheriff Office of X');
  t.equal(tsvCell('=HYPERLINK("x")'), '\'=HYPERLINK("x")');
  t.equal(tsvCell(-3), '-3', 'a negative number stays a number');
  t.equal(tsvCell(null), '');
  t.equal(tsvCell(['jail_enforcement', 'task_force']), 'jail_enforcement;task_force');
});

t.test('/v1/changes.tsv: the rows of /v1/changes.csv, tab-separated', async (t) => {
  const { app, database } = await testApp(t);
  await seedHistory(database.pool);
  await app.dataset.refresh();
  const tsv = await app.inject('/v1/changes.tsv');
  t.equal(tsv.statusCode, 200);
  t.match(tsv.headers['content-type'], /^text\/tab-separated-values; charset=utf-8/);
  const csv = await app.inject('/v1/changes.csv');
  const tsvLines = tsv.body.replace(/\n$/, '').split('\n');
  const csvLines = csv.body.replace(/\r\n$/, '').split('\r\n');
  t.equal(tsvLines[0], csvLines[0]!.split(',').join('\t'), 'the same columns, in the same order');
  t.equal(tsvLines.length, csvLines.length, 'one line per change, as in CSV');
  t.ok(tsvLines.length > 5, 'the seeded history has changes');
  const width = tsvLines[0]!.split('\t').length;
  t.same(
    tsvLines.filter((line) => line.split('\t').length !== width),
    [],
    'every line has every column',
  );

  const document = (await app.inject('/openapi.json')).json() as {
    paths: Record<string, { get?: { operationId?: string } }>;
  };
  t.equal(
    document.paths['/v1/changes.tsv']?.get?.operationId,
    'listChangesTsv',
    'the operationId is derived from the format',
  );
  t.equal(operationIdOf('/v1/changes.tsv'), 'listChangesTsv');
  t.equal(operationIdOf('/v1/changes.jsonfeed'), 'listChangesJsonFeed', 'a renderer may name its suffix');
});
