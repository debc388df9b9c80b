// `npm run bench:rederive`: the costs of history as a function of the lists, on
// the real archive. Times the backfill of every list but one of the middle of
// 2025 (from an empty database, through ingestFiles as bench:ingest does),
// then that list arriving late (a re-derivation from the stored rows), then a
// full `--rederive`; each step in a process of its own (bench/ingestion-step.ts),
// so that each peak RSS is that step's alone. Goals (issue #19): the late list
// ≤ 10 s; --rederive ≤ the backfill; the peak RSS of both within the backfill's.
// Writes bench/results/rederive.json and prints a one-line summary of the goals.
// Needs ICE_ARCHIVE_DIR; uses DATABASE_URL's server when set, else an embedded
// PostgreSQL under .bench-data/.
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { basename } from 'node:path';
import { createPool } from '../src/database/connect.ts';
import { startEmbeddedPostgres } from '../src/database/embedded.ts';
import { migrate } from '../src/database/migrate.ts';
import { createDatabase, dropDatabase } from '../scripts/database/temporary-database.ts';
import { listFilesInOrder } from '../src/ingestion/ingest-files.ts';
import { loadReferenceData } from '../src/reference/load.ts';
import { runStep } from './ingestion-step.ts';

const archive = process.env.ICE_ARCHIVE_DIR;
if (!archive) {
  console.error('bench:rederive needs ICE_ARCHIVE_DIR (e.g. ICE_ARCHIVE_DIR=../shared/data/ice-287g)');
  process.exit(2);
}
const LATE_LIST = 'participatingAgencies07152025am.xlsx';
/** Issue #19's goal for a late list into the full archive, on an idle machine. */
const LATE_LIST_GOAL_SECONDS = 10;

const embedded = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres('.bench-data');
const adminUrl = process.env.DATABASE_URL ?? embedded!.adminUrl;
const databaseUrl = await createDatabase(adminUrl, 'bench_rederive');
try {
  await migrate(databaseUrl);
  const pool = createPool(databaseUrl, 1);
  await loadReferenceData(pool);
  await pool.end();

  const files = (await listFilesInOrder(archive)).map((file) => file.path);
  const late = files.find((path) => basename(path) === LATE_LIST)!;
  const [loadAtStart = 0] = loadavg();
  const backfill = await runStep({ step: 'ingest', databaseUrl, files: files.filter((path) => path !== late) });
  const lateList = await runStep({ step: 'ingest', databaseUrl, files: [late] });
  const rederive = await runStep({ step: 'rederive', databaseUrl });

  const ratio = (value: number, of: number) => Number((value / of).toFixed(3));
  const results = {
    measured_at: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version, load_average_1m: [loadAtStart, loadavg()[0]] },
    backfill: { lists: files.length - 1, ...backfill },
    late_list: { file: LATE_LIST, ...lateList },
    rederive,
    ratios_to_backfill: {
      late_list_seconds: ratio(lateList.seconds, backfill.seconds),
      late_list_peak_rss: ratio(lateList.peak_rss_mb, backfill.peak_rss_mb),
      rederive_seconds: ratio(rederive.seconds, backfill.seconds),
      rederive_peak_rss: ratio(rederive.peak_rss_mb, backfill.peak_rss_mb),
    },
    goals: {
      late_list_within_10_s: lateList.seconds <= LATE_LIST_GOAL_SECONDS,
      rederive_within_backfill_time: rederive.seconds <= backfill.seconds,
      late_list_within_backfill_peak_rss: lateList.peak_rss_mb <= backfill.peak_rss_mb,
      rederive_within_backfill_peak_rss: rederive.peak_rss_mb <= backfill.peak_rss_mb,
    },
  };
  await mkdir('bench/results', { recursive: true });
  await writeFile('bench/results/rederive.json', `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results, null, 2));
  const check = (met: boolean) => (met ? 'ok' : 'MISSED');
  const { ratios_to_backfill: r, goals } = results;
  console.log(
    `bench:rederive (load average ${loadAtStart.toFixed(1)}): backfill ${backfill.seconds} s, ${backfill.peak_rss_mb} MB; ` +
      `late list ${lateList.seconds} s ≤ ${LATE_LIST_GOAL_SECONDS} s ${check(goals.late_list_within_10_s)} (${r.late_list_seconds}× the backfill); ` +
      `--rederive ${rederive.seconds} s ≤ backfill ${check(goals.rederive_within_backfill_time)} (${r.rederive_seconds}×); ` +
      `peak RSS late list ${lateList.peak_rss_mb} MB ${check(goals.late_list_within_backfill_peak_rss)} (${r.late_list_peak_rss}×), ` +
      `--rederive ${rederive.peak_rss_mb} MB ${check(goals.rederive_within_backfill_peak_rss)} (${r.rederive_peak_rss}×) ≤ the backfill's`,
  );
} finally {
  await dropDatabase(adminUrl, databaseUrl);
  await embedded?.stop();
}
