// What every v1 route shares: reading the raw query string (the shared grammar
// validates it, not Fastify), the response envelope, next links, and paging a
// whole collection for exports.
import { parse } from 'node:querystring';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type pg from 'pg';
import type { z } from 'zod';
import { csvDocument, type CsvColumn } from '../../http/csv.ts';
import type { DatasetVersion } from '../../plugins/app/dataset-version.ts';
import { negotiate, type Body, type Format } from '../../plugins/app/rest-cache.ts';
import { canonicalKey, QueryError, rejectNul, type Filters, type Page, type RawQuery } from '../../query/grammar.ts';
import type { PageResult } from '../../repositories/agreements.ts';
import { csvResponse, jsonOrCsvResponse } from '../../schemas/common.ts';

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

/**
 * The next page's relative URL, built from the normalized query (so two spellings of one query get the same
 * bytes): filters as comma lists, then non-default page parameters, then the cursor.
 */
export function nextLink(path: string, filters: Filters, page: Page<string> | { limit: number }, cursor: string | null, defaults: { limit: number; sort?: string }): string | null {
  if (!cursor) return null;
  const parts: string[] = [];
  for (const [name, value] of Object.entries(filters).sort(([a], [b]) => a.localeCompare(b))) {
    parts.push(`${name}=${encodeURIComponent(Array.isArray(value) ? value.join(',') : String(value))}`);
  }
  if (page.limit !== defaults.limit) parts.push(`limit=${page.limit}`);
  if ('sort' in page) {
    const sort = `${page.sort.descending ? '-' : ''}${page.sort.field}`;
    if (sort !== defaults.sort) parts.push(`sort=${encodeURIComponent(sort)}`);
    if (page.include_total) parts.push('include_total=true');
  }
  parts.push(`cursor=${encodeURIComponent(cursor)}`);
  return `${path}?${parts.join('&')}`;
}

export interface Meta {
  dataset_version: number;
  as_of: string | null;
  total_count?: number;
  coverage?: Coverage;
}

export interface Coverage {
  note: string;
  sources: DatasetVersion['historicalSources'];
}

/** For an as_of before ICE's first list: which historical sources the answer rests on, and what it means. */
export function coverage(version: DatasetVersion, asOf: string | undefined): Coverage | undefined {
  if (!asOf || !version.firstListDate || asOf >= version.firstListDate) return undefined;
  const sources = version.historicalSources.filter((source) => source.first_on !== null && source.first_on <= asOf);
  const note =
    sources.length === 0
      ? `${asOf} is before ${version.firstListDate}, the first of ICE's lists here, and no historical source loaded reaches back that far: no agreement is known.`
      : `${asOf} is before ${version.firstListDate}, the first of ICE's lists here: the answer comes from historical sources, ` +
        `each agreement as the latest of them on or before ${asOf} showed it. They are snapshots years apart and ` +
        `not a continuous record: an agreement may have ended after it was last seen (see ended_after/ended_before), ` +
        `and agreements no source recorded are missing. README "Before 2021".`;
  return { note, sources };
}

export function meta(app: FastifyInstance, asOf: string | undefined, totalCount?: number): Meta {
  const version = app.dataset.current();
  const covered = coverage(version, asOf);
  return {
    dataset_version: version.version,
    as_of: asOf ?? version.latestListDate,
    ...(totalCount !== undefined ? { total_count: totalCount } : {}),
    ...(covered ? { coverage: covered } : {}),
  };
}

/** The list envelope and its Link header. */
export function listBody(app: FastifyInstance, data: unknown[], next: string | null, asOf: string | undefined, totalCount?: number): Body {
  return {
    body: JSON.stringify({ data, links: { next }, meta: meta(app, asOf, totalCount) }),
    headers: next ? { link: `<${next}>; rel="next"` } : {},
  };
}

export function itemBody(app: FastifyInstance, data: unknown, asOf: string | undefined): Body {
  return { body: JSON.stringify({ data, meta: meta(app, asOf) }) };
}

/** Every page of a keyset-paginated query, in order. */
export async function* allPages<T>(fetch: (cursor: string | undefined) => Promise<PageResult<T>>): AsyncGenerator<T[]> {
  let cursor: string | undefined;
  for (;;) {
    const page = await fetch(cursor);
    if (page.data.length > 0) yield page.data;
    if (!page.next_cursor) return;
    cursor = page.next_cursor;
  }
}

/**
 * The same items, with the first one fetched before returning: a streamed response whose first query fails
 * becomes a problem+json answer instead of a truncated 200.
 */
export async function primed<T>(source: AsyncIterable<T>): Promise<AsyncIterable<T>> {
  const iterator = source[Symbol.asyncIterator]();
  const first = await iterator.next();
  return {
    async *[Symbol.asyncIterator]() {
      try {
        if (first.done) return;
        yield first.value;
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
      } finally {
        await iterator.return?.();
      }
    },
  };
}

export async function collect<T>(batches: AsyncIterable<T[]>): Promise<T[]> {
  const all: T[] = [];
  for await (const batch of batches) all.push(...batch);
  return all;
}

/**
 * Runs a multi-query export on one connection in one REPEATABLE READ snapshot, so an ICE list applied while a
 * long export streams cannot mix two versions of the data into one file. The connection is released when the
 * generator finishes or the client goes away (Readable.from calls return()).
 */
export async function* inSnapshot<T>(pool: pg.Pool, body: (db: pg.Pool) => AsyncIterable<T>): AsyncGenerator<T> {
  const client = await pool.connect();
  let failed = false;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    // The repositories take a Pool; a checked-out client has the same query() they use.
    yield* body(client as unknown as pg.Pool);
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    await client.query('ROLLBACK').catch(() => {
      failed = true;
    });
    client.release(failed);
  }
}

export const EXPORT_BATCH = 1000;

/** A collection small enough to answer whole (states, counties, models, reports, lists): JSON or CSV, both cached. */
export interface SmallCollection<T, P> {
  path: string;
  tags: string[];
  summary: string;
  description: string;
  querystring: z.ZodObject;
  schema: z.ZodType;
  columns: CsvColumn<T>[];
  /** Validates the raw query (throwing QueryError) into the normalized parameters, also the cache key. */
  parse(raw: RawQuery): P;
  load(parameters: P): Promise<{ data: T[]; asOf: string | undefined }>;
}

export function smallCollection<T, P>(app: FastifyInstance, collection: SmallCollection<T, P>): void {
  const name = collection.path.replace(/^\//, '').replace(/\//g, '-');
  async function handle(request: FastifyRequest, reply: FastifyReply, format: Format): Promise<FastifyReply> {
    const parameters = collection.parse(rawQuery(request));
    return app.restCache.respond(request, reply, format, canonicalKey({ route: collection.path, format, parameters }), async () => {
      const { data, asOf } = await collection.load(parameters);
      if (format === 'csv') return { body: csvDocument(collection.columns, data), headers: { 'content-disposition': `attachment; filename="${name}.csv"` } };
      return listBody(app, data, null, asOf);
    });
  }
  app.get(
    collection.path,
    {
      schema: {
        tags: collection.tags,
        summary: collection.summary,
        description: `${collection.description} JSON by default; CSV with Accept: text/csv.`,
        querystring: collection.querystring,
        response: jsonOrCsvResponse(collection.schema, collection.summary),
      },
    },
    (request, reply) => handle(request, reply, negotiate(request.headers.accept, ['json', 'csv'])),
  );
  app.get(
    `${collection.path}.csv`,
    {
      schema: {
        tags: collection.tags,
        summary: `${collection.summary} as CSV`,
        description: collection.description,
        querystring: collection.querystring,
        response: csvResponse(`${collection.summary}, one per row, with a header row.`),
      },
    },
    (request, reply) => handle(request, reply, 'csv'),
  );
}
