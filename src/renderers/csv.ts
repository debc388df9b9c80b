// CSV (RFC 4180) for every collection. Spreadsheets execute a cell that begins
// with = + - @ (and, in some, a leading tab or carriage return) as a formula,
// so a text cell starting with one of them gets a leading apostrophe: the
// OWASP "CSV injection" advice. Agency names come from ICE's lists, which we
// do not control. Numbers are written as numbers, so -3 stays -3.
// A collection offers CSV with its `csv.columns` (and `csv.rows` when one
// record is several rows, as in the bulk download: one per event).
import { Readable } from 'node:stream';
import { CsvSchema } from '../schemas/common.ts';
import type { CsvColumn, CsvValue, RenderedCollection, Renderer } from './renderer.ts';

export type { CsvColumn, CsvValue };

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell: neutralized against formula injection, quoted when it must be. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  let text = Array.isArray(value) ? value.join(';') : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

/** Columns reading the record's field of the same name, in the given order. */
export function fieldColumns<T extends object>(names: readonly (keyof T & string)[]): CsvColumn<T>[] {
  return names.map((name) => ({ name, value: (record: T) => record[name] as CsvValue }));
}

export function csvDocument<T>(columns: readonly CsvColumn<T>[], records: Iterable<T>): string {
  let text = csvLine(columns.map((column) => column.name));
  for (const record of records) text += csvLine(columns.map((column) => column.value(record)));
  return text;
}

/**
 * A streamed CSV: the header row at once, then each batch as the database
 * yields it, so a large export starts arriving immediately and memory stays flat.
 */
export function csvStream<T>(columns: readonly CsvColumn<T>[], batches: AsyncIterable<readonly T[]>): Readable {
  async function* lines(): AsyncGenerator<string> {
    yield csvLine(columns.map((column) => column.name));
    for await (const batch of batches) {
      let chunk = '';
      for (const record of batch) chunk += csvLine(columns.map((column) => column.value(record)));
      if (chunk) yield chunk;
    }
  }
  return Readable.from(lines());
}

/** The rows of a batch of records, as the collection's CSV lays them out. */
function tableRows<T>(collection: RenderedCollection<T>, records: readonly T[]): unknown[] {
  const csv = collection.csv!;
  return csv.rows ? records.flatMap((record) => csv.rows!(record)) : [...records];
}

export const csvRenderer: Renderer = {
  name: 'csv',
  extension: '.csv',
  mediaType: 'text/csv; charset=utf-8',
  async body(collection, rows) {
    return csvDocument(collection.csv!.columns, tableRows(collection, rows.data));
  },
  stream(collection, batches) {
    async function* tables(): AsyncGenerator<unknown[]> {
      for await (const batch of batches) yield tableRows(collection, batch);
    }
    return csvStream(collection.csv!.columns, tables());
  },
  docs(collection) {
    const { summary, description, formats } = collection.docs;
    return {
      summary: formats?.csv?.summary ?? `${summary} as CSV`,
      description: formats?.csv?.description ?? description,
      response: formats?.csv?.response ?? `${summary}, one per row, with a header row.`,
      content: { 'text/csv': { schema: CsvSchema } },
    };
  },
};
