// Counts on a date, and over time.
import { z } from 'zod';
import { DateSchema, MetaSchema } from './common.ts';

export const StatsSchema = z
  .object({
    as_of: DateSchema.nullable().describe('The date counted: as_of, else the latest applied list\'s date.'),
    active_agreements: z.number().int().describe('Active agreements on that date.'),
    pending_agreements: z.number().int().describe('Pending agreements on that date.'),
    ended_agreements: z.number().int().describe('Agreements ended by that date.'),
    active_agencies: z.number().int().describe('Distinct agencies holding an active agreement.'),
    by_model: z.record(z.string(), z.number().int()).describe('Active agreements by support model.'),
    by_state: z.record(z.string(), z.number().int()).describe('Active agreements by state (USPS code).'),
    by_status: z.record(z.string(), z.number().int()).describe('Agreements by status (active, pending, ended).'),
  })
  .meta({ id: 'Stats' });

export const TimeseriesPointSchema = z
  .object({
    date: DateSchema.describe('End of the interval (the latest list\'s date for the last one).'),
    active_agreements: z.number().int().describe('Active agreements on that date.'),
    pending_agreements: z.number().int().describe('Pending agreements on that date.'),
  })
  .meta({ id: 'TimeseriesPoint' });

// The counts at the top level (as clients were promised: `{ as_of, active_agreements, … }`), with the usual meta.
export const StatsResponseSchema = StatsSchema.extend({ meta: MetaSchema }).meta({ id: 'StatsResponse' });
export const TimeseriesResponseSchema = z
  .object({
    data: z.array(TimeseriesPointSchema).describe('One point per interval, oldest first.'),
    links: z.object({ next: z.null().describe('Always null: the series comes whole.') }).describe('No further pages.'),
    meta: MetaSchema,
  })
  .meta({ id: 'Timeseries' });
