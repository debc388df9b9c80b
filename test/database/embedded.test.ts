// The embedded PostgreSQL started on a DATA_DIR inside a directory only its
// owner may enter (a clone in root's home directory, mode 700).
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import t from 'tap';
import { ROOT_FALLBACK_DIR, startEmbeddedPostgres } from '../../src/database/embedded.ts';

const asRoot = process.getuid?.() === 0;

t.test('a DATA_DIR under a mode-700 parent: the server starts, and a second process attaches to it', async (t) => {
  const parent = await mkdtemp(join(tmpdir(), 'ice-287g-private-'));
  await chmod(parent, 0o700);
  const dataDir = join(parent, 'data');
  const messages: string[] = [];
  const server = await startEmbeddedPostgres(dataDir, (message) => messages.push(message));
  t.teardown(async () => {
    await server.stop();
    await rm(parent, { recursive: true, force: true });
    await rm(server.clusterDir, { recursive: true, force: true });
  });

  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  t.equal((await client.query('SELECT 41 + 1 AS answer')).rows[0].answer, 42, 'the server answers');
  await client.end();

  if (asRoot) {
    t.ok(server.clusterDir.startsWith(`${ROOT_FALLBACK_DIR}/data-`), `as root its files go under ${ROOT_FALLBACK_DIR}`);
    const said = messages.filter((message) => message.includes(server.clusterDir));
    t.match(
      said[0],
      new RegExp(`DATA_DIR ${dataDir} is out of the postgres user's reach \\(${parent} is mode 700\\)`),
      'one line says where, and why',
    );
  } else {
    t.equal(server.clusterDir, join(dataDir, 'postgres'), 'its files stay under DATA_DIR (it runs as this user)');
  }

  // `npm run ingest` beside `npm start`: the same DATA_DIR finds the same server.
  const second = await startEmbeddedPostgres(dataDir);
  t.equal(second.owned, false, 'attached, not started again');
  t.equal(second.clusterDir, server.clusterDir);
  t.equal(second.url, server.url);
});
