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
  filtersAgency,
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

/** An agreement's field, by its name in the record. */
export type AgreementField = keyof AgreementRecord;

/** Each field's SQL over the agreement `a` and its agency `g` (its status and end on as_of when `source` reads them). */
function agreementSql(source: { status: string; endedOn: string }): Record<AgreementField, string> {
  return {
    id: 'a.id',
    agency_id: 'a.agency_id',
    agency_name: 'g.canonical_name',
    agency_type: 'g.type::text',
    agency_level: 'g.level::text',
    state: 'g.state_code::text',
    county_fips: 'g.county_fips::text',
    agency_ori: 'g.ori::text',
    model: 'a.model_code',
    status: `${source.status}::text`,
    signed_on: 'a.signed_on',
    first_listed_on: 'a.first_listed_on',
    last_listed_on: 'a.last_listed_on',
    ended_on: source.endedOn,
    moa_url: 'a.moa_url',
    addendum_url: 'a.addendum_url',
    supersedes_id: 'a.supersedes_id',
    origin: 'a.origin::text',
    ended_after: 'a.ended_after',
    ended_before: 'a.ended_before',
    updated_at: "to_json(a.updated_at) #>> '{}'",
  };
}

/** The fields read from the agreement's agency `g`. */
const AGENCY_READS = new Set(
  Object.entries(agreementSql({ status: 'a.status', endedOn: 'a.ended_on' }))
    .filter(([, sql]) => sql.startsWith('g.'))
    .map(([field]) => field as AgreementField),
);

/** The SELECT list of these fields of the agreement (every field by default). */
function selectList(source: { status: string; endedOn: string }, fields?: readonly AgreementField[]): string {
  const sql = agreementSql(source);
  return (fields ?? (Object.keys(sql) as AgreementField[])).map((field) => `${sql[field]} AS ${field}`).join(', ');
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
  asked: AgreementsAsked = {},
): Promise<AgreementWithEvents[]> {
  if (agencyIds.length === 0) return [];
  const params = new Params();
  const ids = `ANY(${params.add(agencyIds)}::text[])`;
  return select<AgreementWithEvents>(
    db,
    `${agreementsOfAgencies(ids, filters, params, asked)} ORDER BY a.agency_id, a.id`,
    params.values,
  );
}

/**
 * What a GraphQL query asks of the agreements it reads with their agencies: the fields it reads (with id and agency_id,
 * which group and page them; all when undefined), and the fields of their events when it asks those.
 */
export interface AgreementsAsked {
  fields?: readonly AgreementField[];
  events?: { fields: readonly NestedEventField[] };
}

/** An event's field as GraphQL reads it with its agreement (which it belongs to is known: its agreement_id is not read). */
export type NestedEventField = Exclude<keyof EventFields, 'agreement_id'>;

/** An event read with its agreement: the fields asked (the others absent). */
export type NestedEvent = Omit<EventFields, 'agreement_id'>;

/**
 * An agreement read with the fields asked (the others absent), and its events when asked. GraphQL resolves only the
 * fields a query asks, so it never reads an absent one.
 */
export type AgreementWithEvents = AgreementRecord & { events?: NestedEvent[] };

/** Each nested event field's SQL over the event `e`. */
const NESTED_EVENT_SQL: Record<NestedEventField, string> = {
  id: 'e.id',
  type: 'e.type::text',
  occurred_on: 'e.occurred_on',
  details: 'e.details',
  source_list_id: 'e.source_list_id',
  source_row: 'e.source_row',
  historical_source_id: 'e.historical_source_id',
};

/**
 * The SELECT of the agreements of the agencies `agencyIds` (`ANY($n)`, or a column of an outer query), filtered like a
 * collection, with the fields asked; with each one's events when asked, in the same statement: PostgreSQL builds them
 * as JSON, in the order of their history.
 */
export function agreementsOfAgencies(
  agencyIds: string,
  filters: Filters,
  params: Params,
  asked: AgreementsAsked = {},
): string {
  const fields = asked.fields && [...new Set<AgreementField>(['id', 'agency_id', ...asked.fields])];
  const joinAgency = fields === undefined || fields.some((field) => AGENCY_READS.has(field)) || filtersAgency(filters);
  const source = agreementSource(filters, params, joinAgency);
  const events = asked.events
    ? `, (SELECT COALESCE(json_agg(json_build_object(${asked.events.fields.map((field) => `'${field}', ${NESTED_EVENT_SQL[field]}`).join(', ')}) ORDER BY e.occurred_on, e.id), '[]')
        FROM agreement_events e WHERE e.agreement_id = a.id) AS events`
    : '';
  // With the agency joined, its condition twice: on g too, PostgreSQL reads those agencies by their key instead of
  // hashing the table.
  const ofAgencies = [`a.agency_id = ${agencyIds}`, ...(joinAgency ? [`g.id = ${agencyIds}`] : [])];
  return `SELECT ${selectList(source, fields)}${events} FROM ${source.from} ${whereClause([...source.where, ...ofAgencies])}`;
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
