// Turns one ICE list into changes to the history we hold: which agencies are
// new, which agreements were signed, renewed, ended, reinstated or withdrawn.
// It works on an in-memory copy of the current state (store.ts reads it inside
// the list's transaction, or a backfill keeps it from the previous list: see
// HistoryCache in ingest.ts), updates that copy and returns the plan that
// store.ts writes. Nothing depends on the order the state was read in. Rules (README "How history is
// derived"):
// - An agreement is agency × model × signing. A participating row whose SIGNED
//   date is later than the active agreement's is a renewal: the old agreement
//   ends, a new one supersedes it. An earlier date is a correction.
// - A row missing from a list of its kind ends the agreement (participating:
//   status ended) or withdraws the application (pending: status withdrawn) on
//   that list's date; the last list that showed it is kept in the event.
// - A pending application that appears on the participating list is promoted:
//   same agreement, same id, its history kept.
// - A row that comes back with the same SIGNED date after vanishing is a
//   reinstatement of the same agreement (ICE's lists drop rows by mistake).
import {
  agencyMatchKey,
  agencyMatchKeyWithoutOverrides,
  agencySearchKey,
  canonicalAgencyName,
  classifyAgency,
  displayName,
  isLikelySameAgency,
  type AgencyLevel,
  type AgencyType,
} from '../../domain/agency-names.ts';
import { locateAgency, namesKnownPlace, type AgencyLocation } from '../agencies/place.ts';
import type { ListKind, ModelCode, ParsedRow } from '../lists/parse/index.ts';
import type { AgreementDatesAndDocuments } from '../../records/agreement.ts';

import type { AgreementStatus, EventType } from '../../domain/enums.ts';
export type { AgreementStatus, EventType };

export interface AgencyState {
  id: string;
  canonicalName: string;
  matchKey: string;
  type: AgencyType;
  level: AgencyLevel;
  stateCode: string;
  countyFips: string | null;
  aliases: Set<string>;
}

export interface AgreementState extends AgreementDatesAndDocuments {
  id: string;
  agencyId: string;
  modelCode: ModelCode;
  status: AgreementStatus;
  supersedesId: string | null;
  /** How it ended, for reinstatement and promotion decisions. */
  endedBy: 'missing' | 'superseded' | 'withdrawn' | null;
}

export interface HistoryState {
  agencies: Map<string, AgencyState>;
  agreements: Map<string, AgreementState>;
}

export interface NewAgency extends AgencyState {
  location: AgencyLocation;
}

export interface PlannedEvent {
  agreementId: string;
  type: EventType;
  occurredOn: string;
  sourceRow: number | null;
  details: Record<string, unknown>;
}

export interface ListContext {
  kind: ListKind;
  listDate: string;
}

export interface ChangeCounts {
  rows: number;
  /** Distinct agreements the rows became or confirmed: rows = agreements_confirmed + skipped_rows. */
  agreements_confirmed: number;
  skipped_rows: number;
  added: number;
  renewed: number;
  ended: number;
  withdrawn: number;
  promoted: number;
  reinstated: number;
  renamed: number;
  documents_updated: number;
  unchanged: number;
}

/** A row that did not become or confirm one agreement, and why. */
export interface SkippedRow {
  rowNumber: number;
  /** Header -> cell text, as ICE wrote it. */
  cells: Record<string, string>;
  reason: string;
  /** The agreement the row duplicates or defers to, when there is one. */
  agreementId: string | null;
}

export interface ListPlan {
  newAgencies: NewAgency[];
  /** Agencies renamed (a name no rule folds into the old one): their agreements record a renamed event. */
  renamedAgencies: { id: string; from: string; canonicalName: string }[];
  /** Agencies whose display name changed spelling only (README "Display names"): no event. */
  respelledAgencies: { id: string; canonicalName: string }[];
  /** Every name the list used: `spelling` as printed, `name` normalized (the alias), `searchKey` for `q`. */
  aliases: { agencyId: string; name: string; spelling: string; searchKey: string }[];
  /** Agreements created by this list (their state after the list). */
  createdAgreements: AgreementState[];
  /** Agreements changed by this list (their state after the list). */
  changedAgreements: AgreementState[];
  /** Every agreement the list shows: their last_listed_on moves to the list date. */
  listedIds: string[];
  /** Status spans: each changed agreement's open span closes and a new one opens with its new status. */
  statusChanges: { agreementId: string; status: AgreementStatus }[];
  events: PlannedEvent[];
  counts: ChangeCounts;
  skipped: SkippedRow[];
  /** Active (or pending, for a pending list) agreements this list would end, before it is applied. */
  wouldEnd: number;
  openBefore: number;
}

/** The model part of an agreement id. */
export const MODEL_ABBREVIATION: Record<ModelCode, string> = {
  jail_enforcement: 'jem',
  task_force: 'tfm',
  warrant_service_officer: 'wso',
  jail_and_task_force: 'jtf',
  unstated: 'unstated', // historical agreements only
};

/** A lower-case slug of letters and digits, for readable stable ids. */
export function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** Days between two ISO dates (b − a). */
function daysBetween(a: string, b: string): number {
  return (Date.parse(b) - Date.parse(a)) / 86_400_000;
}

// A pending application that disappears and shows up signed within this many
// days is the same agreement (the two lists are not always published together).
const PROMOTION_WINDOW_DAYS = 60;

interface RowGroup {
  row: ParsedRow;
  agency: AgencyState;
  model: ModelCode;
}

export function planList(state: HistoryState, list: ListContext, rows: ParsedRow[]): ListPlan {
  const plan: ListPlan = {
    newAgencies: [],
    renamedAgencies: [],
    respelledAgencies: [],
    aliases: [],
    createdAgreements: [],
    changedAgreements: [],
    listedIds: [],
    statusChanges: [],
    events: [],
    counts: {
      rows: rows.length,
      agreements_confirmed: 0,
      skipped_rows: 0,
      added: 0,
      renewed: 0,
      ended: 0,
      withdrawn: 0,
      promoted: 0,
      reinstated: 0,
      renamed: 0,
      documents_updated: 0,
      unchanged: 0,
    },
    skipped: [],
    wouldEnd: 0,
    openBefore: 0,
  };
  const agencies = new AgencyIndex(state.agencies);
  const agreements = new AgreementIndex(state.agreements);
  const created = new Map<string, AgreementState>();
  const changed = new Map<string, AgreementState>();
  const usedAgreementIds = new Set(state.agreements.keys());
  const openStatus: AgreementStatus = list.kind === 'participating' ? 'active' : 'pending';
  plan.openBefore = agreements.open(openStatus).length;

  const event = (agreementId: string, type: EventType, occurredOn: string, row: ParsedRow | null, details = {}) =>
    plan.events.push({ agreementId, type, occurredOn, sourceRow: row?.rowNumber ?? null, details });
  const touch = (agreement: AgreementState) => {
    if (!created.has(agreement.id)) changed.set(agreement.id, agreement);
  };
  const setStatus = (agreement: AgreementState, status: AgreementStatus) => {
    agreement.status = status;
    plan.statusChanges.push({ agreementId: agreement.id, status });
    touch(agreement);
  };
  const createAgreement = (group: RowGroup, status: AgreementStatus, supersedesId: string | null): AgreementState => {
    const signing = group.row.signedOn ?? `applied-${list.listDate}`;
    let id = `${group.agency.id}--${MODEL_ABBREVIATION[group.model]}-${signing}`;
    for (let n = 2; usedAgreementIds.has(id); n++)
      id = `${group.agency.id}--${MODEL_ABBREVIATION[group.model]}-${signing}-${n}`;
    usedAgreementIds.add(id);
    const agreement: AgreementState = {
      id,
      agencyId: group.agency.id,
      modelCode: group.model,
      status,
      signedOn: status === 'pending' ? null : group.row.signedOn,
      firstListedOn: list.listDate,
      lastListedOn: list.listDate,
      endedOn: null,
      moaUrl: group.row.moaUrl,
      addendumUrl: group.row.addendumUrl,
      supersedesId,
      endedBy: null,
    };
    created.set(id, agreement);
    agreements.add(agreement);
    plan.statusChanges.push({ agreementId: id, status });
    return agreement;
  };

  const skip = (row: ParsedRow, reason: string, agreementId: string | null = null) =>
    plan.skipped.push({ rowNumber: row.rowNumber, cells: row.raw, reason, agreementId });

  // 1. Resolve every row to an agency and a model; one row per agency × model.
  const groups = new Map<string, RowGroup>();
  const duplicates: { row: ParsedRow; key: string }[] = [];
  const agencyNames: AgencyNames = { same: new Map(), similar: new Map() };
  for (const row of rows) {
    const reason = !row.state
      ? `unrecognised state "${row.stateRaw}"`
      : !row.model
        ? `unrecognised support type "${row.modelRaw}"`
        : !row.agencyName
          ? 'no agency name'
          : null;
    if (reason) {
      skip(row, reason);
      continue;
    }
    const agency = agencies.resolve(row, plan, agencyNames);
    const key = `${agency.id}|${row.model}`;
    const previous = groups.get(key);
    if (previous) {
      // ICE sometimes lists the same agreement twice; keep the latest signing.
      const keepNew = (row.signedOn ?? '') > (previous.row.signedOn ?? '');
      duplicates.push({ row: keepNew ? previous.row : row, key });
      if (!keepNew) continue;
    }
    groups.set(key, { row, agency, model: row.model! });
  }
  updateDisplayNames(plan, state.agencies, agencyNames);

  // 2. Rows present in the list. `confirmed`: the agreement each group of rows became or confirmed.
  const seen = new Set<string>();
  const confirmed = new Map<string, string>();
  for (const [key, group] of groups) {
    const { row, agency, model } = group;
    const current = agreements.find(agency.id, model, openStatus);
    if (list.kind === 'pending') {
      if (current) {
        seen.add(current.id);
        confirmed.set(key, current.id);
        plan.counts.unchanged++;
        continue;
      }
      const active = agreements.find(agency.id, model, 'active');
      if (active) {
        // Already signed: the pending row is a leftover (ICE lists some agencies on both lists); the active one stands.
        skip(row, `pending row for agreement ${active.id}, already active`, active.id);
        continue;
      }
      const agreement = createAgreement(group, 'pending', null);
      confirmed.set(key, agreement.id);
      seen.add(agreement.id);
      event(agreement.id, 'applied', list.listDate, row, { agency_name: row.agencyName });
      plan.counts.added++;
      continue;
    }

    // Participating list.
    if (current) {
      seen.add(current.id);
      const rowSigned = row.signedOn;
      if (rowSigned && current.signedOn && rowSigned > current.signedOn) {
        current.endedOn = list.listDate;
        current.endedBy = 'superseded';
        setStatus(current, 'ended');
        event(current.id, 'ended', list.listDate, row, { reason: 'superseded', superseded_on: rowSigned });
        const renewal = createAgreement(group, 'active', current.id);
        seen.add(renewal.id);
        confirmed.set(key, renewal.id);
        event(renewal.id, 'renewed', rowSigned, row, {
          supersedes_id: current.id,
          previous_signed_on: current.signedOn,
        });
        plan.counts.renewed++;
        continue;
      }
      let updated = false;
      if (rowSigned && rowSigned !== current.signedOn) {
        // An earlier date than we hold (or a first date): ICE corrected a typo.
        event(current.id, 'signed', rowSigned, row, { correction_of: current.signedOn });
        current.signedOn = rowSigned;
        updated = true;
      }
      if (
        (row.moaUrl && row.moaUrl !== current.moaUrl) ||
        (row.addendumUrl && row.addendumUrl !== current.addendumUrl)
      ) {
        event(current.id, 'documents_updated', list.listDate, row, {
          moa_url: row.moaUrl ?? current.moaUrl,
          addendum_url: row.addendumUrl ?? current.addendumUrl,
        });
        current.moaUrl = row.moaUrl ?? current.moaUrl;
        current.addendumUrl = row.addendumUrl ?? current.addendumUrl;
        plan.counts.documents_updated++;
        updated = true;
      }
      if (updated) touch(current);
      else plan.counts.unchanged++;
      confirmed.set(key, current.id);
      continue;
    }

    const pending =
      agreements.find(agency.id, model, 'pending') ?? agreements.recentlyWithdrawn(agency.id, model, list.listDate);
    if (pending) {
      seen.add(pending.id);
      confirmed.set(key, pending.id);
      pending.signedOn = row.signedOn;
      pending.endedOn = null;
      pending.endedBy = null;
      pending.moaUrl = row.moaUrl;
      pending.addendumUrl = row.addendumUrl;
      setStatus(pending, 'active');
      event(pending.id, 'signed', row.signedOn ?? list.listDate, row, { from_status: 'pending' });
      plan.counts.promoted++;
      continue;
    }
    const vanished = agreements.endedWithSameSigning(agency.id, model, row.signedOn);
    if (vanished) {
      seen.add(vanished.id);
      confirmed.set(key, vanished.id);
      vanished.endedOn = null;
      vanished.endedBy = null;
      setStatus(vanished, 'active');
      event(vanished.id, 'reinstated', list.listDate, row, {});
      plan.counts.reinstated++;
      continue;
    }
    const agreement = createAgreement(group, 'active', null);
    seen.add(agreement.id);
    confirmed.set(key, agreement.id);
    event(agreement.id, 'signed', row.signedOn ?? list.listDate, row, { signed_on_known: row.signedOn !== null });
    plan.counts.added++;
  }

  for (const { row, key } of duplicates) {
    const kept = groups.get(key)!.row.rowNumber;
    const agreementId = confirmed.get(key);
    if (agreementId) skip(row, `duplicate of agreement ${agreementId} in the same list (row ${kept})`, agreementId);
    else skip(row, `duplicate of row ${kept} in the same list (same agency and model)`);
  }
  plan.skipped.sort((a, b) => a.rowNumber - b.rowNumber);
  plan.counts.skipped_rows = plan.skipped.length;
  plan.counts.agreements_confirmed = confirmed.size;

  // 3. Open agreements of this kind that the list no longer shows.
  for (const agreement of agreements.open(openStatus)) {
    if (seen.has(agreement.id)) continue;
    plan.wouldEnd++;
    const lastListedOn = agreement.lastListedOn;
    agreement.endedOn = list.listDate;
    agreement.endedBy = list.kind === 'pending' ? 'withdrawn' : 'missing';
    // An application that was never signed is withdrawn, not ended (ended_on is still the list's date).
    const type = list.kind === 'pending' ? 'withdrawn' : 'ended';
    setStatus(agreement, type);
    event(agreement.id, type, list.listDate, null, { reason: 'not on the list', last_listed_on: lastListedOn });
    if (type === 'withdrawn') plan.counts.withdrawn++;
    else plan.counts.ended++;
  }

  for (const renamed of plan.renamedAgencies) {
    for (const agreement of agreements.ofAgency(renamed.id)) {
      if (agreement.status === 'ended' || agreement.status === 'withdrawn') continue;
      event(agreement.id, 'renamed', list.listDate, null, { from: renamed.from, to: renamed.canonicalName });
    }
  }

  for (const id of seen) {
    const agreement = created.get(id) ?? state.agreements.get(id);
    if (!agreement) continue;
    agreement.lastListedOn = list.listDate;
    plan.listedIds.push(id);
  }
  plan.createdAgreements = [...created.values()];
  plan.changedAgreements = [...changed.values()];
  plan.counts.renamed = plan.renamedAgencies.length;
  return plan;
}

/**
 * Display names (docs/ingestion.md "Display names"). A name the similarity
 * stage joined to an agency (`similar`: a typo of its name, or its name where
 * the agency was first seen under a typo) never renames it: it replaces the
 * display name only as a correction, when it spells its place as a real one
 * (namesKnownPlace) and the display name does not, and records no event.
 * Among the names with the agency's identity key (`same`), an agency is renamed
 * when none of them has its current display name's key without the overrides: the
 * first of them is the most recent spelling. Otherwise the most recent spelling
 * is the list's name with the current key (ICE sometimes lists one agency under
 * an old and a new spelling on the same day). Either way the display name is
 * that spelling unless a fuller spelling of the same name is among the aliases.
 * An agency this list names only by its display name keeps it (it gained no
 * alias and its most recent spelling is the display name): it is not judged.
 */
function updateDisplayNames(plan: ListPlan, agencies: Map<string, AgencyState>, namesByAgency: AgencyNames): void {
  for (const [agencyId, names] of namesByAgency.similar) {
    if (namesByAgency.same.has(agencyId)) continue;
    const agency = agencies.get(agencyId)!;
    if (namesKnownPlace(agency.stateCode, agency.canonicalName)) continue;
    const known = names.find((name) => namesKnownPlace(agency.stateCode, name));
    if (known === undefined) continue;
    const chosen = displayName(known, agency.aliases, agency.stateCode);
    if (chosen === agency.canonicalName) continue;
    plan.respelledAgencies.push({ id: agencyId, canonicalName: chosen });
    agency.canonicalName = chosen;
  }
  for (const [agencyId, names] of namesByAgency.same) {
    const agency = agencies.get(agencyId)!;
    if (names.every((name) => name === agency.canonicalName)) continue;
    const currentKey = agencyMatchKeyWithoutOverrides(agency.canonicalName, agency.stateCode);
    const sameName = names.find((name) => agencyMatchKeyWithoutOverrides(name, agency.stateCode) === currentKey);
    const chosen = displayName(sameName ?? names[0]!, agency.aliases, agency.stateCode);
    if (chosen === agency.canonicalName) continue;
    // A typo of a display name that spells its place right (the agency first seen under the typo, since corrected).
    if (!sameName && isTypoOf(chosen, agency)) continue;
    if (sameName) plan.respelledAgencies.push({ id: agencyId, canonicalName: chosen });
    else plan.renamedAgencies.push({ id: agencyId, from: agency.canonicalName, canonicalName: chosen });
    agency.canonicalName = chosen;
  }
}

/** Whether `name` is within a typo of the agency's display name and misspells the place the display name spells right. */
function isTypoOf(name: string, agency: AgencyState): boolean {
  return (
    isLikelySameAgency(agency.canonicalName, name) &&
    namesKnownPlace(agency.stateCode, agency.canonicalName) &&
    !namesKnownPlace(agency.stateCode, name)
  );
}

/**
 * The names a list gives each agency: `same`, those with its identity key (or an override's); `similar`, those the
 * similarity stage joined to it (within a typo).
 */
interface AgencyNames {
  same: Map<string, string[]>;
  similar: Map<string, string[]>;
}

/** What identifying an agency needs from a row (an ICE list's or a historical source's). */
export type AgencyRow = Pick<ParsedRow, 'state' | 'agencyName' | 'agencyType' | 'county'> &
  Partial<Pick<ParsedRow, 'agencyRaw'>>;

interface RowIdentity {
  name: string;
  matchKey: string;
  type: AgencyType;
  level: AgencyLevel;
}

// The same few thousand names come back in list after list, and normalizing them was most of the planning
// time of a backfill: what a row's cells say is worked out once. Pure functions of the cells (and the
// overrides file), so a cached answer is the answer; cleared when full, to stay small in a long-running service.
const identities = new Map<string, RowIdentity>();
const MAX_IDENTITIES = 20_000;

function identityOf(stateCode: string, agencyName: string, agencyType: string | null): RowIdentity {
  const key = `${stateCode}\u0000${agencyName}\u0000${agencyType ?? '\u0001'}`;
  let identity = identities.get(key);
  if (!identity) {
    const name = canonicalAgencyName(agencyName);
    identity = { name, matchKey: agencyMatchKey(name, stateCode), ...classifyAgency(name, agencyType) };
    if (identities.size >= MAX_IDENTITIES) identities.clear();
    identities.set(key, identity);
  }
  return identity;
}

/** Agencies by identity key, alias and state, with the resolution rules of README "Agency identity". */
export class AgencyIndex {
  private byKey = new Map<string, AgencyState>();
  private byAlias = new Map<string, AgencyState>();
  private byState = new Map<string, AgencyState[]>();
  private ids = new Set<string>();

  private readonly agencies: Map<string, AgencyState>;
  constructor(agencies: Map<string, AgencyState>) {
    this.agencies = agencies;
    for (const agency of agencies.values()) this.index(agency);
  }

  /** A name two agencies share goes to the one with the smaller id, whatever the order they are indexed in. */
  private addAlias(agency: AgencyState, alias: string): void {
    const key = `${agency.stateCode}|${alias}`;
    const holder = this.byAlias.get(key);
    if (!holder || agency.id < holder.id) this.byAlias.set(key, agency);
  }

  private index(agency: AgencyState): void {
    this.ids.add(agency.id);
    this.byKey.set(`${agency.stateCode}|${agency.matchKey}`, agency);
    for (const alias of agency.aliases) this.addAlias(agency, alias);
    const list = this.byState.get(agency.stateCode) ?? [];
    list.push(agency);
    this.byState.set(agency.stateCode, list);
  }

  /**
   * The agency a row names; a new one (added to `found.newAgencies`) when none matches. Its name is recorded in
   * `found.aliases` (with the raw spelling when the row has one) and in `namesByAgency` when given.
   */
  resolve(row: AgencyRow, found: Pick<ListPlan, 'newAgencies' | 'aliases'>, namesByAgency?: AgencyNames): AgencyState {
    const stateCode = row.state!;
    const { name, matchKey, type, level } = identityOf(stateCode, row.agencyName, row.agencyType);
    let agency = this.byKey.get(`${stateCode}|${matchKey}`) ?? this.byAlias.get(`${stateCode}|${name}`);
    if (!agency) {
      const location = locateAgency({ name, stateCode, level, countyColumn: row.county });
      agency = firstById(
        this.byState.get(stateCode) ?? [],
        (candidate) =>
          candidate.type === type &&
          candidate.countyFips === location.countyFips &&
          isLikelySameAgency(candidate.canonicalName, name),
      );
      if (!agency) {
        let id = `${stateCode.toLowerCase()}-${slug(name)}`;
        for (let n = 2; this.ids.has(id); n++) id = `${stateCode.toLowerCase()}-${slug(name)}-${n}`;
        const created: NewAgency = {
          id,
          canonicalName: name,
          matchKey,
          type,
          level,
          stateCode,
          countyFips: location.countyFips,
          aliases: new Set([name]),
          location,
        };
        this.agencies.set(id, created);
        this.index(created);
        found.newAgencies.push(created);
        this.record(created, row, name, found, namesByAgency);
        return created;
      }
    }
    if (!agency.aliases.has(name)) {
      agency.aliases.add(name);
      this.addAlias(agency, name);
    }
    // A name with another identity key reached the agency by similarity (now, or in an earlier list: then it comes
    // back as an alias): a spelling within a typo of the agency's, never a rename (updateDisplayNames).
    this.record(agency, row, name, found, namesByAgency, matchKey !== agency.matchKey);
    return agency;
  }

  private record(
    agency: AgencyState,
    row: AgencyRow,
    name: string,
    found: Pick<ListPlan, 'aliases'>,
    namesByAgency: AgencyNames | undefined,
    similar = false,
  ): void {
    found.aliases.push({
      agencyId: agency.id,
      name,
      spelling: row.agencyRaw ?? row.agencyName,
      searchKey: agencySearchKey(name),
    });
    if (!namesByAgency) return;
    const byAgency = similar ? namesByAgency.similar : namesByAgency.same;
    const names = byAgency.get(agency.id);
    if (!names) byAgency.set(agency.id, [name]);
    else if (!names.includes(name)) names.push(name);
  }
}

/**
 * The match with the smallest id. Where several agencies or agreements could match, the choice must not depend
 * on the order the state was read in (from the database, or kept in memory from the previous list).
 */
function firstById<T extends { id: string }>(items: readonly T[], matches: (item: T) => boolean): T | undefined {
  let first: T | undefined;
  for (const item of items) if (matches(item) && (first === undefined || item.id < first.id)) first = item;
  return first;
}

const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Agreements by agency × model. */
class AgreementIndex {
  private byAgencyModel = new Map<string, AgreementState[]>();

  private readonly agreements: Map<string, AgreementState>;
  constructor(agreements: Map<string, AgreementState>) {
    this.agreements = agreements;
    for (const agreement of agreements.values()) this.index(agreement);
  }

  private index(agreement: AgreementState): void {
    const key = `${agreement.agencyId}|${agreement.modelCode}`;
    const list = this.byAgencyModel.get(key) ?? [];
    list.push(agreement);
    this.byAgencyModel.set(key, list);
  }

  add(agreement: AgreementState): void {
    this.agreements.set(agreement.id, agreement);
    this.index(agreement);
  }

  /** There is at most one active and one pending agreement per agency × model. */
  find(agencyId: string, model: ModelCode, status: AgreementStatus): AgreementState | undefined {
    return this.byAgencyModel.get(`${agencyId}|${model}`)?.find((agreement) => agreement.status === status);
  }

  recentlyWithdrawn(agencyId: string, model: ModelCode, listDate: string): AgreementState | undefined {
    return firstById(
      this.byAgencyModel.get(`${agencyId}|${model}`) ?? [],
      (agreement) =>
        agreement.endedBy === 'withdrawn' &&
        agreement.endedOn !== null &&
        daysBetween(agreement.endedOn, listDate) <= PROMOTION_WINDOW_DAYS,
    );
  }

  endedWithSameSigning(agencyId: string, model: ModelCode, signedOn: string | null): AgreementState | undefined {
    if (!signedOn) return undefined;
    return firstById(
      this.byAgencyModel.get(`${agencyId}|${model}`) ?? [],
      (agreement) => agreement.endedBy === 'missing' && agreement.signedOn === signedOn,
    );
  }

  /** In id order, as the events written for them are. */
  ofAgency(agencyId: string): AgreementState[] {
    return [...this.agreements.values()].filter((agreement) => agreement.agencyId === agencyId).sort(byId);
  }

  /** In id order, as the events written for them are. */
  open(status: AgreementStatus): AgreementState[] {
    return [...this.agreements.values()].filter((agreement) => agreement.status === status).sort(byId);
  }
}
