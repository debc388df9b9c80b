// HTTP caching for the REST API. Every response is a pure function of (dataset
// version, normalized request), so:
// - validators come from the dataset version: ETag "<version>-<format>-<revision>" and
//   Last-Modified (when the data last changed); a conditional request gets 304;
// - Cache-Control lets browsers and CDNs keep a response for a minute and serve
//   it stale while they revalidate (a list is applied at most a few times a day);
// - responses live in memory (ResponseCache): a repeat is answered from the
//   route's onRequest hook by the raw request key (method, path, sorted query
//   string, negotiated format) before validation, routing work or SQL; a miss
//   is computed once however many requests ask, keyed by the normalized query.
// The rate limiter runs before the fast path (see routes/v1/index.ts).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ResponseCache, type CachedResponse } from '../../http/response-cache.ts';

export type Format = 'json' | 'csv' | 'geojson' | 'ndjson' | 'atom' | 'jsonfeed';

export const MEDIA_TYPES: Record<Format, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  geojson: 'application/geo+json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  jsonfeed: 'application/feed+json; charset=utf-8',
};

/** Browsers and CDNs may keep a response a minute, then revalidate (cheap: a 304 from memory). */
export const CACHE_CONTROL = 'public, max-age=60, stale-while-revalidate=300';

export interface Body {
  body: string | Buffer;
  headers?: Record<string, string>;
}

export interface RestCache {
  readonly responses: ResponseCache;
  /**
   * Replies with the response for `key` (a normalized query, e.g. from canonicalKey), computing it once on a miss,
   * and remembers it under the request's raw key for the fast path. Answers 304 to a matching conditional request.
   */
  respond(request: FastifyRequest, reply: FastifyReply, format: Format, key: string, build: () => Promise<Body>): Promise<FastifyReply>;
  /**
   * A streamed response (not kept in memory): 304 to a matching conditional request without opening the stream;
   * otherwise opens it (open() should fetch its first rows, so a failing query still becomes a problem+json answer)
   * and sends it with the validators and `headers`.
   */
  stream(request: FastifyRequest, reply: FastifyReply, format: Format, open: () => Promise<Readable>, headers?: Record<string, string>): Promise<FastifyReply>;
  /** The onRequest fast path: answers a repeat from memory. Added to each REST route after the rate limiter. */
  fastPath(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined>;
}

declare module 'fastify' {
  interface FastifyInstance {
    restCache: RestCache;
  }
}

/**
 * The format a client asked for with Accept, among those a route offers; JSON when it did not say, and also when it
 * asked only for something we do not make (generous: a browser sending text/html still gets the data).
 */
export function negotiate(accept: string | undefined, offered: readonly Format[]): Format {
  if (!accept || offered.length === 1) return 'json';
  let best: Format = 'json';
  let bestQ = 0;
  for (const part of accept.split(',')) {
    const [type = '', ...parameters] = part.trim().toLowerCase().split(';');
    const qParameter = parameters.map((item) => item.trim()).find((item) => item.startsWith('q='));
    const q = qParameter ? Number(qParameter.slice(2)) : 1;
    if (!(q > 0)) continue;
    const format: Format | undefined =
      type === 'text/csv' ? 'csv' : type === 'application/geo+json' ? 'geojson' : type === 'application/json' ? 'json' : undefined;
    if (format && offered.includes(format) && q > bestQ) {
      best = format;
      bestQ = q;
    }
  }
  return best;
}

/**
 * The format Accept selects, negotiated exactly as the routes do (JSON or CSV; GeoJSON only by extension): two
 * requests with one raw key must get one response.
 */
function acceptFormat(request: FastifyRequest): string {
  const accept = request.headers.accept;
  // Most requests say nothing about CSV: skip the parse.
  if (!accept || !accept.includes('csv')) return 'json';
  return negotiate(accept, ['json', 'csv']);
}

function rawKey(request: FastifyRequest): string {
  const url = request.url;
  const mark = url.indexOf('?');
  const path = mark === -1 ? url : url.slice(0, mark);
  // Parameter order does not change the answer (the grammar treats repeats as a set).
  const query = mark === -1 ? '' : url.slice(mark + 1).split('&').sort().join('&');
  const format = path.lastIndexOf('.') > path.lastIndexOf('/') ? '' : acceptFormat(request);
  return `${path}?${query}#${format}`;
}

function etagMatches(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  // Weak comparison (RFC 9110 §13.1.2): W/"x" matches "x", as a CDN that compressed the body would send it.
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}

/** RFC 9110 §13.2.2: If-None-Match wins; If-Modified-Since only without it. */
function isNotModified(request: FastifyRequest, etag: string, lastModified: Date): boolean {
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch !== undefined) return etagMatches(ifNoneMatch, etag);
  const ifModifiedSince = request.headers['if-modified-since'];
  if (ifModifiedSince === undefined) return false;
  const since = Date.parse(ifModifiedSince);
  // HTTP dates have whole seconds.
  return !Number.isNaN(since) && Math.floor(lastModified.getTime() / 1000) * 1000 <= since;
}

/**
 * A short fingerprint of the response shapes (the committed OpenAPI document): part of the ETag, so a release that
 * changes what responses look like is not answered 304 to a client holding the old shape of the same data.
 */
function representationRevision(): string {
  try {
    const document = readFileSync(new URL('../../../schema/openapi.json', import.meta.url));
    return createHash('sha256').update(document).digest('hex').slice(0, 8);
  } catch {
    return 'dev';
  }
}

const VALIDATOR_HEADERS = ['etag', 'last-modified', 'cache-control', 'vary', 'x-dataset-version'] as const;

export const restCachePlugin = fp(
  async (app) => {
    const responses = new ResponseCache(app.config.CACHE_MAX_ENTRIES);
    const rawKeys = new WeakMap<FastifyRequest, string>();
    const revision = representationRevision();

    function validators(format: Format): Record<string, string> {
      const version = app.dataset.current();
      return {
        etag: `"${version.version}-${format}-${revision}"`,
        'last-modified': version.updatedAt.toUTCString(),
        'cache-control': CACHE_CONTROL,
        vary: 'Accept',
        'x-dataset-version': String(version.version),
      };
    }

    function notModified(request: FastifyRequest, reply: FastifyReply, headers: Record<string, string>): boolean {
      if (!isNotModified(request, headers.etag!, new Date(headers['last-modified']!))) return false;
      for (const name of VALIDATOR_HEADERS) if (headers[name]) reply.header(name, headers[name]);
      reply.code(304).send();
      return true;
    }

    function sendCached(request: FastifyRequest, reply: FastifyReply, response: CachedResponse): FastifyReply {
      const headers = response.headers ?? {};
      if (response.status === 200 && notModified(request, reply, headers)) return reply;
      return reply.code(response.status).headers(headers).type(response.contentType).send(response.body);
    }

    const restCache: RestCache = {
      responses,
      async respond(request, reply, format, key, build) {
        const version = app.dataset.current().version;
        const response = await responses.getOrCompute(version, key, async () => {
          const headers = validators(format);
          const built = await build();
          return {
            status: 200,
            contentType: MEDIA_TYPES[format],
            body: typeof built.body === 'string' ? Buffer.from(built.body) : built.body,
            headers: { ...headers, ...built.headers },
          };
        });
        const raw = rawKeys.get(request);
        // Seeds the fast path: the same bytes under the request's raw key.
        if (raw !== undefined && responses.get(version, raw) === undefined) void responses.getOrCompute(version, raw, async () => response);
        return sendCached(request, reply, response);
      },
      async stream(request, reply, format, open, headers = {}) {
        const validatorHeaders = validators(format);
        if (notModified(request, reply, validatorHeaders)) return reply;
        const body = await open();
        return reply.headers({ ...validatorHeaders, ...headers }).type(MEDIA_TYPES[format]).send(body);
      },
      async fastPath(request, reply) {
        const key = rawKey(request);
        rawKeys.set(request, key);
        const hit = responses.get(app.dataset.current().version, key);
        if (hit === undefined) return undefined;
        return sendCached(request, reply, hit);
      },
    };
    app.decorate('restCache', restCache);
  },
  { name: 'rest-cache', dependencies: ['dataset-version'] },
);
