// The dataset's fixed vocabularies, defined once. The database enums
// (prisma/schema.prisma), the REST schemas (src/schemas), the query grammar,
// the ingestion and the GraphQL SDL (the same values in upper case) all use
// these; test/enums.test.ts checks that the SDL and the OpenAPI document agree.
import { z } from 'zod';

// 'unstated' only for historical agreements (before 2021) whose source names no model; no ICE list uses it.
export const MODEL_CODES = [
  'jail_enforcement',
  'task_force',
  'warrant_service_officer',
  'jail_and_task_force',
  'unstated',
] as const;
export const ModelCodeSchema = z.enum(MODEL_CODES);
export type ModelCode = z.infer<typeof ModelCodeSchema>;

/** ice_lists: from ICE's lists (2021 on); historical: from the sources of 2007–2020 (`ingest --historical`). */
export const AGREEMENT_ORIGINS = ['ice_lists', 'historical'] as const;
export const AgreementOriginSchema = z.enum(AGREEMENT_ORIGINS);
export type AgreementOrigin = z.infer<typeof AgreementOriginSchema>;

/** withdrawn: an application that left the pending list unsigned; ended: a signed agreement that ended. */
export const AGREEMENT_STATUSES = ['pending', 'active', 'ended', 'withdrawn'] as const;
export const AgreementStatusSchema = z.enum(AGREEMENT_STATUSES);
export type AgreementStatus = z.infer<typeof AgreementStatusSchema>;

export const AGENCY_TYPES = [
  'sheriffs_office',
  'police_department',
  'state_agency',
  'corrections',
  'county_government',
  'other',
] as const;
export const AgencyTypeSchema = z.enum(AGENCY_TYPES);
export type AgencyType = z.infer<typeof AgencyTypeSchema>;

export const AGENCY_LEVELS = ['county', 'municipal', 'state'] as const;
export const AgencyLevelSchema = z.enum(AGENCY_LEVELS);
export type AgencyLevel = z.infer<typeof AgencyLevelSchema>;

export const LOCATION_METHODS = [
  'county_column',
  'county_in_name',
  'city',
  'override',
  'statewide',
  'unresolved',
] as const;
export const LocationMethodSchema = z.enum(LOCATION_METHODS);
export type LocationMethod = z.infer<typeof LocationMethodSchema>;

/**
 * How an agency's FBI ORI was found, or why it has none (src/ingestion/fbi-identifiers.ts): name_county_type (the
 * FBI name, type and county agree, one roster row), state_agency_name (a statewide agency, one row of that name),
 * override (reviewed); ambiguous, county_disagrees, county_unknown, not_in_roster, override_none (reviewed: no ORI).
 */
export const ORI_MATCHES = [
  'name_county_type',
  'state_agency_name',
  'override',
  'ambiguous',
  'county_disagrees',
  'county_unknown',
  'not_in_roster',
  'override_none',
] as const;
export const OriMatchSchema = z.enum(ORI_MATCHES);
export type OriMatch = z.infer<typeof OriMatchSchema>;

export const EVENT_TYPES = [
  'applied',
  'signed',
  'listed',
  'renewed',
  'ended',
  'reinstated',
  'renamed',
  'documents_updated',
  'withdrawn',
] as const;
export const EventTypeSchema = z.enum(EVENT_TYPES);
export type EventType = z.infer<typeof EventTypeSchema>;

export const LIST_KINDS = ['participating', 'pending'] as const;
export const ListKindSchema = z.enum(LIST_KINDS);
export type ListKind = z.infer<typeof ListKindSchema>;

export const LIST_STATUSES = ['applied', 'quarantined', 'rejected'] as const;
export const ListStatusSchema = z.enum(LIST_STATUSES);
export type ListStatus = z.infer<typeof ListStatusSchema>;

/** How a check of ICE's page ended (source_check_outcome; /v1/status). */
export const CHECK_OUTCOMES = ['succeeded', 'failed'] as const;
export const CheckOutcomeSchema = z.enum(CHECK_OUTCOMES);
export type CheckOutcome = z.infer<typeof CheckOutcomeSchema>;

/** correction: a reviewed correction of the list (src/ingestion/list-corrections.json). */
export const LIST_DATE_SOURCES = ['argument', 'file_name', 'last_modified', 'correction'] as const;
export const ListDateSourceSchema = z.enum(LIST_DATE_SOURCES);
export type ListDateSource = z.infer<typeof ListDateSourceSchema>;
