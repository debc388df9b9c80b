// The derived history of a database as text, comparable between two databases
// that received the same lists in different orders: serial ids (events, spans,
// aliases, and the lists' own) are left out and a list is named by its sha256.
import type pg from 'pg';

const QUERIES: Record<string, string> = {
  agencies: `SELECT (id, canonical_name, match_key, type, level, state_code, county_fips, lat, lon, location_method)::text FROM agencies`,
  agency_aliases: `SELECT (a.agency_id, a.name, a.first_seen_on, a.last_seen_on, f.sha256, l.sha256)::text FROM agency_aliases a
    JOIN source_lists f ON f.id = a.first_source_list_id JOIN source_lists l ON l.id = a.last_source_list_id`,
  agency_spellings: `SELECT (a.agency_id, a.spelling, a.name, a.search_key, a.first_seen_on, a.last_seen_on, f.sha256, l.sha256)::text
    FROM agency_spellings a JOIN source_lists f ON f.id = a.first_source_list_id JOIN source_lists l ON l.id = a.last_source_list_id`,
  agreements: `SELECT (a.id, a.agency_id, a.model_code, a.status, a.signed_on, a.first_listed_on, a.last_listed_on, f.sha256, l.sha256,
      a.ended_on, a.moa_url, a.addendum_url, a.supersedes_id, a.origin, a.ended_after, a.ended_before)::text
    FROM agreements a LEFT JOIN source_lists f ON f.id = a.first_source_list_id LEFT JOIN source_lists l ON l.id = a.last_source_list_id`,
  agreement_status_spans: `SELECT (s.agreement_id, s.status, s.from_on, s.to_on, l.sha256, s.historical_source_id)::text
    FROM agreement_status_spans s LEFT JOIN source_lists l ON l.id = s.source_list_id`,
  agreement_events: `SELECT (e.agreement_id, e.type, e.occurred_on, l.sha256, e.historical_source_id, e.source_row, e.details)::text
    FROM agreement_events e LEFT JOIN source_lists l ON l.id = e.source_list_id`,
  skipped_rows: `SELECT (l.sha256, k.row_number, k.cells, k.reason, k.agreement_id)::text
    FROM source_list_skipped_rows k JOIN source_lists l ON l.id = k.source_list_id`,
  source_lists: `SELECT (sha256, kind, list_date, list_time, edition, status, status_reason, summary)::text FROM source_lists`,
  oversight_report_agencies: `SELECT (report_id, agency_name, state_code, agency_id, historical_source_id)::text FROM oversight_report_agencies`,
};

export async function historyContents(pool: pg.Pool): Promise<Record<string, string[]>> {
  const contents: Record<string, string[]> = {};
  for (const [table, sql] of Object.entries(QUERIES)) {
    const rows = await pool.query<{ row: string }>(`SELECT row FROM (${sql}) AS q(row) ORDER BY 1`);
    contents[table] = rows.rows.map((row) => row.row);
  }
  return contents;
}

/** The first rows that differ, per table, for a readable failure. */
export function contentDifferences(
  a: Record<string, string[]>,
  b: Record<string, string[]>,
  limit = 5,
): Record<string, { only_first: string[]; only_second: string[] }> {
  const differences: Record<string, { only_first: string[]; only_second: string[] }> = {};
  for (const table of Object.keys(a)) {
    const inB = new Set(b[table]);
    const inA = new Set(a[table]);
    const onlyFirst = a[table]!.filter((row) => !inB.has(row));
    const onlySecond = b[table]!.filter((row) => !inA.has(row));
    if (onlyFirst.length + onlySecond.length > 0 || a[table]!.length !== b[table]!.length) {
      differences[table] = { only_first: onlyFirst.slice(0, limit), only_second: onlySecond.slice(0, limit) };
    }
  }
  return differences;
}
