// An ingestion killed (SIGKILL, a real process) in the middle of a large
// list's transaction leaves the database exactly as it was; the next run
// applies the list.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { ingestList } from '../../src/ingestion/ingest.ts';
import { buildList } from '../helpers/build-list.ts';
import { testDatabase } from '../helpers/database.ts';
import { SEED_LISTS } from '../helpers/fixtures.ts';
import { buildLargeList } from '../helpers/large-list.ts';
import { databaseDigest } from '../helpers/database-contents.ts';
import { runIngest, temporaryDataDir } from '../helpers/processes.ts';
import { waitFor } from '../helpers/wait.ts';

t.test('SIGKILL during the transaction of a large list: nothing changed, and the next run applies it', async (t) => {
  const db = await testDatabase(t);
  const seed = SEED_LISTS[0]!;
  await ingestList(db.pool, {
    buffer: await buildList({ columns: seed.columns, rows: seed.rows }),
    fileName: seed.fileName,
  });
  const before = await databaseDigest(db.pool);

  const dir = await temporaryDataDir(t);
  const file = join(dir, 'participatingAgencies06012025pm.xlsx');
  await writeFile(file, await buildLargeList(db.pool, '2025-05-20'));

  const run = runIngest(['--file', file], { DATABASE_URL: db.url, LOG_LEVEL: 'silent' });
  // The moment the CLI's transaction has written something (it holds a transaction id), kill it.
  const writer = await waitFor(
    'the ingestion holds a transaction id (it has started writing)',
    async () => {
      if (run.child.exitCode !== null)
        throw new Error(`the ingestion ended before it could be caught writing: ${run.stderr()}`);
      const found = await db.pool.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL`,
      );
      return found.rows[0]?.pid;
    },
    { intervalMs: 10 },
  );
  t.ok(writer, 'caught the ingestion inside its transaction, after it started writing');
  run.child.kill('SIGKILL');
  await run.exited;
  t.equal(run.child.signalCode, 'SIGKILL', 'the ingestion died mid-list');
  // PostgreSQL rolls the transaction back when it sees the connection gone.
  await waitFor(
    `PostgreSQL ends the killed ingestion's backend (pid ${writer})`,
    async () => (await db.pool.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [writer])).rowCount === 0,
    { intervalMs: 20 },
  );

  t.same(await databaseDigest(db.pool), before, 'every table exactly as it was');

  const again = runIngest(['--file', file, '--json'], { DATABASE_URL: db.url, LOG_LEVEL: 'silent' });
  t.equal(await again.exited, 0, `the next run exits 0 ${again.stderr()}`);
  const list = await db.pool.query(
    `SELECT status FROM source_lists WHERE file_name = 'participatingAgencies06012025pm.xlsx'`,
  );
  t.same(list.rows, [{ status: 'applied' }], 'the next run applies the list');
  const signed = await db.pool.query(
    `SELECT count(*)::int AS n FROM agreements WHERE signed_on = '2025-05-20' AND status = 'active'`,
  );
  t.ok(signed.rows[0].n > 3000, `its agreements are active (${signed.rows[0].n})`);
});
