// The JSON envelope every REST answer shares ({ data, links, meta }) and the
// next-page links of keyset-paged collections.
import type { DatasetVersion } from '../plugins/app/dataset-version.ts';
import { LIMIT_DEFAULT, type Page } from '../query/grammar.ts';
import { sortName } from '../query/paging.ts';

export interface Meta {
  dataset_version: number;
  as_of: string | null;
  total_count?: number;
}

export function meta(version: DatasetVersion, asOf: string | undefined, totalCount?: number): Meta {
  return {
    dataset_version: version.version,
    as_of: asOf ?? version.latestListDate,
    ...(totalCount !== undefined ? { total_count: totalCount } : {}),
  };
}

export function listEnvelope(version: DatasetVersion, data: unknown[], next: string | null, asOf: string | undefined, totalCount?: number): string {
  return JSON.stringify({ data, links: { next }, meta: meta(version, asOf, totalCount) });
}

export function itemEnvelope(version: DatasetVersion, data: unknown, asOf: string | undefined): string {
  return JSON.stringify({ data, meta: meta(version, asOf) });
}

/**
 * The relative URL of a page, built from the normalized query (so two spellings of one query get the same bytes):
 * filters by name as comma lists, then the page parameters that differ from the defaults, then the cursor (none for
 * the first page).
 */
export function pageLink(path: string, filters: object, page: Page<string>, cursor: string | null, defaultSort: string): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(filters).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (value !== undefined) parts.push(`${name}=${encodeURIComponent(Array.isArray(value) ? value.join(',') : String(value))}`);
  }
  if (page.limit !== LIMIT_DEFAULT) parts.push(`limit=${page.limit}`);
  if (sortName(page) !== defaultSort) parts.push(`sort=${encodeURIComponent(sortName(page))}`);
  if (page.include_total) parts.push('include_total=true');
  if (cursor) parts.push(`cursor=${encodeURIComponent(cursor)}`);
  return parts.length > 0 ? `${path}?${parts.join('&')}` : path;
}

/** The next page's relative URL, or null on the last page. */
export function nextLink(path: string, filters: object, page: Page<string>, cursor: string | null, defaultSort: string): string | null {
  return cursor ? pageLink(path, filters, page, cursor, defaultSort) : null;
}

/** The Link header of a page. */
export function linkHeader(next: string | null | undefined): Record<string, string> {
  return next ? { link: `<${next}>; rel="next"` } : {};
}
