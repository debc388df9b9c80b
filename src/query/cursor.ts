// Opaque keyset cursors: the sort they were made for, the last row's sort
// value and its id (the primary key breaks ties). Base64url JSON: opaque to
// clients, readable to us, and checked on the way back in.
import { QueryError } from './grammar.ts';

export interface CursorPosition {
  sort: string;
  value: string | number | null;
  id: string;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.sort, position.value, position.id])).toString('base64url');
}

export function decodeCursor(cursor: string, sort: string): CursorPosition {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new QueryError('cursor', 'not a cursor this API issued');
  }
  if (
    !Array.isArray(decoded) ||
    decoded.length !== 3 ||
    typeof decoded[0] !== 'string' ||
    typeof decoded[2] !== 'string' ||
    !(decoded[1] === null || typeof decoded[1] === 'string' || typeof decoded[1] === 'number')
  ) {
    throw new QueryError('cursor', 'not a cursor this API issued');
  }
  if (decoded[0] !== sort) throw new QueryError('cursor', `was issued for sort=${decoded[0]}, not sort=${sort}`);
  return { sort: decoded[0], value: decoded[1], id: decoded[2] };
}
