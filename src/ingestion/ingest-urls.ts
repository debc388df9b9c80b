// Lists over HTTP: one URL, or every list linked from ICE's 287(g) page. Used
// by the CLI (--url, --latest) and by the service's scheduler (INGEST_SCHEDULE).
// Each check of the page is recorded in source_checks, so every instance (and
// /v1/status) can tell when ICE was last reached, with what outcome.
import type pg from 'pg';
import type { CheckOutcome } from '../domain/enums.ts';
import { discoverListLinks, FetchError, type Fetcher, rememberFetch } from './lists/fetch-lists.ts';
import { IngestInputError, ingestList, type IngestOptions, type IngestReport } from './ingest.ts';

export type RemoteResult =
  | { url: string; kind: 'unchanged' }
  | { url: string; kind: 'ingested'; report: IngestReport }
  | { url: string; kind: 'bad_input'; message: string };

export async function ingestUrls(
  pool: pg.Pool,
  fetcher: Fetcher,
  urls: string[],
  options: IngestOptions = {},
  referer?: string,
): Promise<RemoteResult[]> {
  const results: RemoteResult[] = [];
  for (const url of urls) {
    const fetched = await fetcher.list(pool, url, referer);
    if (!fetched) {
      results.push({ url, kind: 'unchanged' });
      continue;
    }
    try {
      const report = await ingestList(
        pool,
        {
          buffer: fetched.buffer,
          fileName: fetched.fileName,
          url,
          lastModified: fetched.lastModified,
          publishedAt: publishedAtOf(fetched.lastModifiedHeader),
        },
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

/** Every list linked from the 287(g) page at `pageUrl` (links resolve against where the page was finally served from). */
export async function ingestLatest(
  pool: pg.Pool,
  fetcher: Fetcher,
  pageUrl: string,
  options: IngestOptions = {},
): Promise<RemoteResult[]> {
  const page = await fetcher.page(pageUrl);
  const links = discoverListLinks(page.html, page.url);
  if (links.length === 0) throw new IngestInputError(`${page.url}: no list links found on the page`);
  return ingestUrls(pool, fetcher, links, options, page.url);
}

export interface CheckResult {
  outcome: CheckOutcome;
  /** One line: what the lists were, or why the check failed. */
  detail: string;
  retries: number;
  durationMs: number;
}

/** One line for a run's lists: "2 lists: 1 applied, 1 unchanged" (bad input and quarantine reasons named). */
export function summarizeResults(results: RemoteResult[]): string {
  const counts = new Map<string, number>();
  const notes: string[] = [];
  for (const result of results) {
    const label =
      result.kind === 'ingested'
        ? result.report.outcome === 'skipped'
          ? 'already known'
          : result.report.outcome
        : result.kind.replace('_', ' ');
    counts.set(label, (counts.get(label) ?? 0) + 1);
    if (result.kind === 'bad_input') notes.push(result.message);
    if (result.kind === 'ingested' && result.report.outcome === 'quarantined')
      notes.push(`${result.report.fileName}: ${result.report.reason}`);
  }
  const parts = [...counts].map(([label, n]) => `${n} ${label}`).join(', ');
  return `${results.length} list${results.length === 1 ? '' : 's'}: ${parts}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`;
}

/**
 * A check of ICE's page: ingestLatest, recorded in source_checks with its outcome (unless a dry run).
 * A check fails when ICE could not be reached or refused, or a list could not be read; its error is
 * recorded, then thrown. `everyMs` is the schedule it runs on (INGEST_SCHEDULE or --every), if any.
 */
export async function checkLatest(
  pool: pg.Pool,
  fetcher: Fetcher,
  pageUrl: string,
  options: IngestOptions & { trigger: 'schedule' | 'cli'; everyMs: number | null },
): Promise<{ results: RemoteResult[]; check: CheckResult }> {
  const startedAt = new Date();
  const record = async (outcome: CheckOutcome, detail: string): Promise<CheckResult> => {
    const check = { outcome, detail, retries: fetcher.retries, durationMs: Date.now() - startedAt.getTime() };
    if (!options.dryRun) {
      await pool.query(
        `INSERT INTO source_checks (source_url, trigger, started_at, outcome, detail, retries, every_ms)
         VALUES ($1, $2, $3, $4::source_check_outcome, $5, $6, $7)`,
        [pageUrl, options.trigger, startedAt, outcome, detail, fetcher.retries, options.everyMs],
      );
    }
    return check;
  };
  let results: RemoteResult[];
  try {
    results = await ingestLatest(pool, fetcher, pageUrl, options);
  } catch (error) {
    const message =
      error instanceof FetchError || error instanceof IngestInputError
        ? error.message
        : `failed: ${(error as Error).message}`;
    // Best effort: the database itself may be what failed.
    await record('failed', message).catch(() => {});
    throw error;
  }
  const failed = results.some((result) => result.kind === 'bad_input');
  return { results, check: await record(failed ? 'failed' : 'succeeded', summarizeResults(results)) };
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
    const got = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
      INGESTION_RUN_LOCK,
    ]);
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

/** A Last-Modified header as an ISO timestamp (what orders two editions of one list), or null. */
function publishedAtOf(header: string | null): string | null {
  return header && !Number.isNaN(Date.parse(header)) ? new Date(header).toISOString() : null;
}
