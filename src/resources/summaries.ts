// Rows that carry a summary of their agreements (states, counties, models):
// the collections of reference tables, and their CSV columns.
import type { z } from 'zod';
import type { Db } from '../database/connect.ts';
import { MODEL_CODES } from '../domain/enums.ts';
import { OPTIONAL_PAGE_PARAMS, optionalPage, parseFilters, rejectUnknown } from '../query/grammar.ts';
import { pageInOrder } from '../query/paging.ts';
import { fieldNames, type RecordOf } from '../records/record.ts';
import { SUMMARY_COUNT_FIELDS } from '../records/summary.ts';
import { emptySummary, type AgreementSummary } from '../repositories/index.ts';
import { csvRenderer, type CsvColumn, fieldColumns } from '../renderers/csv.ts';
import { jsonRenderer } from '../renderers/json.ts';
import { querySchema } from '../schemas/common.ts';
import type { Collection, CollectionDocs } from './collection.ts';

/** The counts of a summary (a support model's whole summary). */
export function countColumns<T extends SummaryCounts>(): CsvColumn<T>[] {
  return fieldColumns<T>(fieldNames(SUMMARY_COUNT_FIELDS));
}

/** The counts, then one column of active agreements per support model (a spreadsheet cannot hold by_model). */
export function summaryColumns<T extends AgreementSummary>(): CsvColumn<T>[] {
  return [
    ...countColumns<T>(),
    ...MODEL_CODES.map((model) => ({ name: `active_${model}`, value: (record: T) => record.by_model[model] ?? 0 })),
  ];
}

/** A summary's counts, without by_model. */
export type SummaryCounts = RecordOf<typeof SUMMARY_COUNT_FIELDS>;

/**
 * A reference table keyed by its code (states, models) answered whole, each row with the summary of its agreements
 * on as_of (`summaries` keyed by that code).
 */
export function summarizedCollection<R extends { code: string }, Row>(definition: {
  path: string;
  docs: CollectionDocs;
  schema: z.ZodType;
  rows(db: Db): Promise<R[]>;
  summaries(db: Db, asOf: string | undefined): Promise<Map<string, AgreementSummary>>;
  /** One answer row from a table row and its summary. */
  merge(row: R, summary: AgreementSummary): Row;
  columns: CsvColumn<Row>[];
}): Collection<Row, { as_of?: string }> {
  const { rows, summaries, merge, columns, ...rest } = definition;
  return {
    ...rest,
    querystring: querySchema(['as_of', ...OPTIONAL_PAGE_PARAMS]),
    renderers: [jsonRenderer, csvRenderer],
    paged: false,
    parse(raw) {
      rejectUnknown(raw, ['as_of', ...OPTIONAL_PAGE_PARAMS]);
      const page = optionalPage(raw);
      return { filters: parseFilters(raw, ['as_of']), ...(page ? { page } : {}) };
    },
    async fetch(db, { as_of: asOf }, page) {
      const [table, byKey] = await Promise.all([rows(db), summaries(db, asOf)]);
      const paged = pageInOrder(table, page, (row) => row.code);
      return { ...paged, data: paged.data.map((row) => merge(row, byKey.get(row.code) ?? emptySummary())) };
    },
    csv: { columns },
  };
}
