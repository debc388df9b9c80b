// States and counties, each with a summary of the agreements its agencies hold.
import { z } from 'zod';
import { COUNTY_FIELDS } from '../records/county.ts';
import { zodShape } from '../records/record.ts';
import { SUMMARY_FIELDS } from '../records/summary.ts';
import { AgencySchema } from './agencies.ts';
import { itemResponse, listResponse } from './common.ts';

const SummaryShape = zodShape(SUMMARY_FIELDS);

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

export const CountySchema = z.object(zodShape(COUNTY_FIELDS)).meta({ id: 'County' });

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
