// The record fields each GraphQL field reads. A page of agencies reads its agencies, their agreements and those
// agreements' events in one statement (the agreements and events as JSON PostgreSQL builds): reading only the fields
// the query selects keeps that statement's work, its JSON and its parsing to what the answer holds (a third of the
// bytes of every field for the benchmark's nested query). test/graphql/fields-read.test.ts checks that every field of these types is listed here.
import type { FieldNode, GraphQLResolveInfo } from 'graphql';
import type { AgencyField, AgreementField, NestedEventField } from '../repositories/index.ts';
import { namesSelected } from './selection.ts';

/** Agency's GraphQL fields, and the agency record's fields each reads (none: the relations it reads by its id). */
export const AGENCY_READS = {
  id: ['id'],
  name: ['name'],
  type: ['type'],
  level: ['level'],
  state: ['state'],
  county: ['county_fips'],
  lat: ['lat'],
  lon: ['lon'],
  locationMethod: ['location_method'],
  ori: ['ori'],
  fbiPopulation: ['fbi_population'],
  fbiOfficers: ['fbi_officers'],
  fbiDataYear: ['fbi_data_year'],
  oriMatch: ['ori_match'],
  oriMatchNote: ['ori_match_note'],
  activeAgreements: ['active_agreements'],
  pendingAgreements: ['pending_agreements'],
  models: ['models'],
  updatedAt: ['updated_at'],
  aliases: [],
  agreements: [],
  reports: [],
} as const satisfies Record<string, readonly AgencyField[]>;

/** Agreement's GraphQL fields, and the agreement record's fields each reads (none: `events`, read as a relation). */
export const AGREEMENT_READS = {
  id: ['id'],
  agency: ['agency_id'],
  model: ['model'],
  status: ['status'],
  signedOn: ['signed_on'],
  firstListedOn: ['first_listed_on'],
  lastListedOn: ['last_listed_on'],
  endedOn: ['ended_on'],
  origin: ['origin'],
  endedAfter: ['ended_after'],
  endedBefore: ['ended_before'],
  moaUrl: ['moa_url'],
  addendumUrl: ['addendum_url'],
  supersedes: ['supersedes_id'],
  updatedAt: ['updated_at'],
  events: [],
} as const satisfies Record<string, readonly AgreementField[]>;

/** AgreementEvent's GraphQL fields, and the event record's fields each reads (`agreement`: the one it was read with). */
export const EVENT_READS = {
  id: ['id'],
  type: ['type'],
  occurredOn: ['occurred_on'],
  details: ['details'],
  sourceRow: ['source_row'],
  agreement: [],
  sourceList: ['source_list_id'],
  historicalSource: ['historical_source_id'],
} as const satisfies Record<string, readonly NestedEventField[]>;

/** The record fields that the fields `from` select read, one level down (`__typename` reads none). */
export function fieldsRead<F extends string>(
  reads: Record<string, readonly F[]>,
  info: GraphQLResolveInfo,
  from: readonly FieldNode[],
): F[] {
  return [...new Set([...namesSelected(info, from)].flatMap((name) => reads[name] ?? []))];
}
