// Agencies as the REST API shows them.
import { z } from 'zod';
import { AGENCY_FIELDS } from '../records/agency.ts';
import { fieldNames, zodShape } from '../records/record.ts';
import { AgreementSchema } from './agreements.ts';
import { DateSchema, itemResponse, listResponse } from './common.ts';

export const AgencySchema = z.object(zodShape(AGENCY_FIELDS)).meta({ id: 'Agency' });

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

/** CSV columns of an agency, in order: the record's fields. */
export const AGENCY_COLUMNS = fieldNames(AGENCY_FIELDS);
