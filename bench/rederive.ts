// `npm run bench:rederive`: the costs of history as a function of the lists, on
// the real archive. Times the backfill of every list but one of the middle of
// 2025 (from an empty database, through ingestFiles as bench:ingest does),
// then that list arriving late (a re-derivation from the stored rows), then a
// full `--rederive`; with the peak RSS of each step (sampled every 50 ms).
// Goals (issue #19): the late list ≤ 10 s; --rederive ≤ the backfill; memory
// within the backfill's peak. Writes bench/results/rederive.json.
// Needs ICE_ARCHIVE_DIR; uses DATABASE_URL's server when set, else an embedded
// PostgreSQL under .bench-data/.
import { mkdir, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { createPool } from '../src/database/connect.ts';
import { startEmbeddedPostgres } from '../src/database/embedded.ts';
import { migrate } from '../src/database/migrate.ts';
import { createDatabase, dropDatabase } from '../scripts/database/temporary-database.ts';
import { ingestFiles, listFilesInOrder, type FileOutcome } from '../src/ingestion/ingest-files.ts';
import { rederiveHistory } from '../src/ingestion/history/rederive.ts';
import { loadReferenceData } from '../src/reference/load.ts';

const archive = process.env.ICE_ARCHIVE_DIR;
if (!archive) {
  console.error('bench:rederive needs ICE_ARCHIVE_DIR (e.g. ICE_ARCHIVE_DIR=../shared/data/ice-287g)');
  process.exit(2);
}
const LATE_LIST = 'participatingAgencies07152025am.xlsx';

/** Runs `work`, returning its seconds and the highest RSS seen meanwhile (MB). */
async function measure<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number; peakRssMb: number }> {
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  const started = performance.now();
  try {
    const value = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return {
      value,
      seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
      peakRssMb: Math.round(peak / 1024 / 1024),
    };
  } finally {
    clearInterval(sampler);
  }
}

const embedded = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres('.bench-data');
const adminUrl = process.env.DATABASE_URL ?? embedded!.adminUrl;
const url = await createDatabase(adminUrl, 'bench_rederive');
try {
  await migrate(url);
  const pool = createPool(url, 4);
  await loadReferenceData(pool);

  const files = (await listFilesInOrder(archive)).map((file) => file.path);
  const late = files.find((path) => basename(path) === LATE_LIST)!;
  const outcomes: Record<string, number> = {};
  const count = (outcome: FileOutcome) => {
    const name = 'report' in outcome ? outcome.report.outcome : 'bad_input';
    outcomes[name] = (outcomes[name] ?? 0) + 1;
  };
  const backfill = await measure(() =>
    ingestFiles(
      pool,
      files.filter((path) => path !== late),
      {},
      count,
    ),
  );
  let lateOutcome: FileOutcome | undefined;
  const lateList = await measure(() => ingestFiles(pool, [late], {}, (outcome) => (lateOutcome = outcome)));
  const rederive = await measure(() => rederiveHistory(pool));
  await pool.end();

  const results = {
    measured_at: new Date().toISOString(),
    machine: {
      cpus: (await import('node:os')).cpus().length,
      node: process.version,
      load_average_1m: (await import('node:os')).loadavg()[0],
    },
    backfill: { lists: files.length - 1, seconds: backfill.seconds, peak_rss_mb: backfill.peakRssMb, outcomes },
    late_list: {
      file: LATE_LIST,
      outcome: lateOutcome && 'report' in lateOutcome ? lateOutcome.report.outcome : 'bad_input',
      seconds: lateList.seconds,
      peak_rss_mb: lateList.peakRssMb,
    },
    rederive: {
      lists: rederive.value.lists,
      seconds: rederive.seconds,
      peak_rss_mb: rederive.peakRssMb,
      events_changed: rederive.value.changes.events,
    },
  };
  await mkdir('bench/results', { recursive: true });
  await writeFile('bench/results/rederive.json', `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results, null, 2));
} finally {
  await dropDatabase(adminUrl, url);
  await embedded?.stop();
}
