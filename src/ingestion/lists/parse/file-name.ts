// ICE names its files participatingAgencies01052025pm.xlsx / pendingAgencies11122025.xlsx
// (MMDDYYYY, then am/pm/mid or nothing, and sometimes a re-upload suffix: "pm2", "amB",
// "pm_b", "pm copy"). Since September 2026 also a two-digit year (287gParticipatingAgencies091526pm,
// ParticipatingAgency091826am), and once the time the file was saved after the part of day
// ("participatingAgencies04212026am 12.15.07 AM"). Copies taken from web archives carry a 14-digit
// capture timestamp instead (ParticipatingEntities-20210113002027.xlsx). Every name seen so far is
// in test/fixtures/ice-file-names.tsv, with the date it must be read as.
import type { ListKind } from './types.ts';

export interface FileNameDate {
  date: string;
  /** 'am' | 'pm' | 'mid' | 'HH:MM', or null when the name gives no time. */
  time: string | null;
  /** The date came from a YYYYMMDDHHMMSS timestamp (capture or download time), not ICE's MMDDYYYY. */
  timestamp: boolean;
}

const pad = (n: number): string => String(n).padStart(2, '0');

export function isValidDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

// ICE's lists start in the 2000s; a wider window would let random digit runs pass as dates.
const plausibleYear = (year: number): boolean => year >= 2000 && year <= 2099;

function isoDate(year: number, month: number, day: number): string | null {
  if (!plausibleYear(year) || !isValidDate(year, month, day)) return null;
  return `${year}-${pad(month)}-${pad(day)}`;
}

function baseName(fileName: string): string {
  let name = fileName.replace(/^.*[\\/]/, '');
  try {
    name = decodeURIComponent(name);
  } catch {
    // Not URL-encoded after all; keep it as is.
  }
  return name.replace(/\.(xlsx|xlsm|xls|csv)$/i, '');
}

function timeFrom(rest: string): string | null {
  const text = rest.toLowerCase().replace(/^[\s_.-]+/, '');
  const clock = /^(\d{1,2})[:.h]?(\d{2})(?!\d)\s*(am|pm)?/.exec(text);
  if (clock) {
    let hours = Number(clock[1]);
    const minutes = Number(clock[2]);
    if (clock[3] === 'pm' && hours < 12) hours += 12;
    if (clock[3] === 'am' && hours === 12) hours = 0;
    if (hours < 24 && minutes < 60) return `${pad(hours)}:${pad(minutes)}`;
  }
  const hourOnly = /^(\d{1,2})\s*(am|pm)/.exec(text);
  if (hourOnly) {
    let hours = Number(hourOnly[1]);
    if (hourOnly[2] === 'pm' && hours < 12) hours += 12;
    if (hourOnly[2] === 'am' && hours === 12) hours = 0;
    if (hours < 24) return `${pad(hours)}:00`;
  }
  if (/^(am|a\.m\.)/.test(text)) return 'am';
  if (/^(pm|p\.m\.)/.test(text)) return 'pm';
  if (/^(mid|noon)/.test(text)) return 'mid';
  return null;
}

/** The date of ICE's own digit run: MMDDYYYY, YYYYMMDD, MMDDYY, or MMDDYYYY with one stray digit after it. */
function dateFromDigitRun(digits: string): string | null {
  const n = (from: number, to: number) => Number(digits.slice(from, to));
  switch (digits.length) {
    case 6:
      return isoDate(2000 + n(4, 6), n(0, 2), n(2, 4));
    case 8:
      return isoDate(n(4, 8), n(0, 2), n(2, 4)) ?? isoDate(n(0, 4), n(4, 6), n(6, 8));
    case 9:
      // "041720263pm": a typo'd digit ran into the year; the first eight digits are the date.
      return isoDate(n(4, 8), n(0, 2), n(2, 4));
    default:
      return null;
  }
}

/**
 * The list date (and time of day, when given) a file name claims; null when it has none.
 * Accepts full paths and URL-encoded names.
 */
export function listDateFromFileName(fileName: string): FileNameDate | null {
  const name = baseName(fileName);

  // YYYYMMDDHHMMSS (or YYYYMMDDHHMM): capture/download timestamps.
  const stamp = /(?<!\d)(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?!\d)/.exec(name);
  if (stamp) {
    const date = isoDate(Number(stamp[1]), Number(stamp[2]), Number(stamp[3]));
    const hours = Number(stamp[4]);
    const minutes = Number(stamp[5]);
    if (date && hours < 24 && minutes < 60) return { date, time: `${pad(hours)}:${pad(minutes)}`, timestamp: true };
  }

  // ICE's own digit run comes before any separated date: in "participatingAgencies04212026am
  // 12.15.07 AM" the "12.15.07" is a clock time, not 2007-12-15. The suffix after the run may say
  // am/pm/mid or a clock time; anything after that ("2", "B", "_b", "_2", " copy") is a re-upload mark.
  for (const match of name.matchAll(/(?<!\d)(\d{6,9})(?!\d)/g)) {
    const date = dateFromDigitRun(match[1]!);
    if (date) return { date, time: timeFrom(name.slice(match.index + match[1]!.length)), timestamp: false };
  }

  // Separated dates: 2025-01-05, 01-05-2025, 01_05_25, 1.5.2025.
  const iso = /(?<!\d)(\d{4})[-_.](\d{1,2})[-_.](\d{1,2})(?!\d)(.*)$/.exec(name);
  if (iso) {
    const date = isoDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
    if (date) return { date, time: timeFrom(iso[4] ?? ''), timestamp: false };
  }
  const us = /(?<!\d)(\d{1,2})[-_.](\d{1,2})[-_.](\d{4}|\d{2})(?!\d)(.*)$/.exec(name);
  if (us) {
    const year = us[3]!.length === 2 ? 2000 + Number(us[3]) : Number(us[3]);
    const date = isoDate(year, Number(us[1]), Number(us[2]));
    if (date) return { date, time: timeFrom(us[4] ?? ''), timestamp: false };
  }
  return null;
}

/** 'pending' when the name says pending, 'participating' for participatingAgencies / ParticipatingEntities, else null. */
export function kindFromFileName(fileName: string): ListKind | null {
  const name = baseName(fileName).toLowerCase();
  if (name.includes('pending')) return 'pending';
  if (name.includes('participating') || name.includes('participants')) return 'participating';
  return null;
}
