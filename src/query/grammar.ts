// The one query grammar. REST query strings and GraphQL arguments are both
// turned into a `CollectionQuery` here, so a filter means the same thing, is
// validated the same way and fails with the same message in both APIs. The
// normalized query is also the cache key (with the dataset version).
import { z } from 'zod';
import { findState, STATES } from '../domain/states.ts';

import {
  AGENCY_TYPES,
  AGREEMENT_STATUSES,
  MODEL_CODES,
  type AgencyType,
  type AgreementStatus,
  type ModelCode,
} from '../domain/enums.ts';

/** Page sizes: a default, and a hard maximum that is an error, not a silent clamp. */
export const LIMIT_DEFAULT = 50;
export const LIMIT_MAX = 1000;

export const AGREEMENT_SORTS = [
  'signed_on',
  'state',
  'agency_name',
  'model',
  'status',
  'first_listed_on',
  'last_listed_on',
  'ended_on',
  'updated_at',
  'id',
] as const;
export const AGENCY_SORTS = ['relevance', 'name', 'state', 'county_fips', 'type', 'id'] as const;
/** Agencies matching q come best match first unless a sort is asked for (relevance needs q). */
export function agencyDefaultSort(raw: RawQuery, fallback: string): string {
  return raw.q !== undefined && raw.q !== null && String(raw.q).trim() !== '' ? 'relevance' : fallback;
}
export type AgreementSort = (typeof AGREEMENT_SORTS)[number];
export type AgencySort = (typeof AGENCY_SORTS)[number];

/** A bad parameter: REST answers 400 problem+json, GraphQL an error with extensions.code BAD_USER_INPUT. */
export class QueryError extends Error {
  readonly param: string;
  readonly reason: string;
  readonly allowed?: readonly string[];
  constructor(param: string, reason: string, allowed?: readonly string[]) {
    super(`${param}: ${reason}`);
    this.name = 'QueryError';
    this.param = param;
    this.reason = reason;
    this.allowed = allowed;
  }
}

/**
 * Descriptions of every parameter: they become the OpenAPI parameter docs (src/schemas/common.ts). The GraphQL SDL
 * (schema/schema.graphql) is written by hand and says the same in its own words.
 */
export const PARAMETER_DOCS = {
  state:
    'State or territory: postal code (TX), name (Texas) or 2-digit FIPS (48). Repeat or comma-separate for several.',
  county_fips: '5-digit county FIPS code, zero-padded (48201). Repeatable.',
  ori: "The agency's FBI ORI code (9 characters, e.g. TX1010000), as in the agency's ori field. Repeatable.",
  model: `Support model: ${MODEL_CODES.join(', ')}. Repeatable.`,
  status: `Agreement status: ${AGREEMENT_STATUSES.join(', ')}. Repeatable. With as_of, the status on that date.`,
  agency_type: `Agency type: ${AGENCY_TYPES.join(', ')}. Repeatable.`,
  signed_from: 'Signed on or after this date (YYYY-MM-DD).',
  signed_to: 'Signed on or before this date (YYYY-MM-DD).',
  q: 'Agency name search over every name and spelling the agency ever had: insensitive to case, accents, punctuation, apostrophes, spacing around / and , and abbreviations (PD, SO, Dept., Co., BOCC); close misspellings match too. Agencies come best match first (the name itself, then names starting with it, then similar names).',
  name: 'Exactly one of the names an ICE list gave the agency (any spelling it ever bore; case and spacing aside): answers the agency that bore it. Add state when several states have an agency of that name.',
  updated_since: 'Changed on or after this instant (ISO 8601 date or date-time): for incremental sync.',
  as_of: 'The world as the latest applied ICE list on or before this date (YYYY-MM-DD) showed it.',
  limit: `Page size, 1 to ${LIMIT_MAX} (default ${LIMIT_DEFAULT}); above ${LIMIT_MAX} is an error.`,
  cursor: 'Opaque cursor from links.next (or pageInfo.endCursor) of the previous page.',
  sort: 'Sort field, prefixed with - for descending; ties are broken by id.',
  include_total: 'true to include meta.total_count (a count of every match: ask only when needed).',
} as const;

const list = (value: unknown): string[] | undefined => {
  if (value === undefined || value === null) return undefined;
  const items = (Array.isArray(value) ? value : [value]).flatMap((item) => String(item).split(','));
  const trimmed = items.map((item) => item.trim()).filter((item) => item.length > 0);
  return trimmed.length > 0 ? trimmed : undefined;
};

/** Values of a set-like parameter, de-duplicated and sorted: equal sets, equal normalized queries. */
const asSet = <T extends string>(values: T[] | undefined): T[] | undefined =>
  values ? [...new Set(values)].sort() : undefined;

/** Comma-separated or repeated values, each one of `allowed` (any case). */
export function enumList<T extends string>(param: string, value: unknown, allowed: readonly T[]): T[] | undefined {
  return asSet(
    list(value)?.map((item) => {
      const normalized = item.toLowerCase();
      if (!(allowed as readonly string[]).includes(normalized))
        throw new QueryError(param, `unknown value "${item}"`, allowed);
      return normalized as T;
    }),
  );
}

const DateSchema = z.iso.date();
function date(param: string, value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const text = String(value);
  if (!DateSchema.safeParse(text).success) throw new QueryError(param, `"${text}" is not a date (YYYY-MM-DD)`);
  return text;
}

function instant(param: string, value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const text = String(value);
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text) || Number.isNaN(Date.parse(text))) {
    throw new QueryError(param, `"${text}" is not an ISO 8601 date or date-time`);
  }
  return new Date(text).toISOString();
}

function states(value: unknown): string[] | undefined {
  return asSet(
    list(value)?.map((item) => {
      const state = findState(item);
      if (!state)
        throw new QueryError(
          'state',
          `unknown state "${item}"`,
          STATES.map((known) => known.code),
        );
      return state.code;
    }),
  );
}

function countyFips(value: unknown): string[] | undefined {
  return asSet(
    list(value)?.map((item) => {
      if (!/^\d{5}$/.test(item)) throw new QueryError('county_fips', `"${item}" is not a 5-digit FIPS code`);
      return item;
    }),
  );
}

function oriCodes(value: unknown): string[] | undefined {
  return asSet(
    list(value)?.map((item) => {
      if (!/^[A-Za-z0-9]{9}$/.test(item)) throw new QueryError('ori', `"${item}" is not a 9-character ORI code`);
      return item.toUpperCase();
    }),
  );
}

function limit(value: unknown): number {
  if (value === undefined || value === null || value === '') return LIMIT_DEFAULT;
  const text = String(value);
  if (!/^\d+$/.test(text)) throw new QueryError('limit', `"${text}" is not a whole number`);
  const number = Number(text);
  if (number < 1 || number > LIMIT_MAX)
    throw new QueryError('limit', `must be between 1 and ${LIMIT_MAX}, got ${number}`);
  return number;
}

function sort<T extends string>(
  value: unknown,
  allowed: readonly T[],
  fallback: string,
): { field: T; descending: boolean } {
  const text = value === undefined || value === null || value === '' ? fallback : String(value);
  const field = text.replace(/^[-+]/, '');
  if (!(allowed as readonly string[]).includes(field)) {
    throw new QueryError(
      'sort',
      `cannot sort by "${field}"`,
      allowed.flatMap((name) => [name, `-${name}`]),
    );
  }
  return { field: field as T, descending: text.startsWith('-') };
}

export function bool(param: string, value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (typeof value === 'boolean') return value;
  const text = String(value).toLowerCase();
  if (['true', '1', 'yes'].includes(text)) return true;
  if (['false', '0', 'no'].includes(text)) return false;
  throw new QueryError(param, `"${value}" is not true or false`, ['true', 'false']);
}

function text(param: string, value: unknown, max = 200): string | undefined {
  if (value === undefined || value === null) return undefined;
  const result = String(Array.isArray(value) ? value[0] : value).trim();
  if (result.length > max) throw new QueryError(param, `longer than ${max} characters`);
  return result.length > 0 ? result : undefined;
}

/** The filters every collection shares. Unset filters are absent, so equal queries serialize equally. */
export interface Filters {
  state?: string[];
  county_fips?: string[];
  ori?: string[];
  model?: ModelCode[];
  status?: AgreementStatus[];
  agency_type?: AgencyType[];
  signed_from?: string;
  signed_to?: string;
  q?: string;
  name?: string;
  updated_since?: string;
  as_of?: string;
}

export interface Page<S extends string> {
  limit: number;
  cursor?: string;
  sort: { field: S; descending: boolean };
  include_total: boolean;
}

export type RawQuery = Record<string, unknown>;

const FILTER_PARAMS = Object.keys(PARAMETER_DOCS).filter(
  (name) => !['limit', 'cursor', 'sort', 'include_total'].includes(name),
) as (keyof Filters)[];

/** PostgreSQL text cannot hold NUL: a value with one is refused here rather than failing in the database. */
export function rejectNul(raw: RawQuery): void {
  for (const [name, value] of Object.entries(raw)) {
    if ((Array.isArray(value) ? value : [value]).some((item) => typeof item === 'string' && item.includes('\u0000'))) {
      throw new QueryError(name.includes('\u0000') ? 'query' : name, 'contains a NUL character');
    }
  }
}

/** Filters from a raw query (REST query string or GraphQL arguments mapped to snake_case). */
export function parseFilters(raw: RawQuery, accepted: readonly (keyof Filters)[] = FILTER_PARAMS): Filters {
  rejectNul(raw);
  const filters: Filters = {
    state: states(raw.state),
    county_fips: countyFips(raw.county_fips),
    ori: oriCodes(raw.ori),
    model: enumList('model', raw.model, MODEL_CODES),
    status: enumList('status', raw.status, AGREEMENT_STATUSES),
    agency_type: enumList('agency_type', raw.agency_type, AGENCY_TYPES),
    signed_from: date('signed_from', raw.signed_from),
    signed_to: date('signed_to', raw.signed_to),
    q: text('q', raw.q),
    name: text('name', raw.name),
    updated_since: instant('updated_since', raw.updated_since),
    as_of: date('as_of', raw.as_of),
  };
  if (filters.signed_from && filters.signed_to && filters.signed_from > filters.signed_to) {
    throw new QueryError('signed_to', `is before signed_from (${filters.signed_from})`);
  }
  for (const key of Object.keys(filters) as (keyof Filters)[]) {
    if (filters[key] === undefined) delete filters[key];
    else if (!accepted.includes(key)) throw new QueryError(key, 'is not a filter of this collection', accepted);
  }
  return filters;
}

export function parsePage<S extends string>(raw: RawQuery, sorts: readonly S[], defaultSort: string): Page<S> {
  rejectNul(raw);
  const cursor = text('cursor', raw.cursor, 2000);
  return {
    limit: limit(raw.limit),
    ...(cursor ? { cursor } : {}),
    sort: sort(raw.sort, sorts, defaultSort),
    include_total: bool('include_total', raw.include_total),
  };
}

/** For a small collection answered whole unless asked for a page: the page when limit or cursor is given. */
export function optionalPage(raw: RawQuery): Page<'id'> | undefined {
  return raw.limit !== undefined || raw.cursor !== undefined ? parsePage(raw, ['id'] as const, 'id') : undefined;
}
export const OPTIONAL_PAGE_PARAMS = ['limit', 'cursor'] as const;

/** Rejects parameters the collection does not know, naming them: a typo must not silently widen a query. */
export function rejectUnknown(raw: RawQuery, known: readonly string[]): void {
  for (const name of Object.keys(raw)) {
    if (!known.includes(name)) throw new QueryError(name, 'unknown parameter', known);
  }
}

export const ALL_FILTERS: readonly (keyof Filters)[] = FILTER_PARAMS;
/** Stats count every status (REST /v1/stats, GraphQL stats), so a status filter is refused rather than ignored. */
export const STATS_FILTERS: readonly (keyof Filters)[] = ALL_FILTERS.filter((name) => name !== 'status');
export const PAGE_PARAMS = ['limit', 'cursor', 'sort', 'include_total'] as const;

/**
 * A stable serialization, object keys sorted and arrays kept in order (the grammar already sorts the values of
 * set-like parameters): the cache key of a normalized REST query, of GraphQL variables, of a loader's arguments.
 */
export function canonicalKey(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(
          Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : item,
  );
}
