// The JSON envelope every REST answer shares ({ data, links, meta }) and the
// next-page links of keyset-paged collections.
import type { DatasetVersion } from '../domain/dataset-version.ts';
import { LIMIT_DEFAULT, type Page } from '../query/grammar.ts';
import { sortName } from '../query/paging.ts';

export interface Meta {
  dataset_version: number;
  as_of: string | null;
  total_count?: number;
  coverage?: Coverage;
}

export interface Coverage {
  note: string;
  sources: DatasetVersion['historicalSources'];
}

/** For an as_of before ICE's first list: which historical sources the answer rests on, and what it means. */
export function coverage(version: DatasetVersion, asOf: string | undefined): Coverage | undefined {
  if (!asOf || !version.firstListDate || asOf >= version.firstListDate) return undefined;
  const sources = version.historicalSources.filter((source) => source.first_on !== null && source.first_on <= asOf);
  const note =
    sources.length === 0
      ? `${asOf} is before ${version.firstListDate}, the first of ICE's lists here, and no historical source loaded reaches back that far: no agreement is known.`
      : `${asOf} is before ${version.firstListDate}, the first of ICE's lists here: the answer comes from historical sources, ` +
        `each agreement as the latest of them on or before ${asOf} showed it. They are snapshots years apart and ` +
        `not a continuous record: an agreement may have ended after it was last seen (see ended_after/ended_before), ` +
        `and agreements no source recorded are missing. README "Before 2021".`;
  return { note, sources };
}

export function meta(version: DatasetVersion, asOf: string | undefined, totalCount?: number): Meta {
  const covered = coverage(version, asOf);
  return {
    dataset_version: version.version,
    as_of: asOf ?? version.latestListDate,
    ...(totalCount !== undefined ? { total_count: totalCount } : {}),
    ...(covered ? { coverage: covered } : {}),
  };
}

export function listEnvelope(
  version: DatasetVersion,
  data: unknown[],
  next: string | null,
  asOf: string | undefined,
  totalCount?: number,
): string {
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
export function pageLink(
  path: string,
  filters: object,
  page: Page<string>,
  cursor: string | null,
  defaultSort: string,
): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(filters).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (value !== undefined)
      parts.push(`${name}=${encodeURIComponent(Array.isArray(value) ? value.join(',') : String(value))}`);
  }
  if (page.limit !== LIMIT_DEFAULT) parts.push(`limit=${page.limit}`);
  if (sortName(page) !== defaultSort) parts.push(`sort=${encodeURIComponent(sortName(page))}`);
  if (page.include_total) parts.push('include_total=true');
  if (cursor) parts.push(`cursor=${encodeURIComponent(cursor)}`);
  return parts.length > 0 ? `${path}?${parts.join('&')}` : path;
}

/** The next page's relative URL, or null on the last page. */
export function nextLink(
  path: string,
  filters: object,
  page: Page<string>,
  cursor: string | null,
  defaultSort: string,
): string | null {
  return cursor ? pageLink(path, filters, page, cursor, defaultSort) : null;
}

/** The Link header of a page. */
export function linkHeader(next: string | null | undefined): Record<string, string> {
  return next ? { link: `<${next}>; rel="next"` } : {};
}
