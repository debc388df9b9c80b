// Agreements as the REST API shows them (snake_case, the names of the CSV columns too).
import { z } from 'zod';
import { ListKindSchema } from '../domain/enums.ts';
import { AGREEMENT_FIELDS } from '../records/agreement.ts';
import { EVENT_FIELDS } from '../records/event.ts';
import { fieldNames, zodShape } from '../records/record.ts';
import { DateSchema, itemResponse, listResponse } from './common.ts';

export const AgreementSchema = z.object(zodShape(AGREEMENT_FIELDS)).meta({ id: 'Agreement' });

export const EventSchema = z.object(zodShape(EVENT_FIELDS)).meta({ id: 'AgreementEvent' });

export const SourceSchema = z
  .object({
    id: z.number().int().describe('Id of the ICE list.'),
    kind: ListKindSchema.describe('Which list: participating (signed) or pending applications.'),
    list_date: DateSchema.describe('Date the list claims.'),
    file_name: z.string().nullable().describe('File name as published.'),
    url: z.string().nullable().describe('Where it was downloaded from.'),
    sha256: z.string().describe('SHA-256 of the file, hex.'),
  })
  .meta({ id: 'AgreementSource' });

export const HistoricalSourceSchema = z
  .object({
    id: z.string().describe('Id of the historical source (ice-list-2007-09-19, oig-10-63-appendix-e, …).'),
    title: z.string().describe('The citation of its primary source.'),
    file_name: z.string().describe('The transcribed table it was loaded from.'),
    sha256: z.string().describe('SHA-256 of that file, hex.'),
    first_on: DateSchema.nullable().describe('Earliest date it gives (a snapshot: its date).'),
    last_on: DateSchema.nullable().describe("Latest date it gives before ICE's first list."),
    report_id: z.string().nullable().describe('The oversight report it comes from (see /v1/reports), if any.'),
  })
  .meta({ id: 'HistoricalSource' });

export const AgreementDetailSchema = AgreementSchema.extend({
  superseded_by_id: z.string().nullable().describe('The agreement that replaced this one at a renewal, if any.'),
  events: z.array(EventSchema).describe("The agreement's history, oldest first."),
  sources: z.array(SourceSchema).describe('The ICE lists its events came from.'),
  historical_sources: z
    .array(HistoricalSourceSchema)
    .describe('The historical sources (before 2021) its events came from.'),
}).meta({ id: 'AgreementDetail' });

export const AgreementListResponseSchema = listResponse(AgreementSchema, 'AgreementList', 'One page of agreements.');
export const AgreementResponseSchema = itemResponse(AgreementDetailSchema, 'AgreementResponse');

/** CSV columns of an agreement, in order: the record's fields. */
export const AGREEMENT_COLUMNS = fieldNames(AGREEMENT_FIELDS);
