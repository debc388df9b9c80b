// TSV (IANA text/tab-separated-values): the collection's CSV columns, one
// record a line, for tools that split on tabs (cut, awk, a spreadsheet's
// paste). The format has no quoting, so a tab or line break inside a value
// becomes a space; a cell a spreadsheet would run as a formula gets a leading
// apostrophe, as in CSV.
import { z } from 'zod';
import type { CsvValue, Renderer } from './renderer.ts';

const FORMULA_START = /^[=+\-@]/;

export function tsvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = (
    Array.isArray(value) ? value.join(';') : typeof value === 'object' ? JSON.stringify(value) : String(value)
  ).replace(/[\t\r\n]+/g, ' ');
  return FORMULA_START.test(text) ? `'${text}` : text;
}

export const tsvRenderer: Renderer = {
  name: 'tsv',
  extension: '.tsv',
  mediaType: 'text/tab-separated-values; charset=utf-8',
  async body(collection, rows) {
    const { columns, rows: rowsOf } = collection.csv!;
    const records = rowsOf ? rows.data.flatMap((record) => rowsOf(record)) : rows.data;
    const line = (values: CsvValue[]) => `${values.map(tsvCell).join('\t')}\n`;
    return (
      line(columns.map((column) => column.name)) +
      records.map((record) => line(columns.map((column) => column.value(record)))).join('')
    );
  },
  docs(collection) {
    const { summary, description } = collection.docs;
    return {
      summary: `${summary} as TSV`,
      description: `${description} Tab-separated, the CSV's columns; a tab or line break in a value becomes a space.`,
      response: `${summary}, one per line, with a header line.`,
      content: {
        'text/tab-separated-values': { schema: z.string().describe('TSV with a header line: the columns of the CSV.') },
      },
    };
  },
};
