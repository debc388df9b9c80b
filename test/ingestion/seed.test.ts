// The seed (seed/, src/ingestion/seed.ts): `npm run seed -- --from DIR` over a
// folder of xlsx lists writes a seed that loads into the very database the
// backfill of those files and the repository's FBI roster makes, and the
// repository's own seed is whole, compact and verifiable.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { ingestFiles, listFilesInOrder } from '../../src/ingestion/ingest-files.ts';
import { ingestHistorical } from '../../src/ingestion/historical/load-historical.ts';
import { LIST_CORRECTIONS_FILE, readListCorrections } from '../../src/ingestion/history/list-corrections.ts';
import {
  loadSeed,
  readSeed,
  SEED_DIR,
  SEED_FBI_ROSTER,
  SEED_HISTORICAL_DIR,
  SEED_LISTS_FILE,
} from '../../src/ingestion/lists/seed.ts';
import { loadRoster, readRosterFile } from '../../src/ingestion/agencies/fbi-roster.ts';
import { buildList } from '../helpers/build-list.ts';
import { databaseContents } from '../helpers/database-contents.ts';
import { testDatabase } from '../helpers/database.ts';
import { SEED_LISTS } from '../helpers/fixtures.ts';

const HISTORICAL_FIXTURES = fileURLToPath(new URL('../fixtures/historical/', import.meta.url));
const archive = process.env.ICE_ARCHIVE_DIR;

function runSeedCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/seed.ts', ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

async function temporaryDir(t: Test, prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** The data a database holds, without what records a run rather than the data (releases, checks of ICE's page). */
async function dataContents(pool: Parameters<typeof databaseContents>[0]) {
  const contents = await databaseContents(pool);
  for (const table of Object.keys(contents))
    if (table.startsWith('release') || table === 'source_checks') delete contents[table];
  return contents;
}

t.test('a seed built from a folder of lists loads into the database the backfill of those files makes', async (t) => {
  const lists = await temporaryDir(t, 'seed-lists-');
  const out = await temporaryDir(t, 'seed-out-');
  for (const list of SEED_LISTS)
    await writeFile(join(lists, list.fileName), await buildList({ columns: list.columns, rows: list.rows }));

  const built = await runSeedCli(['--from', lists, '--historical', HISTORICAL_FIXTURES, '--out', out]);
  t.equal(built.code, 0, built.stderr);
  t.match(
    built.stdout,
    new RegExp(
      `^wrote .*${SEED_LISTS_FILE}: ${SEED_LISTS.length} lists, \\d+ rows \\(\\d+ distinct\\), [\\d.]+ MB in [\\d.]+ s; 3 historical sources copied\\n$`,
    ),
  );
  const seed = await readSeed(out);
  t.same(
    seed.lists.map((list) => list.fileName),
    (await listFilesInOrder(lists)).map((file) => basename(file.path)),
    'every list, in ingestion order',
  );
  t.ok(
    seed.rows.length < seed.lists.reduce((n, list) => n + list.rowIds.length, 0),
    'rows shared by lists are stored once',
  );

  const seeded = await testDatabase(t);
  const report = await loadSeed(seeded.pool, out);
  t.equal(report.applied, SEED_LISTS.length, 'every list applied');

  const backfilled = await testDatabase(t);
  await ingestFiles(
    backfilled.pool,
    (await listFilesInOrder(lists)).map((file) => file.path),
    {},
    () => {},
  );
  await ingestHistorical(backfilled.pool, HISTORICAL_FIXTURES);
  // As `npm run ingest -- --fbi-roster data/fbi/fbi-lee-2025.csv.gz` after them: loading the seed loads the roster too.
  t.ok(report.fbiRoster && report.fbiRoster.matched > 0, `${report.fbiRoster?.matched} agencies given an ORI`);
  const client = await backfilled.pool.connect();
  await loadRoster(client, await readRosterFile(SEED_FBI_ROSTER)).finally(() => client.release());
  t.same(
    await dataContents(seeded.pool),
    await dataContents(backfilled.pool),
    'the same database, ids, events, spans and lists included',
  );
});

t.test('npm run seed: bad input is one line and exit 2, writing nothing', async (t) => {
  const missing = await runSeedCli(['--from', '/nonexistent/ice-lists']);
  t.equal(missing.code, 2);
  t.match(missing.stderr, /^seed: --from \/nonexistent\/ice-lists: no such directory\n/);
  const empty = await temporaryDir(t, 'seed-empty-');
  const none = await runSeedCli(['--from', empty, '--out', empty]);
  t.equal(none.code, 2);
  t.match(none.stderr, /no \.xlsx files/);
  t.same(await readdir(empty), [], 'nothing written');
});

t.test("the repository's seed: every list once, compact, with what verifies it", async (t) => {
  const bytes = (await stat(join(SEED_DIR, SEED_LISTS_FILE))).size;
  t.ok(bytes <= 10 * 1_048_576, `${(bytes / 1_048_576).toFixed(2)} MB, at most 10 MB`);
  const seed = await readSeed();
  t.ok(seed.lists.length >= 1260, `${seed.lists.length} lists`);
  const bad = seed.lists.filter(
    (list) =>
      !/^[0-9a-f]{64}$/.test(list.sha256) ||
      !list.fileName ||
      !(list.listDate || list.listDateIsTimestamp) ||
      !list.kind,
  );
  t.same(
    bad.map((list) => list.path),
    [],
    'each list with its SHA-256, file name, date and kind',
  );
  t.equal(new Set(seed.rows.map((row) => JSON.stringify(row))).size, seed.rows.length, 'each distinct row stored once');
  t.same((await readdir(join(SEED_DIR, SEED_HISTORICAL_DIR))).filter((name) => name.endsWith('.csv')).sort(), [
    'ice-lists-2007-2008.csv',
    'ice-moa-archive-index-2026-04-20.csv',
    'oig-10-63-appendix-e.csv',
  ]);
  // Every reviewed correction names a list of the seed by its file name and bytes.
  const corrections = readListCorrections(await readFile(LIST_CORRECTIONS_FILE, 'utf8'));
  const byName = new Map(seed.lists.map((list) => [list.fileName, list.sha256]));
  for (const correction of corrections)
    t.equal(byName.get(correction.file_name), correction.sha256, `${correction.file_name}: the bytes reviewed`);
});

t.test(
  'the seed holds the archive as it is: every file, by its SHA-256',
  { skip: archive ? false : 'ICE_ARCHIVE_DIR is not set' },
  async (t) => {
    const seed = await readSeed();
    const files = await listFilesInOrder(archive!);
    const bySeed = new Map(seed.lists.map((list) => [list.path, list.sha256]));
    const differing: string[] = [];
    for (const file of files) {
      const path = file.path.slice(archive!.replace(/\/+$/, '').length + 1);
      const hash = createHash('sha256')
        .update(await readFile(file.path))
        .digest('hex');
      if (bySeed.get(path) !== hash) differing.push(path);
    }
    t.same(
      differing,
      [],
      `${files.length} files: rebuild the seed with npm run seed -- --from ${archive} when this fails`,
    );
  },
);
