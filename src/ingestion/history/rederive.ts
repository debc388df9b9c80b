// History as a function of the lists. Replays the stored rows of every applied
// ICE list in history order (list-order.ts) from an empty state, with today's
// rules and overrides, then replaces the derived tables in one transaction:
// agencies, aliases, spellings, agreements, status spans, events, skipped rows
// and each list's counts; then the historical layer from its stored rows. The
// planner and the in-memory bookkeeping are those of an in-order load (the
// writes mirror store.ts's writePlan), so the result is what loading every list
// in order from an empty database gives. Used by `ingest --rederive` and by a
// list that arrives late (its place is before lists already applied).
import type pg from 'pg';
import { linkReportAgencies } from '../../reference/load.ts';
import type { AgencyLocation } from '../agencies/place.ts';
import {
  planList,
  type AgreementStatus,
  type HistoryState,
  type ListPlan,
  type PlannedEvent,
  type SkippedRow,
} from './plan-list.ts';
import { rebuildHistoricalLayer } from '../historical/load-historical.ts';
import { compareListPlace, type ListPlace } from './list-order.ts';
import type { ListKind, ParsedRow } from '../lists/parse/index.ts';
import { IngestInputError } from '../lists/read-list.ts';
import { rulesVersion } from './rules-version.ts';
import { agencyRow, insertAgencies, LIST_WRITE_LOCK } from './history-store.ts';

/** A ParsedRow as kept in source_lists.parsed_rows: `raw` and `issues` are in raw_rows already. */
export type StoredRow = Omit<ParsedRow, 'raw' | 'issues'>;

export function storedRows(rows: readonly ParsedRow[]): StoredRow[] {
  return rows.map(({ raw: _raw, issues: _issues, ...row }) => row);
}

/** An applied list, before its rows are read. */
export interface AppliedList extends ListPlace {
  id: number;
  fileName: string | null;
  columns: string[];
}

/** The applied ICE lists in history order. */
export async function appliedListsInOrder(client: pg.ClientBase): Promise<AppliedList[]> {
  const result = await client.query<{
    id: number;
    kind: ListKind;
    list_date: string;
    list_time: string | null;
    published_at: string | null;
    file_name: string | null;
    columns: string[] | null;
  }>(
    `SELECT id, kind, list_date, list_time, to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS published_at,
       file_name, summary->'columns' AS columns
     FROM source_lists WHERE status = 'applied'`,
  );
  return result.rows
    .map((row) => ({
      id: row.id,
      kind: row.kind,
      listDate: row.list_date,
      listTime: row.list_time,
      publishedAt: row.published_at,
      arrival: row.id,
      fileName: row.file_name,
      columns: row.columns ?? [],
    }))
    .sort(compareListPlace);
}

/** The cells a stored row carries while it is replayed: a skipped row's are read after planning (withSkippedCells). */
const CELLS_NOT_READ: Readonly<Record<string, string>> = Object.freeze({});

/**
 * Reads the stored rows of `ids` from parsed_rows. Their raw cells (raw_rows) are not read: only a skipped row keeps
 * its cells, and the cells of every row would be half of what a replay reads and allocates.
 */
async function readRows(client: pg.ClientBase, ids: number[]): Promise<Map<number, ParsedRow[]>> {
  const result = await client.query<{
    id: number;
    file_name: string | null;
    list_date: string;
    parsed_rows: StoredRow[] | null;
  }>('SELECT id, file_name, list_date, parsed_rows FROM source_lists WHERE id = ANY($1::int[])', [ids]);
  const rows = new Map<number, ParsedRow[]>();
  for (const list of result.rows) {
    if (!list.parsed_rows) {
      throw new IngestInputError(
        `the list ${list.file_name ?? list.id} of ${list.list_date} was ingested before its parsed rows were kept: ` +
          'reload the lists from their files into an empty database (npm run ingest -- --dir ...) to re-derive',
      );
    }
    rows.set(
      list.id,
      list.parsed_rows.map((row) => Object.assign(row, { raw: CELLS_NOT_READ, issues: [] })),
    );
  }
  return rows;
}

/** The skipped rows of the stored list `id` with their raw cells, read from raw_rows. */
async function withSkippedCells(client: pg.ClientBase, id: number, skipped: SkippedRow[]): Promise<SkippedRow[]> {
  if (skipped.length === 0) return skipped;
  const result = await client.query<{ row: number; cells: Record<string, string> }>(
    `SELECT (raw->>'row')::int AS row, raw->'cells' AS cells
     FROM source_lists, jsonb_array_elements(raw_rows) AS raw
     WHERE id = $1 AND (raw->>'row')::int = ANY($2::int[])`,
    [id, skipped.map((row) => row.rowNumber)],
  );
  const cells = new Map(result.rows.map((raw) => [raw.row, raw.cells]));
  return skipped.map((row) => ({ ...row, cells: cells.get(row.rowNumber) ?? {} }));
}

interface SeenName {
  firstSeenOn: string;
  lastSeenOn: string;
  firstListId: number;
  lastListId: number;
}

interface Span {
  agreementId: string;
  status: AgreementStatus;
  fromOn: string;
  toOn: string | null;
  listId: number;
}

/** Everything the lists derive, kept in memory while they are replayed. */
export interface DerivedHistory {
  state: HistoryState;
  locations: Map<string, AgencyLocation>;
  aliases: Map<string, SeenName & { agencyId: string; name: string }>;
  spellings: Map<string, SeenName & { agencyId: string; spelling: string; name: string; searchKey: string }>;
  sourceLists: Map<string, { first: number; last: number }>;
  spans: Span[];
  openSpans: Map<string, Span[]>;
  events: (PlannedEvent & { listId: number })[];
  lists: { id: number; kind: ListKind; listDate: string; counts: ListPlan['counts']; skipped: SkippedRow[] }[];
}

function emptyHistory(): DerivedHistory {
  return {
    state: { agencies: new Map(), agreements: new Map() },
    locations: new Map(),
    aliases: new Map(),
    spellings: new Map(),
    sourceLists: new Map(),
    spans: [],
    openSpans: new Map(),
    events: [],
    lists: [],
  };
}

function firstSeen(listDate: string, listId: number): SeenName {
  return { firstSeenOn: listDate, lastSeenOn: listDate, firstListId: listId, lastListId: listId };
}

/** A name seen again (as writePlan's upsert moves its last sighting); in place: a replay sees each name in most lists. */
function seenAgain(name: SeenName, listDate: string, listId: number): void {
  if (listDate >= name.lastSeenOn) name.lastListId = listId;
  if (listDate > name.lastSeenOn) name.lastSeenOn = listDate;
}

/** What writePlan (store.ts) writes for one list, into memory. */
function record(history: DerivedHistory, list: { id: number; kind: ListKind; listDate: string }, plan: ListPlan): void {
  const { id, listDate } = list;
  for (const agency of plan.newAgencies) history.locations.set(agency.id, agency.location);
  for (const alias of plan.aliases) {
    const aliasKey = `${alias.agencyId}|${alias.name}`;
    const known = history.aliases.get(aliasKey);
    if (known) seenAgain(known, listDate, id);
    else history.aliases.set(aliasKey, { agencyId: alias.agencyId, name: alias.name, ...firstSeen(listDate, id) });
  }
  for (const alias of plan.aliases) {
    const spellingKey = `${alias.agencyId}|${alias.spelling}`;
    const known = history.spellings.get(spellingKey);
    if (!known) {
      history.spellings.set(spellingKey, {
        agencyId: alias.agencyId,
        spelling: alias.spelling,
        name: alias.name,
        searchKey: alias.searchKey,
        ...firstSeen(listDate, id),
      });
    } else if (known.firstListId === id) {
      // A spelling keeps the name and search key of its first list (the last of them in that list).
      known.name = alias.name;
      known.searchKey = alias.searchKey;
    } else seenAgain(known, listDate, id);
  }
  for (const agreement of plan.createdAgreements) history.sourceLists.set(agreement.id, { first: id, last: id });
  for (const agreementId of plan.listedIds) {
    const lists = history.sourceLists.get(agreementId);
    if (lists) lists.last = id;
  }
  const closing = new Set(plan.statusChanges.map((change) => change.agreementId));
  for (const agreementId of closing) {
    for (const span of history.openSpans.get(agreementId) ?? []) span.toOn = listDate;
    history.openSpans.delete(agreementId);
  }
  for (const change of plan.statusChanges) {
    const span: Span = {
      agreementId: change.agreementId,
      status: change.status,
      fromOn: listDate,
      toOn: null,
      listId: id,
    };
    history.spans.push(span);
    const open = history.openSpans.get(change.agreementId) ?? [];
    open.push(span);
    history.openSpans.set(change.agreementId, open);
  }
  for (const event of plan.events) history.events.push({ ...event, listId: id });
  history.lists.push({ id, kind: list.kind, listDate, counts: plan.counts, skipped: plan.skipped });
}

/** A list that is not stored yet, to replay at its place (a late list). `judge` says whether it is applied. */
export interface ArrivingList {
  place: ListPlace;
  rows: ParsedRow[];
  /** The plan at its place and the columns of the applied list of its kind before it; false: leave it out. */
  judge(plan: ListPlan, previousOfKind: AppliedList | null): Promise<boolean>;
}

/** The id the arriving list's rows carry until it is stored. */
export const ARRIVING_LIST_ID = -1;

/** Lists whose rows are read at once: a few, so that the rows held are a few lists' and not the archive's. */
const ROWS_BATCH = 10;

/**
 * Replays `lists` (in history order) from an empty state, with `arriving` at its place. Returns the history
 * and, with `arriving`, its plan and whether it was judged in.
 */
export async function replayLists(
  client: pg.ClientBase,
  lists: AppliedList[],
  arriving?: ArrivingList,
): Promise<{ history: DerivedHistory; arrivingPlan: ListPlan | null; arrivingApplied: boolean }> {
  const history = emptyHistory();
  type Step = { kind: 'stored'; list: AppliedList } | { kind: 'arriving'; arriving: ArrivingList };
  const steps: Step[] = lists.map((list) => ({ kind: 'stored', list }));
  if (arriving) {
    const at = lists.findIndex((list) => compareListPlace(arriving.place, list) < 0);
    steps.splice(at === -1 ? lists.length : at, 0, { kind: 'arriving', arriving });
  }
  let arrivingPlan: ListPlan | null = null;
  let arrivingApplied = false;
  let batch = new Map<number, ParsedRow[]>();
  const previousOfKind = new Map<ListKind, AppliedList>();
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    if (step.kind === 'arriving') {
      const { place } = step.arriving;
      const plan = planList(history.state, { kind: place.kind, listDate: place.listDate }, step.arriving.rows);
      arrivingPlan = plan;
      arrivingApplied = await step.arriving.judge(plan, previousOfKind.get(place.kind) ?? null);
      // Planning changed the state in place: a list judged out is planned again from the state before it.
      if (!arrivingApplied) return { history, arrivingPlan, arrivingApplied };
      record(history, { id: ARRIVING_LIST_ID, kind: place.kind, listDate: place.listDate }, plan);
      continue;
    }
    const { list } = step;
    if (!batch.has(list.id)) {
      const ids = steps.slice(i, i + ROWS_BATCH).flatMap((next) => (next.kind === 'stored' ? [next.list.id] : []));
      batch = await readRows(client, ids);
    }
    const plan = planList(history.state, { kind: list.kind, listDate: list.listDate }, batch.get(list.id)!);
    plan.skipped = await withSkippedCells(client, list.id, plan.skipped);
    record(history, { id: list.id, kind: list.kind, listDate: list.listDate }, plan);
    previousOfKind.set(list.kind, list);
  }
  return { history, arrivingPlan, arrivingApplied };
}

const json = (rows: unknown[]) => JSON.stringify(rows);

/**
 * Replaces the derived tables with `history` (the caller holds the list write lock, in a transaction), then the
 * historical layer. `listId` maps the arriving list's placeholder id to its stored id.
 */
export async function writeHistory(
  client: pg.ClientBase,
  history: DerivedHistory,
  listId: (id: number) => number = (id) => id,
): Promise<void> {
  // Agreements take their events and spans with them (ON DELETE CASCADE); agencies stay where they still exist,
  // so that what refers to them (report links) is kept.
  await client.query('DELETE FROM agreements');
  await client.query('DELETE FROM agency_aliases');
  await client.query('DELETE FROM agency_spellings');
  await client.query('DELETE FROM oversight_report_agencies WHERE historical_source_id IS NOT NULL');
  const agencies = [...history.state.agencies.values()];
  await client.query('DELETE FROM agencies WHERE NOT (id = ANY($1::text[]))', [agencies.map((agency) => agency.id)]);
  const existing = new Set((await client.query<{ id: string }>('SELECT id FROM agencies')).rows.map((row) => row.id));
  const newAgencies = agencies
    .filter((agency) => !existing.has(agency.id))
    .map((agency) => ({ ...agency, location: history.locations.get(agency.id)! }));
  const keptAgencies = agencies
    .filter((agency) => existing.has(agency.id))
    .map((agency) => ({ ...agency, location: history.locations.get(agency.id)! }));
  if (keptAgencies.length > 0) {
    // Two kept agencies may trade identity keys: the keys are parked first, so no unique check trips midway.
    await client.query(`UPDATE agencies SET match_key = '~parked~' || id WHERE id = ANY($1::text[])`, [
      keptAgencies.map((agency) => agency.id),
    ]);
    await client.query(
      `UPDATE agencies SET canonical_name = r."canonicalName", match_key = r."matchKey", type = r.type::agency_type,
         level = r.level::agency_level, state_code = r."stateCode", county_fips = r."countyFips", lat = r.lat, lon = r.lon,
         location_method = r.method, updated_at = now()
       FROM jsonb_to_recordset($1::jsonb) AS r(id text, "canonicalName" text, "matchKey" text, type text, level text,
         "stateCode" text, "countyFips" text, lat float8, lon float8, method text)
       WHERE agencies.id = r.id`,
      [json(keptAgencies.map(agencyRow))],
    );
  }
  await insertAgencies(client, newAgencies);
  // Aliases and spellings name the lists they were first and last seen in.
  const seenInLists = <T extends { firstListId: number; lastListId: number }>(rows: Iterable<T>) =>
    [...rows].map((row) => ({ ...row, firstListId: listId(row.firstListId), lastListId: listId(row.lastListId) }));
  await client.query(
    `INSERT INTO agency_aliases (agency_id, name, first_seen_on, last_seen_on, first_source_list_id, last_source_list_id)
     SELECT "agencyId", name, "firstSeenOn", "lastSeenOn", "firstListId", "lastListId"
     FROM jsonb_to_recordset($1::jsonb) AS r("agencyId" text, name text, "firstSeenOn" date, "lastSeenOn" date, "firstListId" int, "lastListId" int)`,
    [json(seenInLists(history.aliases.values()))],
  );
  await client.query(
    `INSERT INTO agency_spellings (agency_id, spelling, name, search_key, first_seen_on, last_seen_on, first_source_list_id, last_source_list_id)
     SELECT "agencyId", spelling, name, "searchKey", "firstSeenOn", "lastSeenOn", "firstListId", "lastListId"
     FROM jsonb_to_recordset($1::jsonb) AS r("agencyId" text, spelling text, name text, "searchKey" text, "firstSeenOn" date,
       "lastSeenOn" date, "firstListId" int, "lastListId" int)`,
    [json(seenInLists(history.spellings.values()))],
  );
  await client.query(
    `INSERT INTO agreements (id, agency_id, model_code, status, signed_on, first_listed_on, last_listed_on,
       first_source_list_id, last_source_list_id, ended_on, moa_url, addendum_url, supersedes_id, updated_at)
     SELECT id, "agencyId", "modelCode", status::agreement_status, "signedOn", "firstListedOn", "lastListedOn",
       "firstListId", "lastListId", "endedOn", "moaUrl", "addendumUrl", "supersedesId", now()
     FROM jsonb_to_recordset($1::jsonb) AS r(id text, "agencyId" text, "modelCode" text, status text, "signedOn" date,
       "firstListedOn" date, "lastListedOn" date, "firstListId" int, "lastListId" int, "endedOn" date, "moaUrl" text,
       "addendumUrl" text, "supersedesId" text)`,
    [
      json(
        [...history.state.agreements.values()].map((agreement) => {
          const lists = history.sourceLists.get(agreement.id)!;
          return { ...agreement, firstListId: listId(lists.first), lastListId: listId(lists.last) };
        }),
      ),
    ],
  );
  await client.query(
    `INSERT INTO agreement_status_spans (agreement_id, status, from_on, to_on, source_list_id)
     SELECT "agreementId", status::agreement_status, "fromOn", "toOn", "listId"
     FROM jsonb_to_recordset($1::jsonb) AS r("agreementId" text, status text, "fromOn" date, "toOn" date, "listId" int)`,
    [json(history.spans.map((span) => ({ ...span, listId: listId(span.listId) })))],
  );
  await client.query(
    `INSERT INTO agreement_events (agreement_id, type, occurred_on, source_list_id, source_row, details)
     SELECT "agreementId", type::agreement_event_type, "occurredOn", "listId", "sourceRow", details
     FROM jsonb_to_recordset($1::jsonb) AS r("agreementId" text, type text, "occurredOn" date, "listId" int, "sourceRow" int, details jsonb)`,
    [json(history.events.map((event) => ({ ...event, listId: listId(event.listId) })))],
  );
  const listIds = history.lists.map((list) => listId(list.id));
  await client.query('DELETE FROM source_list_skipped_rows WHERE source_list_id = ANY($1::int[])', [listIds]);
  await client.query(
    `INSERT INTO source_list_skipped_rows (source_list_id, row_number, cells, reason, agreement_id)
     SELECT "listId", "rowNumber", cells, reason, "agreementId"
     FROM jsonb_to_recordset($1::jsonb) AS r("listId" int, "rowNumber" int, cells jsonb, reason text, "agreementId" text)`,
    [json(history.lists.flatMap((list) => list.skipped.map((row) => ({ ...row, listId: listId(list.id) }))))],
  );
  await client.query(
    `UPDATE source_lists SET summary = jsonb_set(summary, '{counts}', r.counts)
     FROM jsonb_to_recordset($1::jsonb) AS r(id int, counts jsonb) WHERE source_lists.id = r.id`,
    [json(history.lists.map((list) => ({ id: listId(list.id), counts: list.counts })))],
  );
  await rebuildHistoricalLayer(client);
  await linkReportAgencies(client);
}

// ------------------------------------------------------------------ what changed

interface Snapshot {
  agencies: Map<string, { state: string; name: string; aliases: string[] }>;
  agreements: Map<string, { agencyId: string; model: string; signedOn: string | null; status: string }>;
  events: Map<string, number>;
  counts: Map<number, { kind: string; listDate: string; counts: string }>;
}

async function snapshot(client: pg.ClientBase): Promise<Snapshot> {
  const agencies = await client.query<{
    id: string;
    state_code: string;
    canonical_name: string;
    aliases: string[] | null;
  }>(
    `SELECT a.id, a.state_code, a.canonical_name, array_agg(al.name) FILTER (WHERE al.name IS NOT NULL) AS aliases
     FROM agencies a LEFT JOIN agency_aliases al ON al.agency_id = a.id GROUP BY a.id`,
  );
  const agreements = await client.query<{
    id: string;
    agency_id: string;
    model_code: string;
    signed_on: string | null;
    status: string;
  }>('SELECT id, agency_id, model_code, signed_on, status FROM agreements');
  const events = await client.query<{ fingerprint: string; n: number }>(
    `SELECT concat_ws('|', agreement_id, type, occurred_on, details::text) AS fingerprint, count(*)::int AS n
     FROM agreement_events GROUP BY 1`,
  );
  const lists = await client.query<{ id: number; kind: string; list_date: string; counts: string | null }>(
    "SELECT id, kind, list_date, (summary->'counts')::text AS counts FROM source_lists WHERE status = 'applied'",
  );
  return {
    agencies: new Map(
      agencies.rows.map((row) => [
        row.id,
        { state: row.state_code, name: row.canonical_name, aliases: row.aliases ?? [] },
      ]),
    ),
    agreements: new Map(
      agreements.rows.map((row) => [
        row.id,
        { agencyId: row.agency_id, model: row.model_code, signedOn: row.signed_on, status: row.status },
      ]),
    ),
    events: new Map(events.rows.map((row) => [row.fingerprint, row.n])),
    counts: new Map(
      lists.rows.map((row) => [row.id, { kind: row.kind, listDate: row.list_date, counts: row.counts ?? '' }]),
    ),
  };
}

/** What a re-derivation changed, for the CLI's report and the redirects of merged ids. */
export interface HistoryChanges {
  agencies: {
    added: string[];
    removed: string[];
    merged: { from: string; into: string }[];
    split: { from: string; into: string }[];
  };
  agreements: { added: string[]; removed: string[]; merged: { from: string; into: string }[] };
  events: { added: number; removed: number };
  /** Lists (kind and date) whose counts moved. */
  listsRecounted: { kind: string; listDate: string }[];
}

function mostShared(names: string[], holders: Map<string, string[]>, accept: (id: string) => boolean): string | null {
  const tally = new Map<string, number>();
  for (const name of names)
    for (const id of holders.get(name) ?? []) if (accept(id)) tally.set(id, (tally.get(id) ?? 0) + 1);
  let best: string | null = null;
  for (const [id, n] of tally)
    if (best === null || n > tally.get(best)! || (n === tally.get(best)! && id < best)) best = id;
  return best;
}

function compare(before: Snapshot, after: Snapshot): HistoryChanges {
  const holders = (snap: Snapshot) => {
    const byName = new Map<string, string[]>();
    for (const [id, agency] of snap.agencies) {
      for (const alias of agency.aliases) {
        const key = `${agency.state}|${alias}`;
        byName.set(key, [...(byName.get(key) ?? []), id]);
      }
    }
    return byName;
  };
  const namesOf = (agency: { state: string; aliases: string[] }) =>
    agency.aliases.map((alias) => `${agency.state}|${alias}`);
  const holdersAfter = holders(after);
  const holdersBefore = holders(before);
  const agencyAdded = [...after.agencies.keys()].filter((id) => !before.agencies.has(id)).sort();
  const agencyGone = [...before.agencies.keys()].filter((id) => !after.agencies.has(id)).sort();
  const agencyMerged: { from: string; into: string }[] = [];
  const agencyRemoved: string[] = [];
  for (const id of agencyGone) {
    const into = mostShared(namesOf(before.agencies.get(id)!), holdersAfter, (candidate) =>
      before.agencies.has(candidate),
    );
    if (into) agencyMerged.push({ from: id, into });
    else agencyRemoved.push(id);
  }
  const split: { from: string; into: string }[] = [];
  for (const id of agencyAdded) {
    const from = mostShared(namesOf(after.agencies.get(id)!), holdersBefore, (candidate) =>
      after.agencies.has(candidate),
    );
    if (from) split.push({ from, into: id });
  }
  const mergedInto = new Map(agencyMerged.map(({ from, into }) => [from, into]));
  const agreementsOf = new Map<string, [string, typeof after.agreements extends Map<string, infer V> ? V : never][]>();
  for (const [id, agreement] of after.agreements) {
    const list = agreementsOf.get(`${agreement.agencyId}|${agreement.model}`) ?? [];
    list.push([id, agreement]);
    agreementsOf.set(`${agreement.agencyId}|${agreement.model}`, list);
  }
  const agreementAdded = [...after.agreements.keys()].filter((id) => !before.agreements.has(id)).sort();
  const agreementMerged: { from: string; into: string }[] = [];
  const agreementRemoved: string[] = [];
  for (const id of [...before.agreements.keys()].filter((id) => !after.agreements.has(id)).sort()) {
    const old = before.agreements.get(id)!;
    const agencyId = after.agencies.has(old.agencyId) ? old.agencyId : mergedInto.get(old.agencyId);
    const candidates = (agencyId ? (agreementsOf.get(`${agencyId}|${old.model}`) ?? []) : []).sort(([a], [b]) =>
      a < b ? -1 : 1,
    );
    const into =
      candidates.find(([, agreement]) => agreement.signedOn === old.signedOn) ??
      candidates.find(([, agreement]) => agreement.status === old.status) ??
      candidates[0];
    // An agreement merges when its agency did, or when another agreement of the same agency and model took it over.
    if (into && (agencyId !== old.agencyId || !before.agreements.has(into[0]) || into[1].signedOn === old.signedOn)) {
      agreementMerged.push({ from: id, into: into[0] });
    } else agreementRemoved.push(id);
  }
  let eventsAdded = 0;
  let eventsRemoved = 0;
  for (const [fingerprint, n] of after.events) eventsAdded += Math.max(0, n - (before.events.get(fingerprint) ?? 0));
  for (const [fingerprint, n] of before.events) eventsRemoved += Math.max(0, n - (after.events.get(fingerprint) ?? 0));
  const listsRecounted = [...after.counts]
    .filter(([id, list]) => before.counts.get(id)?.counts !== list.counts)
    .map(([, list]) => ({ kind: list.kind, listDate: list.listDate }))
    .sort((a, b) => a.listDate.localeCompare(b.listDate) || a.kind.localeCompare(b.kind));
  return {
    agencies: { added: agencyAdded, removed: agencyRemoved, merged: agencyMerged, split },
    agreements: { added: agreementAdded, removed: agreementRemoved, merged: agreementMerged },
    events: { added: eventsAdded, removed: eventsRemoved },
    listsRecounted,
  };
}

/** Merged ids answer with the id they merged into; an id that exists again answers for itself. */
async function recordRedirects(client: pg.ClientBase, changes: HistoryChanges, version: number): Promise<void> {
  const merged = [
    ...changes.agencies.merged.map(({ from, into }) => ({ fromId: from, toId: into, kind: 'agency' })),
    ...changes.agreements.merged.map(({ from, into }) => ({ fromId: from, toId: into, kind: 'agreement' })),
  ];
  await client.query(
    `DELETE FROM id_redirects WHERE from_id IN (SELECT id FROM agencies UNION ALL SELECT id FROM agreements)`,
  );
  if (merged.length === 0) return;
  // Links to an id merged earlier follow it to where it went now.
  await client.query(
    `UPDATE id_redirects SET to_id = r."toId" FROM jsonb_to_recordset($1::jsonb) AS r("fromId" text, "toId" text) WHERE id_redirects.to_id = r."fromId"`,
    [json(merged)],
  );
  await client.query(
    `INSERT INTO id_redirects (from_id, to_id, kind, version)
     SELECT "fromId", "toId", kind, $2::int FROM jsonb_to_recordset($1::jsonb) AS r("fromId" text, "toId" text, kind text)
     ON CONFLICT (from_id) DO UPDATE SET to_id = EXCLUDED.to_id, kind = EXCLUDED.kind, version = EXCLUDED.version`,
    [json(merged), version],
  );
}

/**
 * Replaces the history with `history` and makes it a new dataset version: what changed, merged ids redirected,
 * the rules version stored, the service told (its caches drop). Inside the caller's transaction.
 */
export async function replaceHistory(
  client: pg.ClientBase,
  history: DerivedHistory,
  listId?: (id: number) => number,
): Promise<{ changes: HistoryChanges; version: number }> {
  const before = await snapshot(client);
  await writeHistory(client, history, listId);
  const changes = compare(before, await snapshot(client));
  const latest = history.lists.at(-1);
  const updated = await client.query<{ version: number }>(
    `UPDATE dataset_version SET version = version + 1, updated_at = now(), rules_version = $2,
       latest_list_id = COALESCE($1::int, latest_list_id) WHERE id = 1 RETURNING version`,
    [latest ? (listId ?? ((id: number) => id))(latest.id) : null, rulesVersion()],
  );
  const version = updated.rows[0]!.version;
  await recordRedirects(client, changes, version);
  await client.query("SELECT pg_notify('dataset_changed', $1)", ['rederived']);
  return { changes, version };
}

export interface RederiveReport {
  dryRun: boolean;
  lists: number;
  /** The rules version the history was derived under before, and now. */
  rulesBefore: string | null;
  rules: string;
  changes: HistoryChanges;
  /** The dataset version made (null on a dry run). */
  version: number | null;
}

/**
 * `ingest --rederive`: the whole history again from the stored rows, under today's rules and overrides, in one
 * transaction under the list write lock. A dry run computes the same and rolls back.
 */
export async function rederiveHistory(pool: pg.Pool, options: { dryRun?: boolean } = {}): Promise<RederiveReport> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [LIST_WRITE_LOCK]);
    const rulesBefore =
      (await client.query<{ rules_version: string | null }>('SELECT rules_version FROM dataset_version WHERE id = 1'))
        .rows[0]?.rules_version ?? null;
    const lists = await appliedListsInOrder(client);
    if (lists.length === 0)
      throw new IngestInputError(
        'no applied list to re-derive from: ingest the lists first (npm run ingest -- --dir ...)',
      );
    const { history } = await replayLists(client, lists);
    const { changes, version } = await replaceHistory(client, history);
    await client.query(options.dryRun ? 'ROLLBACK' : 'COMMIT');
    return {
      dryRun: options.dryRun ?? false,
      lists: lists.length,
      rulesBefore,
      rules: rulesVersion(),
      changes,
      version: options.dryRun ? null : version,
    };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** The report as lines for the CLI: every change named (ids), counted where there are many. */
export function describeRederive(report: RederiveReport): string {
  const { changes } = report;
  const ids = (list: string[]) =>
    list.length === 0
      ? ''
      : `: ${list.slice(0, 20).join(', ')}${list.length > 20 ? `, … (${list.length - 20} more)` : ''}`;
  const pairs = (list: { from: string; into: string }[]) => ids(list.map(({ from, into }) => `${from} -> ${into}`));
  const lines = [
    `${report.dryRun ? 'dry run: would re-derive' : 're-derived'} the history from ${report.lists} lists under rules ${report.rules}` +
      ` (was ${report.rulesBefore ?? 'unknown'})${report.version !== null ? `: dataset version ${report.version}` : ''}`,
    `agencies: ${changes.agencies.added.length} added${ids(changes.agencies.added)}`,
    `agencies: ${changes.agencies.removed.length} removed${ids(changes.agencies.removed)}`,
    `agencies: ${changes.agencies.merged.length} merged${pairs(changes.agencies.merged)}`,
    `agencies: ${changes.agencies.split.length} split${pairs(changes.agencies.split)}`,
    `agreements: ${changes.agreements.added.length} added${ids(changes.agreements.added)}`,
    `agreements: ${changes.agreements.removed.length} removed${ids(changes.agreements.removed)}`,
    `agreements: ${changes.agreements.merged.length} merged${pairs(changes.agreements.merged)}`,
    `events: ${changes.events.added} added, ${changes.events.removed} removed`,
    `lists whose counts moved: ${changes.listsRecounted.length}${ids(changes.listsRecounted.map((list) => `${list.listDate} ${list.kind}`))}`,
  ];
  return lines.join('\n');
}
