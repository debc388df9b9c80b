// The ICE lists ingested, and the feed of agreement events they revealed.
import { z } from 'zod';
import { LIST_FIELDS } from '../records/list.ts';
import { zodShape } from '../records/record.ts';
import { AgreementSchema, EventSchema } from './agreements.ts';
import { DateSchema, itemResponse, listResponse } from './common.ts';

export const SourceListSchema = z.object(zodShape(LIST_FIELDS)).meta({ id: 'SourceList' });

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
    county_fips: AgreementSchema.shape.county_fips,
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
