// `npm run backup` while the service serves, `npm run restore` into a new data directory: the restored
// service answers exactly as the original (stats at every list date, every release's bytes, whole exports).
// Restore refuses a database that is not empty unless --force, and a file that is no backup.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { buildList } from '../helpers/build-list.ts';
import { SEED_LISTS } from '../helpers/fixtures.ts';
import { npmRun, waitUntil } from '../helpers/npm-processes.ts';
import { freePort, temporaryDataDir, waitReady } from '../helpers/processes.ts';

/** Writes the seed lists from `from` to `to` (exclusive) into a new folder, for one `npm run ingest -- --dir`. */
async function listsFolder(root: string, name: string, from: number, to: number): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir);
  for (const list of SEED_LISTS.slice(from, to))
    await writeFile(join(dir, list.fileName), await buildList({ columns: list.columns, rows: list.rows }));
  return dir;
}

async function ingest(dataDir: string, dir: string): Promise<void> {
  const run = npmRun(['run', 'ingest', '--', '--dir', dir], { DATA_DIR: dataDir });
  if ((await run.exited) !== 0) throw new Error(`ingest failed: ${run.stderr()}`);
}

async function startService(t: Test, dataDir: string) {
  const port = await freePort();
  // No rate limit in the way of the requests that run during the backup.
  const service = npmRun(['start'], {
    DATA_DIR: dataDir,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    RATE_LIMIT_MAX: '1000000',
  });
  t.teardown(() => service.child.kill('SIGKILL'));
  await waitReady(port, service);
  return {
    port,
    get: (path: string, accept = 'application/json') =>
      fetch(`http://127.0.0.1:${port}${path}`, { headers: { accept } }),
    async stop() {
      service.child.kill('SIGTERM');
      await service.exited;
    },
  };
}
type Service = Awaited<ReturnType<typeof startService>>;

/** What a user of the service sees: every answer that depends on the data, as bytes, by path. */
async function answers(service: Service): Promise<Map<string, Buffer>> {
  const seen = new Map<string, Buffer>();
  const take = async (path: string, accept?: string) => {
    const response = await service.get(path, accept);
    if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
    const body = Buffer.from(await response.arrayBuffer());
    seen.set(`${accept ?? ''} ${path}`, body);
    return body;
  };
  const lists = JSON.parse((await take('/v1/lists')).toString()) as { data: { list_date: string }[] };
  for (const date of new Set(lists.data.map((list) => list.list_date))) await take(`/v1/stats?as_of=${date}`);
  await take('/v1/stats/timeseries');
  await take('/v1/agreements', 'text/csv');
  await take('/v1/agencies', 'text/csv');
  await take('/v1/changes');
  const releases = JSON.parse((await take('/v1/releases')).toString()) as { data: { version: number }[] };
  for (const { version } of releases.data) {
    const manifest = JSON.parse((await take(`/v1/releases/${version}`)).toString()) as {
      data: { files: { name: string }[] };
    };
    for (const file of manifest.data.files) await take(`/v1/releases/${version}/${file.name}`);
  }
  return seen;
}

t.test(
  'a backup taken while the service serves restores into a new data directory that answers the same',
  async (t) => {
    const original = await temporaryDataDir(t);
    const work = await temporaryDataDir(t);
    // Two ingestion runs: two dataset versions, each with its release.
    await ingest(original, await listsFolder(work, 'first', 0, 3));
    await ingest(original, await listsFolder(work, 'rest', 3, SEED_LISTS.length));

    const service = await startService(t, original);
    const before = await answers(service);
    t.ok(
      [...before.keys()].filter((key) => key.includes('as_of=')).length >= 3,
      `stats at every list date (${before.size} answers compared)`,
    );
    t.ok(
      [...before.keys()].some((key) => /\/v1\/releases\/\d+\/.+/.test(key)),
      'and release files',
    );

    // Requests keep running during the backup.
    let serving = true;
    const statuses: number[] = [];
    const load = (async () => {
      while (serving) statuses.push((await service.get('/v1/agreements?limit=50')).status);
    })();
    const file = join(work, 'backup.gz');
    const backup = npmRun(['run', 'backup', '--', '--out', file], { DATA_DIR: original });
    const code = await backup.exited;
    serving = false;
    await load;
    t.equal(code, 0, backup.stderr());
    t.match(
      backup.stdout(),
      /^backup .*backup\.gz: \d+ tables, \d+ rows, schema at migration \d+_\w+/m,
      'one line says what it wrote',
    );
    t.ok(
      statuses.length > 0 && statuses.every((status) => status === 200),
      `requests during the backup all answered 200 (${statuses.length}; ${[...new Set(statuses)].join(', ')})`,
    );
    await service.stop();

    const restoredDir = await temporaryDataDir(t);
    const restore = npmRun(['run', 'restore', '--', file], { DATA_DIR: restoredDir });
    t.equal(await restore.exited, 0, restore.stderr());
    t.match(restore.stdout(), /^restored .*: \d+ tables, \d+ rows/m);

    const restored = await startService(t, restoredDir);
    const after = await answers(restored);
    t.same([...after.keys()], [...before.keys()], 'the same answers exist');
    const differing = [...before].filter(([key, body]) => !after.get(key)?.equals(body)).map(([key]) => key);
    t.same(differing, [], 'every answer is byte-identical');
    if (differing[0])
      t.same(
        after.get(differing[0])!.toString(),
        before.get(differing[0])!.toString(),
        `first difference: ${differing[0]}`,
      );

    // The restored service goes on: a new list applies on top of the restored history.
    await restored.stop();
    t.equal((await readFile(file)).subarray(0, 2).toString('hex'), '1f8b', 'the backup is gzip');
  },
);

t.test('restore refuses a database that is not empty unless --force, and a file that is no backup', async (t) => {
  const dataDir = await temporaryDataDir(t);
  const work = await temporaryDataDir(t);
  await ingest(dataDir, await listsFolder(work, 'one', 0, 1));
  const file = join(work, 'backup.gz');
  const backup = npmRun(['run', 'backup', '--', '--out', file], { DATA_DIR: dataDir });
  t.equal(await backup.exited, 0, backup.stderr());

  const refused = npmRun(['run', 'restore', '--', file], { DATA_DIR: dataDir });
  t.equal(await refused.exited, 2, 'exit 2');
  t.match(
    refused.stderr(),
    /^restore: the database is not empty \(\d+ tables, e\.g\. \w+\): restore into an empty one, or add --force/m,
  );

  const forced = npmRun(['run', 'restore', '--', file, '--force'], { DATA_DIR: dataDir });
  t.equal(await forced.exited, 0, `--force replaces it ${forced.stderr()}`);

  const notABackup = join(work, 'list.xlsx');
  await writeFile(notABackup, await buildList({ columns: SEED_LISTS[0]!.columns, rows: SEED_LISTS[0]!.rows }));
  const wrongFile = npmRun(['run', 'restore', '--', notABackup, '--force'], { DATA_DIR: dataDir });
  t.equal(await wrongFile.exited, 2);
  t.match(wrongFile.stderr(), /^restore: .*list\.xlsx is not a backup of this service/m);

  // Nothing changed by the refused restore: the service still answers the list.
  const port = await freePort();
  const service = npmRun(['start'], { DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' });
  t.teardown(() => service.child.kill('SIGKILL'));
  await waitReady(port, service);
  const stats = (await (await fetch(`http://127.0.0.1:${port}/v1/stats`)).json()) as { active_agreements: number };
  t.equal(stats.active_agreements, 5, 'the restored list is served');
  service.child.kill('SIGTERM');
  await waitUntil(
    () => service.child.exitCode !== null || service.child.signalCode !== null,
    10_000,
    'the service did not stop',
  );
});
