// Downloads lists over HTTP, as a well-behaved browser would. ICE's 287(g)
// page links its spreadsheets either under /doclib/…/287g/ or as
// /file-download/download/public/<id>, whose real file name arrives only in
// Content-Disposition; some links come wrapped by a mail-security redirector.
// Conditional GETs (ETag, Last-Modified, remembered in source_fetches) make an
// unchanged list cost one 304. ICE's CDN refuses clients that do not look like
// a browser (public scrapers of the page report 403s), so requests carry a
// browser's User-Agent and Accept headers, retry timeouts and 5xx answers with
// exponential back-off and jitter, and stop at 403/404 for the rest of the run.
import type pg from 'pg';
import type { Config } from '../../config.ts';
import { unwrapUrl } from './parse/index.ts';

export const ICE_287G_PAGE = 'https://www.ice.gov/identify-and-arrest/287g';
/** A list is a few hundred kB; anything far larger is not one. */
const MAX_DOWNLOAD_BYTES = 50 * 1024 * 1024;
/** One attempt's time limit, at most: each attempt also gets no more than its share of the run's limit. */
const REQUEST_TIMEOUT_MS = 60_000;
/** Attempts after the first on a timeout, a network error, a 429 or a 5xx. */
const RETRIES = 4;
/** What a browser sends when it follows a link (Chrome's navigation headers). */
const BROWSER_HEADERS = {
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8',
  'accept-language': 'en-US,en;q=0.9',
};

export interface FetchedList {
  url: string;
  buffer: Buffer;
  fileName: string | null;
  /** Last-Modified as YYYY-MM-DD. */
  lastModified: string | null;
  etag: string | null;
  lastModifiedHeader: string | null;
}

export class FetchError extends Error {
  override name = 'FetchError';
}

export interface FetchPolicy {
  userAgent: string;
  /** The first back-off delay; each further retry doubles it, with jitter. */
  retryDelayMs: number;
  /** The whole run's time limit, retries and downloads included. */
  runTimeoutMs: number;
}

/** The fetching policy the configuration sets (INGEST_USER_AGENT, INGEST_RETRY_DELAY, INGEST_RUN_TIMEOUT). */
export function fetchPolicy(config: Config): FetchPolicy {
  return {
    userAgent: config.INGEST_USER_AGENT,
    retryDelayMs: config.INGEST_RETRY_DELAY.ms,
    runTimeoutMs: config.INGEST_RUN_TIMEOUT.ms,
  };
}

/** The list links on the 287(g) page, absolute and unwrapped, in page order, without duplicates. */
export function discoverListLinks(html: string, pageUrl: string): string[] {
  const links = new Set<string>();
  for (const match of html.matchAll(/href\s*=\s*["']([^"']+)["']/gi)) {
    let href: string;
    try {
      href = unwrapUrl(new URL(match[1]!.replace(/&amp;/g, '&'), pageUrl).toString());
    } catch {
      continue; // not a URL at all
    }
    if (/\/doclib\/.*287g\/.*\.xlsx(\?|$)/i.test(href) || /\/file-download\/download\/public\/\d+/i.test(href))
      links.add(href);
  }
  return [...links];
}

/** The file name from a Content-Disposition header (RFC 6266: filename* wins over filename). */
export function fileNameFromContentDisposition(header: string | null): string | null {
  if (!header) return null;
  const extended = /filename\*\s*=\s*[^']*'[^']*'([^;]+)/i.exec(header);
  if (extended) return decodeURIComponent(extended[1]!.trim().replace(/^"|"$/g, ''));
  const plain = /filename\s*=\s*("([^"]+)"|[^;]+)/i.exec(header);
  return plain ? (plain[2] ?? plain[1]!).trim() : null;
}

async function readBody(response: Response, url: string): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_DOWNLOAD_BYTES) throw new FetchError(`${url}: ${declared} bytes is too large for a list`);
  let body: Buffer;
  try {
    body = Buffer.from(await response.arrayBuffer());
  } catch (error) {
    throw new FetchError(`${url}: the download broke off: ${(error as Error).message}`);
  }
  if (body.byteLength > MAX_DOWNLOAD_BYTES)
    throw new FetchError(`${url}: ${body.byteLength} bytes is too large for a list`);
  return body;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One run's HTTP client: its time limit starts when it is made; it counts the retries it needed. */
export class Fetcher {
  retries = 0;
  private readonly deadline: number;
  /** So that a server that never answers still leaves time to retry within the run's limit. */
  private readonly attemptMs: number;

  private readonly policy: FetchPolicy;
  constructor(policy: FetchPolicy) {
    this.policy = policy;
    this.deadline = Date.now() + policy.runTimeoutMs;
    this.attemptMs = Math.min(REQUEST_TIMEOUT_MS, policy.runTimeoutMs / (RETRIES + 1));
  }

  /**
   * GET with a browser's headers. Timeouts, network errors, 429 and 5xx are retried after
   * retryDelayMs × 2^attempt, jittered to between half and all of it (so that several
   * instances do not retry in step); 403 and 404 end the run at once. Other answers are returned.
   */
  async get(url: string, headers: Record<string, string> = {}): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      const left = this.deadline - Date.now();
      if (left <= 0)
        throw new FetchError(`${url}: the run's time limit (${this.policy.runTimeoutMs / 1000} s) ran out`);
      let failure: string;
      try {
        const response = await fetch(url, {
          headers: { 'user-agent': this.policy.userAgent, ...BROWSER_HEADERS, ...headers },
          redirect: 'follow',
          signal: AbortSignal.timeout(Math.min(this.attemptMs, left)),
        });
        if (response.status === 403 || response.status === 404) {
          await response.body?.cancel();
          const why = response.status === 403 ? 'refused (403 Forbidden)' : 'not found (404)';
          throw new FetchError(`${url}: ${why}; not retried until the next run`);
        }
        if (response.status < 500 && response.status !== 429) return response;
        await response.body?.cancel();
        failure = `HTTP ${response.status}`;
      } catch (error) {
        if (error instanceof FetchError) throw error;
        const name = (error as Error).name;
        failure =
          name === 'TimeoutError' || name === 'AbortError'
            ? 'no answer in time'
            : String((error as Error).cause ?? (error as Error).message);
      }
      if (attempt >= RETRIES) throw new FetchError(`${url}: ${failure}, ${attempt + 1} attempts`);
      const delay = this.policy.retryDelayMs * 2 ** attempt * (0.5 + Math.random() / 2);
      if (Date.now() + delay >= this.deadline) {
        throw new FetchError(
          `${url}: ${failure}; the run's time limit (${this.policy.runTimeoutMs / 1000} s) leaves no time to retry`,
        );
      }
      this.retries++;
      await sleep(delay);
    }
  }

  /** The page's HTML and the URL it was finally served from (links are relative to that). */
  async page(url: string): Promise<{ html: string; url: string }> {
    const response = await this.get(url);
    if (!response.ok) throw new FetchError(`${url}: HTTP ${response.status}`);
    return { html: (await readBody(response, url)).toString('utf8'), url: response.url || url };
  }

  /** Downloads one list; null when the server says it has not changed since the last download. */
  async list(pool: pg.Pool, url: string, referer?: string): Promise<FetchedList | null> {
    const previous = await pool.query<{ etag: string | null; last_modified: string | null }>(
      'SELECT etag, last_modified FROM source_fetches WHERE url = $1',
      [url],
    );
    const headers: Record<string, string> = referer ? { referer } : {};
    if (previous.rows[0]?.etag) headers['if-none-match'] = previous.rows[0].etag;
    if (previous.rows[0]?.last_modified) headers['if-modified-since'] = previous.rows[0].last_modified;
    const response = await this.get(url, headers);
    if (response.status === 304) return null;
    if (!response.ok) throw new FetchError(`${url}: HTTP ${response.status}`);
    const buffer = await readBody(response, url);
    const lastModifiedHeader = response.headers.get('last-modified');
    const lastModified =
      lastModifiedHeader && !Number.isNaN(Date.parse(lastModifiedHeader))
        ? new Date(lastModifiedHeader).toISOString().slice(0, 10)
        : null;
    const fileName =
      fileNameFromContentDisposition(response.headers.get('content-disposition')) ??
      (decodeURIComponent(new URL(response.url || url).pathname.split('/').pop() ?? '') || null);
    return { url, buffer, fileName, lastModified, etag: response.headers.get('etag'), lastModifiedHeader };
  }
}

/** Remembers what a download answered, once its list has been dealt with. */
export async function rememberFetch(pool: pg.Pool, list: FetchedList, sha256: string): Promise<void> {
  await pool.query(
    `INSERT INTO source_fetches (url, etag, last_modified, sha256, file_name, fetched_at) VALUES ($1, $2, $3, $4, $5, now())
     ON CONFLICT (url) DO UPDATE SET etag = EXCLUDED.etag, last_modified = EXCLUDED.last_modified,
       sha256 = EXCLUDED.sha256, file_name = EXCLUDED.file_name, fetched_at = now()`,
    [list.url, list.etag, list.lastModifiedHeader, sha256, list.fileName],
  );
}
