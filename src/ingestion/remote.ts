// Lists over HTTP: one URL, or every list linked from ICE's 287(g) page. Used
// by the CLI (--url, --latest) and by the service's scheduler (INGEST_SCHEDULE).
import type pg from 'pg';
import { discoverListLinks, fetchList, fetchPage, rememberFetch } from './fetch-lists.ts';
import { IngestInputError, ingestList, type IngestOptions, type IngestReport } from './ingest.ts';

export type RemoteResult =
  | { url: string; kind: 'unchanged' }
  | { url: string; kind: 'ingested'; report: IngestReport }
  | { url: string; kind: 'bad_input'; message: string };

export async function ingestUrls(pool: pg.Pool, urls: string[], options: IngestOptions = {}): Promise<RemoteResult[]> {
  const results: RemoteResult[] = [];
  for (const url of urls) {
    const fetched = await fetchList(pool, url);
    if (!fetched) {
      results.push({ url, kind: 'unchanged' });
      continue;
    }
    try {
      const report = await ingestList(
        pool,
        { buffer: fetched.buffer, fileName: fetched.fileName, url, lastModified: fetched.lastModified },
        options,
      );
      results.push({ url, kind: 'ingested', report });
      if (!options.dryRun) await rememberFetch(pool, fetched, report.sha256);
    } catch (error) {
      if (!(error instanceof IngestInputError)) throw error;
      results.push({ url, kind: 'bad_input', message: error.message });
    }
  }
  return results;
}

/** Every list linked from the 287(g) page at `pageUrl`. */
export async function ingestLatest(pool: pg.Pool, pageUrl: string, options: IngestOptions = {}): Promise<RemoteResult[]> {
  const links = discoverListLinks(await fetchPage(pageUrl), pageUrl);
  if (links.length === 0) throw new IngestInputError(`${pageUrl}: no list links found on the page`);
  return ingestUrls(pool, links, options);
}

/** Held for a whole ingestion run, so two runs (CLI processes or the service's scheduler) never interleave. */
export const INGESTION_RUN_LOCK = 287003;

/** Runs `work` holding the run lock; `onWait` is told when another run holds it. Returns null if `wait` is false and it is held. */
export async function withRunLock<T>(
  pool: pg.Pool,
  work: () => Promise<T>,
  options: { wait: boolean; onWait?: () => void },
): Promise<T | null> {
  const client = await pool.connect();
  try {
    const got = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [INGESTION_RUN_LOCK]);
    if (!got.rows[0]!.locked) {
      if (!options.wait) return null;
      options.onWait?.();
      await client.query('SELECT pg_advisory_lock($1)', [INGESTION_RUN_LOCK]);
    }
    try {
      return await work();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [INGESTION_RUN_LOCK]).catch(() => {});
    }
  } finally {
    client.release();
  }
}
