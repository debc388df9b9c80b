// /v1/bulk/agreements.csv and .ndjson: every agreement ever listed, with its
// events, as of one dataset version (named in the file name, the ETag and
// x-dataset-version; read in one database snapshot).
import { rejectUnknown } from '../query/grammar.ts';
import { eventsByAgreementIds, listAgreements, type AgreementRecord, type EventRecord } from '../repositories/index.ts';
import { csvRenderer, type CsvColumn } from '../renderers/csv.ts';
import { ndjsonRenderer } from '../renderers/ndjson.ts';
import { AGREEMENT_COLUMNS, AgreementDetailSchema } from '../schemas/agreements.ts';
import type { Collection } from './collection.ts';

interface AgreementWithEvents {
  agreement: AgreementRecord;
  events: EventRecord[];
}

/** One CSV row per event (an agreement without events still has its row). */
interface EventRow {
  agreement: AgreementRecord;
  event: EventRecord | null;
}

const EVENT_COLUMNS: CsvColumn<EventRow>[] = [
  { name: 'event_id', value: (row) => row.event?.id },
  { name: 'event_type', value: (row) => row.event?.type },
  { name: 'event_occurred_on', value: (row) => row.event?.occurred_on },
  { name: 'event_source_list_id', value: (row) => row.event?.source_list_id },
  { name: 'event_source_list_date', value: (row) => row.event?.source_list_date },
  { name: 'event_source_file_name', value: (row) => row.event?.source_file_name },
  { name: 'event_source_row', value: (row) => row.event?.source_row },
  { name: 'event_details', value: (row) => (row.event ? row.event.details : null) },
];

export const bulkAgreements: Collection<AgreementWithEvents> = {
  path: '/bulk/agreements',
  docs: {
    tags: ['bulk'],
    summary: 'Every agreement with its events',
    description: 'The whole history, streamed from one snapshot of one dataset version.',
    formats: {
      csv: {
        summary: 'Every agreement and event, as CSV',
        description:
          "The whole history: one row per agreement event (the agreement's columns repeated, then event_* columns; event_details is JSON), in agreement id order, then event order. Streamed from one snapshot of the current dataset version (x-dataset-version, ETag, file name); it changes when a list is applied. For files that never change and can be cited (normalized tables, Parquet, a data package), use /v1/releases.",
        response: 'CSV with a header row.',
      },
      ndjson: {
        summary: 'Every agreement with its events, as NDJSON',
        description:
          'The whole history: one JSON object per line, an agreement with its events (fields as in /v1/agreements/{id}, without sources), in id order. Streamed from one snapshot of the current dataset version; /v1/releases has citable files that never change.',
        response: 'Newline-delimited JSON.',
        schema: AgreementDetailSchema.omit({ sources: true, superseded_by_id: true }).describe('One line.'),
      },
    },
  },
  renderers: [csvRenderer, ndjsonRenderer],
  // Always every agreement: no parameter, so no page either.
  paged: true,
  parse(raw) {
    rejectUnknown(raw, []);
    return { filters: {}, page: { limit: 1, sort: { field: 'id', descending: false }, include_total: false } };
  },
  /** A page of agreements in id order, each with its events. */
  async fetch(db, _filters, page) {
    const result = await listAgreements(db, {}, page as Parameters<typeof listAgreements>[2]);
    const events = await eventsByAgreementIds(
      db,
      result.data.map((agreement) => agreement.id),
    );
    const byAgreement = new Map<string, EventRecord[]>();
    for (const event of events)
      byAgreement.set(event.agreement_id, [...(byAgreement.get(event.agreement_id) ?? []), event]);
    return {
      ...result,
      data: result.data.map((agreement) => ({ agreement, events: byAgreement.get(agreement.id) ?? [] })),
    };
  },
  csv: {
    columns: [
      ...AGREEMENT_COLUMNS.map((name) => ({ name, value: (row: EventRow) => row.agreement[name] })),
      ...EVENT_COLUMNS,
    ],
    rows: ({ agreement, events }): EventRow[] =>
      events.length > 0 ? events.map((event) => ({ agreement, event })) : [{ agreement, event: null }],
  },
  ndjson: ({ agreement, events }) => ({ ...agreement, events }),
  fileName: (app) => `287g-agreements-v${app.dataset.current().version}`,
};
