// `npm run bench:ingest`: times the full backfill of the archive (every list
// before the last participating one, from an empty database) and then one
// incremental list (that one: with the pending list of its day loaded, it
// would be a late list, placed before it), both through ingestFiles as
// `npm run ingest -- --dir/--file` runs them, each in a process of its own
// (bench/ingestion-step.ts) with its peak RSS; and that list again in a process
// that has ingested one before, as the running service's scheduler does. The
// one list is timed INGEST_RUNS times (5) each way, and the median kept.
// Writes bench/results/ingest.json.
// (A late list and a full --rederive: npm run bench:rederive.)
// Needs ICE_ARCHIVE_DIR; uses DATABASE_URL's server when set (it creates and
// drops a scratch database there), else an embedded PostgreSQL under .bench-data/.
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { basename } from 'node:path';
import { createPool } from '../src/database/connect.ts';
import { startEmbeddedPostgres } from '../src/database/embedded.ts';
import { migrate } from '../src/database/migrate.ts';
import { createDatabase, dropDatabase } from '../scripts/database/temporary-database.ts';
import { listFilesInOrder } from '../src/ingestion/ingest-files.ts';
import { loadReferenceData } from '../src/reference/load.ts';
import { adminQuery } from './archive-database.ts';
import { runStep, type StepResult } from './ingestion-step.ts';

const RUNS = Number(process.env.INGEST_RUNS ?? 5);

/** The run of median time (of an odd number of runs; the later of the two middle ones otherwise). */
function medianRun(runs: StepResult[]): StepResult {
  return [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)]!;
}

const archive = process.env.ICE_ARCHIVE_DIR;
if (!archive) {
  console.error('bench:ingest needs ICE_ARCHIVE_DIR (e.g. ICE_ARCHIVE_DIR=../shared/data/ice-287g)');
  process.exit(2);
}

const embedded = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres('.bench-data');
const adminUrl = process.env.DATABASE_URL ?? embedded!.adminUrl;
const databaseUrl = await createDatabase(adminUrl, 'bench_ingest');
try {
  await migrate(databaseUrl);
  const pool = createPool(databaseUrl, 1);
  await loadReferenceData(pool);
  await pool.end();

  const files = await listFilesInOrder(archive);
  const lastAt = files.findLastIndex((file) => file.kind === 'participating');
  const last = files[lastAt]!;
  const backfillFiles = files.slice(0, lastAt).map((file) => file.path);
  const [loadAtStart = 0] = loadavg();
  const backfill = await runStep({ step: 'ingest', databaseUrl, files: backfillFiles });
  const backfilled = new URL(databaseUrl).pathname.slice(1);
  // The one list, RUNS times each way (one run moves by a sixth between runs on this machine; the median is kept),
  // each on fresh copies of the backfilled database: in a fresh process, as `npm run ingest -- --file`; and in a
  // process that has ingested before (the running service's scheduler), whose first, untimed run takes another copy.
  const incrementalRuns: StepResult[] = [];
  const warmRuns: StepResult[] = [];
  for (let run = 0; run < RUNS; run++) {
    const copies: string[] = [];
    for (const prefix of ['bench_ingest_fresh', 'bench_ingest_warm_up', 'bench_ingest_warm'])
      copies.push(await createDatabase(adminUrl, prefix, backfilled));
    try {
      // The copies' writes flushed first: a checkpoint running under a timed list would be timed with it.
      await adminQuery(adminUrl, 'CHECKPOINT');
      incrementalRuns.push(await runStep({ step: 'ingest', databaseUrl: copies[0]!, files: [last.path] }));
      warmRuns.push(
        await runStep({ step: 'ingest', databaseUrl: copies[2]!, warmUpUrl: copies[1]!, files: [last.path] }),
      );
    } finally {
      await Promise.all(copies.map((copy) => dropDatabase(adminUrl, copy)));
    }
  }
  const incremental = medianRun(incrementalRuns);
  const warm = medianRun(warmRuns);

  const results = {
    measured_at: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version, load_average_1m: [loadAtStart, loadavg()[0]] },
    backfill: { lists: backfillFiles.length, ...backfill },
    incremental: { file: basename(last.path), ...incremental, runs: incrementalRuns.map((run) => run.seconds) },
    incremental_in_a_running_service: {
      file: basename(last.path),
      seconds: warm.seconds,
      outcomes: warm.outcomes,
      runs: warmRuns.map((run) => run.seconds),
    },
    ratios_to_backfill: {
      incremental_seconds: Number((incremental.seconds / backfill.seconds).toFixed(4)),
      incremental_peak_rss: Number((incremental.peak_rss_mb / backfill.peak_rss_mb).toFixed(3)),
    },
  };
  await mkdir('bench/results', { recursive: true });
  await writeFile('bench/results/ingest.json', `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results, null, 2));
  console.log(
    `bench:ingest (load average ${loadAtStart.toFixed(1)}): backfill of ${backfillFiles.length} lists ${backfill.seconds} s, ` +
      `peak RSS ${backfill.peak_rss_mb} MB; one incremental list ${incremental.seconds} s, ${incremental.peak_rss_mb} MB ` +
      `(${warm.seconds} s in a process that has ingested before)`,
  );
} finally {
  await dropDatabase(adminUrl, databaseUrl);
  await embedded?.stop();
}
