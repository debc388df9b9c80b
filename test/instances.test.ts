// Several instances of the service on one PostgreSQL: a list ingested through
// the CLI is served by all of them at once (each drops its cache when the
// database notifies it), and ingestions started together run one after the other.
// That they never overlap is recorded inside the database, by every write they
// make (a trigger), not sampled from outside.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import t from 'tap';
import { INGESTION_RUN_LOCK } from '../src/ingestion/ingest-urls.ts';
import { buildList } from './helpers/build-list.ts';
import { testDatabase } from './helpers/database.ts';
import { SEED_LISTS } from './helpers/fixtures.ts';
import { freePort, runIngest, startService, temporaryDataDir, waitReady } from './helpers/processes.ts';
import { waitFor } from './helpers/wait.ts';

// Every statement that writes what an ingestion writes takes this transaction lock, or fails when another
// transaction holds it: two ingestions writing at once make the second fail, saying so. Reentrant within one
// transaction, released at its end.
const ONE_WRITER = `
  CREATE FUNCTION one_ingestion_writing() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF NOT pg_try_advisory_xact_lock(287, 999) THEN
      RAISE EXCEPTION 'two ingestions writing at once (a write to % while another ingestion''s transaction had written)', TG_TABLE_NAME;
    END IF;
    RETURN NULL;
  END $$;
  DO $$
  DECLARE name text;
  BEGIN
    FOREACH name IN ARRAY ARRAY['source_lists', 'agencies', 'agency_aliases', 'agreements', 'agreement_events', 'agreement_status_spans', 'dataset_version'] LOOP
      EXECUTE format('CREATE TRIGGER one_ingestion_writing BEFORE INSERT OR UPDATE OR DELETE ON %I FOR EACH STATEMENT EXECUTE FUNCTION one_ingestion_writing()', name);
    END LOOP;
  END $$;`;

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
    ((await (await fetch(`http://127.0.0.1:${port}/v1/stats`)).json()) as { active_agreements: number })
      .active_agreements;
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
  await Promise.all(
    instances.map(({ port }) =>
      waitFor(
        `the instance on port ${port} serves the five agreements of the new list`,
        async () => (await stats(port)) === 5,
      ),
    ),
  );
  t.pass('both instances serve the new list');
  for (const { service } of instances) {
    t.match(
      service.stdout(),
      /"via":"notification"[^\n]*"msg":"dataset changed: caches dropped"/,
      'dropped its cache on the database notification',
    );
    t.notMatch(service.stdout(), /"via":"poll"/, 'not on the periodic re-read');
  }

  // Two ingestions started together while a third holds the run lock (so neither can be done before
  // the other starts): both wait, then run one after the other, and both lists are applied.
  await db.pool.query(ONE_WRITER);
  const holder = new pg.Client({ connectionString: db.url });
  await holder.connect();
  await holder.query('SELECT pg_advisory_lock($1)', [INGESTION_RUN_LOCK]);
  const versionBefore = (await db.pool.query('SELECT version FROM dataset_version')).rows[0].version as number;
  const pair = [
    runIngest(['--file', files[1]!], { DATABASE_URL: db.url }),
    runIngest(['--file', files[2]!], { DATABASE_URL: db.url }),
  ];
  await waitFor('both ingestions say they wait for the one holding the run lock', () => {
    const exited = pair.find((run) => run.child.exitCode !== null);
    if (exited) throw new Error(`an ingestion ended while the run lock was held: ${exited.stderr()}`);
    return pair.every((run) => run.stderr().includes('another ingestion is running; waiting for it to finish'));
  });
  t.pass('both wait while another ingestion runs');
  await holder.query('SELECT pg_advisory_unlock($1)', [INGESTION_RUN_LOCK]);
  await holder.end();
  // Had they written at the same time, the trigger would have failed one of them ("two ingestions writing at once").
  t.same(
    await Promise.all(pair.map((run) => run.exited)),
    [0, 0],
    `both succeed, never writing at once: ${pair.map((run) => run.stderr()).join('\n')}`,
  );
  const lists = await db.pool.query(`SELECT file_name, status FROM source_lists ORDER BY file_name`);
  t.same(
    lists.rows.map((row) => `${row.file_name} ${row.status}`).sort(),
    SEED_LISTS.slice(0, 3)
      .map((list) => `${list.fileName} applied`)
      .sort(),
    'both lists applied',
  );
  t.equal(
    (await db.pool.query('SELECT version FROM dataset_version')).rows[0].version,
    versionBefore + 2,
    'two dataset versions, one per list',
  );

  const expected = (await db.pool.query(`SELECT count(*)::int AS n FROM agreements WHERE status = 'active'`)).rows[0]
    .n as number;
  for (const { port } of instances) {
    await waitFor(
      `the instance on port ${port} serves the final state (${expected} active)`,
      async () => (await stats(port)) === expected,
    );
    t.pass(`instance on port ${port} serves the final state`);
  }
});
