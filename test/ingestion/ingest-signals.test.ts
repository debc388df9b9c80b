// `npm run ingest -- --dir` stopped by a signal to npm's pid in the middle of a list: the list in progress
// rolls back, everything the run started ends within 10 s (its embedded PostgreSQL with a clean shutdown),
// and the next run applies the list.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import t from 'tap';
import { buildList } from '../helpers/build-list.ts';
import { testDatabase } from '../helpers/database.ts';
import { SEED_LISTS } from '../helpers/fixtures.ts';
import { buildLargeList } from '../helpers/large-list.ts';
import {
  cleanShutdownLogged,
  descendants,
  embeddedSettings,
  listening,
  npmRun,
  running,
  waitUntil,
} from '../helpers/npm-processes.ts';
import { temporaryDataDir } from '../helpers/processes.ts';

/** True once the first list is applied and the run is writing the second (its transaction holds an id). */
async function writingSecondList(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    const { rows } = await client.query<{ applied: number; writing: number }>(
      `SELECT (SELECT count(*)::int FROM source_lists WHERE status = 'applied') AS applied,
              (SELECT count(*)::int FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL) AS writing`,
    );
    return rows[0]!.applied === 1 && rows[0]!.writing > 0;
  } catch {
    return false; // not started, or not migrated yet
  } finally {
    await client.end().catch(() => {});
  }
}

// SIGTERM only: SIGINT takes the same path (test/server-signals.test.ts covers both on the service).
for (const signal of ['SIGTERM'] as const) {
  t.test(
    `${signal} to npm run ingest's pid mid-list: rolled back, all ended within 10 s, the next run applies it`,
    async (t) => {
      const db = await testDatabase(t);
      const dataDir = await temporaryDataDir(t);
      const listsDir = join(dataDir, 'lists');
      await mkdir(listsDir);
      const seed = SEED_LISTS[0]!;
      await writeFile(join(listsDir, seed.fileName), await buildList({ columns: seed.columns, rows: seed.rows }));
      const large = 'participatingAgencies06012025pm.xlsx';
      await writeFile(join(listsDir, large), await buildLargeList(db.pool, '2025-05-20'));

      const run = npmRun(['run', 'ingest', '--', '--dir', listsDir], { DATA_DIR: dataDir });
      const tree: number[] = [];
      t.teardown(() => {
        for (const pid of [run.child.pid!, ...tree]) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // gone
          }
        }
      });
      await waitUntil(
        async () => {
          if (run.child.exitCode !== null) throw new Error(`the ingestion ended first: ${run.stderr()}`);
          const settings = await embeddedSettings(dataDir).catch(() => undefined);
          return settings !== undefined && (await writingSecondList(settings.url));
        },
        120_000,
        'the ingestion never got to write the second list',
      );
      const { port: postgresPort } = await embeddedSettings(dataDir);
      tree.push(...descendants(run.child.pid!));
      t.ok(tree.length >= 2, `npm started node and its embedded PostgreSQL (${tree.length} processes)`);

      run.child.kill(signal);
      const ms = await waitUntil(
        async () => tree.every((pid) => !running(pid)) && !(await listening(postgresPort)),
        10_000,
        `processes left: ${tree.filter(running).join(', ')}`,
      );
      t.pass(`every process gone and PostgreSQL's port closed after ${ms} ms`);
      t.not(await run.exited, 0, 'npm run ingest exits non-zero');
      t.match(run.stderr(), new RegExp(`interrupted by ${signal}: the list in progress is rolled back`));
      t.ok(await cleanShutdownLogged(dataDir), 'PostgreSQL logged a clean shutdown');

      const again = npmRun(['run', 'ingest', '--', '--dir', listsDir, '--json'], { DATA_DIR: dataDir });
      t.equal(await again.exited, 0, again.stderr());
      const report = JSON.parse(again.stdout()) as { lists: { fileName: string; outcome: string }[] };
      t.same(
        report.lists.map((list) => [list.fileName, list.outcome]),
        [
          [seed.fileName, 'skipped'],
          [large, 'applied'],
        ],
        'the first list stayed applied; the interrupted one was not, and the next run applies it',
      );
    },
  );
}
