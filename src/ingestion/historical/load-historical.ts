// The program's years before ICE's archive of lists (2007–2020), from small
// tables of facts transcribed from public records (`npm run ingest --
// --historical DIR`; README "Before 2021"). They are an input of their own:
// - They become agreements of origin 'historical', which the list planner
//   neither sees nor changes, with events and status spans that cite a
//   historical source (never an ICE list: /v1/lists and its counts are
//   untouched).
// - Agencies are matched by the same identity rules and reviewed overrides as
//   the lists; those that left before 2021 are created, with state and county.
// - The layer ends where ICE's first applied participating list begins: an
//   agreement that list does not show ended within a window (after its last
//   sighting, before that list), recorded as such and never as a day. So the
//   lists must come first (one order, enforced), and since a list dated before
//   the first one is refused as going back in time, that boundary never moves.
// - Loading replaces the whole layer in one transaction: a second run over the
//   same files changes nothing.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type pg from 'pg';
import { linkReportAgencies } from '../../reference/load.ts';
import { findState } from '../../domain/states.ts';
import type { ModelCode } from '../../domain/enums.ts';
import { agencySearchKey, canonicalAgencyName, resolvedAgencyName } from '../../domain/agency-names.ts';
import { AgencyIndex, MODEL_ABBREVIATION, type ListPlan } from '../history/plan-list.ts';
import { IngestInputError } from '../lists/read-list.ts';
import { insertAgencies, LIST_WRITE_LOCK, loadHistoryState } from '../history/history-store.ts';
import { matchFbiIdentifiers } from '../agencies/fbi-identifiers.ts';

/** The date the 287(g) program offered only the Jail Enforcement Model from (the task force model lapsed at the end of 2012). */
const JAIL_ONLY_FROM = '2013-01-01';
/** ICE announced the Warrant Service Officer model on this day: from then an MOA without its model in the file name is ambiguous. */
const WSO_ANNOUNCED_ON = '2019-05-06';

/** The model names of OIG-10-63's Appendix E ("Hybrid" is both jail and task force). */
const OIG_MODELS: Record<string, ModelCode> = {
  'jail enforcement': 'jail_enforcement',
  'task force': 'task_force',
  hybrid: 'jail_and_task_force',
};

/**
 * Reviewed corrections of a source's state, for rows no identity rule can place (the state is not part of a
 * name, so agency-overrides.json, which matches within a state, cannot say it).
 */
const STATE_CORRECTIONS: { fileKind: SourceKind; state: string; agency: string; stateCode: string; reason: string }[] =
  [
    {
      fileKind: 'moa_archive',
      state: 'Texas',
      agency: "Whitfield County Sheriff's Office",
      stateCode: 'GA',
      reason:
        "Filed under Texas in ICE's MOA index; Whitfield County is in Georgia, where OIG-10-63 lists this sheriff's office.",
    },
  ];

type SourceKind = 'ice_list' | 'oig_appendix' | 'moa_archive';

/** The header of each kind of source file, as the historical sources are published (docs/ingestion.md, "Before 2021"). */
const HEADERS: Record<SourceKind, string> = {
  ice_list: 'source,capture,as_of,state,state_abbr,agency',
  oig_appendix: 'source,as_of,state,agency,model,date_signed_original,status',
  moa_archive: 'source,state,agency,date_signed,moa_file',
};

/** One fact: an agency seen on a day, with what the source says about its agreement. */
interface Evidence {
  sourceId: string;
  line: number;
  stateCode: string;
  agencyName: string;
  /** null: the source does not say (ICE's page of 2007–2008, most old MOAs). */
  model: ModelCode | null;
  on: string | null;
  what: 'listed' | 'signed' | 'pending';
  /** How the source says it, e.g. "on ICE's list of 2007-09-19". */
  note: string;
  details: Record<string, unknown>;
}

interface Source {
  id: string;
  kind: SourceKind;
  title: string;
  fileName: string;
  sha256: string;
  reportId: string | null;
  rows: { line: number; cells: Record<string, string> }[];
  evidence: Evidence[];
}

export interface HistoricalReport {
  outcome: 'loaded' | 'unchanged';
  sources: { id: string; title: string; rows: number; first_on: string | null; last_on: string | null }[];
  /** The first applied participating ICE list: where the historical layer ends. */
  endsAt: string;
  agencies: { matched: number; created: number; unresolved: string[] };
  agreements: number;
  events: number;
  reportLinks: number;
  /** Rows that gave no date, so no event (their agency is still matched or created). */
  undated: number;
}

/** A minimal RFC 4180 reader: quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((cells) => cells.some((cell) => cell.trim() !== ''));
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function requireDate(value: string, where: string, optional = false): string | null {
  if (value === '' && optional) return null;
  if (!ISO_DATE.test(value) || Number.isNaN(Date.parse(value)))
    throw new IngestInputError(`${where}: "${value}" is not a date (YYYY-MM-DD)`);
  return value;
}

function stateCodeOf(value: string, where: string): string {
  const state = findState(value);
  if (!state) throw new IngestInputError(`${where}: unknown state "${value}"`);
  return state.code;
}

/** The model an MOA's file name says (287gJEM_…, 287gWSO_…), else what the date allows, else null. */
export function moaModel(fileName: string, signedOn: string | null): { model: ModelCode | null; inferred: boolean } {
  if (/JEM/i.test(fileName)) return { model: 'jail_enforcement', inferred: false };
  if (/WSO/i.test(fileName)) return { model: 'warrant_service_officer', inferred: false };
  if (signedOn && signedOn >= JAIL_ONLY_FROM && signedOn < WSO_ANNOUNCED_ON)
    return { model: 'jail_enforcement', inferred: true };
  return { model: null, inferred: false };
}

/** Reads one file into its sources (ICE's page gives one per snapshot date). Throws IngestInputError on bad input. */
export function readSourceFile(fileName: string, text: string): Source[] {
  const sha256 = createHash('sha256').update(text).digest('hex');
  const table = parseCsv(text.replace(/^\uFEFF/, ''));
  const header = (table[0] ?? []).map((cell) => cell.trim()).join(',');
  const kind = (Object.keys(HEADERS) as SourceKind[]).find((candidate) => HEADERS[candidate] === header);
  if (!kind)
    throw new IngestInputError(`${fileName}: not a historical source (unknown header "${header.slice(0, 80)}")`);
  const names = header.split(',');
  const rows = table.slice(1).map((cells, index) => {
    const line = index + 2;
    if (cells.length !== names.length)
      throw new IngestInputError(`${fileName}, line ${line}: ${cells.length} fields, expected ${names.length}`);
    return { line, cells: Object.fromEntries(names.map((name, i) => [name, cells[i]!.trim()])) };
  });
  if (rows.length === 0) throw new IngestInputError(`${fileName}: no rows`);
  const base = basename(fileName).replace(/\.csv$/i, '');
  const sources = new Map<string, Source>();
  const sourceFor = (id: string, title: string, reportId: string | null): Source => {
    let source = sources.get(id);
    if (!source) {
      source = { id, kind, title, fileName: basename(fileName), sha256, reportId, rows: [], evidence: [] };
      sources.set(id, source);
    }
    return source;
  };

  for (const { line, cells } of rows) {
    const where = `${basename(fileName)}, line ${line}`;
    if (!cells.agency) throw new IngestInputError(`${where}: no agency name`);
    if (kind === 'ice_list') {
      const asOf = requireDate(cells.as_of!, where)!;
      const source = sourceFor(`ice-list-${asOf}`, cells.source!, null);
      source.rows.push({ line, cells });
      source.evidence.push({
        sourceId: source.id,
        line,
        stateCode: stateCodeOf(cells.state_abbr || cells.state!, where),
        agencyName: cells.agency,
        model: null,
        on: asOf,
        what: 'listed',
        note: `on ICE's list of ${asOf}`,
        details: { capture: cells.capture },
      });
    } else if (kind === 'oig_appendix') {
      const asOf = requireDate(cells.as_of!, where)!;
      const reportId = /\b(OIG-\d{2}-\d{2,3})\b/.exec(cells.source!)?.[1] ?? null;
      const cite = reportId ? `${reportId}, App. E` : base;
      const source = sourceFor(base, cells.source!, reportId);
      source.rows.push({ line, cells });
      const model = OIG_MODELS[cells.model!.toLowerCase()];
      if (!model)
        throw new IngestInputError(`${where}: unknown model "${cells.model}" (Jail Enforcement, Task Force or Hybrid)`);
      if (cells.status !== 'signed' && cells.status !== 'pending')
        throw new IngestInputError(`${where}: status "${cells.status}" is neither signed nor pending`);
      const signedOn = requireDate(cells.date_signed_original!, where, true);
      const common = {
        sourceId: source.id,
        line,
        stateCode: stateCodeOf(cells.state!, where),
        agencyName: cells.agency,
        model,
      };
      const details = { model_as_written: cells.model };
      if (cells.status === 'pending') {
        // A pending application's "original signing date" is no signing: kept as written, not as an event.
        const pendingDetails = signedOn ? { ...details, date_signed_original_as_written: signedOn } : details;
        source.evidence.push({
          ...common,
          on: asOf,
          what: 'pending',
          note: `pending on ${asOf} (${cite})`,
          details: pendingDetails,
        });
        continue;
      }
      if (signedOn)
        source.evidence.push({
          ...common,
          on: signedOn,
          what: 'signed',
          note: `signed ${signedOn} (${cite})`,
          details,
        });
      source.evidence.push({ ...common, on: asOf, what: 'listed', note: `in force on ${asOf} (${cite})`, details });
    } else {
      const source = sourceFor(base, cells.source!, null);
      source.rows.push({ line, cells });
      const correction = STATE_CORRECTIONS.find(
        (c) => c.fileKind === kind && c.state === cells.state && c.agency === cells.agency,
      );
      const signedOn = requireDate(cells.date_signed!, where, true);
      const { model, inferred } = moaModel(cells.moa_file!, signedOn);
      source.evidence.push({
        sourceId: source.id,
        line,
        stateCode: correction?.stateCode ?? stateCodeOf(cells.state!, where),
        agencyName: cells.agency,
        model,
        on: signedOn,
        what: 'signed',
        note: signedOn ? `MOA signed ${signedOn} (ICE MOA archive)` : "MOA in ICE's archive, undated",
        details: {
          moa_file: cells.moa_file,
          ...(inferred
            ? { model_inferred: `the only model ICE offered between ${JAIL_ONLY_FROM} and ${WSO_ANNOUNCED_ON}` }
            : {}),
          ...(correction ? { state_corrected: correction.reason } : {}),
        },
      });
    }
  }
  return [...sources.values()];
}

/** Every historical source under `dir` (its .csv files), in a stable order. */
export async function readHistoricalDir(dir: string): Promise<Source[]> {
  let entries: string[];
  try {
    entries = (await readdir(dir)).filter((name) => /\.csv$/i.test(name)).sort();
  } catch {
    throw new IngestInputError(`--historical ${dir}: no such directory`);
  }
  if (entries.length === 0) throw new IngestInputError(`--historical ${dir}: no .csv files`);
  const sources: Source[] = [];
  for (const name of entries) sources.push(...readSourceFile(name, await readFile(join(dir, name), 'utf8')));
  return sources;
}

interface HistoricalAgreement {
  id: string;
  agencyId: string;
  model: ModelCode;
  evidence: Evidence[];
}

/**
 * Groups dated facts into agreements, one per agency × model. A fact without a model joins the agency's one
 * agreement that a dated source already showed by then; otherwise it stands as a model-'unstated' agreement.
 */
function groupAgreements(evidence: { fact: Evidence; agencyId: string }[]): HistoricalAgreement[] {
  const byKey = new Map<string, HistoricalAgreement>();
  const group = (agencyId: string, model: ModelCode) => {
    const key = `${agencyId}|${model}`;
    let agreement = byKey.get(key);
    if (!agreement) {
      agreement = { id: '', agencyId, model, evidence: [] };
      byKey.set(key, agreement);
    }
    return agreement;
  };
  for (const { fact, agencyId } of evidence) if (fact.model) group(agencyId, fact.model).evidence.push(fact);
  const modelled = [...byKey.values()];
  for (const { fact, agencyId } of evidence) {
    if (fact.model) continue;
    const candidates = modelled.filter(
      (agreement) => agreement.agencyId === agencyId && agreement.evidence.some((known) => known.on! <= fact.on!),
    );
    (candidates.length === 1 ? candidates[0]! : group(agencyId, 'unstated')).evidence.push(fact);
  }
  const agreements = [...byKey.values()];
  for (const agreement of agreements) {
    agreement.evidence.sort(
      (a, b) => a.on!.localeCompare(b.on!) || a.sourceId.localeCompare(b.sourceId) || a.line - b.line,
    );
    agreement.id = `${agreement.agencyId}--hist-${MODEL_ABBREVIATION[agreement.model]}-${agreement.evidence[0]!.on}`;
  }
  return agreements.sort((a, b) => a.id.localeCompare(b.id));
}

const json = (rows: unknown[]) => JSON.stringify(rows);

/** Loads the historical sources of `dir`, replacing the historical layer. Throws IngestInputError on bad input. */
export async function ingestHistorical(pool: pg.Pool, dir: string): Promise<HistoricalReport> {
  const sources = await readHistoricalDir(dir);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [LIST_WRITE_LOCK]);
    const first = await client.query<{ id: number; list_date: string }>(
      `SELECT id, list_date FROM source_lists WHERE status = 'applied' AND kind = 'participating' ORDER BY list_date, id LIMIT 1`,
    );
    const firstList = first.rows[0];
    if (!firstList) {
      throw new IngestInputError(
        "load ICE's lists first (npm run ingest -- --dir ...): the historical layer ends where the first applied participating list begins",
      );
    }
    const report = await writeLayer(client, sources, firstList);
    if (report.outcome === 'unchanged') {
      await client.query('ROLLBACK');
      return report;
    }
    await matchFbiIdentifiers(client, { all: false });
    await client.query('UPDATE dataset_version SET version = version + 1, updated_at = now() WHERE id = 1');
    // The running service drops its response cache when it hears this (src/plugins/app/dataset-version.ts).
    await client.query("SELECT pg_notify('dataset_changed', 'historical')");
    await client.query('COMMIT');
    return report;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

async function writeLayer(
  client: pg.ClientBase,
  sources: Source[],
  firstList: { id: number; list_date: string },
): Promise<HistoricalReport> {
  const endsAt = firstList.list_date;
  const previous = await client.query<{ id: string; sha256: string }>('SELECT id, sha256 FROM historical_sources');
  const fingerprint = (rows: { id: string; sha256: string }[]) =>
    rows
      .map((row) => `${row.id}:${row.sha256}`)
      .sort()
      .join('|');
  // Same files as last time (the boundary never moves, see the module comment): the caller rolls back.
  const unchanged = fingerprint(previous.rows) === fingerprint(sources);
  const summaryOf = (source: Source) => {
    const dates = source.evidence
      .map((fact) => fact.on)
      .filter((on): on is string => on !== null && on < endsAt)
      .sort();
    return {
      id: source.id,
      title: source.title,
      rows: source.rows.length,
      first_on: dates[0] ?? null,
      last_on: dates.at(-1) ?? null,
    };
  };

  // Replace the layer: historical agreements (their events and spans cascade), links, sources.
  await client.query("DELETE FROM agreements WHERE origin = 'historical'");
  await client.query('DELETE FROM oversight_report_agencies WHERE historical_source_id IS NOT NULL');
  await client.query('DELETE FROM historical_sources');

  const state = await loadHistoryState(client);
  const agencies = new AgencyIndex(state.agencies);
  const found: Pick<ListPlan, 'newAgencies' | 'aliases'> = { newAgencies: [], aliases: [] };
  const matched = new Set<string>();
  const resolved: { fact: Evidence; agencyId: string }[] = [];
  // The sources with formal names first (OIG's table, then the MOA index, then ICE's page with its
  // abbreviations), so an agency created here takes the most formal spelling.
  const rank: Record<SourceKind, number> = { oig_appendix: 0, moa_archive: 1, ice_list: 2 };
  const ordered = [...sources].sort((a, b) => rank[a.kind] - rank[b.kind] || a.id.localeCompare(b.id));
  let undated = 0;
  for (const source of ordered) {
    for (const fact of source.evidence) {
      const before = found.newAgencies.length;
      // By the name a reviewed override gives it, so an agency created here is named as the override says.
      const name = resolvedAgencyName(fact.agencyName, fact.stateCode);
      const agency = agencies.resolve(
        { state: fact.stateCode, agencyName: name, agencyType: null, county: null },
        found,
      );
      if (found.newAgencies.length === before) matched.add(agency.id);
      resolved.push({ fact, agencyId: agency.id });
      if (!fact.on) undated++;
    }
  }
  await insertAgencies(client, found.newAgencies);

  await client.query(
    `INSERT INTO historical_sources (id, title, file_name, sha256, row_count, first_on, last_on, report_id, raw_rows)
     SELECT id, title, "fileName", sha256, "rowCount", "firstOn", "lastOn", "reportId", "rawRows"
     FROM jsonb_to_recordset($1::jsonb) AS r(id text, title text, "fileName" text, sha256 text, "rowCount" int,
       "firstOn" date, "lastOn" date, "reportId" text, "rawRows" jsonb)`,
    [
      json(
        sources.map((source) => {
          const summary = summaryOf(source);
          return {
            id: source.id,
            title: source.title,
            fileName: source.fileName,
            sha256: source.sha256,
            rowCount: source.rows.length,
            firstOn: summary.first_on,
            lastOn: summary.last_on,
            reportId: source.reportId,
            rawRows: source.rows,
          };
        }),
      ),
    ],
  );

  // Every name the sources gave an agency is searchable (q), as the lists' spellings are.
  const names = new Map<string, { agencyId: string; name: string; searchKey: string; sourceId: string }>();
  for (const { fact, agencyId } of resolved) {
    const name = canonicalAgencyName(fact.agencyName);
    names.set(`${agencyId}|${name}|${fact.sourceId}`, {
      agencyId,
      name,
      searchKey: agencySearchKey(name),
      sourceId: fact.sourceId,
    });
  }
  await client.query(
    `INSERT INTO agency_historical_names (agency_id, name, search_key, historical_source_id)
     SELECT "agencyId", name, "searchKey", "sourceId" FROM jsonb_to_recordset($1::jsonb) AS r("agencyId" text, name text, "searchKey" text, "sourceId" text)`,
    [json([...names.values()])],
  );

  // Only facts dated before the first ICE list: from that list on, the lists alone tell the history.
  const dated = resolved.filter(({ fact }) => fact.on !== null && fact.on < endsAt);
  const agreements = groupAgreements(dated);
  const continuing = await client.query<{ id: string; agency_id: string; model_code: string }>(
    `SELECT id, agency_id, model_code FROM agreements WHERE origin = 'ice_lists' AND first_source_list_id = $1`,
    [firstList.id],
  );
  const successor = new Map(continuing.rows.map((row) => [`${row.agency_id}|${row.model_code}`, row.id]));

  const agreementRows: unknown[] = [];
  const eventRows: unknown[] = [];
  const spanRows: unknown[] = [];
  for (const agreement of agreements) {
    const facts = agreement.evidence;
    const last = facts.at(-1)!;
    const signings = facts.filter((fact) => fact.what === 'signed');
    const continuedAs =
      agreement.model === 'unstated' ? null : (successor.get(`${agreement.agencyId}|${agreement.model}`) ?? null);
    // Still an application when last seen: withdrawn (never signed), not ended.
    const pendingAtEnd = last.what === 'pending';
    const endStatus = pendingAtEnd ? 'withdrawn' : 'ended';
    agreementRows.push({
      id: agreement.id,
      agencyId: agreement.agencyId,
      modelCode: agreement.model,
      status: endStatus,
      signedOn: signings[0]?.on ?? null,
      firstListedOn: facts[0]!.on,
      lastListedOn: last.on,
      endedAfter: continuedAs ? null : last.on,
      endedBefore: continuedAs ? null : endsAt,
    });
    let signedBefore: string | null = null;
    for (const fact of facts) {
      const type =
        fact.what === 'pending' ? 'applied' : fact.what === 'listed' ? 'listed' : signedBefore ? 'renewed' : 'signed';
      eventRows.push({
        agreementId: agreement.id,
        type,
        occurredOn: fact.on,
        sourceId: fact.sourceId,
        sourceRow: fact.line,
        details: {
          source_note: fact.note,
          agency_name: fact.agencyName,
          ...fact.details,
          ...(type === 'renewed' ? { previous_signed_on: signedBefore } : {}),
        },
      });
      if (fact.what === 'signed') signedBefore = fact.on;
    }
    // The end: revealed by the first ICE list, cited to the last historical sighting.
    eventRows.push({
      agreementId: agreement.id,
      type: endStatus,
      occurredOn: endsAt,
      sourceId: last.sourceId,
      sourceRow: last.line,
      details: continuedAs
        ? {
            reason: "continues on ICE's lists",
            continued_as: continuedAs,
            last_seen_on: last.on,
            first_list_on: endsAt,
          }
        : {
            reason: 'not on the first ICE list of the archive',
            ended_after: last.on,
            ended_before: endsAt,
            source_note: `last seen ${last.on}; absent from ICE's list of ${endsAt}: ended within that window`,
          },
    });
    // Status spans: what the latest source on or before a day showed, until the first ICE list. A status
    // starts with the first fact that shows it (on one day, the last fact of the day wins).
    const runs: { status: string; from: string; sourceId: string }[] = [];
    for (const fact of facts) {
      const status = fact.what === 'pending' ? 'pending' : 'active';
      const open = runs.at(-1);
      if (open?.from === fact.on) runs[runs.length - 1] = { ...open, status };
      else if (open?.status !== status) runs.push({ status, from: fact.on!, sourceId: fact.sourceId });
    }
    runs.forEach((run, index) =>
      spanRows.push({
        agreementId: agreement.id,
        status: run.status,
        fromOn: run.from,
        toOn: runs[index + 1]?.from ?? endsAt,
        sourceId: run.sourceId,
      }),
    );
    spanRows.push({
      agreementId: agreement.id,
      status: endStatus,
      fromOn: endsAt,
      toOn: null,
      sourceId: last.sourceId,
    });
  }

  await client.query(
    `INSERT INTO agreements (id, agency_id, model_code, status, signed_on, first_listed_on, last_listed_on, ended_after,
       ended_before, origin, updated_at)
     SELECT id, "agencyId", "modelCode", status::agreement_status, "signedOn", "firstListedOn", "lastListedOn",
       "endedAfter", "endedBefore", 'historical', now()
     FROM jsonb_to_recordset($1::jsonb) AS r(id text, "agencyId" text, "modelCode" text, status text, "signedOn" date,
       "firstListedOn" date, "lastListedOn" date, "endedAfter" date, "endedBefore" date)`,
    [json(agreementRows)],
  );
  await client.query(
    `INSERT INTO agreement_events (agreement_id, type, occurred_on, historical_source_id, source_row, details)
     SELECT "agreementId", type::agreement_event_type, "occurredOn", "sourceId", "sourceRow", details
     FROM jsonb_to_recordset($1::jsonb) AS r("agreementId" text, type text, "occurredOn" date, "sourceId" text,
       "sourceRow" int, details jsonb)`,
    [json(eventRows)],
  );
  await client.query(
    `INSERT INTO agreement_status_spans (agreement_id, status, from_on, to_on, historical_source_id)
     SELECT "agreementId", status::agreement_status, "fromOn", "toOn", "sourceId"
     FROM jsonb_to_recordset($1::jsonb) AS r("agreementId" text, status text, "fromOn" date, "toOn" date, "sourceId" text)`,
    [json(spanRows)],
  );

  // The agencies an oversight report's own table names (OIG-10-63's Appendix E), linked by id.
  const reportIds = new Set(
    (await client.query<{ id: string }>('SELECT id FROM oversight_reports')).rows.map((row) => row.id),
  );
  const links = new Map<string, unknown>();
  for (const { fact, agencyId } of resolved) {
    const source = sources.find((candidate) => candidate.id === fact.sourceId)!;
    if (!source.reportId || !reportIds.has(source.reportId)) continue;
    links.set(`${source.reportId}|${fact.stateCode}|${fact.agencyName}`, {
      reportId: source.reportId,
      name: fact.agencyName,
      stateCode: fact.stateCode,
      agencyId,
      sourceId: source.id,
    });
  }
  await client.query(
    `INSERT INTO oversight_report_agencies (report_id, agency_name, state_code, agency_id, historical_source_id)
     SELECT "reportId", name, "stateCode", "agencyId", "sourceId"
     FROM jsonb_to_recordset($1::jsonb) AS r("reportId" text, name text, "stateCode" text, "agencyId" text, "sourceId" text)
     ON CONFLICT (report_id, state_code, agency_name) DO UPDATE SET agency_id = EXCLUDED.agency_id`,
    [json([...links.values()])],
  );
  // Reports whose agencies come from the reference file (the Justice Department's findings) link to agencies created here.
  await linkReportAgencies(client);

  return {
    outcome: unchanged ? 'unchanged' : 'loaded',
    sources: sources.map(summaryOf),
    endsAt,
    agencies: {
      matched: matched.size,
      created: found.newAgencies.length,
      unresolved: found.newAgencies
        .filter((agency) => agency.location.method === 'unresolved')
        .map((agency) => `${agency.canonicalName} (${agency.stateCode})`),
    },
    agreements: agreementRows.length,
    events: eventRows.length,
    reportLinks: links.size,
    undated,
  };
}

/** A CSV field, quoted when it must be. */
const csvField = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/**
 * The historical layer again, from the rows stored when it was loaded (a re-derivation: the ICE lists' agencies
 * may have changed under it). Each file is rebuilt from its rows (every row of a file belongs to one of its
 * sources) and read as the loader reads it; nothing happens when no historical source was loaded.
 */
export async function rebuildHistoricalLayer(client: pg.ClientBase): Promise<void> {
  const stored = await client.query<{
    file_name: string;
    sha256: string;
    raw_rows: { line: number; cells: Record<string, string> }[];
  }>('SELECT file_name, sha256, raw_rows FROM historical_sources ORDER BY id');
  if (stored.rows.length === 0) return;
  const first = await client.query<{ id: number; list_date: string }>(
    `SELECT id, list_date FROM source_lists WHERE status = 'applied' AND kind = 'participating' ORDER BY list_date, id LIMIT 1`,
  );
  const files = new Map<string, { sha256: string; rows: { line: number; cells: Record<string, string> }[] }>();
  for (const source of stored.rows) {
    const file = files.get(source.file_name) ?? { sha256: source.sha256, rows: [] };
    file.rows.push(...source.raw_rows);
    files.set(source.file_name, file);
  }
  const sources: Source[] = [];
  for (const [fileName, file] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    const keys = Object.keys(file.rows[0]?.cells ?? {})
      .sort()
      .join(',');
    const header = Object.values(HEADERS).find((candidate) => candidate.split(',').sort().join(',') === keys);
    if (!header) throw new Error(`historical source ${fileName}: its stored rows match no known header`);
    const names = header.split(',');
    const lines = file.rows
      .sort((a, b) => a.line - b.line)
      .map((row) => names.map((name) => csvField(row.cells[name] ?? '')).join(','));
    // Read as the loader read the file; the file's own hash stays the one it was loaded with.
    for (const source of readSourceFile(fileName, [header, ...lines].join('\n')))
      sources.push({ ...source, sha256: file.sha256 });
  }
  if (!first.rows[0]) {
    await client.query("DELETE FROM agreements WHERE origin = 'historical'");
    return;
  }
  await writeLayer(client, sources, first.rows[0]);
}
