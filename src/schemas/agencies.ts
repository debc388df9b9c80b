// Agencies as the REST API shows them.
import { z } from 'zod';
import {
  AgencyLevelSchema,
  AgencyTypeSchema,
  LocationMethodSchema,
  ModelCodeSchema,
  OriMatchSchema,
} from '../domain/enums.ts';
import { AgreementSchema } from './agreements.ts';
import { DateSchema, itemResponse, listResponse } from './common.ts';

export const AgencySchema = z
  .object({
    id: z.string().describe('Stable agency id.'),
    name: z.string().describe("The agency's name (aliases in /v1/agencies/{id} list every spelling the lists used)."),
    type: AgencyTypeSchema.describe('Kind of agency.'),
    level: AgencyLevelSchema.describe('Level of government.'),
    state: z.string().length(2).describe('USPS code of its state or territory.'),
    county_fips: z
      .string()
      .regex(/^\d{5}$/)
      .nullable()
      .describe('5-digit FIPS code of its county (null for statewide or unplaced agencies).'),
    county_name: z.string().nullable().describe('Name of that county.'),
    lat: z
      .number()
      .nullable()
      .describe(
        "Latitude of its map point (WGS 84): its county's or city's centroid; the state's for statewide agencies.",
      ),
    lon: z.number().nullable().describe('Longitude of its map point (WGS 84).'),
    location_method: LocationMethodSchema.describe(
      'How its place was found: county_column, county_in_name, city, override, statewide (state centroid) or unresolved (no point).',
    ),
    ori: z
      .string()
      .length(9)
      .nullable()
      .describe(
        "Its FBI ORI code, the key of the FBI's crime, staffing and jail data, where the match to the FBI's roster is sure (see ori_match); else null.",
      ),
    fbi_population: z
      .number()
      .int()
      .nullable()
      .describe(
        'Population it serves, per the FBI roster (0 where the FBI counts that population under other agencies); null without an ORI.',
      ),
    fbi_officers: z.number().int().nullable().describe('Its sworn officers, per the FBI roster; null without an ORI.'),
    fbi_data_year: z
      .number()
      .int()
      .nullable()
      .describe('The year of those FBI figures (the latest the agency reported); null without an ORI.'),
    ori_match: OriMatchSchema.nullable().describe(
      'How its ORI was found: name_county_type (the FBI name, agency type and county all agree, one roster row), state_agency_name (a statewide agency, one row of that name), override (reviewed; reason in ori_match_note); or why it has none: ambiguous, county_disagrees, county_unknown, not_in_roster, override_none (reviewed). Null when no roster was loaded.',
    ),
    ori_match_note: z
      .string()
      .nullable()
      .describe('The reviewed reason of an override, or the roster rows that were ambiguous or in another county.'),
    active_agreements: z.number().int().describe('Its active agreements (on as_of when given).'),
    pending_agreements: z.number().int().describe('Its pending agreements (on as_of when given).'),
    models: z.array(ModelCodeSchema).describe('Support models of its active agreements.'),
    updated_at: z.string().describe('When this record last changed (ISO 8601 date-time).'),
  })
  .meta({ id: 'Agency' });

export const SpellingSchema = z
  .object({
    spelling: z.string().describe('The LAW ENFORCEMENT AGENCY cell exactly as ICE printed it (stray spaces and all).'),
    first_seen_on: DateSchema.describe('Date of the first list that printed it.'),
    last_seen_on: DateSchema.describe('Date of the last list that printed it.'),
    first_list_id: z.number().int().describe('That first list (see /v1/lists/{id}).'),
    last_list_id: z.number().int().describe('That last list.'),
  })
  .meta({ id: 'AgencySpelling' });

export const AliasSchema = z
  .object({
    name: z
      .string()
      .describe(
        'A name the lists used for the agency, normalized (whitespace, quotes, spacing around / and ,): what identity matching compares.',
      ),
    first_seen_on: DateSchema.describe('Date of the first list that used it.'),
    last_seen_on: DateSchema.describe('Date of the last list that used it.'),
    spellings: z
      .array(SpellingSchema)
      .describe(
        'The raw spellings ICE printed that normalize to this name (empty for names ingested before spellings were kept).',
      ),
  })
  .meta({ id: 'AgencyAlias' });

export const AgencyReportSchema = z
  .object({
    report_id: z.string().describe('Id of an oversight report that names the agency (see /v1/reports).'),
    agency_name: z.string().describe("The agency's name as the report gives it."),
  })
  .meta({ id: 'AgencyReport' });

export const AgencyDetailSchema = AgencySchema.extend({
  aliases: z.array(AliasSchema).describe('Every name the lists used for it.'),
  agreements: z.array(AgreementSchema).describe('All its agreements, past and present (status on as_of when given).'),
  reports: z.array(AgencyReportSchema).describe('Oversight reports that name it.'),
}).meta({ id: 'AgencyDetail' });

export const AgencyListResponseSchema = listResponse(AgencySchema, 'AgencyList', 'One page of agencies.');
export const AgencyResponseSchema = itemResponse(AgencyDetailSchema, 'AgencyResponse');

export const AGENCY_COLUMNS = Object.keys(AgencySchema.shape) as (keyof z.infer<typeof AgencySchema>)[];
