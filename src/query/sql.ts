// SQL for the shared grammar: the FROM/WHERE of a filtered, as-of-aware
// agreement or agency query, and the columns they sort by (keyset paging is
// src/query/paging.ts). Values are always bound
// parameters; only names from fixed tables below are spliced into the text.
// Codes stored as CHAR (state, county FIPS) are compared with bpchar[]
// parameters: against text[] PostgreSQL casts the column and skips its index.
import type { QueryConfig, QueryResultRow } from 'pg';
import { type Db, statementName } from '../database/connect.ts';
import { canonicalAgencyName } from '../domain/agency-names.ts';
import { agencyNameMatches, agencyRelevance } from './agency-search.ts';
import { QueryError, type AgencySort, type AgreementSort, type Filters } from './grammar.ts';

/** Collects bound parameters and hands out their placeholders. */
/** A column a collection sorts by (or its id), and the SQL type a cursor value is cast to. */
export interface SortColumn {
  expression: string;
  type: 'text' | 'date' | 'timestamptz' | 'int';
}

export class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export interface AgreementSource {
  from: string;
  where: string[];
  /** The agreement's status: on the as_of date when given, else now. */
  status: string;
  endedOn: string;
}

/**
 * The as-of condition: status span `span` covers `date` (a bound parameter or a date column). Every answer on a
 * date (collections, agency counts, summaries, the time series) reads an agreement's status through it.
 */
export function spanCovers(span: string, date: string): string {
  return `${span}.from_on <= ${date}::date AND (${span}.to_on IS NULL OR ${span}.to_on > ${date}::date)`;
}

/** The filters on an agreement's agency (`g`), which agreementSource can apply only with `g` joined. */
const AGENCY_FILTERS = ['state', 'county_fips', 'ori', 'agency_type', 'q', 'name'] as const satisfies (keyof Filters)[];

/** Whether any of these filters is on the agreement's agency. */
export function filtersAgency(filters: Filters): boolean {
  return AGENCY_FILTERS.some((name) => filters[name] !== undefined);
}

/**
 * Agreements `a` joined to their agency `g` (and, with as_of, to the status span `s` covering that date).
 * `joinAgency: false` leaves `g` out: for a subquery correlated to an outer `g`, or for agreements that read nothing
 * of their agency (filters on agency fields need it: filtersAgency).
 */
export function agreementSource(filters: Filters, params: Params, joinAgency = true): AgreementSource {
  let from = joinAgency ? 'agreements a JOIN agencies g ON g.id = a.agency_id' : 'agreements a';
  let status = 'a.status';
  let endedOn = 'a.ended_on';
  if (filters.as_of) {
    from += ` JOIN agreement_status_spans s ON s.agreement_id = a.id AND ${spanCovers('s', params.add(filters.as_of))}`;
    status = 's.status';
    endedOn = `CASE WHEN s.status IN ('ended', 'withdrawn') THEN a.ended_on END`;
  }
  const where: string[] = [];
  if (filters.state) where.push(`g.state_code = ANY(${params.add(filters.state)}::bpchar[])`);
  if (filters.county_fips) where.push(`g.county_fips = ANY(${params.add(filters.county_fips)}::bpchar[])`);
  if (filters.ori) where.push(`g.ori = ANY(${params.add(filters.ori)}::bpchar[])`);
  if (filters.agency_type) where.push(`g.type = ANY(${params.add(filters.agency_type)}::agency_type[])`);
  if (filters.model) where.push(`a.model_code = ANY(${params.add(filters.model)}::text[])`);
  if (filters.status) where.push(`${status} = ANY(${params.add(filters.status)}::agreement_status[])`);
  if (filters.signed_from) where.push(`a.signed_on >= ${params.add(filters.signed_from)}::date`);
  if (filters.signed_to) where.push(`a.signed_on <= ${params.add(filters.signed_to)}::date`);
  if (filters.updated_since) where.push(`a.updated_at >= ${params.add(filters.updated_since)}::timestamptz`);
  if (filters.q) where.push(agencyNameMatches(filters.q, params));
  if (filters.name) where.push(agencyNameIs(filters.name, params));
  return { from, where, status, endedOn };
}

/** `name`: one of the agency's names, exactly (up to case and the spacing and quotes every alias is normalized for). */
function agencyNameIs(name: string, params: Params): string {
  const normalized = params.add(canonicalAgencyName(name).toLowerCase());
  return `EXISTS (SELECT 1 FROM agency_aliases al WHERE al.agency_id = g.id AND lower(al.name) = ${normalized})`;
}

/** Agencies `g`, narrowed by their own fields and by the agreements they hold (model, status, as_of). */
export function agencySource(filters: Filters, params: Params): { from: string; where: string[] } {
  const where: string[] = [];
  if (filters.state) where.push(`g.state_code = ANY(${params.add(filters.state)}::bpchar[])`);
  if (filters.county_fips) where.push(`g.county_fips = ANY(${params.add(filters.county_fips)}::bpchar[])`);
  if (filters.ori) where.push(`g.ori = ANY(${params.add(filters.ori)}::bpchar[])`);
  if (filters.agency_type) where.push(`g.type = ANY(${params.add(filters.agency_type)}::agency_type[])`);
  if (filters.updated_since) where.push(`g.updated_at >= ${params.add(filters.updated_since)}::timestamptz`);
  if (filters.q) where.push(agencyNameMatches(filters.q, params));
  if (filters.name) where.push(agencyNameIs(filters.name, params));
  const agreementFilters: Filters = {
    ...(filters.model ? { model: filters.model } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.as_of ? { as_of: filters.as_of } : {}),
    ...(filters.signed_from ? { signed_from: filters.signed_from } : {}),
    ...(filters.signed_to ? { signed_to: filters.signed_to } : {}),
  };
  if (Object.keys(agreementFilters).length > 0) {
    // An agency is in the answer when it holds at least one agreement matching the agreement filters. The
    // subquery must not join agencies again: its own `g` would shadow the outer one and match every agency.
    const inner = agreementSource(agreementFilters, params, false);
    where.push(
      `EXISTS (SELECT 1 FROM ${inner.from} WHERE a.agency_id = g.id${inner.where.map((clause) => ` AND ${clause}`).join('')})`,
    );
  }
  return { from: 'agencies g', where };
}

export function agreementSortColumn(field: AgreementSort, source: AgreementSource): SortColumn {
  switch (field) {
    case 'signed_on':
      return { expression: `COALESCE(a.signed_on, DATE '0001-01-01')`, type: 'date' };
    case 'state':
      return { expression: 'g.state_code::text', type: 'text' };
    case 'agency_name':
      return { expression: 'g.canonical_name', type: 'text' };
    case 'model':
      return { expression: 'a.model_code', type: 'text' };
    case 'status':
      return { expression: `${source.status}::text`, type: 'text' };
    case 'first_listed_on':
      return { expression: `COALESCE(a.first_listed_on, DATE '0001-01-01')`, type: 'date' };
    case 'last_listed_on':
      return { expression: `COALESCE(a.last_listed_on, DATE '0001-01-01')`, type: 'date' };
    case 'ended_on':
      return { expression: `COALESCE(${source.endedOn}, DATE '0001-01-01')`, type: 'date' };
    case 'updated_at':
      return { expression: 'a.updated_at', type: 'timestamptz' };
    case 'id':
      return { expression: 'a.id', type: 'text' };
  }
}

export const AGREEMENT_ID: SortColumn = { expression: 'a.id', type: 'text' };
export const AGENCY_ID: SortColumn = { expression: 'g.id', type: 'text' };

export function agencySortColumn(field: AgencySort, filters: Filters, params: Params): SortColumn {
  switch (field) {
    case 'relevance':
      if (!filters.q) throw new QueryError('sort', 'relevance ranks the matches of q: give q');
      return { expression: agencyRelevance(filters.q, params), type: 'text' };
    case 'name':
      return { expression: 'g.canonical_name', type: 'text' };
    case 'state':
      return { expression: 'g.state_code::text', type: 'text' };
    case 'county_fips':
      return { expression: `COALESCE(g.county_fips::text, '')`, type: 'text' };
    case 'type':
      return { expression: 'g.type::text', type: 'text' };
    case 'id':
      return { expression: 'g.id', type: 'text' };
  }
}

/**
 * A page of a collection, as a named (prepared) statement: its text depends only on which filters and sort a
 * request uses, so each connection plans it once rather than on every request, where planning would cost PostgreSQL
 * time on every page (docs/benchmarks.md). Named here, not by the pool (src/database/connect.ts), as a page may be
 * read on a snapshot's client.
 */
export function pageQuery(text: string, values: readonly unknown[]): QueryConfig {
  return { name: statementName(text), text, values: [...values] };
}

/** The rows of one query. */
export async function select<T extends QueryResultRow>(
  db: Db,
  text: string,
  values: readonly unknown[] = [],
): Promise<T[]> {
  return (await db.query<T>(text, [...values])).rows;
}

/**
 * include_total in the page's own statement: the count of the whole filtered source as a column of every row
 * (an uncorrelated subquery, which PostgreSQL runs once), with the page's parameters. An empty page has no row to
 * carry it: the caller counts with countRows then.
 */
export function totalColumn(source: { from: string; where: string[] }, include: boolean): string {
  return include ? `, (SELECT count(*)::int FROM ${source.from} ${whereClause(source.where)}) AS total_count` : '';
}

/** The number of rows of a filtered source (include_total), built with parameters of its own. */
export async function countRows(
  db: Db,
  sourceOf: (params: Params) => { from: string; where: string[] },
): Promise<number> {
  const params = new Params();
  const source = sourceOf(params);
  const result = await db.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM ${source.from} ${whereClause(source.where)}`,
    params.values,
  );
  return result.rows[0]!.count;
}

export function whereClause(clauses: (string | null)[]): string {
  const present = clauses.filter((clause): clause is string => clause !== null);
  return present.length > 0 ? `WHERE ${present.join(' AND ')}` : '';
}
