// Downloads lists over HTTP. ICE's 287(g) page links its spreadsheets either
// under /doclib/…/287g/ or as /file-download/download/public/<id>, whose real
// file name arrives only in Content-Disposition. Conditional GETs (ETag,
// Last-Modified, remembered in source_fetches) make an unchanged list cost one 304.
import type pg from 'pg';

export const ICE_287G_PAGE = 'https://www.ice.gov/identify-and-arrest/287g';
/** A list is a few hundred kB; anything far larger is not one. */
const MAX_DOWNLOAD_BYTES = 50 * 1024 * 1024;

export interface FetchedList {
  url: string;
  buffer: Buffer;
  fileName: string | null;
  /** Last-Modified as YYYY-MM-DD. */
  lastModified: string | null;
  etag: string | null;
  lastModifiedHeader: string | null;
}

export class FetchError extends Error {}

/** The list links on the 287(g) page, absolute, in page order, without duplicates. */
export function discoverListLinks(html: string, pageUrl: string): string[] {
  const links = new Set<string>();
  for (const match of html.matchAll(/href\s*=\s*["']([^"']+)["']/gi)) {
    const href = match[1]!.replace(/&amp;/g, '&');
    if (/\/doclib\/.*287g\/.*\.xlsx(\?|$)/i.test(href) || /\/file-download\/download\/public\/\d+/i.test(href)) {
      links.add(new URL(href, pageUrl).toString());
    }
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
  const body = Buffer.from(await response.arrayBuffer());
  if (body.byteLength > MAX_DOWNLOAD_BYTES) throw new FetchError(`${url}: ${body.byteLength} bytes is too large for a list`);
  return body;
}

async function get(url: string, headers: Record<string, string> = {}): Promise<Response> {
  try {
    return await fetch(url, { headers: { 'user-agent': 'ice-287g-api ingestion (open data)', ...headers }, redirect: 'follow' });
  } catch (error) {
    throw new FetchError(`${url}: ${(error as Error).cause ?? (error as Error).message}`);
  }
}

export async function fetchPage(url: string): Promise<string> {
  const response = await get(url);
  if (!response.ok) throw new FetchError(`${url}: HTTP ${response.status}`);
  return response.text();
}

/** Downloads one list; null when the server says it has not changed since the last download. */
export async function fetchList(pool: pg.Pool, url: string): Promise<FetchedList | null> {
  const previous = await pool.query<{ etag: string | null; last_modified: string | null }>(
    'SELECT etag, last_modified FROM source_fetches WHERE url = $1',
    [url],
  );
  const headers: Record<string, string> = {};
  if (previous.rows[0]?.etag) headers['if-none-match'] = previous.rows[0].etag;
  if (previous.rows[0]?.last_modified) headers['if-modified-since'] = previous.rows[0].last_modified;
  const response = await get(url, headers);
  if (response.status === 304) return null;
  if (!response.ok) throw new FetchError(`${url}: HTTP ${response.status}`);
  const buffer = await readBody(response, url);
  const lastModifiedHeader = response.headers.get('last-modified');
  const lastModified = lastModifiedHeader && !Number.isNaN(Date.parse(lastModifiedHeader))
    ? new Date(lastModifiedHeader).toISOString().slice(0, 10)
    : null;
  const fileName =
    fileNameFromContentDisposition(response.headers.get('content-disposition')) ??
    (decodeURIComponent(new URL(response.url || url).pathname.split('/').pop() ?? '') || null);
  return { url, buffer, fileName, lastModified, etag: response.headers.get('etag'), lastModifiedHeader };
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
