// The summary of the agreements a place or a model holds: the last fields of the county record, and of a state's
// and a support model's (a model's without by_model).
import { z } from 'zod';
import { ModelCodeSchema } from '../domain/enums.ts';
import type { RecordField } from './record.ts';

/** The counts: every summary's (a support model's summary is these alone). */
// biome-ignore format: a table, one field per line
export const SUMMARY_COUNT_FIELDS = [
  { name: 'active_agreements', type: 'integer', schema: z.number().int(), description: 'Active agreements (on as_of when given).' },
  { name: 'pending_agreements', type: 'integer', schema: z.number().int(), description: 'Pending agreements (applications not yet signed).' },
  { name: 'ended_agreements', type: 'integer', schema: z.number().int(), description: 'Signed agreements that had ended by then.' },
  { name: 'withdrawn_agreements', type: 'integer', schema: z.number().int(), description: 'Applications withdrawn (left the pending list unsigned) by then; not counted in ended_agreements.' },
  { name: 'active_agencies', type: 'integer', schema: z.number().int(), description: 'Distinct agencies holding at least one active agreement.' },
] as const satisfies readonly RecordField[];

/** The counts, then the active agreements by support model (a place's summary). */
// biome-ignore format: a table, one field per line
export const SUMMARY_FIELDS = [
  ...SUMMARY_COUNT_FIELDS,
  { name: 'by_model', type: 'object', schema: z.partialRecord(ModelCodeSchema, z.number().int()), description: 'Active agreements by support model (models with none are left out).' },
] as const satisfies readonly RecordField[];
