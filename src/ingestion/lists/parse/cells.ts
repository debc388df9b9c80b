// Reading cell values (xlsx.ts, in exceljs's shapes): formula cells by their result, rich text by its runs joined,
// hyperlink cells by their text and target.
import type { CellValue } from './xlsx.ts';

export interface CellContent {
  /** The text shown in the cell. Dates as YYYY-MM-DD (or full ISO with a time), errors as "#N/A". */
  text: string;
  /** The hyperlink target, if any (HYPERLINK() formulas included). */
  hyperlink: string | null;
  /** The underlying value for date parsing: Date, number, string or null. */
  value: Date | number | string | boolean | null;
  isError: boolean;
}

const EMPTY: CellContent = { text: '', hyperlink: null, value: null, isError: false };

const dateTexts = new Map<number, string>();

function dateText(date: Date): string {
  const time = date.getTime();
  if (Number.isNaN(time)) return '';
  let text = dateTexts.get(time);
  if (text === undefined) {
    const iso = date.toISOString();
    text = iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
    if (dateTexts.size < 10_000) dateTexts.set(time, text);
  }
  return text;
}

function richTextOf(runs: readonly { text?: unknown }[]): string {
  return runs.map((run) => (typeof run.text === 'string' ? run.text : '')).join('');
}

const HYPERLINK_FORMULA = /^\s*=?\s*HYPERLINK\s*\(\s*"([^"]*)"/i;

export function readCell(value: CellValue | undefined): CellContent {
  if (value === null || value === undefined) return EMPTY;
  if (typeof value === 'string') return { text: value, hyperlink: null, value, isError: false };
  if (typeof value === 'number') return { text: String(value), hyperlink: null, value, isError: false };
  if (typeof value === 'boolean') return { text: String(value).toUpperCase(), hyperlink: null, value, isError: false };
  if (value instanceof Date) return { text: dateText(value), hyperlink: null, value, isError: false };
  if (typeof value !== 'object') return EMPTY;

  const object = value as unknown as Record<string, unknown>;
  if ('error' in object) {
    const error = String(object.error);
    return { text: error, hyperlink: null, value: null, isError: true };
  }
  if (Array.isArray(object.richText)) {
    const text = richTextOf(object.richText as { text?: unknown }[]);
    return { text, hyperlink: null, value: text, isError: false };
  }
  if ('hyperlink' in object) {
    const inner = readCell(object.text as CellValue);
    const target = typeof object.hyperlink === 'string' && object.hyperlink.trim() !== '' ? object.hyperlink : null;
    return { ...inner, hyperlink: target };
  }
  if ('formula' in object || 'sharedFormula' in object || 'result' in object) {
    const inner = readCell(object.result as CellValue);
    const formula = typeof object.formula === 'string' ? object.formula : '';
    const link = HYPERLINK_FORMULA.exec(formula);
    return link && link[1] ? { ...inner, hyperlink: link[1] } : inner;
  }
  if ('text' in object) return readCell(object.text as CellValue);
  return EMPTY;
}
