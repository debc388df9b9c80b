// The place of a list in history: (list date, time of day, kind, edition). A
// backfill applies files in this order (ingest-files.ts) and a re-derivation
// replays the stored lists in it (rederive.ts), so a list that arrives late
// takes the place an in-order load would have given it. A corrected list date
// (a reviewed correction, a --list-date) feeds in as `listDate`.
import type { ListKind } from '../lists/parse/index.ts';

export interface ListPlace {
  listDate: string;
  /** 'am' | 'pm' | 'mid' | 'HH:MM' from the file name, or null. */
  listTime: string | null;
  kind: ListKind;
  /** Server's Last-Modified or capture time (ISO), when known: orders two editions of one list. */
  publishedAt: string | null;
  /** Arrival order (the source list's id; a file's path in a backfill): the last tie-breaker. */
  arrival: number | string;
}

/** A day's lists by the file name's time: am < mid(day) < pm, or HH:MM; no time counts as midday. */
export function timeRank(time: string | null): string {
  if (!time) return '12:00';
  if (/^\d{1,2}:\d{2}/.test(time)) return time.padStart(5, '0');
  return { am: '09:00', mid: '12:00', pm: '15:00' }[time] ?? '12:00';
}

const kindRank = (kind: ListKind | null): number => (kind === 'participating' ? 0 : 1);

function compareArrival(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

/** Negative when `a` comes first in history. */
export function compareListPlace(a: ListPlace, b: ListPlace): number {
  return (
    a.listDate.localeCompare(b.listDate) ||
    timeRank(a.listTime).localeCompare(timeRank(b.listTime)) ||
    // The participating list first: a pending application that was signed is then promoted, not withdrawn.
    kindRank(a.kind) - kindRank(b.kind) ||
    // Editions: by publication time when both know it, an unknown one after a known one; else by arrival.
    (a.publishedAt ?? '\uffff').localeCompare(b.publishedAt ?? '\uffff') ||
    compareArrival(a.arrival, b.arrival)
  );
}

/** Files before they are read: what their names say (a name without a date goes last). */
export function compareFilePlace(
  a: { date: string | null; time: string | null; kind: string | null; path: string },
  b: { date: string | null; time: string | null; kind: string | null; path: string },
): number {
  return compareListPlace(
    {
      listDate: a.date ?? '9999',
      listTime: a.time,
      kind: a.kind === 'participating' ? 'participating' : 'pending',
      publishedAt: null,
      arrival: a.path,
    },
    {
      listDate: b.date ?? '9999',
      listTime: b.time,
      kind: b.kind === 'participating' ? 'participating' : 'pending',
      publishedAt: null,
      arrival: b.path,
    },
  );
}
