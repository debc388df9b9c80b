// States and counties, each with a summary of the agreements its agencies hold.
import { z } from 'zod';
import { ModelCodeSchema } from '../domain/enums.ts';
import { AgencySchema } from './agencies.ts';
import { itemResponse, listResponse } from './common.ts';

export const SummaryShape = {
  active_agreements: z.number().int().describe('Active agreements (on as_of when given).'),
  pending_agreements: z.number().int().describe('Pending agreements (applications not yet signed).'),
  ended_agreements: z.number().int().describe('Signed agreements that had ended by then.'),
  withdrawn_agreements: z
    .number()
    .int()
    .describe('Applications withdrawn (left the pending list unsigned) by then; not counted in ended_agreements.'),
  active_agencies: z.number().int().describe('Distinct agencies holding at least one active agreement.'),
  by_model: z
    .partialRecord(ModelCodeSchema, z.number().int())
    .describe('Active agreements by support model (models with none are left out).'),
};

export const StateSchema = z
  .object({
    code: z.string().length(2).describe('USPS postal code.'),
    name: z.string().describe('Name of the state or territory.'),
    fips: z
      .string()
      .regex(/^\d{2}$/)
      .describe('2-digit FIPS code, zero-padded.'),
    is_territory: z.boolean().describe('True for territories (GU, PR, ...).'),
    lat: z.number().nullable().describe('Latitude of its centroid (WGS 84).'),
    lon: z.number().nullable().describe('Longitude of its centroid (WGS 84).'),
    ...SummaryShape,
  })
  .meta({ id: 'State' });

export const CountySchema = z
  .object({
    fips: z
      .string()
      .regex(/^\d{5}$/)
      .describe('5-digit county FIPS code (Census GEOID), zero-padded.'),
    name: z.string().describe('Full county name (Harris County, Orleans Parish).'),
    state: z.string().length(2).describe('USPS code of its state.'),
    lat: z.number().describe('Latitude of its centroid (WGS 84).'),
    lon: z.number().describe('Longitude of its centroid (WGS 84).'),
    ...SummaryShape,
  })
  .meta({ id: 'County' });

export const StateDetailSchema = StateSchema.extend({
  counties: z.array(CountySchema).describe('Its counties that have agencies with agreements, with their summaries.'),
}).meta({ id: 'StateDetail' });

export const CountyDetailSchema = CountySchema.extend({
  agencies: z.array(AgencySchema).describe('Agencies placed in the county.'),
}).meta({ id: 'CountyDetail' });

export const StateListResponseSchema = listResponse(StateSchema, 'StateList', 'Every state and territory.');
export const StateResponseSchema = itemResponse(StateDetailSchema, 'StateResponse');
export const CountyListResponseSchema = listResponse(
  CountySchema,
  'CountyList',
  'Counties with agencies that hold (or held) agreements.',
);
export const CountyResponseSchema = itemResponse(CountyDetailSchema, 'CountyResponse');
