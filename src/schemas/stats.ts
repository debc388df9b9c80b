// Counts on a date, and over time.
import { z } from 'zod';
import { DateSchema, MetaSchema } from './common.ts';
import { zodShape } from '../records/record.ts';
import { SUMMARY_COUNT_FIELDS } from '../records/summary.ts';

export const PipelineGroupSchema = z
  .object({
    count: z.number().int().describe('Agreements that began as an application and were signed by the date.'),
    median_days: z
      .number()
      .nullable()
      .describe(
        'Median days from the first pending list that showed the application to the signing date ICE gave (null when count is 0).',
      ),
  })
  .meta({ id: 'PipelineGroup' });

export const PipelineSchema = PipelineGroupSchema.extend({
  by_model: z.record(z.string(), PipelineGroupSchema).describe('By support model.'),
  by_state: z.record(z.string(), PipelineGroupSchema).describe('By state (USPS code).'),
})
  .describe(
    'The pending-to-signed pipeline: applications signed by the date (by the lists dated on or before it), with the median days from first application to signing.',
  )
  .meta({ id: 'Pipeline' });

export const StatsSchema = z
  .object({
    as_of: DateSchema.nullable().describe("The date counted: as_of, else the latest applied list's date."),
    ...zodShape(SUMMARY_COUNT_FIELDS),
    by_model: z.record(z.string(), z.number().int()).describe('Active agreements by support model.'),
    by_state: z.record(z.string(), z.number().int()).describe('Active agreements by state (USPS code).'),
    by_status: z
      .record(z.string(), z.number().int())
      .describe('Agreements by status (pending, active, ended, withdrawn).'),
    pipeline: PipelineSchema,
  })
  .meta({ id: 'Stats' });

export const TimeseriesPointSchema = z
  .object({
    date: DateSchema.describe("End of the interval (the latest list's date for the last one)."),
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
