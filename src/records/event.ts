// The agreement event record: REST (an agreement's events, the bulk download), CSV and the release.
import { z } from 'zod';
import { EventTypeSchema } from '../domain/enums.ts';
import { DATE, type RecordField } from './record.ts';

export const EVENT_FIELDS = [
  {
    name: 'id',
    type: 'integer',
    schema: z.number().int(),
    description: 'Event id; increases in the order events were recorded.',
  },
  { name: 'agreement_id', type: 'string', schema: z.string(), description: 'The agreement the event belongs to.' },
  { name: 'type', type: 'string', schema: EventTypeSchema, description: 'What happened.' },
  {
    name: 'occurred_on',
    type: 'date',
    schema: DATE,
    description: 'When: the date of the list that revealed it (for signed, the SIGNED date).',
  },
  {
    name: 'details',
    type: 'object',
    schema: z.record(z.string(), z.unknown()),
    description: 'Event-specific facts (old and new names, URLs, dates).',
  },
  {
    name: 'source_list_id',
    type: 'integer',
    schema: z.number().int(),
    nullable: true,
    description: 'The ICE list that revealed the event (see /v1/lists); null when a historical source did.',
  },
  {
    name: 'source_row',
    type: 'integer',
    schema: z.number().int(),
    nullable: true,
    description: 'Worksheet row of the agreement in that list (the CSV line in a historical source).',
  },
  { name: 'source_list_date', type: 'date', schema: DATE, nullable: true, description: 'Date of that list.' },
  {
    name: 'source_file_name',
    type: 'string',
    schema: z.string(),
    nullable: true,
    description: 'File name of that list.',
  },
  {
    name: 'historical_source_id',
    type: 'string',
    schema: z.string(),
    nullable: true,
    description:
      'The historical source that revealed the event (see historical_sources); details.source_note says how.',
  },
] as const satisfies readonly RecordField[];
