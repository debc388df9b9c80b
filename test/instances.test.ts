// Several instances of the service on one PostgreSQL: a list ingested through
// the CLI is served by all of them at once (each drops its cache when the
// database notifies it), and ingestions started together run one after the other.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import t from 'tap';
import { INGESTION_RUN_LOCK } from '../src/ingestion/ingest-urls.ts';
import { buildList } from './helpers/build-list.ts';
import { testDatabase } from './helpers/database.ts';
import { SEED_LISTS } from './helpers/fixtures.ts';
import { freePort, runIngest, startService, temporaryDataDir, waitReady } from './helpers/processes.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

t.test('two instances, one database: both serve a new list at once; two ingestions queue', async (t) => {
  const db = await testDatabase(t);
  const instances = await Promise.all(
    [0, 1].map(async () => {
      const port = await freePort();
      const service = startService({ DATABASE_URL: db.url, PORT: String(port), LOG_LEVEL: 'info' });
      t.teardown(() => service.child.kill('SIGKILL'));
      return { port, service };
    }),
  );
  for (const { port, service } of instances) await waitReady(port, service);
  const stats = async (port: number) =>
    ((await (await fetch(`http://127.0.0.1:${port}/v1/stats`)).json()) as { active_agreements: number }).active_agreements;
  for (const { port } of instances) t.equal(await stats(port), 0, 'empty, and the answer is now cached');

  const dir = await temporaryDataDir(t);
  const files = await Promise.all(
    SEED_LISTS.slice(0, 3).map(async (list) => {
      const file = join(dir, list.fileName);
      await writeFile(file, await buildList({ columns: list.columns, rows: list.rows }));
      return file;
    }),
  );

  const first = runIngest(['--file', files[0]!], { DATABASE_URL: db.url });
  t.equal(await first.exited, 0, first.stderr());
  const servedBy = await Promise.all(
    instances.map(async ({ port }) => {
      for (let attempt = 0; attempt < 100; attempt++) {
        if ((await stats(port)) === 5) return true;
        await sleep(50);
      }
      return false;
    }),
  );
  t.same(servedBy, [true, true], 'both instances serve the new list');
  for (const { service } of instances) {
    t.match(service.stdout(), /"via":"notification"[^\n]*"msg":"dataset changed: caches dropped"/, 'dropped its cache on the database notification');
    t.notMatch(service.stdout(), /"via":"poll"/, 'not on the periodic re-read');
  }

  // Two ingestions started together while a third holds the run lock (so neither can be done before
  // the other starts): both wait, then run one after the other, and both lists are applied.
  const holder = new pg.Client({ connectionString: db.url });
  await holder.connect();
  await holder.query('SELECT pg_advisory_lock($1)', [INGESTION_RUN_LOCK]);
  const versionBefore = (await db.pool.query('SELECT version FROM dataset_version')).rows[0].version as number;
  const pair = [runIngest(['--file', files[1]!], { DATABASE_URL: db.url }), runIngest(['--file', files[2]!], { DATABASE_URL: db.url })];
  while (!pair.every((run) => run.stderr().includes('another ingestion is running; waiting for it to finish'))) {
    if (pair.some((run) => run.child.exitCode !== null)) break;
    await sleep(50);
  }
  t.ok(pair.every((run) => run.child.exitCode === null), 'both wait while another ingestion runs');
  // While they run, at most one ingestion transaction writes at any moment.
  let mostWritersAtOnce = 0;
  const sampling = (async () => {
    while (pair.some((run) => run.child.exitCode === null)) {
      const writers = await db.pool.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()`,
      );
      mostWritersAtOnce = Math.max(mostWritersAtOnce, writers.rows[0].n);
      await sleep(5);
    }
  })();
  await holder.query('SELECT pg_advisory_unlock($1)', [INGESTION_RUN_LOCK]);
  await holder.end();
  t.same(await Promise.all(pair.map((run) => run.exited)), [0, 0], pair.map((run) => run.stderr()).join('\n'));
  await sampling;
  t.ok(mostWritersAtOnce <= 1, `never two ingestions writing at once (at most ${mostWritersAtOnce} seen)`);
  const lists = await db.pool.query(`SELECT file_name, status FROM source_lists ORDER BY file_name`);
  t.same(
    lists.rows.map((row) => `${row.file_name} ${row.status}`).sort(),
    SEED_LISTS.slice(0, 3).map((list) => `${list.fileName} applied`).sort(),
    'both lists applied',
  );
  t.equal((await db.pool.query('SELECT version FROM dataset_version')).rows[0].version, versionBefore + 2, 'two dataset versions, one per list');

  const expected = (await db.pool.query(`SELECT count(*)::int AS n FROM agreements WHERE status = 'active'`)).rows[0].n as number;
  for (const { port } of instances) {
    let active = -1;
    for (let attempt = 0; attempt < 100 && active !== expected; attempt++) {
      active = await stats(port);
      if (active !== expected) await sleep(50);
    }
    t.equal(active, expected, `instance on port ${port} serves the final state`);
  }
});
