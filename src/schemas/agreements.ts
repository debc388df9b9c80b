// Agreements as the REST API shows them (snake_case, the names of the CSV columns too).
import { z } from 'zod';
import { AgencyLevelSchema, AgencyTypeSchema, AgreementOriginSchema, AgreementStatusSchema, EventTypeSchema, ListKindSchema, ModelCodeSchema } from '../enums.ts';
import { DateSchema, itemResponse, listResponse } from './common.ts';

export const AgreementSchema = z
  .object({
    id: z.string().describe('Stable agreement id.'),
    agency_id: z.string().describe('Id of the agency that holds the agreement.'),
    agency_name: z.string().describe('The agency\'s name (see its aliases for other spellings).'),
    agency_type: AgencyTypeSchema.describe('Kind of agency.'),
    agency_level: AgencyLevelSchema.describe('Level of government of the agency.'),
    state: z.string().length(2).describe('USPS code of the agency\'s state or territory.'),
    county_fips: z.string().regex(/^\d{5}$/).nullable().describe('5-digit FIPS code of the agency\'s county (null for statewide or unplaced agencies).'),
    agency_ori: z.string().length(9).nullable().describe("The agency's FBI ORI code, where its match to the FBI's roster is sure (see the agency's ori_match); else null."),
    model: ModelCodeSchema.describe('Support model of the agreement.'),
    status: AgreementStatusSchema.describe('pending (applied, not yet signed), active (on the participating list) or ended; on as_of when given.'),
    signed_on: DateSchema.nullable().describe('Date the current agreement was signed, as the list gives it.'),
    first_listed_on: DateSchema.nullable().describe('Date of the first ICE list (either kind) that showed the agreement.'),
    last_listed_on: DateSchema.nullable().describe('Date of the last ICE list that showed it.'),
    ended_on: DateSchema.nullable().describe('Date of the first list that no longer showed it (null unless ended).'),
    moa_url: z.string().nullable().describe('Link to the memorandum of agreement, as ICE published it.'),
    addendum_url: z.string().nullable().describe('Link to the addendum, when ICE published one.'),
    supersedes_id: z.string().nullable().describe('The agreement this one replaced when the agency re-signed (a renewal).'),
    origin: AgreementOriginSchema.describe('ice_lists (ICE\'s lists, 2021 on) or historical (known from the sources of 2007–2020: README "Before 2021").'),
    ended_after: DateSchema.nullable().describe('Historical agreements absent from ICE\'s first list: ended after this day (its last sighting)…'),
    ended_before: DateSchema.nullable().describe('…and before this one (that first list). A window, not a day; null otherwise.'),
    updated_at: z.string().describe('When this record last changed (ISO 8601 date-time).'),
  })
  .meta({ id: 'Agreement' });

export const EventSchema = z
  .object({
    id: z.number().int().describe('Event id; increases in the order events were recorded.'),
    agreement_id: z.string().describe('The agreement the event belongs to.'),
    type: EventTypeSchema
      .describe('What happened.'),
    occurred_on: DateSchema.describe('When: the date of the list that revealed it (for signed, the SIGNED date).'),
    details: z.record(z.string(), z.unknown()).describe('Event-specific facts (old and new names, URLs, dates).'),
    source_list_id: z.number().int().nullable().describe('The ICE list that revealed the event (see /v1/lists); null when a historical source did.'),
    source_row: z.number().int().nullable().describe('Worksheet row of the agreement in that list (the CSV line in a historical source).'),
    source_list_date: DateSchema.nullable().describe('Date of that list.'),
    source_file_name: z.string().nullable().describe('File name of that list.'),
    historical_source_id: z.string().nullable().describe('The historical source that revealed the event (see historical_sources); details.source_note says how.'),
  })
  .meta({ id: 'AgreementEvent' });

export const SourceSchema = z
  .object({
    id: z.number().int().describe('Id of the ICE list.'),
    kind: ListKindSchema.describe('Which list: participating (signed) or pending applications.'),
    list_date: DateSchema.describe('Date the list claims.'),
    file_name: z.string().nullable().describe('File name as published.'),
    url: z.string().nullable().describe('Where it was downloaded from.'),
    sha256: z.string().describe('SHA-256 of the file, hex.'),
  })
  .meta({ id: 'AgreementSource' });

export const HistoricalSourceSchema = z
  .object({
    id: z.string().describe('Id of the historical source (ice-list-2007-09-19, oig-10-63-appendix-e, …).'),
    title: z.string().describe('The citation of its primary source.'),
    file_name: z.string().describe('The transcribed table it was loaded from.'),
    sha256: z.string().describe('SHA-256 of that file, hex.'),
    first_on: DateSchema.nullable().describe('Earliest date it gives (a snapshot: its date).'),
    last_on: DateSchema.nullable().describe('Latest date it gives before ICE\'s first list.'),
    report_id: z.string().nullable().describe('The oversight report it comes from (see /v1/reports), if any.'),
  })
  .meta({ id: 'HistoricalSource' });

export const AgreementDetailSchema = AgreementSchema.extend({
  superseded_by_id: z.string().nullable().describe('The agreement that replaced this one at a renewal, if any.'),
  events: z.array(EventSchema).describe('The agreement\'s history, oldest first.'),
  sources: z.array(SourceSchema).describe('The ICE lists its events came from.'),
  historical_sources: z.array(HistoricalSourceSchema).describe('The historical sources (before 2021) its events came from.'),
}).meta({ id: 'AgreementDetail' });

export const AgreementListResponseSchema = listResponse(AgreementSchema, 'AgreementList', 'One page of agreements.');
export const AgreementResponseSchema = itemResponse(AgreementDetailSchema, 'AgreementResponse');

/** CSV columns of an agreement, in order. */
export const AGREEMENT_COLUMNS = Object.keys(AgreementSchema.shape) as (keyof z.infer<typeof AgreementSchema>)[];
