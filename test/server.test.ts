// `npm start` as a user runs it: a real process, real signals, real ports.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { buildList } from './helpers/build-list.ts';
import { testDatabase } from './helpers/database.ts';
import { SEED_LISTS } from './helpers/fixtures.ts';
import { freePort, runIngest, startService as startServer, temporaryDataDir, waitReady } from './helpers/processes.ts';
import { waitFor } from './helpers/wait.ts';

t.test('a wrong setting stops start-up with one line naming it', async (t) => {
  const server = startServer({ PORT: 'eighty' });
  t.equal(await server.exited, 1);
  const lines = server.stderr().trim().split('\n');
  t.equal(lines.length, 1, server.stderr());
  t.match(lines[0], /^invalid configuration: PORT "eighty"/);
});

t.test('a database that never answers: clear message, non-zero exit, after a bounded retry', async (t) => {
  const port = await freePort();
  const server = startServer({
    DATABASE_URL: `postgresql://nobody:hunter2@127.0.0.1:${port}/none`,
    DB_CONNECT_TIMEOUT_S: '1',
  });
  t.equal(await server.exited, 1);
  t.match(
    server.stderr(),
    /cannot start: database postgresql:\/\/nobody:\*\*\*@127\.0\.0\.1:\d+\/none did not answer within 1s/,
  );
  t.notMatch(server.stderr(), /hunter2/, 'the password is not printed');
});

t.test('with DATABASE_URL: serves, is ready, and SIGTERM closes cleanly', async (t) => {
  const db = await testDatabase(t);
  const port = await freePort();
  const server = startServer({ DATABASE_URL: db.url, PORT: String(port) });
  t.teardown(() => server.child.kill('SIGKILL'));
  const ready = await waitReady(port, server);
  t.equal(((await ready.json()) as { status: string }).status, 'ready');
  server.child.kill('SIGTERM');
  t.equal(await server.exited, 0, 'exit 0 on SIGTERM');
});

t.test('without DATABASE_URL: an embedded PostgreSQL under DATA_DIR, shared with `npm run ingest`', async (t) => {
  const dataDir = await temporaryDataDir(t);
  const port = await freePort();
  const server = startServer({ DATA_DIR: dataDir, PORT: String(port) });
  t.teardown(() => server.child.kill('SIGKILL'));
  await waitReady(port, server);
  const get = async (path: string) => (await fetch(`http://127.0.0.1:${port}${path}`)).json() as Promise<any>;

  // Reference data is loaded: states, counties, models, reports.
  t.equal((await get('/v1/states')).data.length, 56, '50 states, DC and 5 territories');
  t.equal((await get('/v1/counties/48201')).data.name, 'Harris County');
  t.equal((await get('/v1/models')).data.length, 5);
  t.equal((await get('/v1/reports')).data.length, 10);
  t.equal((await get('/v1/stats')).active_agreements, 0, 'no agreements before the first list');

  // The CLI on the same DATA_DIR attaches to the running embedded server; the service serves the list at once.
  const listFile = join(dataDir, SEED_LISTS[0]!.fileName);
  await writeFile(listFile, await buildList({ columns: SEED_LISTS[0]!.columns, rows: SEED_LISTS[0]!.rows }));
  const ingest = runIngest(['--file', listFile], { DATA_DIR: dataDir });
  t.equal(await ingest.exited, 0, ingest.stderr());
  t.match(ingest.stderr(), /attached to the embedded PostgreSQL already running/);
  const active = await waitFor(
    'the running service serves the new list',
    async () => (await get('/v1/stats')).active_agreements || undefined,
  );
  t.equal(active, 5, 'the running service serves the new list without a restart');

  server.child.kill('SIGTERM');
  t.equal(await server.exited, 0, 'exit 0 on SIGTERM, embedded server stopped');
});
