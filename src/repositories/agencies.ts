// Agencies: filtered pages, one agency with its aliases, and batch lookups.
import type { Db } from '../database/connect.ts';
import type { AGENCY_FIELDS } from '../records/agency.ts';
import type { RecordOf } from '../records/record.ts';
import type { AgencySort, Filters, Page } from '../query/grammar.ts';
import { keyset, type PageResult, pageWithTotal } from '../query/paging.ts';
import { agreementsOfAgencies, type AgreementsAsked, type AgreementWithEvents } from './agreements.ts';
import {
  AGENCY_ID,
  agencySortColumn,
  agencySource,
  countRows,
  pageQuery,
  Params,
  select,
  spanCovers,
  totalColumn,
  whereClause,
} from '../query/sql.ts';

/** An agency as every API shows it: the record's fields (active_agreements: now, or on as_of). */
export type AgencyRecord = RecordOf<typeof AGENCY_FIELDS>;

export interface SpellingRecord {
  spelling: string;
  first_seen_on: string;
  last_seen_on: string;
  first_list_id: number;
  last_list_id: number;
}

export interface AliasRecord {
  agency_id: string;
  name: string;
  first_seen_on: string;
  last_seen_on: string;
  /** The raw spellings that normalize to this name. */
  spellings: SpellingRecord[];
}

/** An agency's field, by its name in the record. */
export type AgencyField = keyof AgencyRecord;

/** The agency's own fields' SQL over the agency `g` and its county `c`, in the record's order: its agreement counts follow. */
const AGENCY_SQL: Record<Exclude<AgencyField, AgreementCount | 'updated_at'>, string> = {
  id: 'g.id',
  name: 'g.canonical_name',
  type: 'g.type::text',
  level: 'g.level::text',
  state: 'g.state_code::text',
  county_fips: 'g.county_fips::text',
  county_name: 'c.name',
  lat: 'g.lat',
  lon: 'g.lon',
  location_method: 'g.location_method',
  ori: 'g.ori::text',
  fbi_population: 'g.fbi_population',
  fbi_officers: 'g.fbi_officers',
  fbi_data_year: 'g.fbi_data_year',
  ori_match: 'g.ori_match',
  ori_match_note: 'g.ori_match_note',
};
const AGREEMENT_COUNTS = ['active_agreements', 'pending_agreements', 'models'] as const;
type AgreementCount = (typeof AGREEMENT_COUNTS)[number];
const COUNTY_JOIN = 'LEFT JOIN counties c ON c.fips = g.county_fips';

/**
 * The SELECT list and joins of these fields of agencies `g` (every field by default; id always), with their agreement
 * counts (now, or on as_of) when those are among them: a GraphQL query reads only the fields it asks.
 */
function agencyColumns(
  asOf: string | undefined,
  params: Params,
  fields?: readonly AgencyField[],
): { columns: string; joins: string } {
  const asked = new Set<AgencyField>(
    fields ?? [...(Object.keys(AGENCY_SQL) as AgencyField[]), ...AGREEMENT_COUNTS, 'updated_at'],
  );
  asked.add('id');
  const own = (Object.keys(AGENCY_SQL) as (keyof typeof AGENCY_SQL)[]).filter((field) => asked.has(field));
  const columns = own.map((field) => `${AGENCY_SQL[field]} AS ${field}`);
  const joins = asked.has('county_name') ? [COUNTY_JOIN] : [];
  if (AGREEMENT_COUNTS.some((field) => asked.has(field))) {
    const statusOf = asOf
      ? `(SELECT s.status FROM agreement_status_spans s WHERE s.agreement_id = x.id AND ${spanCovers('s', params.add(asOf))})`
      : 'x.status';
    columns.push(
      `COALESCE(n.active, 0)::int AS active_agreements, COALESCE(n.pending, 0)::int AS pending_agreements, COALESCE(n.models, '{}') AS models`,
    );
    joins.push(`LEFT JOIN LATERAL (
        SELECT count(*) FILTER (WHERE st = 'active') AS active, count(*) FILTER (WHERE st = 'pending') AS pending,
          array_agg(DISTINCT model_code ORDER BY model_code) FILTER (WHERE st = 'active') AS models
        FROM (SELECT x.model_code, ${statusOf} AS st FROM agreements x WHERE x.agency_id = g.id) per_agreement
      ) n ON true`);
  }
  if (asked.has('updated_at')) columns.push(`to_json(g.updated_at) #>> '{}' AS updated_at`);
  return { columns: columns.join(', '), joins: joins.join('\n') };
}

export async function listAgencies(
  db: Db,
  filters: Filters,
  page: Page<AgencySort>,
  options: { fields?: readonly AgencyField[]; agreements?: AgreementsAsked & { filters: Filters } } = {},
): Promise<PageResult<AgencyRecord & { agreements?: AgreementWithEvents[] }>> {
  const params = new Params();
  const source = agencySource(filters, params);
  const keys = keyset(page, agencySortColumn(page.sort.field, filters, params), AGENCY_ID, params);
  const detail = agencyColumns(filters.as_of, params, options.fields);
  // `agreements`: each agency's agreements (GraphQL's nested ones), as JSON in the same statement. Their statement has
  // agencies `g` of its own: it reaches the page's agency by `page_agency_id`.
  const agreements = options.agreements
    ? `, (SELECT COALESCE(json_agg(x ORDER BY x.id), '[]') FROM (${agreementsOfAgencies('page_agency_id', options.agreements.filters, params, options.agreements)}) x) AS agreements`
    : '';
  // The page of agencies first (indexed; their own columns only), then what each of its rows asks: its county's name,
  // its counts, its agreements. The page is `g` below, as the agencies are in the columns' SQL: no second read of them.
  const rows = await db.query<
    AgencyRecord & { agreements?: AgreementWithEvents[]; sort_value: string | null; total_count?: number }
  >(
    pageQuery(
      `WITH page AS (
         SELECT g.*, g.id AS page_agency_id, ${keys.sortValue} FROM ${source.from} ${whereClause([...source.where, keys.after])}
         ORDER BY ${keys.orderBy} LIMIT ${keys.limit})
       SELECT ${detail.columns}, g.sort_value ${totalColumn(source, page.include_total)}${agreements}
       FROM page g ${detail.joins}
       ORDER BY ${keys.orderBy}`,
      params.values,
    ),
  );
  return pageWithTotal(rows.rows, page, () => countRows(db, (counting) => agencySource(filters, counting)));
}

export async function agenciesByIds(db: Db, ids: readonly string[], asOf?: string): Promise<AgencyRecord[]> {
  if (ids.length === 0) return [];
  const params = new Params();
  const detail = agencyColumns(asOf, params);
  return select<AgencyRecord>(
    db,
    `SELECT ${detail.columns} FROM agencies g ${detail.joins} WHERE g.id = ANY(${params.add(ids)}::text[])`,
    params.values,
  );
}

/** Agencies in many counties at once (GraphQL's County.agencies loader). */
export async function agencyIdsByCounty(
  db: Db,
  fipsCodes: readonly string[],
): Promise<{ id: string; county_fips: string }[]> {
  return select<{ id: string; county_fips: string }>(
    db,
    'SELECT id, county_fips::text AS county_fips FROM agencies WHERE county_fips = ANY($1::bpchar[]) ORDER BY id',
    [fipsCodes],
  );
}

export async function aliasesByAgencyIds(db: Db, ids: readonly string[]): Promise<AliasRecord[]> {
  return select<AliasRecord>(
    db,
    `SELECT al.agency_id, al.name, al.first_seen_on, al.last_seen_on,
       COALESCE((SELECT json_agg(json_build_object('spelling', sp.spelling, 'first_seen_on', sp.first_seen_on,
           'last_seen_on', sp.last_seen_on, 'first_list_id', sp.first_source_list_id, 'last_list_id', sp.last_source_list_id)
           ORDER BY sp.first_seen_on, sp.spelling)
         FROM agency_spellings sp WHERE sp.agency_id = al.agency_id AND sp.name = al.name), '[]') AS spellings
     FROM agency_aliases al
     WHERE al.agency_id = ANY($1::text[]) ORDER BY al.agency_id, al.first_seen_on, al.name`,
    [ids],
  );
}

export interface ReportLink {
  agency_id: string | null;
  report_id: string;
  agency_name: string;
  state: string;
}

export async function reportLinksByAgencyIds(db: Db, ids: readonly string[]): Promise<ReportLink[]> {
  return select<ReportLink>(
    db,
    `SELECT agency_id, report_id, agency_name, state_code::text AS state FROM oversight_report_agencies
     WHERE agency_id = ANY($1::text[]) ORDER BY report_id`,
    [ids],
  );
}

export interface AgencyPoint {
  id: string;
  lat: number | null;
  lon: number | null;
  location_method: string;
}

/** Map points of agencies (GeoJSON of agreements), without the per-agency agreement counts. */
export async function agencyPointsByIds(db: Db, ids: readonly string[]): Promise<AgencyPoint[]> {
  if (ids.length === 0) return [];
  return select<AgencyPoint>(db, 'SELECT id, lat, lon, location_method FROM agencies WHERE id = ANY($1::text[])', [
    ids,
  ]);
}
