// SIGNED cells come as real date cells (xlsx.ts: a Date at UTC midnight), Excel serial
// numbers, ISO strings (the HTML-era lists) or hand-typed US dates, some with typos
// ("05/082025", "7/72025", year 5025). A guess is returned with an issue so it can be checked.
import { isValidDate } from './file-name.ts';

export interface DateCellResult {
  date: string | null;
  issue?: string;
}

const DAY_MS = 86_400_000;
// 1899-12-30: day 0 of Excel's 1900 date system (which pretends 1900 was a leap year, hence not 12-31).
const EXCEL_EPOCH_1900 = Date.UTC(1899, 11, 30);
const EXCEL_EPOCH_1904 = Date.UTC(1904, 0, 1);
// 287(g) agreements began in 2002; the window is generous on both sides but keeps
// stray numbers (row counts, phone numbers) from passing as dates.
const MIN_YEAR = 1990;
const MAX_YEAR = 2099;

/** Month, day and year with one separator missing: after the day ("05/082025") or after the month ("0508/2025"). */
const MISSING_SEPARATOR = [/^(\d{1,2})[/.-](\d{1,2})(\d{4})$/, /^(\d{1,2})(\d{2})[/.-](\d{4})$/];

const MONTH_NAMES = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
] as const;

/** 1-12 for a month name or its abbreviation ("Sept", "Aug"); null otherwise. */
function monthNumber(word: string): number | null {
  const w = word.toLowerCase();
  if (w.length < 3) return null;
  const index = MONTH_NAMES.findIndex((name) => name.startsWith(w));
  return index === -1 ? null : index + 1;
}

const pad = (n: number): string => String(n).padStart(2, '0');
const iso = (year: number, month: number, day: number): string => `${year}-${pad(month)}-${pad(day)}`;

/** A year typed with a wrong first digit (5025 for 2025) is read as 2xxx; others are rejected. */
function checkYear(year: number, raw: string): { year: number | null; issue?: string } {
  if (year >= MIN_YEAR && year <= MAX_YEAR) return { year };
  if (year >= 1000 && year <= 9999) {
    const fixed = 2000 + (year % 1000);
    if (fixed <= MAX_YEAR) return { year: fixed, issue: `year ${year} in "${raw}" read as ${fixed}, a likely typo` };
  }
  return { year: null, issue: `implausible year ${year} in "${raw}"` };
}

function fromParts(year: number, month: number, day: number, raw: string, guessIssue?: string): DateCellResult {
  const checked = checkYear(year, raw);
  if (checked.year === null) return { date: null, issue: checked.issue! };
  if (!isValidDate(checked.year, month, day)) return { date: null, issue: `impossible date "${raw}"` };
  const date = iso(checked.year, month, day);
  const issue = [guessIssue, checked.issue].filter(Boolean).join('; ');
  return issue ? { date, issue } : { date };
}

// A list repeats the same few hundred dates over a thousand rows.
const dateCache = new Map<number, DateCellResult>();

function fromDate(value: Date): DateCellResult {
  const time = value.getTime();
  if (Number.isNaN(time)) return { date: null, issue: 'invalid date value' };
  const cached = dateCache.get(time);
  if (cached) return { ...cached };
  const result = readDate(time);
  if (dateCache.size < 10_000) dateCache.set(time, result);
  return { ...result };
}

function readDate(time: number): DateCellResult {
  // Date cells are stored as fractional day counts; a float error can land a hair
  // before midnight, which must not move the date back a day.
  const days = time / DAY_MS;
  const nearest = Math.round(days);
  const whole = Math.abs(days - nearest) * DAY_MS < 1000 ? nearest : Math.floor(days);
  const day = new Date(whole * DAY_MS);
  const raw = day.toISOString().slice(0, 10);
  return fromParts(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), raw);
}

function fromSerial(serial: number, date1904: boolean, raw: string): DateCellResult {
  // Below 1 is a time of day, above 2958465 is past 9999-12-31: neither is a date.
  if (!Number.isFinite(serial) || serial < 1 || serial > 2_958_465)
    return { date: null, issue: `"${raw}" is not a date` };
  const epoch = date1904 ? EXCEL_EPOCH_1904 : EXCEL_EPOCH_1900;
  return fromDate(new Date(epoch + Math.floor(serial + 1e-9) * DAY_MS));
}

function fromText(text: string, date1904: boolean): DateCellResult {
  const raw = text;
  const t = text.replace(/[\u00a0\s]+/g, ' ').trim();
  if (t === '') return { date: null };

  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(t);
  if (m) return fromParts(Number(m[1]), Number(m[2]), Number(m[3]), raw);

  m = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/.exec(t);
  if (m) return fromParts(Number(m[1]), Number(m[2]), Number(m[3]), raw);

  // US: M/D/YYYY, M-D-YY, M.D.YYYY.
  m = /^(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})$/.exec(t);
  if (m) {
    const year = m[4]!.length === 2 ? 2000 + Number(m[4]) : Number(m[4]);
    return fromParts(year, Number(m[1]), Number(m[3]), raw);
  }

  // Typos seen in ICE's lists: a separator missing ("05/082025", "7/72025"), doubled or odd
  // ("5//8/2025", "5/8\2025").
  for (const pattern of MISSING_SEPARATOR) {
    m = pattern.exec(t);
    if (m)
      return fromParts(
        Number(m[3]),
        Number(m[1]),
        Number(m[2]),
        raw,
        `date "${raw}" is missing a separator; read as month ${Number(m[1])}, day ${Number(m[2])}`,
      );
  }
  m = /^(\d{1,2})\s*[/.\\-]+\s*(\d{1,2})\s*[/.\\-]+\s*(\d{4}|\d{2})$/.exec(t);
  if (m) {
    const year = m[3]!.length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
    return fromParts(year, Number(m[1]), Number(m[2]), raw, `date "${raw}" has odd separators; read as month/day/year`);
  }
  // MMDDYYYY without separators.
  m = /^(\d{2})(\d{2})(\d{4})$/.exec(t);
  if (m && Number(m[3]) >= MIN_YEAR) {
    return fromParts(
      Number(m[3]),
      Number(m[1]),
      Number(m[2]),
      raw,
      `date "${raw}" has no separators; read as MMDDYYYY`,
    );
  }

  // Month names: "May 8, 2025", "Sept. 8 2025", "8 May 2025", "8-May-25".
  m = /^([a-z]+)\.?\s*(\d{1,2})(?:st|nd|rd|th)?,?\s*(\d{4})$/i.exec(t);
  if (m && monthNumber(m[1]!) !== null) return fromParts(Number(m[3]), monthNumber(m[1]!)!, Number(m[2]), raw);
  m = /^(\d{1,2})(?:st|nd|rd|th)?[\s-]*([a-z]+)\.?[\s,-]*(\d{4}|\d{2})$/i.exec(t);
  if (m && monthNumber(m[2]!) !== null) {
    const year = m[3]!.length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
    return fromParts(year, monthNumber(m[2]!)!, Number(m[1]), raw);
  }

  // A serial number typed as text.
  if (/^\d{5}(\.\d+)?$/.test(t)) {
    const result = fromSerial(Number(t), date1904, raw);
    if (result.date) return { date: result.date, issue: `"${raw}" read as an Excel day number` };
    return result;
  }
  return { date: null, issue: `unreadable date "${raw}"` };
}

/**
 * A SIGNED cell as 'YYYY-MM-DD'. Accepts Date (date cells, at UTC midnight), Excel
 * serial numbers, ISO and US text dates and formula/rich-text values; null with an
 * issue when the cell is not a date, null without one when it is empty.
 */
export function parseDateCell(value: unknown, options: { date1904?: boolean } = {}): DateCellResult {
  const date1904 = options.date1904 ?? false;
  if (value === null || value === undefined) return { date: null };
  if (value instanceof Date) return fromDate(value);
  if (typeof value === 'number') return fromSerial(value, date1904, String(value));
  if (typeof value === 'string') return fromText(value, date1904);
  if (typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if ('result' in object) return parseDateCell(object.result, options);
    if (Array.isArray(object.richText)) {
      return fromText(object.richText.map((run: { text?: unknown }) => String(run.text ?? '')).join(''), date1904);
    }
    if ('text' in object) return parseDateCell(object.text, options);
    if ('error' in object) return { date: null, issue: `date cell holds the error ${String(object.error)}` };
  }
  return { date: null, issue: `unreadable date ${JSON.stringify(value)}` };
}
