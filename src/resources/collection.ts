// The one pipeline every REST resource goes through:
//   request → grammar (parse) → repository (fetch) → renderer → response cache.
// A resource is a definition (a Collection, and an Item for its detail route);
// serveCollection and serveItem register its routes. A collection answers
// JSON and, by Accept, CSV at its path, and each of its formats at
// `<path>.<extension>`. A paged collection answers one keyset page as JSON;
// asked for a file (CSV, GeoJSON, NDJSON) without limit or cursor it answers
// every row, walked page by page in one database snapshot, streamed when the
// renderer can. Everything but streams is kept in the response cache.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Db } from '../database/connect.ts';
import { inSnapshot } from '../database/snapshot.ts';
import { itemEnvelope, linkHeader, nextLink, pageLink } from '../http/envelope.ts';
import { negotiate, NEGOTIABLE } from '../http/negotiate.ts';
import { notFound } from '../http/problem.ts';
import { redirectOf, type RedirectKind } from '../repositories/redirects.ts';
import { rawQuery, requestPath, wantsPage } from '../http/request.ts';
import {
  ALL_FILTERS,
  canonicalKey,
  PAGE_PARAMS,
  parseFilters,
  parsePage,
  rejectNul,
  rejectUnknown,
  type Filters,
  type Page,
  type RawQuery,
} from '../query/grammar.ts';
import { walkPages, type PageResult } from '../query/paging.ts';
import { csvRenderer, type CsvColumn } from '../renderers/csv.ts';
import { geojsonRenderer } from '../renderers/geojson.ts';
import { jsonRenderer } from '../renderers/json.ts';
import type { CollectionDocs, FormatDocs, RenderedCollection, Renderer } from '../renderers/renderer.ts';

export type { CollectionDocs };
import { ERROR_RESPONSES, jsonResponse, QUERY_PARAMETERS, querySchema } from '../schemas/common.ts';

/** Rows per query when a whole collection is walked (exports, bulk). */
const EXPORT_BATCH = 1000;

/** A query after the grammar: the normalized filters (also the cache key) and, for paged collections, the page. */
export interface Parsed<F> {
  filters: F;
  page?: Page<string>;
  /** The sort a next link may leave out. */
  defaultSort?: string;
}

/** A REST collection: what its renderers read (RenderedCollection), and how its query is parsed and fetched. */
export interface Collection<T, F extends object = object> extends RenderedCollection<T> {
  /** The parameters, for OpenAPI (the grammar validates them, so REST and GraphQL fail alike). */
  querystring?: z.ZodObject;
  /** The grammar: the raw query string to normalized filters (and page). Throws QueryError. */
  parse(raw: RawQuery): Parsed<F>;
  /** The repository call: one page; a collection that is not paged answers every row, next_cursor null. */
  fetch(db: Db, filters: F, page: Page<string> | undefined): Promise<PageResult<T>>;
  /** The file name of downloads, without extension (default: the path, / as -). */
  fileName?(app: FastifyInstance): string;
}

/** A collection paged by keyset over the shared filters (agreements, agencies): JSON, CSV and GeoJSON. */
export function keysetCollection<T, S extends string>(definition: {
  path: string;
  docs: CollectionDocs;
  schema: z.ZodType;
  /** The sort fields, and an example said in the sort parameter's description. */
  sorts: readonly S[];
  sortExample?: string;
  /** The sort when none is given (default id), from the raw query, and how the docs say it. */
  defaultSort?: { of(raw: RawQuery): string; doc: string };
  fetch(db: Db, filters: Filters, page: Page<S>): Promise<PageResult<T>>;
  columns: readonly CsvColumn<T>[];
  geojson: NonNullable<Collection<T>['geojson']>;
}): Collection<T, Filters> {
  const { sorts, sortExample, defaultSort, fetch, columns, ...rest } = definition;
  const example = sortExample ? ` (${sortExample})` : '';
  const sortOf = defaultSort?.of ?? (() => 'id');
  return {
    ...rest,
    querystring: querySchema(
      [...ALL_FILTERS, ...PAGE_PARAMS],
      {},
      `Sort field (${sorts.join(', ')}), prefixed with - for descending${example}; default ${defaultSort?.doc ?? 'id'}. Ties are broken by id.`,
    ),
    renderers: [jsonRenderer, csvRenderer, geojsonRenderer],
    paged: true,
    parse(raw) {
      rejectUnknown(raw, [...ALL_FILTERS, ...PAGE_PARAMS]);
      const sort = sortOf(raw);
      return { filters: parseFilters(raw), page: parsePage(raw, sorts, sort), defaultSort: sort };
    },
    fetch: (db, filters, page) => fetch(db, filters, page as Page<S>),
    csv: { columns },
  };
}

/** A page result for a collection answered whole. */
export function whole<T>(data: T[]): PageResult<T> {
  return { data, next_cursor: null, cursorAt: () => '' };
}

/**
 * The same items, with the first one fetched before returning: a streamed response whose first query fails
 * becomes a problem+json answer instead of a truncated 200.
 */
async function primed<T>(source: AsyncIterable<T>): Promise<AsyncIterable<T>> {
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

async function collect<T>(batches: AsyncIterable<T[]>): Promise<T[]> {
  const all: T[] = [];
  for await (const batch of batches) all.push(...batch);
  return all;
}

function routeSchema(collection: Collection<unknown>, docs: FormatDocs) {
  return {
    tags: collection.docs.tags,
    summary: docs.summary,
    description: docs.description,
    ...(collection.querystring ? { querystring: collection.querystring } : {}),
    response: { 200: { description: docs.response, content: docs.content }, ...ERROR_RESPONSES },
  };
}

export function serveCollection<T, F extends object>(app: FastifyInstance, collection: Collection<T, F>): void {
  const pool = app.db.pool;
  const fileName = (app: FastifyInstance) =>
    collection.fileName?.(app) ?? collection.path.replace(/^\//, '').replace(/\//g, '-');
  // Accept chooses between JSON and CSV on the path without an extension.
  const negotiable = collection.renderers.filter((renderer) =>
    NEGOTIABLE.some((offered) => offered.name === renderer.name),
  );

  async function handle(request: FastifyRequest, reply: FastifyReply, renderer: Renderer): Promise<FastifyReply> {
    const raw = rawQuery(request);
    const { filters, page, defaultSort } = collection.parse(raw);
    const asOf = (filters as { as_of?: string }).as_of;
    const context = { app, db: pool };
    const everyRow = collection.paged && !renderer.onePage && !wantsPage(raw);
    const download = { 'content-disposition': `attachment; filename="${fileName(app)}.${renderer.name}"` };
    const walk = () =>
      inSnapshot(pool, (db) =>
        walkPages((cursor) =>
          collection.fetch(db, filters, {
            ...page!,
            limit: EXPORT_BATCH,
            include_total: false,
            ...(cursor ? { cursor } : {}),
          }),
        ),
      );

    if (everyRow && renderer.stream) {
      return app.responseCache.stream(
        request,
        reply,
        renderer,
        async () => renderer.stream!(collection, await primed(walk()), context),
        download,
      );
    }
    const key = canonicalKey({
      path: collection.path,
      format: renderer.name,
      filters,
      page: everyRow ? { sort: page?.sort } : page,
    });
    return app.responseCache.respond(request, reply, renderer, key, async () => {
      if (everyRow)
        return {
          body: await renderer.body(collection, { data: await collect(walk()), asOf }, context),
          headers: download,
        };
      const result = await collection.fetch(pool, filters, page);
      if (!collection.paged) {
        // Answered whole, or the page asked for with limit or cursor (a small collection paged in memory).
        const next = page
          ? nextLink(requestPath(request), filters, page, result.next_cursor, defaultSort ?? 'id')
          : null;
        const headers = { ...(renderer === jsonRenderer ? {} : download), ...linkHeader(next) };
        return { body: await renderer.body(collection, { data: result.data, next, asOf }, context), headers };
      }
      const path = requestPath(request);
      const next = nextLink(path, filters, page!, result.next_cursor, defaultSort ?? 'id');
      const self = pageLink(path, filters, page!, page!.cursor ?? null, defaultSort ?? 'id');
      return {
        body: await renderer.body(
          collection,
          { data: result.data, next, self, asOf, totalCount: result.total_count },
          context,
        ),
        headers: linkHeader(next),
      };
    });
  }

  if (collection.renderers.includes(jsonRenderer)) {
    app.get(
      collection.path,
      { schema: routeSchema(collection as Collection<unknown>, jsonRenderer.docs(collection)) },
      (request, reply) => handle(request, reply, negotiate(request.headers.accept, negotiable)),
    );
  }
  for (const renderer of collection.renderers) {
    if (renderer.extension === null) continue;
    app.get(
      `${collection.path}${renderer.extension}`,
      { schema: routeSchema(collection as Collection<unknown>, renderer.docs(collection)) },
      (request, reply) => handle(request, reply, renderer),
    );
  }
}

/** A detail route: one record by its id, in JSON, optionally on an as_of date. */
export interface Item<R> {
  /** /agreements/:id */
  path: string;
  tags: string[];
  summary: string;
  /** The 200 response's description. */
  response: string;
  /** The JSON answer's schema, for OpenAPI. */
  schema: z.ZodType;
  /** The path parameter, for OpenAPI. */
  param: { name: string; schema: z.ZodType };
  /** Whether as_of is accepted. */
  asOf: boolean;
  /** The id the cache knows the record by, from the path parameter; throws a problem (400, 404) when it cannot be one. */
  id?(value: string): string;
  load(db: Db, id: string, asOf: string | undefined): Promise<R | null>;
  /** The 404's detail. */
  missing(id: string, asOf: string | undefined): string;
  /** Ids of this kind that a re-derivation merged into another answer 301 to it (id_redirects). */
  redirects?: RedirectKind;
}

/** Thrown out of the cache's build: the record's id was merged into `to`. */
class MovedTo {
  readonly to: string;
  constructor(to: string) {
    this.to = to;
  }
}

/** The request's URL with its last path segment (the id) replaced, query kept. */
function movedLocation(url: string, to: string): string {
  const [path, query] = url.split(/\?(.*)/s, 2) as [string, string | undefined];
  return `${path.replace(/[^/]*$/, encodeURIComponent(to))}${query ? `?${query}` : ''}`;
}

export function serveItem<R>(app: FastifyInstance, item: Item<R>): void {
  const pool = app.db.pool;
  const known = item.asOf ? ['as_of'] : [];
  const querystring = item.asOf ? { querystring: z.object({ as_of: QUERY_PARAMETERS.as_of }) } : {};
  app.get(
    item.path,
    {
      schema: {
        tags: item.tags,
        summary: item.summary,
        params: z.object({ [item.param.name]: item.param.schema }),
        ...querystring,
        response: {
          ...jsonResponse(item.schema, item.response, true),
          ...(item.redirects
            ? {
                301: z
                  .null()
                  .describe(
                    'A redirect; the id was merged into another by a re-derivation of the history: Location is the surviving id (query kept).',
                  ),
              }
            : {}),
        },
      },
    },
    async (request, reply) => {
      const raw = rawQuery(request);
      rejectUnknown(raw, known);
      const { as_of: asOf } = parseFilters(raw, ['as_of']);
      const value = (request.params as Record<string, string>)[item.param.name]!;
      // An id with a NUL is no id: PostgreSQL text cannot hold one (400, like any other parameter).
      rejectNul({ [item.param.name]: value });
      const id = item.id ? item.id(value) : value;
      try {
        return await app.responseCache.respond(
          request,
          reply,
          jsonRenderer,
          canonicalKey({ path: item.path, id, asOf }),
          async () => {
            const record = await item.load(pool, id, asOf);
            if (record) return { body: itemEnvelope(app.dataset.current(), record, asOf) };
            const to = item.redirects ? await redirectOf(pool, item.redirects, id) : null;
            if (to) throw new MovedTo(to);
            throw notFound(item.missing(id, asOf));
          },
        );
      } catch (error) {
        if (!(error instanceof MovedTo)) throw error;
        return reply.redirect(movedLocation(request.url, error.to), 301);
      }
    },
  );
}
