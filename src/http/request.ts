// Reading a REST request: the raw query string (the shared grammar validates
// it, not Fastify) and the path that next links are built on.
import { parse } from 'node:querystring';
import type { FastifyRequest } from 'fastify';
import { rejectNul, type RawQuery } from '../query/grammar.ts';

/** The query string as the client sent it: repeated keys become arrays. Fastify's parsed copy is stripped by Zod. */
export function rawQuery(request: FastifyRequest): RawQuery {
  const mark = request.url.indexOf('?');
  if (mark === -1) return {};
  // node:querystring returns a null-prototype object: a "__proto__" key is just a key.
  const raw = parse(request.url.slice(mark + 1)) as RawQuery;
  // Every parameter, also those no filter reads (lists, changes): one rule in the grammar.
  rejectNul(raw);
  return raw;
}

export function requestPath(request: FastifyRequest): string {
  const mark = request.url.indexOf('?');
  return mark === -1 ? request.url : request.url.slice(0, mark);
}

/** True when the client asked for one page of an export (limit or cursor); otherwise an export has every row. */
export function wantsPage(raw: RawQuery): boolean {
  return raw.limit !== undefined || raw.cursor !== undefined;
}
