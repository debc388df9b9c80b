// /v1/bulk/agreements.csv and .ndjson: every agreement ever listed, with its
// events, as of one dataset version (named in the file name, the ETag and
// x-dataset-version; read in one database snapshot).
import type { FastifyInstance } from 'fastify';
import { Readable } from 'node:stream';
import type pg from 'pg';

import { csvStream, type CsvColumn } from '../../http/csv.ts';
import { rejectUnknown } from '../../query/grammar.ts';
import { eventsByAgreementIds, streamAgreements, type AgreementRecord, type EventRecord } from '../../repositories/agreements.ts';
import { AGREEMENT_COLUMNS, AgreementDetailSchema } from '../../schemas/agreements.ts';
import { CsvSchema, ERROR_RESPONSES } from '../../schemas/common.ts';
import { EXPORT_BATCH, inSnapshot, primed, rawQuery } from './common.ts';

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
const BULK_COLUMNS: CsvColumn<EventRow>[] = [
  ...AGREEMENT_COLUMNS.map((name) => ({ name, value: (row: EventRow) => row.agreement[name] })),
  ...EVENT_COLUMNS,
];

/** Batches of agreements with their events, in id order. */
async function* withEvents(db: pg.Pool): AsyncGenerator<{ agreement: AgreementRecord; events: EventRecord[] }[]> {
  for await (const batch of streamAgreements(db, {}, EXPORT_BATCH)) {
    const events = await eventsByAgreementIds(db, batch.map((agreement) => agreement.id));
    const byAgreement = new Map<string, EventRecord[]>();
    for (const event of events) {
      const list = byAgreement.get(event.agreement_id) ?? [];
      list.push(event);
      byAgreement.set(event.agreement_id, list);
    }
    yield batch.map((agreement) => ({ agreement, events: byAgreement.get(agreement.id) ?? [] }));
  }
}

export async function bulkRoutes(app: FastifyInstance): Promise<void> {
  const api = app;
  const pool = app.db.pool;

  function disposition(format: 'csv' | 'ndjson'): Record<string, string> {
    return { 'content-disposition': `attachment; filename="287g-agreements-v${app.dataset.current().version}.${format}"` };
  }

  api.get(
    '/bulk/agreements.csv',
    {
      schema: {
        tags: ['bulk'],
        summary: 'Every agreement and event, as CSV',
        description:
          'The whole history: one row per agreement event (the agreement\'s columns repeated, then event_* columns; event_details is JSON), in agreement id order, then event order. Streamed from one snapshot of the current dataset version (x-dataset-version, ETag, file name); it changes when a list is applied. For files that never change and can be cited (normalized tables, Parquet, a data package), use /v1/releases.',
        response: { 200: { description: 'CSV with a header row.', content: { 'text/csv': { schema: CsvSchema } } }, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      rejectUnknown(rawQuery(request), []);
      return app.restCache.stream(request, reply, 'csv', async () => {
        const source = await primed(inSnapshot(pool, withEvents));
        async function* rows(): AsyncGenerator<EventRow[]> {
          for await (const batch of source) {
            yield batch.flatMap(({ agreement, events }): EventRow[] =>
              events.length > 0 ? events.map((event) => ({ agreement, event })) : [{ agreement, event: null }],
            );
          }
        }
        return csvStream(BULK_COLUMNS, rows());
      }, disposition('csv'));
    },
  );

  api.get(
    '/bulk/agreements.ndjson',
    {
      schema: {
        tags: ['bulk'],
        summary: 'Every agreement with its events, as NDJSON',
        description:
          'The whole history: one JSON object per line, an agreement with its events (fields as in /v1/agreements/{id}, without sources), in id order. Streamed from one snapshot of one dataset version.',
        response: {
          200: {
            description: 'Newline-delimited JSON.',
            content: { 'application/x-ndjson': { schema: AgreementDetailSchema.omit({ sources: true, superseded_by_id: true }).describe('One line.') } },
          },
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request, reply) => {
      rejectUnknown(rawQuery(request), []);
      return app.restCache.stream(request, reply, 'ndjson', async () => {
        const source = await primed(inSnapshot(pool, withEvents));
        async function* lines(): AsyncGenerator<string> {
          for await (const batch of source) {
            yield batch.map(({ agreement, events }) => `${JSON.stringify({ ...agreement, events })}\n`).join('');
          }
        }
        return Readable.from(lines());
      }, disposition('ndjson'));
    },
  );
}

