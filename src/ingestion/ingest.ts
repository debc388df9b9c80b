// One ICE list in: parse, decide (apply, quarantine or skip), write. A list is
// applied in one transaction, under an advisory lock, so a crash or an error
// leaves the database as it was and two ingestions never interleave.
import type pg from 'pg';
import { linkReportAgencies } from '../reference/load.ts';
import { planList, type ChangeCounts, type ListPlan } from './history.ts';
import { ListInputError, parseListBuffer, type ListKind, type ParsedList } from './parse/index.ts';
import { loadHistoryState, writePlan, writeSkippedRows } from './store.ts';

/** Transaction-level lock taken by every list write (see also INGESTION_RUN_LOCK in remote.ts). */
const LIST_WRITE_LOCK = 287004;
/** Quarantine a list that would end more than this share of the open agreements of its kind… */
const MASS_ENDING_SHARE = 0.25;
/** …when there are at least this many (small lists legitimately swing). */
const MASS_ENDING_MIN_OPEN = 20;

export type ListDateSource = 'argument' | 'file_name' | 'last_modified';

export interface ListSource {
  buffer: Buffer;
  fileName: string | null;
  url?: string | null;
  /** HTTP Last-Modified as an ISO date, the last resort for the list date. */
  lastModified?: string | null;
}

export interface IngestOptions {
  kind?: ListKind;
  listDate?: string;
  dryRun?: boolean;
  force?: boolean;
}

export type IngestOutcome = 'applied' | 'quarantined' | 'skipped' | 'dry_run';

export interface IngestReport {
  outcome: IngestOutcome;
  sourceListId: number | null;
  fileName: string | null;
  kind: ListKind;
  listDate: string;
  listDateSource: ListDateSource;
  sha256: string;
  reason: string | null;
  counts: ChangeCounts | null;
  warnings: string[];
  /** Agencies created by this list whose county could not be found (statewide agencies excluded). */
  unresolvedAgencies: string[];
}

/** Bad input (exit code 2): the message is one line a user can act on. */
export class IngestInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IngestInputError';
  }
}

export async function ingestList(pool: pg.Pool, source: ListSource, options: IngestOptions = {}): Promise<IngestReport> {
  let parsed: ParsedList;
  try {
    parsed = await parseListBuffer(source.buffer, source.fileName ? { fileName: source.fileName } : {});
  } catch (error) {
    if (error instanceof ListInputError) throw new IngestInputError(`${source.fileName ?? source.url ?? 'input'}: ${error.message}`);
    throw error;
  }
  const kind = options.kind ?? parsed.kind ?? parsed.contentKind;
  if (!kind) throw new IngestInputError(`${parsed.fileName ?? 'input'}: cannot tell whether this is a participating or a pending list; pass --kind`);
  const [listDate, listDateSource] = options.listDate
    ? [options.listDate, 'argument' as const]
    : parsed.listDate
      ? [parsed.listDate, 'file_name' as const]
      : source.lastModified
        ? [source.lastModified, 'last_modified' as const]
        : [null, null];
  if (!listDate || !listDateSource) {
    throw new IngestInputError(`${parsed.fileName ?? 'input'}: no list date in the file name; pass --list-date YYYY-MM-DD`);
  }

  const report: IngestReport = {
    outcome: 'skipped',
    sourceListId: null,
    fileName: parsed.fileName,
    kind,
    listDate,
    listDateSource,
    sha256: parsed.sha256,
    reason: null,
    counts: null,
    warnings: parsed.warnings,
    unresolvedAgencies: [],
  };

  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [LIST_WRITE_LOCK]);
    const existing = await client.query<{ id: number; status: string; status_reason: string | null; file_name: string | null; list_date: string }>(
      'SELECT id, status, status_reason, file_name, list_date FROM source_lists WHERE sha256 = $1',
      [parsed.sha256],
    );
    const known = existing.rows[0];
    if (known && (known.status === 'applied' || !options.force)) {
      await client.query('ROLLBACK');
      return {
        ...report,
        sourceListId: known.id,
        reason:
          known.status === 'applied'
            ? `already applied${known.file_name !== parsed.fileName ? ` (identical to ${known.file_name} of ${known.list_date})` : ''}`
            : `already ${known.status}: ${known.status_reason}`,
      };
    }

    const state = await loadHistoryState(client);
    const plan = planList(state, { kind, listDate }, parsed.rows);
    report.counts = plan.counts;
    report.unresolvedAgencies = plan.newAgencies
      .filter((agency) => agency.location.method === 'unresolved')
      .map((agency) => `${agency.canonicalName} (${agency.stateCode})`);
    const quarantineReason = await quarantineReasonFor(client, parsed, kind, listDate, plan, options.force ?? false);

    if (options.dryRun) {
      await client.query('ROLLBACK');
      return { ...report, outcome: 'dry_run', reason: quarantineReason };
    }
    const status = quarantineReason ? 'quarantined' : 'applied';
    const listId = await saveSourceList(client, known?.id ?? null, {
      parsed,
      source,
      kind,
      listDate,
      listDateSource,
      status,
      reason: quarantineReason,
      plan,
    });
    if (status === 'applied') {
      await writePlan(client, listId, listDate, plan);
      await linkReportAgencies(client);
    }
    await client.query(
      `UPDATE dataset_version SET version = version + 1, updated_at = now(),
         latest_list_id = CASE WHEN $1 THEN $2::int ELSE latest_list_id END WHERE id = 1`,
      [status === 'applied', listId],
    );
    // The running service drops its response cache when it hears this (src/plugins/app/dataset-version.ts).
    await client.query("SELECT pg_notify('dataset_changed', $1)", [String(listId)]);
    await client.query('COMMIT');
    if (status !== 'applied') report.unresolvedAgencies = [];
    return { ...report, outcome: status, sourceListId: listId, reason: quarantineReason };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** Why a list should not be applied as it is, or null. `force` overrides all but going back in time. */
async function quarantineReasonFor(
  client: pg.ClientBase,
  parsed: ParsedList,
  kind: ListKind,
  listDate: string,
  plan: ListPlan,
  force: boolean,
): Promise<string | null> {
  const later = await client.query<{ list_date: string; file_name: string | null }>(
    `SELECT list_date, file_name FROM source_lists WHERE status = 'applied' AND kind = $1 AND list_date > $2
     ORDER BY list_date DESC LIMIT 1`,
    [kind, listDate],
  );
  if (later.rows[0]) {
    return `goes back in time: a ${kind} list dated ${later.rows[0].list_date} (${later.rows[0].file_name ?? 'no file name'}) is already applied; history is derived in list-date order`;
  }
  if (force) return null;
  if (parsed.contentKind && parsed.contentKind !== kind) {
    return `looks like a ${parsed.contentKind} list (its columns) although it is taken as ${kind}: the files may have been swapped`;
  }
  if (kind === 'participating' && parsed.latestSignedOn && parsed.latestSignedOn > listDate) {
    return `misdated: dated ${listDate} but a row was signed on ${parsed.latestSignedOn}`;
  }
  if (kind === 'pending' && parsed.fileName) {
    const sibling = await client.query<{ file_name: string | null }>(
      `SELECT file_name FROM source_lists WHERE kind = 'participating' AND list_date = $1
         AND list_time IS NOT DISTINCT FROM $2 AND status = 'quarantined' AND status_reason LIKE 'misdated%' LIMIT 1`,
      [listDate, parsed.listTime],
    );
    if (sibling.rows[0]) {
      return `misdated: the participating list published with it (${sibling.rows[0].file_name}) is misdated`;
    }
  }
  const previous = await client.query<{ list_date: string; columns: string[] | null }>(
    `SELECT list_date, summary->'columns' AS columns FROM source_lists WHERE status = 'applied' AND kind = $1
     ORDER BY list_date DESC, id DESC LIMIT 1`,
    [kind],
  );
  const missing = (previous.rows[0]?.columns ?? []).filter((column) => !parsed.columns.includes(column));
  if (missing.length > 0) {
    return `looks like a stale re-post: it has no ${missing.map((c) => c.toUpperCase()).join(', ')} column, which the applied list of ${previous.rows[0]!.list_date} had`;
  }
  // A header-only list would end every open agreement of its kind, however few (ICE's empty pending lists of
  // November 2025 came between lists that still held the same applications).
  const endsAll = parsed.rows.length === 0 && plan.wouldEnd > 0;
  if (endsAll || (plan.openBefore >= MASS_ENDING_MIN_OPEN && plan.wouldEnd > plan.openBefore * MASS_ENDING_SHARE)) {
    const what = kind === 'participating' ? 'active agreements' : 'pending applications';
    return `would end ${plan.wouldEnd} of ${plan.openBefore} ${what} (${Math.round((plan.wouldEnd / plan.openBefore) * 100)}%) at once`;
  }
  return null;
}

async function saveSourceList(
  client: pg.ClientBase,
  existingId: number | null,
  list: {
    parsed: ParsedList;
    source: ListSource;
    kind: ListKind;
    listDate: string;
    listDateSource: ListDateSource;
    status: 'applied' | 'quarantined';
    reason: string | null;
    plan: ListPlan;
  },
): Promise<number> {
  const { parsed, plan } = list;
  const summary = { columns: parsed.columns, counts: plan.counts, header_row: parsed.headerRow };
  const rawRows = parsed.rows.map((row) => ({ row: row.rowNumber, cells: row.raw, issues: row.issues }));
  const values = [
    list.kind,
    list.listDate,
    list.listDateSource,
    parsed.listTime,
    parsed.fileName,
    list.source.url ?? null,
    parsed.sha256,
    list.source.buffer.byteLength,
    parsed.rows.length,
    list.status,
    list.reason,
    JSON.stringify(parsed.warnings),
    JSON.stringify(summary),
    JSON.stringify(rawRows),
  ];
  if (existingId !== null) {
    await client.query(
      `UPDATE source_lists SET kind = $1, list_date = $2, list_date_source = $3, list_time = $4, file_name = $5, url = $6,
         byte_size = $8, row_count = $9, status = $10::source_list_status, status_reason = $11, warnings = $12,
         summary = $13, raw_rows = $14, applied_at = CASE WHEN $10::text = 'applied' THEN now() END
       WHERE id = $15 AND sha256 = $7`,
      [...values, existingId],
    );
    await writeSkippedRows(client, existingId, plan.skipped);
    return existingId;
  }
  const inserted = await client.query<{ id: number }>(
    `INSERT INTO source_lists (kind, list_date, list_date_source, list_time, file_name, url, sha256, byte_size, row_count,
       status, status_reason, warnings, summary, raw_rows, applied_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::source_list_status, $11, $12, $13, $14,
       CASE WHEN $10::text = 'applied' THEN now() END)
     RETURNING id`,
    values,
  );
  await writeSkippedRows(client, inserted.rows[0]!.id, plan.skipped);
  return inserted.rows[0]!.id;
}
