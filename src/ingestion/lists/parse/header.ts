// ICE's column headers, by name: the set and order changed over time (COUNTY added in
// March 2025, ADDENDUM in July 2025) and cells carry stray spaces.
import type { ColumnName } from './types.ts';

const ALIASES: Readonly<Record<string, ColumnName>> = {
  STATE: 'state',
  'STATE/TERRITORY': 'state',
  'LAW ENFORCEMENT AGENCY': 'agency',
  'LAW ENFORCEMENT AGENCIES': 'agency',
  AGENCY: 'agency',
  'AGENCY NAME': 'agency',
  TYPE: 'type',
  'AGENCY TYPE': 'type',
  COUNTY: 'county',
  'COUNTY/PARISH': 'county',
  'SUPPORT TYPE': 'model',
  'SUPPORT TYPES': 'model',
  'SUPPORT MODEL': 'model',
  MODEL: 'model',
  '287(G) MODEL': 'model',
  SIGNED: 'signed',
  'DATE SIGNED': 'signed',
  'SIGNED DATE': 'signed',
  'SIGNED ON': 'signed',
  MOA: 'moa',
  'MOA LINK': 'moa',
  'MEMORANDUM OF AGREEMENT': 'moa',
  ADDENDUM: 'addendum',
  ADDENDA: 'addendum',
  'ADDENDUM LINK': 'addendum',
};

export const headerKey = (text: string): string =>
  text
    .replace(/[\s\u00a0\u200b\ufeff]+/g, ' ')
    .replace(/[:*]+\s*$/, '')
    .trim()
    .toUpperCase();

export function columnFor(headerText: string): ColumnName | null {
  return ALIASES[headerKey(headerText)] ?? null;
}

export interface HeaderMatch {
  /** Canonical column -> 1-based sheet column (the first one, if a name repeats). */
  positions: Map<ColumnName, number>;
  /** Every non-empty header cell: 1-based column -> header text, trimmed. */
  labels: Map<number, string>;
  /** Header cells we do not know. */
  unknown: string[];
  /** Known headers that appear more than once. */
  repeated: string[];
}

/** A row is the header when it names at least the STATE and LAW ENFORCEMENT AGENCY columns. */
export function matchHeader(cells: readonly (string | null)[]): HeaderMatch | null {
  const positions = new Map<ColumnName, number>();
  const labels = new Map<number, string>();
  const unknown: string[] = [];
  const repeated: string[] = [];
  cells.forEach((text, index) => {
    if (text === null || text.trim() === '') return;
    const column = index + 1;
    labels.set(column, text.trim());
    const name = columnFor(text);
    if (!name) unknown.push(text.trim());
    else if (positions.has(name)) repeated.push(text.trim());
    else positions.set(name, column);
  });
  if (!positions.has('state') || !positions.has('agency')) return null;
  return { positions, labels, unknown, repeated };
}
