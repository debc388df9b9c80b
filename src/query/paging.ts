// Keyset paging: the one way every collection pages (REST pages and exports,
// GraphQL connections, /v1/changes, the bulk downloads).
//
// A cursor is opaque to clients and readable to us: base64url JSON
// [sort, last row's sort value, last row's id], or [sort, last row's id] when
// the two are the same text (sorted by id), checked on the way back in.
// A page is fetched with LIMIT limit + 1 (the extra row only says that a next
// page exists); walkPages follows the cursors to the end.
import { QueryError, type Page } from './grammar.ts';
import type { Params, SortColumn } from './sql.ts';

export type { SortColumn };

export interface CursorPosition {
  sort: string;
  value: string | number | null;
  id: string;
}

/** A page of a collection. */
export interface PageResult<T> {
  data: T[];
  next_cursor: string | null;
  /**
   * The cursor of row `index` of data (GraphQL edges), made when asked (REST pages never ask); the last one equals
   * next_cursor when there is a next page.
   */
  cursorAt(index: number): string;
  total_count?: number;
}

/** The sort as the client writes it: -signed_on. */
export function sortName(page: Page<string>): string {
  return `${page.sort.descending ? '-' : ''}${page.sort.field}`;
}

export function encodeCursor(position: CursorPosition): string {
  const parts =
    position.value === position.id ? [position.sort, position.id] : [position.sort, position.value, position.id];
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

export function decodeCursor(cursor: string, sort: string): CursorPosition {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new QueryError('cursor', 'not a cursor this API issued');
  }
  // [sort, value, id], or [sort, id] for a value that is the id (the cursors issued before 2026-12-07 were all three).
  const parts = Array.isArray(decoded) && decoded.length === 2 ? [decoded[0], decoded[1], decoded[1]] : decoded;
  if (
    !Array.isArray(parts) ||
    parts.length !== 3 ||
    typeof parts[0] !== 'string' ||
    typeof parts[2] !== 'string' ||
    !(parts[1] === null || typeof parts[1] === 'string' || typeof parts[1] === 'number')
  ) {
    throw new QueryError('cursor', 'not a cursor this API issued');
  }
  if (parts[0] !== sort) throw new QueryError('cursor', `was issued for sort=${parts[0]}, not sort=${sort}`);
  return { sort: parts[0], value: parts[1], id: parts[2] };
}

export interface Keyset {
  /** Extra WHERE clause for the page after the cursor, if any. */
  after: string | null;
  orderBy: string;
  /** SELECT-list entry that yields the row's sort value as `sort_value`. */
  sortValue: string;
  /** LIMIT: one row more than the page, to know whether a next page exists. */
  limit: number;
}

/** Keyset pagination on (sort column, id): the id (the primary key) always breaks ties. */
export function keyset(page: Page<string>, column: SortColumn, id: SortColumn, params: Params): Keyset {
  const direction = page.sort.descending ? 'DESC' : 'ASC';
  const comparison = page.sort.descending ? '<' : '>';
  const sortedById = column.expression === id.expression;
  let after: string | null = null;
  if (page.cursor) {
    const position = decodeCursor(page.cursor, sortName(page));
    after = sortedById
      ? `${id.expression} ${comparison} ${params.add(position.id)}::${id.type}`
      : `(${column.expression}, ${id.expression}) ${comparison} (${params.add(position.value)}::${column.type}, ${params.add(position.id)}::${id.type})`;
  }
  return {
    after,
    orderBy: sortedById
      ? `${id.expression} ${direction}`
      : `${column.expression} ${direction}, ${id.expression} ${direction}`,
    sortValue: `(${column.expression})::text AS sort_value`,
    limit: page.limit + 1,
  };
}

/** A row fetched with keyset(), and with totalColumn() when the page includes the total. */
type KeysetRow = { sort_value: string | null; id: string | number; total_count?: number };

function cursorOf(page: Page<string>, row: KeysetRow): string {
  return encodeCursor({ sort: sortName(page), value: row.sort_value, id: String(row.id) });
}

/** A page from rows fetched with keyset(): the rows without their sort value, each row's cursor, the next cursor. */
export function pageOf<T extends KeysetRow>(
  rows: T[],
  page: Page<string>,
): PageResult<Omit<T, 'sort_value' | 'total_count'>> {
  const data = rows.slice(0, page.limit);
  const last = data.at(-1);
  return {
    data: data.map(({ sort_value: _sortValue, total_count: _total, ...record }) => record),
    next_cursor: rows.length > page.limit && last ? cursorOf(page, last) : null,
    cursorAt: (index) => cursorOf(page, data[index]!),
  };
}

/**
 * pageOf() for rows read with a total (`totalColumn`, when include_total): the total from the first row, else
 * (an empty page carries none) from `count`.
 */
export async function pageWithTotal<T extends KeysetRow>(
  rows: T[],
  page: Page<string>,
  count: () => Promise<number>,
): Promise<PageResult<Omit<T, 'sort_value' | 'total_count'>>> {
  const result = pageOf(rows, page);
  if (page.include_total) result.total_count = rows[0]?.total_count ?? (await count());
  return result;
}

/** The same paging over rows already in memory, in id order (an agency's handful of agreements in GraphQL). */
export function pageInMemory<T extends { id: string }>(records: readonly T[], page: Page<'id'>): PageResult<T> {
  const sorted = [...records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const after = page.cursor ? decodeCursor(page.cursor, sortName(page)).id : undefined;
  const rest = after === undefined ? sorted : sorted.filter((record) => record.id > after);
  const data = rest.slice(0, page.limit);
  const cursorAt = (index: number) => cursorOf(page, { sort_value: data[index]!.id, id: data[index]!.id });
  return {
    data,
    next_cursor: rest.length > page.limit && data.length > 0 ? cursorAt(data.length - 1) : null,
    cursorAt,
    total_count: sorted.length,
  };
}

/** Every page, in order: the one page walker (exports, bulk downloads, /v1/changes.csv). */
export async function* walkPages<T>(
  fetch: (cursor: string | undefined) => Promise<PageResult<T>>,
): AsyncGenerator<T[]> {
  let cursor: string | undefined;
  for (;;) {
    const page = await fetch(cursor);
    if (page.data.length > 0) yield page.data;
    if (!page.next_cursor) return;
    cursor = page.next_cursor;
  }
}

/**
 * The same paging over a small collection answered from memory, in the order given (/v1/lists newest first,
 * /v1/counties by FIPS): a cursor names the last row's key. Without a page, every row.
 */
export function pageInOrder<T>(
  records: readonly T[],
  page: Page<string> | undefined,
  key: (record: T) => string,
): PageResult<T> {
  if (!page) return { data: [...records], next_cursor: null, cursorAt: () => '' };
  let start = 0;
  if (page.cursor) {
    const after = decodeCursor(page.cursor, sortName(page)).id;
    start = records.findIndex((record) => key(record) === after) + 1;
    if (start === 0) throw new QueryError('cursor', 'points at a row this collection no longer holds');
  }
  const data = records.slice(start, start + page.limit);
  const cursorAt = (index: number) =>
    encodeCursor({ sort: sortName(page), value: key(data[index]!), id: key(data[index]!) });
  return {
    data,
    next_cursor: start + page.limit < records.length && data.length > 0 ? cursorAt(data.length - 1) : null,
    cursorAt,
  };
}
