// The ICE lists ingested, and the feed of agreement events they revealed.
import { z } from 'zod';
import { ListDateSourceSchema, ListKindSchema, ListStatusSchema } from '../domain/enums.ts';
import { EventSchema } from './agreements.ts';
import { DateSchema, itemResponse, listResponse } from './common.ts';

export const SourceListSchema = z
  .object({
    id: z.number().int().describe('List id.'),
    kind: ListKindSchema.describe('participating (signed agreements) or pending (applications).'),
    list_date: DateSchema.describe('Date the list claims.'),
    list_date_source: ListDateSourceSchema.describe('Where that date came from.'),
    list_time: z
      .string()
      .nullable()
      .describe('Time of day from the file name (am, pm, 14:30), ordering lists of one day.'),
    edition: z
      .number()
      .int()
      .describe(
        "Edition of the list: 1, 2 … among the files of the same kind, date and time of day (ICE re-posts a list under the same name with other content), by the server's Last-Modified when known, else by arrival.",
      ),
    file_name: z.string().nullable().describe('File name as published.'),
    url: z.string().nullable().describe('Where it was downloaded from.'),
    sha256: z.string().describe('SHA-256 of the file, hex.'),
    byte_size: z.number().int().describe('File size in bytes.'),
    row_count: z.number().int().describe('Data rows parsed: agreements_confirmed + rows_skipped.'),
    agreements_confirmed: z
      .number()
      .int()
      .nullable()
      .describe(
        'Distinct agreements its rows became or confirmed (for a quarantined list: had it been applied). Null for lists ingested before this was recorded.',
      ),
    rows_skipped: z
      .number()
      .int()
      .describe(
        'Rows that did not become or confirm one agreement (duplicates, pending rows of agreements already active, unreadable rows): listed at /v1/lists/{id}.',
      ),
    status: ListStatusSchema.describe(
      'applied (its changes are in the data), quarantined (held back for review) or rejected (set aside by a reviewed correction, never applied).',
    ),
    status_reason: z.string().nullable().describe('Why it was quarantined or rejected.'),
    warnings: z.array(z.string()).describe('Problems found in the file that did not stop it.'),
    counts: z
      .record(z.string(), z.number())
      .nullable()
      .describe('Changes it made when applied: added, renewed, ended, renamed, ...'),
    ingested_at: z.string().describe('When it was ingested (ISO 8601).'),
    applied_at: z.string().nullable().describe('When it was applied (ISO 8601).'),
  })
  .meta({ id: 'SourceList' });

export const SkippedRowSchema = z
  .object({
    row_number: z.number().int().describe('Worksheet row in the file (1-based, the header included).'),
    cells: z
      .record(z.string(), z.string())
      .describe('The row as ICE wrote it: header -> cell text (a hyperlink cell as "text <url>").'),
    reason: z
      .string()
      .describe(
        'Why it did not become an agreement of its own: a duplicate of agreement X in the same list, a pending row for an agreement already active, an unrecognised state or support type, ...',
      ),
    agreement_id: z.string().nullable().describe('The agreement it duplicates or defers to, when there is one.'),
  })
  .meta({ id: 'SkippedRow' });

export const ListReconciliationSchema = SourceListSchema.extend({
  skipped_rows: z
    .array(SkippedRowSchema)
    .describe('Every row that did not become or confirm one agreement, in file order.'),
}).meta({ id: 'ListReconciliation' });

export const ListReconciliationResponseSchema = itemResponse(ListReconciliationSchema, 'ListReconciliationResponse');

export const ChangeSchema = z
  .object({
    id: z.number().int().describe('Event id (newest first).'),
    type: EventSchema.shape.type,
    occurred_on: EventSchema.shape.occurred_on,
    recorded_on: DateSchema.describe('Date of the list that recorded it: what since= compares.'),
    agreement_id: z.string().describe('The agreement.'),
    agency_id: z.string().describe('Its agency.'),
    agency_name: z.string().describe("The agency's current name."),
    state: z.string().length(2).describe("USPS code of the agency's state."),
    county_fips: z
      .string()
      .regex(/^\d{5}$/)
      .nullable()
      .describe("5-digit FIPS code of the agency's county (null for statewide or unplaced agencies)."),
    model: z.string().describe('Support model of the agreement.'),
    details: EventSchema.shape.details,
    source_list_id: z.number().int().describe('The ICE list that revealed it.'),
    source_file_name: z.string().nullable().describe('File name of that list.'),
    source_url: z
      .string()
      .nullable()
      .describe('Where that list was downloaded from (null when it was read from a file).'),
  })
  .meta({ id: 'Change' });

export const SourceListListResponseSchema = listResponse(
  SourceListSchema,
  'SourceListList',
  'Every ICE list ingested, newest first.',
);
export const ChangeListResponseSchema = listResponse(
  ChangeSchema,
  'ChangeList',
  'One page of agreement events, newest first.',
);
