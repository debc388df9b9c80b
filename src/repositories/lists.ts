// The ICE lists we ingested (applied, quarantined, rejected) and the feed of
// agreement events they produced.
import type pg from 'pg';
import { QueryError } from '../query/grammar.ts';

export interface SourceListRecord {
  id: number;
  kind: string;
  list_date: string;
  list_date_source: string;
  list_time: string | null;
  file_name: string | null;
  url: string | null;
  sha256: string;
  byte_size: number;
  row_count: number;
  status: string;
  status_reason: string | null;
  warnings: string[];
  counts: Record<string, number> | null;
  ingested_at: string;
  applied_at: string | null;
}

const LIST_COLUMNS = `id, kind::text AS kind, list_date, list_date_source::text AS list_date_source, list_time, file_name, url,
  sha256::text AS sha256, byte_size, row_count, status::text AS status, status_reason, warnings, summary->'counts' AS counts,
  to_json(ingested_at) #>> '{}' AS ingested_at, to_json(applied_at) #>> '{}' AS applied_at`;

export const LIST_STATUSES = ['applied', 'quarantined', 'rejected'] as const;
export const LIST_KINDS = ['participating', 'pending'] as const;

export interface ListFilter {
  status?: string[];
  kind?: string[];
}

export async function listSourceLists(db: pg.Pool, filter: ListFilter): Promise<SourceListRecord[]> {
  const rows = await db.query<SourceListRecord>(
    `SELECT ${LIST_COLUMNS} FROM source_lists
     WHERE ($1::text[] IS NULL OR status::text = ANY($1)) AND ($2::text[] IS NULL OR kind::text = ANY($2))
     ORDER BY list_date DESC, id DESC`,
    [filter.status ?? null, filter.kind ?? null],
  );
  return rows.rows;
}

export async function sourceListsByIds(db: pg.Pool, ids: readonly number[]): Promise<SourceListRecord[]> {
  const rows = await db.query<SourceListRecord>(`SELECT ${LIST_COLUMNS} FROM source_lists WHERE id = ANY($1::int[])`, [ids]);
  return rows.rows;
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

export interface ChangeFilter {
  since?: string;
  state?: string[];
  county_fips?: string[];
  model?: string[];
  agency_id?: string[];
  type?: string[];
}

/** Agreement events, newest first (by the list that recorded them, then id). `since` polls: only events recorded after it. */
export async function listChanges(
  db: pg.Pool,
  options: ChangeFilter & { limit: number; before?: number },
): Promise<ChangeRecord[]> {
  const rows = await db.query<ChangeRecord>(
    `SELECT e.id, e.type::text AS type, e.occurred_on, l.list_date AS recorded_on, e.agreement_id, a.agency_id,
       g.canonical_name AS agency_name, g.state_code::text AS state, g.county_fips::text AS county_fips, a.model_code AS model, e.details,
       e.source_list_id, l.file_name AS source_file_name, l.url AS source_url
     FROM agreement_events e
     JOIN agreements a ON a.id = e.agreement_id
     JOIN agencies g ON g.id = a.agency_id
     JOIN source_lists l ON l.id = e.source_list_id
     WHERE ($1::date IS NULL OR l.list_date >= $1::date)
       AND ($2::text[] IS NULL OR g.state_code = ANY($2))
       AND ($3::text[] IS NULL OR a.model_code = ANY($3))
       AND ($4::text[] IS NULL OR e.type::text = ANY($4))
       AND ($5::int IS NULL OR e.id < $5)
       AND ($7::text[] IS NULL OR g.county_fips = ANY($7))
       AND ($8::text[] IS NULL OR a.agency_id = ANY($8))
     ORDER BY e.id DESC
     LIMIT $6`,
    [
      options.since ?? null, options.state ?? null, options.model ?? null, options.type ?? null, options.before ?? null, options.limit + 1,
      options.county_fips ?? null, options.agency_id ?? null,
    ],
  );
  return rows.rows;
}

export const EVENT_TYPES = ['applied', 'signed', 'listed', 'renewed', 'ended', 'reinstated', 'renamed', 'documents_updated', 'withdrawn'] as const;

export function parseBeforeCursor(cursor: string | undefined): number | undefined {
  if (!cursor) return undefined;
  const id = Number(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!Number.isInteger(id) || id <= 0) throw new QueryError('cursor', 'not a cursor this API issued');
  return id;
}

export function beforeCursor(id: number): string {
  return Buffer.from(String(id)).toString('base64url');
}
