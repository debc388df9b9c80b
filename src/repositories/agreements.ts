// Agreements: filtered pages, one agreement with its life, and the batch
// lookups GraphQL's loaders use. Hand-written SQL over the shared grammar.
import type { Db } from '../database/connect.ts';
import type { AGREEMENT_FIELDS } from '../records/agreement.ts';
import type { EVENT_FIELDS } from '../records/event.ts';
import type { RecordOf } from '../records/record.ts';
import type { AgreementSort, Filters, Page } from '../query/grammar.ts';
import { keyset, type PageResult, pageWithTotal } from '../query/paging.ts';
import {
  AGREEMENT_ID,
  agreementSortColumn,
  agreementSource,
  countRows,
  pageQuery,
  Params,
  select,
  totalColumn,
  whereClause,
} from '../query/sql.ts';

/** An agreement as every API shows it (snake_case; GraphQL maps the names once): the record's fields. */
export type AgreementRecord = RecordOf<typeof AGREEMENT_FIELDS>;

/** An event as REST and the bulk files show it (the record's fields): with its source list's date and file. */
export type EventRecord = RecordOf<typeof EVENT_FIELDS>;

/** An event as GraphQL reads it (its source list is a relation there). */
export type EventFields = Omit<EventRecord, 'source_list_date' | 'source_file_name'>;

function selectList(source: { status: string; endedOn: string }): string {
  return `a.id, a.agency_id, g.canonical_name AS agency_name, g.type::text AS agency_type, g.level::text AS agency_level,
    g.state_code::text AS state, g.county_fips::text AS county_fips, g.ori::text AS agency_ori, a.model_code AS model, ${source.status}::text AS status,
    a.signed_on, a.first_listed_on, a.last_listed_on, ${source.endedOn} AS ended_on, a.moa_url, a.addendum_url,
    a.supersedes_id, a.origin::text AS origin, a.ended_after, a.ended_before, to_json(a.updated_at) #>> '{}' AS updated_at`;
}

export async function listAgreements(
  db: Db,
  filters: Filters,
  page: Page<AgreementSort>,
): Promise<PageResult<AgreementRecord>> {
  const params = new Params();
  const source = agreementSource(filters, params);
  const keys = keyset(page, agreementSortColumn(page.sort.field, source), AGREEMENT_ID, params);
  const rows = await db.query<AgreementRecord & { sort_value: string | null; total_count?: number }>(
    pageQuery(
      `SELECT ${selectList(source)}, ${keys.sortValue} ${totalColumn(source, page.include_total)}
       FROM ${source.from} ${whereClause([...source.where, keys.after])}
       ORDER BY ${keys.orderBy} LIMIT ${keys.limit}`,
      params.values,
    ),
  );
  return pageWithTotal(rows.rows, page, () => countRows(db, (counting) => agreementSource(filters, counting)));
}

export async function agreementsByIds(db: Db, ids: readonly string[], asOf?: string): Promise<AgreementRecord[]> {
  if (ids.length === 0) return [];
  const params = new Params();
  const source = agreementSource(asOf ? { as_of: asOf } : {}, params);
  return select<AgreementRecord>(
    db,
    `SELECT ${selectList(source)} FROM ${source.from} WHERE a.id = ANY(${params.add(ids)}::text[])`,
    params.values,
  );
}

/** The agreements of many agencies at once (GraphQL's Agency.agreements loader), filtered like a collection. */
export async function agreementsByAgencyIds(
  db: Db,
  agencyIds: readonly string[],
  filters: Filters,
  options: { events?: EventsAsked } = {},
): Promise<AgreementWithEvents[]> {
  if (agencyIds.length === 0) return [];
  const params = new Params();
  const ids = `ANY(${params.add(agencyIds)}::text[])`;
  return select<AgreementWithEvents>(
    db,
    `${agreementsOfAgencies(ids, filters, params, options.events)} ORDER BY a.agency_id, a.id`,
    params.values,
  );
}

/** Which events to read with the agreements: their details only when asked (most of an event's bytes and time). */
export interface EventsAsked {
  details: boolean;
}

/** An event read with its agreement: without its details unless they were asked. */
export type NestedEvent = Omit<EventFields, 'details'> & Partial<Pick<EventFields, 'details'>>;

export type AgreementWithEvents = AgreementRecord & { events?: NestedEvent[] };

/**
 * The SELECT of the agreements of the agencies `agencyIds` (`ANY($n)`, or a column of an outer query), filtered like a
 * collection; with each one's events when asked, in the same statement: PostgreSQL builds them as JSON.
 */
export function agreementsOfAgencies(
  agencyIds: string,
  filters: Filters,
  params: Params,
  events?: EventsAsked,
): string {
  const source = agreementSource(filters, params);
  const eventsColumn = events
    ? `, (SELECT COALESCE(json_agg(ev ORDER BY ev.occurred_on, ev.id), '[]') FROM (SELECT ${EVENT_COLUMNS}${events.details ? ', e.details' : ''} FROM agreement_events e WHERE e.agreement_id = a.id) ev) AS events`
    : '';
  // The agency condition twice: on g too, PostgreSQL reads those agencies by their key instead of hashing the table.
  return `SELECT ${selectList(source)}${eventsColumn} FROM ${source.from}
    ${whereClause([...source.where, `a.agency_id = ${agencyIds}`, `g.id = ${agencyIds}`])}`;
}

/** An event's columns but its details. */
const EVENT_COLUMNS = `e.id, e.agreement_id, e.type::text AS type, e.occurred_on, e.source_list_id, e.source_row,
  e.historical_source_id`;

/** Events as REST shows them: with their source list's date and file name. */
const EVENT_RECORDS = `SELECT ${EVENT_COLUMNS}, e.details, l.list_date AS source_list_date, l.file_name AS source_file_name
  FROM agreement_events e LEFT JOIN source_lists l ON l.id = e.source_list_id`;

export async function eventsByAgreementIds(db: Db, ids: readonly string[]): Promise<EventRecord[]> {
  if (ids.length === 0) return [];
  return select<EventRecord>(
    db,
    `${EVENT_RECORDS} WHERE e.agreement_id = ANY($1::text[]) ORDER BY e.agreement_id, e.occurred_on, e.id`,
    [ids],
  );
}

/** Every event, in id order (a release's events table). */
export async function everyEvent(db: Db): Promise<EventRecord[]> {
  return select<EventRecord>(db, `${EVENT_RECORDS} ORDER BY e.id`);
}

export interface AgreementDetail extends AgreementRecord {
  superseded_by_id: string | null;
  events: EventRecord[];
  sources: {
    id: number;
    kind: string;
    list_date: string;
    file_name: string | null;
    url: string | null;
    sha256: string;
  }[];
  historical_sources: HistoricalSourceRecord[];
}

/** A historical source (before 2021) as the APIs show it. */
export interface HistoricalSourceRecord {
  id: string;
  title: string;
  file_name: string;
  sha256: string;
  first_on: string | null;
  last_on: string | null;
  report_id: string | null;
}

export async function historicalSourcesByIds(db: Db, ids: readonly string[]): Promise<HistoricalSourceRecord[]> {
  if (ids.length === 0) return [];
  const rows = await db.query<HistoricalSourceRecord>(
    `SELECT id, title, file_name, sha256, first_on, last_on, report_id FROM historical_sources
     WHERE id = ANY($1::text[]) ORDER BY first_on, id`,
    [ids],
  );
  return rows.rows;
}

export async function getAgreement(db: Db, id: string, asOf?: string): Promise<AgreementDetail | null> {
  const [record] = await agreementsByIds(db, [id], asOf);
  if (!record) return null;
  const [events, successor] = await Promise.all([
    eventsByAgreementIds(db, [id]),
    db.query<{ id: string }>('SELECT id FROM agreements WHERE supersedes_id = $1', [id]),
  ]);
  const sourceIds = [
    ...new Set(events.flatMap((event) => (event.source_list_id === null ? [] : [event.source_list_id]))),
  ];
  const historicalIds = [
    ...new Set(events.flatMap((event) => (event.historical_source_id ? [event.historical_source_id] : []))),
  ];
  const [sources, historical] = await Promise.all([
    db.query<AgreementDetail['sources'][number]>(
      `SELECT id, kind::text AS kind, list_date, file_name, url, sha256 FROM source_lists WHERE id = ANY($1::int[]) ORDER BY list_date, id`,
      [sourceIds],
    ),
    historicalSourcesByIds(db, historicalIds),
  ]);
  return {
    ...record,
    superseded_by_id: successor.rows[0]?.id ?? null,
    events,
    sources: sources.rows,
    historical_sources: historical,
  };
}
