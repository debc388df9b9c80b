// GraphQL arguments → the shared query grammar. This is the one place where
// camelCase arguments become the raw snake_case query REST also parses, so a
// filter means (and fails) the same in both APIs; and where the grammar's
// parameter names are turned back into the argument a GraphQL client wrote.
import {
  agencyDefaultSort,
  AGENCY_SORTS,
  AGREEMENT_SORTS,
  parseFilters,
  parsePage,
  QueryError,
  type AgencySort,
  type AgreementSort,
  type Filters,
  type Page,
  type RawQuery,
} from '../query/grammar.ts';

export interface FilterInput {
  state?: string[] | null;
  countyFips?: string[] | null;
  ori?: string[] | null;
  model?: string[] | null;
  status?: string[] | null;
  agencyType?: string[] | null;
  signedFrom?: string | null;
  signedTo?: string | null;
  q?: string | null;
  name?: string | null;
  updatedSince?: string | null;
}

export interface CollectionArgs {
  filter?: FilterInput | null;
  asOf?: string | null;
  first?: number | null;
  after?: string | null;
  orderBy?: string | null;
}

/** Grammar parameter → the GraphQL argument path clients see in extensions.param. */
const ARGUMENT_OF: Record<string, string> = {
  state: 'filter.state',
  county_fips: 'filter.countyFips',
  ori: 'filter.ori',
  model: 'filter.model',
  status: 'filter.status',
  agency_type: 'filter.agencyType',
  signed_from: 'filter.signedFrom',
  signed_to: 'filter.signedTo',
  q: 'filter.q',
  name: 'filter.name',
  updated_since: 'filter.updatedSince',
  as_of: 'asOf',
  limit: 'first',
  cursor: 'after',
  sort: 'orderBy',
  include_total: 'totalCount',
};

export function argumentName(param: string): string {
  return ARGUMENT_OF[param] ?? param;
}

/** SIGNED_ON_DESC → -signed_on (the grammar's sort syntax). */
function sortOf(orderBy: string | null | undefined): string | undefined {
  if (!orderBy) return undefined;
  const lower = orderBy.toLowerCase();
  return lower.endsWith('_desc') ? `-${lower.slice(0, -'_desc'.length)}` : lower;
}

/** The raw (REST-shaped) query for these arguments; absent and null arguments are left out. */
export function toRawQuery(args: CollectionArgs, includeTotal = false): RawQuery {
  const filter = args.filter ?? {};
  const raw: RawQuery = {};
  const put = (name: string, value: unknown) => {
    if (value !== undefined && value !== null) raw[name] = value;
  };
  put('state', filter.state);
  put('county_fips', filter.countyFips);
  put('ori', filter.ori);
  put('model', filter.model);
  put('status', filter.status);
  put('agency_type', filter.agencyType);
  put('signed_from', filter.signedFrom);
  put('signed_to', filter.signedTo);
  put('q', filter.q);
  put('name', filter.name);
  put('updated_since', filter.updatedSince);
  put('as_of', args.asOf);
  put('limit', args.first);
  put('cursor', args.after);
  put('sort', sortOf(args.orderBy));
  raw.include_total = includeTotal;
  return raw;
}

// Defaults shared with REST would live in the grammar; these are GraphQL's own
// (REST takes a `sort` parameter with its own default).
export const AGREEMENT_DEFAULT_SORT = '-signed_on';
export const AGENCY_DEFAULT_SORT = 'name';

const PAGE_KEYS = new Set(['limit', 'cursor', 'sort', 'include_total']);
function filtersOnly(raw: RawQuery): RawQuery {
  const filters: RawQuery = {};
  for (const key in raw) if (!PAGE_KEYS.has(key)) filters[key] = raw[key];
  return filters;
}

export function agreementQuery(
  args: CollectionArgs,
  includeTotal: boolean,
): { filters: Filters; page: Page<AgreementSort> } {
  const raw = toRawQuery(args, includeTotal);
  return { filters: parseFilters(filtersOnly(raw)), page: parsePage(raw, AGREEMENT_SORTS, AGREEMENT_DEFAULT_SORT) };
}

export function agencyQuery(args: CollectionArgs, includeTotal: boolean): { filters: Filters; page: Page<AgencySort> } {
  const raw = toRawQuery(args, includeTotal);
  return {
    filters: parseFilters(filtersOnly(raw)),
    page: parsePage(raw, AGENCY_SORTS, agencyDefaultSort(raw, AGENCY_DEFAULT_SORT)),
  };
}

/** Filters only (stats, asOf of single objects), optionally limited to the ones a field accepts. */
export function filtersOf(
  args: Pick<CollectionArgs, 'filter' | 'asOf'>,
  accepted?: readonly (keyof Filters)[],
): Filters {
  return parseFilters(filtersOnly(toRawQuery(args)), accepted);
}

/** Just a validated asOf date (or undefined). */
export function asOfOf(asOf: string | null | undefined): string | undefined {
  return filtersOf({ asOf }).as_of;
}

export { QueryError };

const NESTED_AGREEMENT_FILTERS = ['model', 'status', 'signed_from', 'signed_to', 'as_of'] as const;
const ID_SORT = ['id'] as const;

/** An agency's own agreements: its filter, the query's asOf, and a page in id order. */
export function nestedAgreementQuery(
  args: Pick<CollectionArgs, 'filter' | 'first' | 'after'>,
  asOf: string | undefined,
): { filters: Filters; page: Page<'id'> } {
  const raw = toRawQuery({ ...args, asOf: asOf ?? null });
  return { filters: parseFilters(filtersOnly(raw), NESTED_AGREEMENT_FILTERS), page: parsePage(raw, ID_SORT, 'id') };
}
