// The ICE lists we ingested (applied, quarantined, rejected) and the feed of
// agreement events they produced.
import type { Db } from '../database/connect.ts';
import type { LIST_FIELDS } from '../records/list.ts';
import type { RecordOf } from '../records/record.ts';
import type { Page } from '../query/grammar.ts';
import { keyset, pageOf, type PageResult, type SortColumn } from '../query/paging.ts';
import { Params, select, whereClause } from '../query/sql.ts';

/**
 * An ICE list as every API shows it: the record's fields (row_count = agreements_confirmed + rows_skipped;
 * agreements_confirmed is null for lists ingested before it was recorded).
 */
export type SourceListRecord = RecordOf<typeof LIST_FIELDS>;

const LIST_COLUMNS = `id, kind::text AS kind, list_date, list_date_source::text AS list_date_source, list_time, edition, file_name, url,
  sha256::text AS sha256, byte_size, row_count, (summary->'counts'->>'agreements_confirmed')::int AS agreements_confirmed,
  (SELECT count(*) FROM source_list_skipped_rows k WHERE k.source_list_id = source_lists.id)::int AS rows_skipped,
  status::text AS status, status_reason, warnings, summary->'counts' AS counts,
  to_json(ingested_at) #>> '{}' AS ingested_at, to_json(applied_at) #>> '{}' AS applied_at`;

export interface ListFilter {
  status?: string[];
  kind?: string[];
}

export async function listSourceLists(db: Db, filter: ListFilter): Promise<SourceListRecord[]> {
  return select<SourceListRecord>(
    db,
    `SELECT ${LIST_COLUMNS} FROM source_lists
     WHERE ($1::text[] IS NULL OR status::text = ANY($1)) AND ($2::text[] IS NULL OR kind::text = ANY($2))
     ORDER BY list_date DESC, id DESC`,
    [filter.status ?? null, filter.kind ?? null],
  );
}

export async function sourceListsByIds(db: Db, ids: readonly number[]): Promise<SourceListRecord[]> {
  return select<SourceListRecord>(db, `SELECT ${LIST_COLUMNS} FROM source_lists WHERE id = ANY($1::int[])`, [ids]);
}

export interface SkippedRowRecord {
  source_list_id: number;
  row_number: number;
  cells: Record<string, string>;
  reason: string;
  agreement_id: string | null;
}

/** The rows of these lists that did not become or confirm one agreement, in file order. */
export async function skippedRowsByListIds(db: Db, ids: readonly number[]): Promise<SkippedRowRecord[]> {
  return select<SkippedRowRecord>(
    db,
    `SELECT source_list_id, row_number, cells, reason, agreement_id FROM source_list_skipped_rows
     WHERE source_list_id = ANY($1::int[]) ORDER BY source_list_id, row_number`,
    [ids],
  );
}

export interface ChangeRecord {
  id: number;
  type: string;
  occurred_on: string;
  recorded_on: string;
  agreement_id: string;
  agency_id: string;
  agency_name: string;
  state: string;
  county_fips: string | null;
  model: string;
  details: Record<string, unknown>;
  source_list_id: number;
  source_file_name: string | null;
  source_url: string | null;
}

/** The filters of the changes feed, normalized by the grammar. */
export interface ChangeFilters {
  since?: string;
  state?: string[];
  county_fips?: string[];
  model?: string[];
  agency_id?: string[];
  type?: string[];
  /** Not a filter: the language of a feed's titles (es), kept here so that each language is its own cached answer. */
  lang?: string;
}

/** Events are paged by their id, newest first: ids grow with every list applied. */
const EVENT_ID: SortColumn = { expression: 'e.id', type: 'int' };

/** Agreement events, newest first. `since` polls: only events recorded by lists dated on or after it. */
export async function listChanges(db: Db, filters: ChangeFilters, page: Page<'id'>): Promise<PageResult<ChangeRecord>> {
  const params = new Params();
  const keys = keyset(page, EVENT_ID, EVENT_ID, params);
  const where = [
    filters.since ? `l.list_date >= ${params.add(filters.since)}::date` : null,
    filters.state ? `g.state_code = ANY(${params.add(filters.state)}::bpchar[])` : null,
    filters.county_fips ? `g.county_fips = ANY(${params.add(filters.county_fips)}::bpchar[])` : null,
    filters.model ? `a.model_code = ANY(${params.add(filters.model)}::text[])` : null,
    filters.agency_id ? `a.agency_id = ANY(${params.add(filters.agency_id)}::text[])` : null,
    filters.type ? `e.type = ANY(${params.add(filters.type)}::agreement_event_type[])` : null,
    keys.after,
  ];
  const rows = await db.query<ChangeRecord & { sort_value: string }>(
    `SELECT e.id, e.type::text AS type, e.occurred_on, l.list_date AS recorded_on, e.agreement_id, a.agency_id,
       g.canonical_name AS agency_name, g.state_code::text AS state, g.county_fips::text AS county_fips, a.model_code AS model, e.details,
       e.source_list_id, l.file_name AS source_file_name, l.url AS source_url, ${keys.sortValue}
     FROM agreement_events e
     JOIN agreements a ON a.id = e.agreement_id
     JOIN agencies g ON g.id = a.agency_id
     JOIN source_lists l ON l.id = e.source_list_id
     ${whereClause(where)}
     ORDER BY ${keys.orderBy} LIMIT ${keys.limit}`,
    params.values,
  );
  return pageOf(rows.rows, page);
}
