// How current the data is: what /v1/status (and /readyz's `freshness`) answers.
import { z } from 'zod';
import { CheckOutcomeSchema } from '../domain/enums.ts';
import { DateSchema } from './common.ts';

const TimestampSchema = z.iso.datetime({ offset: true });

export const StatusSchema = z
  .object({
    latest_list_date: DateSchema.nullable().describe(
      'The date of the latest applied ICE list, or null before the first.',
    ),
    last_check: z
      .object({
        at: TimestampSchema.describe("When the check of ICE's page ended."),
        outcome: CheckOutcomeSchema.describe(
          'succeeded: the page was reached and every list it links was read; failed: refused, unreachable, out of time, or a list could not be read.',
        ),
        detail: z
          .string()
          .describe('One line: the lists found and what became of them, or why the check failed (naming the URL).'),
        source_url: z.string().describe('The page checked (INGEST_SOURCE_URL).'),
        retries: z.number().int().describe('Requests retried after a timeout or a 5xx answer.'),
      })
      .nullable()
      .describe("The last check of ICE's page, by any instance or `ingest --latest`; null before the first."),
    last_success_at: TimestampSchema.nullable().describe('When a check last succeeded.'),
    last_error: z
      .object({
        at: TimestampSchema.describe('When the failed check ended.'),
        message: z.string().describe('Why it failed, naming the URL.'),
      })
      .nullable()
      .describe('The last failed check, however long ago; null if none ever failed.'),
    schedule: z
      .string()
      .nullable()
      .describe(
        "How often ICE is checked: this instance's INGEST_SCHEDULE, else the interval the last check ran on (ingest --every); null when unknown.",
      ),
    next_run_at: TimestampSchema.nullable().describe(
      'When the next scheduled check is due; null when nothing is scheduled (or a check is under way).',
    ),
    stale: z
      .boolean()
      .nullable()
      .describe('True when no check succeeded within twice the schedule; null without a schedule.'),
  })
  .meta({ id: 'Status' });
export type Status = z.infer<typeof StatusSchema>;
