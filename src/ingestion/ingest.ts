// One ICE list in: parse, decide (apply, quarantine or skip), write. A list is
// applied in one transaction, under an advisory lock, so a crash or an error
// leaves the database as it was and two ingestions never interleave.
import type pg from 'pg';
import { linkReportAgencies } from '../reference/load.ts';
import { planList, type ChangeCounts, type HistoryState, type ListPlan } from './history/plan-list.ts';
import { isValidDate, type ListKind, type ParsedList } from './lists/parse/index.ts';
import { IngestInputError, readList, type ListSource, type ReadList } from './lists/read-list.ts';
import { compareListPlace, type ListPlace } from './history/list-order.ts';
import {
  type AppliedList,
  appliedListsInOrder,
  ARRIVING_LIST_ID,
  replaceHistory,
  replayLists,
  storedRows,
} from './history/rederive.ts';
import { rulesVersion } from './history/rules-version.ts';
import {
  LIST_WRITE_LOCK,
  loadHistoryAtVersion,
  loadHistoryState,
  writePlan,
  writeSkippedRows,
} from './history/history-store.ts';
import { matchFbiIdentifiers } from './agencies/fbi-identifiers.ts';
import { correctionFor, describeCorrection } from './history/list-corrections.ts';

export { IngestInputError, type ListSource, type ReadList };

/** Quarantine a list that would end more than this share of the open agreements of its kind… */
const MASS_ENDING_SHARE = 0.25;
/** …when there are at least this many (small lists legitimately swing). */
const MASS_ENDING_MIN_OPEN = 20;
/** A list whose file-name date is further than this from the server's Last-Modified is held as misdated. */
const LAST_MODIFIED_TOLERANCE_DAYS = 30;

export type ListDateSource = 'argument' | 'correction' | 'file_name' | 'last_modified';

export interface IngestOptions {
  kind?: ListKind;
  listDate?: string;
  dryRun?: boolean;
  force?: boolean;
}

/** rejected: set aside by a reviewed correction (list-corrections.json), recorded but not applied. */
export type IngestOutcome = 'applied' | 'quarantined' | 'rejected' | 'skipped' | 'dry_run';

export interface IngestReport {
  outcome: IngestOutcome;
  sourceListId: number | null;
  fileName: string | null;
  kind: ListKind;
  listDate: string;
  listDateSource: ListDateSource;
  sha256: string;
  reason: string | null;
  /** For a misdated list: the date it would more likely carry, to pass as --list-date after review. */
  suggestedListDate: string | null;
  counts: ChangeCounts | null;
  warnings: string[];
  /** Agencies created by this list whose county could not be found (statewide agencies excluded). */
  unresolvedAgencies: string[];
}

/**
 * The history state between the lists of one run (a backfill), so that each list does not read the whole
 * history again: valid only at the dataset version it was kept at. Any other write (another ingestion, the
 * historical loader) moves the version, and the next list reads the state from the database.
 */
export class HistoryCache {
  private kept: { state: HistoryState; version: number } | null = null;
  private reading: Promise<{ state: HistoryState; version: number } | null> | null = null;

  /**
   * Starts reading the state as the database holds it now, while the run reads its first list: that list then finds
   * it read (a process's first list waited for it after parsing). Unused if a write moves the version meanwhile.
   */
  prefetch(pool: pg.Pool): void {
    if (this.kept || this.reading) return;
    // A failed read is a read not made: the list reads the state itself (and meets the failure there, if it lasts).
    this.reading = loadHistoryAtVersion(pool).catch(() => null);
  }

  /** The state at `version`, taken out of the cache (planning changes it in place), or null. */
  async take(version: number): Promise<HistoryState | null> {
    if (this.reading) {
      this.kept ??= await this.reading;
      this.reading = null;
    }
    const kept = this.kept?.version === version ? this.kept.state : null;
    this.kept = null;
    return kept;
  }

  keep(state: HistoryState, version: number): void {
    this.kept = { state, version };
  }
}

export async function ingestList(
  pool: pg.Pool,
  source: ListSource,
  options: IngestOptions = {},
): Promise<IngestReport> {
  const history = new HistoryCache();
  // The database reads the history state while the list is fetched and parsed.
  history.prefetch(pool);
  return applyList(pool, await readList(source), options, history);
}

/** Decides and writes a parsed list (see ingestList). `history` carries the state from one list to the next. */
export async function applyList(
  pool: pg.Pool,
  list: ReadList,
  options: IngestOptions = {},
  history?: HistoryCache,
): Promise<IngestReport> {
  const { parsed } = list;
  // A reviewed correction stands in for --kind and --list-date, unless the caller passed either.
  const correction =
    options.kind === undefined && options.listDate === undefined ? correctionFor(parsed.sha256) : undefined;
  const correctedKind = correction?.correction === 'kind' ? correction.kind : undefined;
  const correctedDate = correction?.correction === 'list_date' ? correction.list_date : undefined;
  const kind = options.kind ?? correctedKind ?? parsed.kind ?? parsed.contentKind;
  if (!kind)
    throw new IngestInputError(
      `${parsed.fileName ?? 'input'}: cannot tell whether this is a participating or a pending list; pass --kind`,
    );
  const [listDate, listDateSource] = options.listDate
    ? [options.listDate, 'argument' as const]
    : correctedDate
      ? [correctedDate, 'correction' as const]
      : parsed.listDate
        ? [parsed.listDate, 'file_name' as const]
        : list.lastModified
          ? [list.lastModified, 'last_modified' as const]
          : [null, null];
  if (!listDate || !listDateSource) {
    throw new IngestInputError(
      `${parsed.fileName ?? 'input'}: no list date in the file name; pass --list-date YYYY-MM-DD`,
    );
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
    suggestedListDate: null,
    counts: null,
    warnings: correction ? [...parsed.warnings, describeCorrection(correction)] : parsed.warnings,
    unresolvedAgencies: [],
  };

  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [LIST_WRITE_LOCK]);
    const known = (await knownLists(client, [parsed.sha256])).get(parsed.sha256);
    if (known && isSettled(known, options)) {
      await client.query('ROLLBACK');
      return { ...report, sourceListId: known.id, reason: settledReason(known, parsed.fileName) };
    }

    const version = await datasetVersion(client);
    // The list's row in source_lists (its status settled by settleSourceList).
    const store = () =>
      storeSourceList(client, known?.id ?? null, { list, kind, listDate, listDateSource, warnings: report.warnings });
    // A list set aside by review never enters history, wherever its date would place it.
    if (correction?.correction === 'set_aside') {
      const reason = describeCorrection(correction);
      if (options.dryRun) {
        await client.query('ROLLBACK');
        return { ...report, outcome: 'dry_run', reason };
      }
      // History does not change: the state kept for the next list stays valid at the version this write makes.
      const kept = version !== null ? await history?.take(version) : null;
      const listId = await store();
      await settleSourceList(client, listId, list, { status: 'rejected', reason, plan: null });
      const newVersion = await bumpVersion(client, listId, false);
      await client.query('COMMIT');
      if (kept && newVersion !== undefined) history?.keep(kept, newVersion);
      return { ...report, outcome: 'rejected', sourceListId: listId, reason };
    }
    const place: ListPlace = {
      listDate,
      listTime: parsed.listTime,
      kind,
      publishedAt: list.publishedAt,
      arrival: Number.MAX_SAFE_INTEGER,
    };
    const applied = await appliedListsInOrder(client);
    // A late list (an earlier date, an earlier time of day, or an edition published before one applied).
    const late = applied.some((other) => compareListPlace(other, place) > 0);
    // A list in order is sent to be stored first, and read in by the database while its history state is taken and
    // it is planned (a late list's replay reads every applied list first: it is stored after). A dry run stores nothing.
    const stored = late || options.dryRun ? null : store();
    // Its failure is met where it is awaited (or, if planning fails first, that failure is the one reported).
    stored?.catch(() => {});
    const judged = { kind, listDate, listDateSource, lastModified: list.lastModified };
    const quarantineFor = (plan: ListPlan, previousOfKind: AppliedList | null) =>
      quarantineReasonFor(client, parsed, judged, plan, options.force ?? false, previousOfKind);
    let planned: PlannedList;
    if (late) {
      // The history is derived again with the late list in its place, as loading every list in order would have.
      let quarantine: Quarantine | null = null;
      const replay = await replayLists(client, applied, {
        place,
        rows: parsed.rows,
        async judge(plan, previousOfKind) {
          quarantine = await quarantineFor(plan, previousOfKind);
          return quarantine === null && !options.dryRun;
        },
      });
      planned = {
        plan: replay.arrivingPlan!,
        quarantine: quarantine as Quarantine | null,
        async apply(listId) {
          const mapId = (id: number) => (id === ARRIVING_LIST_ID ? listId : id);
          return { version: (await replaceHistory(client, replay.history, mapId)).version, state: null };
        },
      };
    } else {
      const state = (version !== null ? await history?.take(version) : null) ?? (await loadHistoryState(client));
      const plan = planList(state, { kind, listDate }, parsed.rows);
      planned = {
        plan,
        quarantine: await quarantineFor(plan, applied.filter((other) => other.kind === kind).at(-1) ?? null),
        async apply(listId) {
          await writePlan(client, listId, listDate, plan);
          // Only a new agency can match a report's agency that no agency matched before.
          if (plan.newAgencies.length > 0) await linkReportAgencies(client);
          // A new agency gets its FBI identifiers from the loaded roster (if any) with the list that brought it.
          if (plan.newAgencies.length > 0) await matchFbiIdentifiers(client, { all: false });
          // The first list into an empty history is derived under today's rules; later ones keep the version the
          // history was derived under (a database derived under older rules stays so until --rederive).
          // Planning changed the state in place: it is the database's state now that the plan is written.
          return { version: await bumpVersion(client, listId, true, applied.length === 0), state };
        },
      };
    }

    const { plan, quarantine } = planned;
    report.counts = plan.counts;
    report.unresolvedAgencies = unresolvedAgencies(plan);
    report.suggestedListDate = quarantine?.suggestedListDate ?? null;
    const quarantineReason = quarantine?.reason ?? null;
    if (options.dryRun) {
      await client.query('ROLLBACK');
      return { ...report, outcome: 'dry_run', reason: quarantineReason };
    }
    const status = quarantineReason ? 'quarantined' : 'applied';
    const listId = await (stored ?? store());
    await settleSourceList(client, listId, list, { status, reason: quarantineReason, plan });
    const kept =
      status === 'applied'
        ? await planned.apply(listId)
        : { version: await bumpVersion(client, listId, false), state: null };
    await numberEditions(client, kind, listDate, parsed.listTime);
    await client.query('COMMIT');
    if (kept.state && kept.version !== undefined) history?.keep(kept.state, kept.version);
    if (status !== 'applied') report.unresolvedAgencies = [];
    return { ...report, outcome: status, sourceListId: listId, reason: quarantineReason };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** A list planned in its place: its plan, what holds it back (if anything), and how its history is written. */
interface PlannedList {
  plan: ListPlan;
  quarantine: Quarantine | null;
  /** Writes the history with the list applied and makes the new dataset version; the state to keep for the next list. */
  apply(listId: number): Promise<{ version: number | undefined; state: HistoryState | null }>;
}

function unresolvedAgencies(plan: ListPlan): string[] {
  return plan.newAgencies
    .filter((agency) => agency.location.method === 'unresolved')
    .map((agency) => `${agency.canonicalName} (${agency.stateCode})`);
}

/** A list already ingested, as source_lists holds it. */
export interface KnownList {
  id: number;
  sha256: string;
  kind: ListKind;
  list_date: string;
  list_date_source: ListDateSource;
  status: 'applied' | 'quarantined' | 'rejected';
  status_reason: string | null;
  file_name: string | null;
}

/** The lists already ingested among these SHA-256s. */
export async function knownLists(
  db: pg.Pool | pg.ClientBase,
  sha256s: readonly string[],
): Promise<Map<string, KnownList>> {
  const result = await db.query<KnownList>(
    `SELECT id, sha256::text AS sha256, kind::text AS kind, list_date, list_date_source::text AS list_date_source,
       status::text AS status, status_reason, file_name
     FROM source_lists WHERE sha256 = ANY($1::bpchar[])`,
    [sha256s],
  );
  return new Map(result.rows.map((row) => [row.sha256, row]));
}

/**
 * Whether a known list needs no more work: applied, or held back and not to be judged again. A quarantined
 * list is judged again with --force, with another --list-date, or once a reviewed correction names it.
 */
export function isSettled(known: KnownList, options: IngestOptions): boolean {
  if (known.status === 'applied') return true;
  const redated = options.listDate !== undefined && options.listDate !== known.list_date;
  const reviewed = known.status === 'quarantined' && correctionFor(known.sha256) !== undefined;
  return !(options.force || redated || reviewed);
}

export function settledReason(known: KnownList, fileName: string | null): string {
  return known.status === 'applied'
    ? `already applied${known.file_name !== fileName ? ` (identical to ${known.file_name} of ${known.list_date})` : ''}`
    : `already ${known.status}: ${known.status_reason}`;
}

/** What ingesting a known, settled list reports, without reading more of it than its hash. */
export function settledReport(known: KnownList, fileName: string | null): IngestReport {
  return {
    outcome: 'skipped',
    sourceListId: known.id,
    fileName,
    kind: known.kind,
    listDate: known.list_date,
    listDateSource: known.list_date_source,
    sha256: known.sha256,
    reason: settledReason(known, fileName),
    suggestedListDate: null,
    counts: null,
    warnings: [],
    unresolvedAgencies: [],
  };
}

/** A new dataset version; the running service drops its response cache when it hears it (src/plugins/app/dataset-version.ts). */
async function bumpVersion(
  client: pg.ClientBase,
  listId: number,
  applied: boolean,
  firstList = false,
): Promise<number | undefined> {
  const updated = await client.query<{ version: number }>(
    `UPDATE dataset_version SET version = version + 1, updated_at = now(),
       latest_list_id = CASE WHEN $1 THEN $2::int ELSE latest_list_id END,
       rules_version = CASE WHEN $3 THEN $4 ELSE rules_version END WHERE id = 1
     RETURNING version`,
    [applied, listId, firstList, rulesVersion()],
  );
  await client.query("SELECT pg_notify('dataset_changed', $1)", [String(listId)]);
  return updated.rows[0]?.version;
}

/** Editions of one list (same kind, date and time of day): 1, 2 … by publication time when known, else arrival. */
async function numberEditions(
  client: pg.ClientBase,
  kind: ListKind,
  listDate: string,
  listTime: string | null,
): Promise<void> {
  await client.query(
    `UPDATE source_lists s SET edition = n.edition
     FROM (SELECT id, row_number() OVER (ORDER BY published_at NULLS LAST, id)::int AS edition FROM source_lists
           WHERE kind = $1 AND list_date = $2 AND list_time IS NOT DISTINCT FROM $3) n
     WHERE s.id = n.id AND s.edition <> n.edition`,
    [kind, listDate, listTime],
  );
}

async function datasetVersion(client: pg.ClientBase): Promise<number | null> {
  const result = await client.query<{ version: number }>('SELECT version FROM dataset_version WHERE id = 1');
  return result.rows[0]?.version ?? null;
}

const daysApart = (a: string, b: string): number =>
  Math.abs(Date.parse(`${a}T00:00:00Z`) - Date.parse(`${b}T00:00:00Z`)) / 86_400_000;

/** How long after its latest signing a list dated "a year on" may be, to be taken as a year typo. */
const YEAR_TYPO_WINDOW_DAYS = 60;

/**
 * The date a misdated list more likely carries: the server's Last-Modified when no row was signed after
 * it; else the name's date a year on, when that falls shortly after the latest signing (ICE's January 2026
 * lists named 0105/0106/01092025); else its latest signing (a list is at least as new as that).
 */
function likelyListDate(listDate: string, latestSignedOn: string | null, lastModified: string | null): string {
  if (lastModified && (latestSignedOn === null || lastModified >= latestSignedOn)) return lastModified;
  if (latestSignedOn === null) return listDate;
  const [year, month, day] = listDate.split('-').map(Number) as [number, number, number];
  const yearOn = `${year + 1}${listDate.slice(4)}`;
  const typo =
    isValidDate(year + 1, month, day) &&
    yearOn >= latestSignedOn &&
    daysApart(yearOn, latestSignedOn) <= YEAR_TYPO_WINDOW_DAYS;
  return typo ? yearOn : latestSignedOn;
}

interface Quarantine {
  reason: string;
  suggestedListDate: string | null;
}

function misdated(why: string, suggestedListDate: string): Quarantine {
  return {
    reason: `misdated: ${why}; review it, then ingest it again with --list-date ${suggestedListDate}`,
    suggestedListDate,
  };
}

/**
 * Why a list should not be applied as it is, or null; `force` overrides every reason. `previousOfKind`: the
 * applied list of the same kind just before this one in history.
 */
async function quarantineReasonFor(
  client: pg.ClientBase,
  parsed: ParsedList,
  list: { kind: ListKind; listDate: string; listDateSource: ListDateSource; lastModified: string | null },
  plan: ListPlan,
  force: boolean,
  previousOfKind: { listDate: string; columns: string[] } | null,
): Promise<Quarantine | null> {
  const { kind, listDate, lastModified } = list;
  const held = (reason: string): Quarantine => ({ reason, suggestedListDate: null });
  if (force) return null;
  if (parsed.contentKind && parsed.contentKind !== kind) {
    return held(
      `looks like a ${parsed.contentKind} list (its columns) although it is taken as ${kind}: the files may have been swapped`,
    );
  }
  if (kind === 'participating' && parsed.latestSignedOn && parsed.latestSignedOn > listDate) {
    return misdated(
      `dated ${listDate} but a row was signed on ${parsed.latestSignedOn}`,
      likelyListDate(listDate, parsed.latestSignedOn, lastModified),
    );
  }
  if (
    list.listDateSource === 'file_name' &&
    lastModified &&
    daysApart(listDate, lastModified) > LAST_MODIFIED_TOLERANCE_DAYS
  ) {
    return misdated(
      `the file name says ${listDate} but the server's Last-Modified is ${lastModified}, ${Math.round(daysApart(listDate, lastModified))} days apart`,
      likelyListDate(listDate, parsed.latestSignedOn, lastModified),
    );
  }
  if (kind === 'pending' && parsed.fileName) {
    const sibling = await client.query<{ file_name: string | null }>(
      `SELECT file_name FROM source_lists WHERE kind = 'participating' AND list_date = $1
         AND list_time IS NOT DISTINCT FROM $2 AND status = 'quarantined' AND status_reason LIKE 'misdated%' LIMIT 1`,
      [listDate, parsed.listTime],
    );
    if (sibling.rows[0]) {
      return held(`misdated: the participating list published with it (${sibling.rows[0].file_name}) is misdated`);
    }
  }
  const missing = (previousOfKind?.columns ?? []).filter((column) => !parsed.columns.includes(column));
  if (missing.length > 0) {
    return held(
      `looks like a stale re-post: it has no ${missing.map((c) => c.toUpperCase()).join(', ')} column, which the applied list of ${previousOfKind!.listDate} had`,
    );
  }
  // A header-only list would end every open agreement of its kind, however few (ICE's empty pending lists of
  // November 2025 came between lists that still held the same applications).
  const endsAll = parsed.rows.length === 0 && plan.wouldEnd > 0;
  if (endsAll || (plan.openBefore >= MASS_ENDING_MIN_OPEN && plan.wouldEnd > plan.openBefore * MASS_ENDING_SHARE)) {
    const what = kind === 'participating' ? 'active agreements' : 'pending applications';
    return held(
      `would end ${plan.wouldEnd} of ${plan.openBefore} ${what} (${Math.round((plan.wouldEnd / plan.openBefore) * 100)}%) at once`,
    );
  }
  return null;
}

/** What a list is stored as, before it is planned: the file, its rows as read and as parsed. */
interface ListToStore {
  list: ReadList;
  kind: ListKind;
  listDate: string;
  listDateSource: ListDateSource;
  warnings: string[];
}

/**
 * Stores the list and its rows (a new row of source_lists, or the row of `existingId` rewritten) and answers its id;
 * its status is settled once it is planned (settleSourceList). Sent before planning, the rows (most of what a list
 * writes) are taken in by the database while planning runs here.
 */
async function storeSourceList(client: pg.ClientBase, existingId: number | null, store: ListToStore): Promise<number> {
  const { parsed } = store.list;
  const rawRows = parsed.rows.map((row) => ({ row: row.rowNumber, cells: row.raw, issues: row.issues }));
  const values = [
    store.kind,
    store.listDate,
    store.listDateSource,
    parsed.listTime,
    parsed.fileName,
    store.list.url,
    parsed.sha256,
    store.list.byteSize,
    parsed.rows.length,
    JSON.stringify(store.warnings),
    JSON.stringify(rawRows),
    JSON.stringify(storedRows(parsed.rows)),
    store.list.publishedAt,
  ];
  if (existingId !== null) {
    await client.query(
      `UPDATE source_lists SET kind = $1, list_date = $2, list_date_source = $3, list_time = $4, file_name = $5, url = $6,
         byte_size = $8, row_count = $9, warnings = $10, raw_rows = $11, parsed_rows = $12, published_at = $13
       WHERE id = $14 AND sha256 = $7`,
      [...values, existingId],
    );
    return existingId;
  }
  // 'rejected' until settled: the row is seen by no one before the transaction commits.
  const inserted = await client.query<{ id: number }>(
    `INSERT INTO source_lists (kind, list_date, list_date_source, list_time, file_name, url, sha256, byte_size, row_count,
       status, warnings, raw_rows, parsed_rows, published_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'rejected', $10, $11, $12, $13)
     RETURNING id`,
    values,
  );
  return inserted.rows[0]!.id;
}

/** Writes a stored list's status, its summary (the plan's counts) and the rows its plan skipped. */
async function settleSourceList(
  client: pg.ClientBase,
  listId: number,
  list: ReadList,
  outcome: {
    status: 'applied' | 'quarantined' | 'rejected';
    reason: string | null;
    /** Null for a list set aside by review: it was never planned. */
    plan: ListPlan | null;
  },
): Promise<void> {
  const { parsed } = list;
  const { status, plan } = outcome;
  const summary = { columns: parsed.columns, counts: plan?.counts ?? null, header_row: parsed.headerRow };
  await client.query(
    `UPDATE source_lists SET status = $2::source_list_status, status_reason = $3, summary = $4,
       applied_at = CASE WHEN $2::text = 'applied' THEN now() END
     WHERE id = $1`,
    [listId, status, outcome.reason, JSON.stringify(summary)],
  );
  if (plan) await writeSkippedRows(client, listId, plan.skipped);
}
