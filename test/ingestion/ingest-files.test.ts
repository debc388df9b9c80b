// A backfill (`npm run ingest -- --dir`) parses lists in a worker thread and
// keeps the history state from one list to the next: it must leave the very
// database, and report the very outcomes, that ingesting the same files one
// by one does, through quarantined lists, bad input and already-known files.
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import t from 'tap';
import {
  applyList,
  HistoryCache,
  IngestInputError,
  ingestList,
  type IngestReport,
} from '../../src/ingestion/ingest.ts';
import { readList } from '../../src/ingestion/lists/read-list.ts';
import { listFilesInOrder } from '../../src/ingestion/ingest-files.ts';
import { loadReferenceData } from '../../src/reference/load.ts';
import { buildList } from '../helpers/build-list.ts';
import { databaseContents } from '../helpers/database-contents.ts';
import { testDatabase } from '../helpers/database.ts';
import { ingestCli, type CliRun } from '../helpers/processes.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { PARTICIPATING_COLUMNS, PENDING_COLUMNS, SEED_LISTS } from '../helpers/fixtures.ts';

function ingestDir(dir: string, databaseUrl: string): Promise<CliRun> {
  return ingestCli(['--dir', dir, '--json'], { DATABASE_URL: databaseUrl });
}

const utc = (iso: string) => new Date(`${iso}T00:00:00Z`);
const [march, , april, , may] = SEED_LISTS as [
  (typeof SEED_LISTS)[0],
  (typeof SEED_LISTS)[0],
  (typeof SEED_LISTS)[0],
  (typeof SEED_LISTS)[0],
  (typeof SEED_LISTS)[0],
];
const galveston = march.rows[3]!;

/** Written to a folder: the seeded history, then lists that quarantine, fail, repeat, reinstate and withdraw. */
async function writeArchive(): Promise<string> {
  const dir = await tempDir(t, 'backfill');
  for (const list of SEED_LISTS)
    await writeFile(join(dir, list.fileName), await buildList({ columns: list.columns, rows: list.rows }));
  // The same bytes as April's list under another name: already applied.
  await writeFile(join(dir, 'participatingAgencies04022025pm.xlsx'), await readFile(join(dir, april.fileName)));
  // Misdated (a row signed after the list's date), and the pending list published with it held back too.
  await writeFile(
    join(dir, 'participatingAgencies05152025pm.xlsx'),
    await buildList({
      columns: PARTICIPATING_COLUMNS,
      rows: [
        ...may.rows,
        [
          'GEORGIA',
          "Cobb County Sheriff's Office",
          'County',
          'Cobb County',
          'Jail Enforcement Model',
          utc('2025-07-01'),
          null,
        ],
      ],
    }),
  );
  await writeFile(join(dir, 'pendingAgencies05152025pm.xlsx'), await buildList({ columns: PENDING_COLUMNS, rows: [] }));
  await writeFile(
    join(dir, 'participatingAgencies05202025pm.xlsx'),
    'STATE,LAW ENFORCEMENT AGENCY\nTEXAS,Nowhere PD\n',
  );
  // Houston gone (ended), Galveston back with the same signing (reinstated); the pending list withdraws Cobb and
  // adds Harris.
  await writeFile(
    join(dir, 'participatingAgencies06012025pm.xlsx'),
    await buildList({ columns: PARTICIPATING_COLUMNS, rows: [...may.rows.slice(0, 3), may.rows[4]!, galveston] }),
  );
  await writeFile(
    join(dir, 'pendingAgencies06012025pm.xlsx'),
    await buildList({
      columns: PENDING_COLUMNS,
      rows: [['TEXAS', "Harris County Sheriff's Office", 'County', 'Harris County', 'Jail Enforcement Model']],
    }),
  );
  return dir;
}

t.test('--dir leaves the same database and outcomes as ingesting the files one by one', async (t) => {
  const dir = await writeArchive();

  const oneByOne = await testDatabase(t);
  // What the CLI does first, on every run.
  await loadReferenceData(oneByOne.pool);
  const reports: IngestReport[] = [];
  const badInput: string[] = [];
  for (const { path } of await listFilesInOrder(dir)) {
    try {
      reports.push(await ingestList(oneByOne.pool, { buffer: await readFile(path), fileName: basename(path) }));
    } catch (error) {
      if (!(error instanceof IngestInputError)) throw error;
      badInput.push(error.message);
    }
  }
  const outcomes = (list: IngestReport[]) =>
    list.map((report) => [report.fileName, report.outcome, report.reason, report.counts]);
  t.same(
    reports.map((report) => `${report.fileName} ${report.outcome}`),
    [
      'participatingAgencies03012025pm.xlsx applied',
      'pendingAgencies03012025pm.xlsx applied',
      'participatingAgencies04012025pm.xlsx applied',
      'pendingAgencies04012025pm.xlsx applied',
      'participatingAgencies04022025pm.xlsx skipped',
      'participatingAgencies05012025pm.xlsx applied',
      'participatingAgencies05152025pm.xlsx quarantined',
      'pendingAgencies05152025pm.xlsx quarantined',
      'participatingAgencies06012025pm.xlsx applied',
      'pendingAgencies06012025pm.xlsx applied',
    ],
    'the archive exercises every outcome',
  );
  t.match(reports.at(-2)!.counts, { ended: 1, reinstated: 1 });
  t.match(reports.at(-1)!.counts, { withdrawn: 1, added: 1 });
  t.equal(badInput.length, 1);

  const backfilled = await testDatabase(t);
  const run = await ingestDir(dir, backfilled.url);
  t.equal(run.code, 2, 'bad input among the files: exit 2, as before');
  const json = JSON.parse(run.stdout) as { lists: IngestReport[]; bad_input: string[] };
  t.same(outcomes(json.lists), outcomes(reports), 'the same outcome, reason and counts for every list');
  t.same(json.bad_input, badInput, 'the same one-line reason for the file that is not a list');
  t.match(badInput[0], /^participatingAgencies05202025pm\.xlsx: /);
  // The CLI also makes a release at the end of its run (src/releases), which ingestList alone does not.
  const contents = async (pool: typeof oneByOne.pool) => {
    const { releases, release_files, ...tables } = await databaseContents(pool);
    return tables;
  };
  t.same(await contents(backfilled.pool), await contents(oneByOne.pool), 'the same rows in every table, ids included');
});

t.test('a history state read ahead is not used once another write has moved the dataset version', async (t) => {
  const lists = await Promise.all(
    SEED_LISTS.slice(0, 3).map(async (list) => ({
      buffer: await buildList({ columns: list.columns, rows: list.rows }),
      fileName: list.fileName,
    })),
  );
  const [first, second, third] = lists as [(typeof lists)[0], (typeof lists)[0], (typeof lists)[0]];
  const oneByOne = await testDatabase(t);
  await loadReferenceData(oneByOne.pool);
  for (const list of lists) await ingestList(oneByOne.pool, list);

  const readAhead = await testDatabase(t);
  await loadReferenceData(readAhead.pool);
  await ingestList(readAhead.pool, first);
  const history = new HistoryCache();
  history.prefetch(readAhead.pool);
  // Another writer applies a list between the read and the list that was to use it.
  await ingestList(readAhead.pool, second);
  const report = await applyList(readAhead.pool, await readList(third), {}, history);
  t.equal(report.outcome, 'applied');
  t.same(
    await databaseContents(readAhead.pool),
    await databaseContents(oneByOne.pool),
    'the third list planned on the state the second left, not on the one read before it',
  );
});
