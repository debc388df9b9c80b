// `npm run bench:ingest`: times the full backfill of the archive (every list
// but the last, from an empty database) and then one incremental list (the
// last), both through ingestFiles as `npm run ingest -- --dir/--file` runs
// them, and reports peak memory. Writes bench/results/ingest.json.
// Needs ICE_ARCHIVE_DIR; uses DATABASE_URL's server when set (it creates and
// drops a scratch database there), else an embedded PostgreSQL under .bench-data/.
import { mkdir, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { createPool } from '../src/database/connect.ts';
import { startEmbeddedPostgres } from '../src/database/embedded.ts';
import { migrate } from '../src/database/migrate.ts';
import { createDatabase, dropDatabase } from '../scripts/database/temporary-database.ts';
import { ingestFiles, listFilesInOrder, type FileOutcome } from '../src/ingestion/ingest-files.ts';
import { loadReferenceData } from '../src/reference/load.ts';

const archive = process.env.ICE_ARCHIVE_DIR;
if (!archive) {
  console.error('bench:ingest needs ICE_ARCHIVE_DIR (e.g. ICE_ARCHIVE_DIR=../shared/data/ice-287g)');
  process.exit(2);
}

const embedded = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres('.bench-data');
const adminUrl = process.env.DATABASE_URL ?? embedded!.adminUrl;
const url = await createDatabase(adminUrl, 'bench_ingest');
try {
  await migrate(url);
  const pool = createPool(url, 4);
  await loadReferenceData(pool);

  const files = await listFilesInOrder(archive);
  const last = files.findLast((file) => file.kind === 'participating')!;
  const backfillFiles = files.filter((file) => file !== last);
  const outcomes: Record<string, number> = {};
  const count = (outcome: FileOutcome) => {
    const name = 'report' in outcome ? outcome.report.outcome : 'bad_input';
    outcomes[name] = (outcomes[name] ?? 0) + 1;
  };
  const started = performance.now();
  await ingestFiles(
    pool,
    backfillFiles.map((file) => file.path),
    {},
    count,
  );
  const backfillSeconds = (performance.now() - started) / 1000;

  let incremental: FileOutcome | undefined;
  const incrementalStarted = performance.now();
  await ingestFiles(pool, [last.path], {}, (outcome) => (incremental = outcome));
  const incrementalSeconds = (performance.now() - incrementalStarted) / 1000;
  await pool.end();

  const results = {
    measured_at: new Date().toISOString(),
    machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
    backfill: { lists: backfillFiles.length, seconds: Number(backfillSeconds.toFixed(1)), outcomes },
    incremental: {
      file: basename(last.path),
      outcome: incremental && 'report' in incremental ? incremental.report.outcome : 'bad_input',
      seconds: Number(incrementalSeconds.toFixed(3)),
    },
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  await mkdir('bench/results', { recursive: true });
  await writeFile('bench/results/ingest.json', `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results, null, 2));
} finally {
  await dropDatabase(adminUrl, url);
  await embedded?.stop();
}
