// The response cache of the service, for REST and GraphQL alike. Every
// response is a pure function of (dataset version, normalized request), so:
// - validators come from the dataset version: ETag "<version>-<format>-<revision>" and
//   Last-Modified (when the data last changed); a conditional request gets 304;
// - Cache-Control lets browsers and CDNs keep a response for a minute and serve
//   it stale while they revalidate (a list is applied at most a few times a day);
// - responses live in memory (ResponseCache): a repeat is answered from the
//   route's onRequest hook by the raw request key (method, path, sorted query
//   string, negotiated format) before validation, routing work or SQL; a miss
//   is computed once however many requests ask, keyed by the normalized query.
//   A POST (GraphQL) is answered the same way from its preParsing hook, by a
//   hash of its body, before the body is parsed.
// The rate limiter runs before the fast path (see routes/v1/index.ts). GraphQL
// keeps its answers in the same memory (src/graphql/cache.ts). Which
// representation a request gets is decided by the HTTP layer (src/http/negotiate.ts).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest, RequestPayload } from 'fastify';
import fp from 'fastify-plugin';
import { acceptedName, type Representation } from '../../http/negotiate.ts';
import { ResponseCache, type CachedResponse } from '../../http/response-cache.ts';

/** Browsers and CDNs may keep a response a minute, then revalidate (cheap: a 304 from memory). */
export const CACHE_CONTROL = 'public, max-age=60, stale-while-revalidate=300';

export interface Body {
  body: string | Buffer;
  headers?: Record<string, string>;
}

export interface ResponseCachePlugin {
  /** The memory itself, shared with GraphQL. */
  readonly store: ResponseCache;
  /**
   * Replies with the response for `key` (a normalized query, e.g. from canonicalKey), computing it once on a miss,
   * and remembers it under the request's raw key for the fast path. Answers 304 to a matching conditional request.
   */
  respond(request: FastifyRequest, reply: FastifyReply, representation: Representation, key: string, build: () => Promise<Body>): Promise<FastifyReply>;
  /**
   * A streamed response (not kept in memory): 304 to a matching conditional request without opening the stream;
   * otherwise opens it (open() should fetch its first rows, so a failing query still becomes a problem+json answer)
   * and sends it with the validators and `headers`.
   */
  stream(request: FastifyRequest, reply: FastifyReply, representation: Representation, open: () => Promise<Readable>, headers?: Record<string, string>): Promise<FastifyReply>;
  /**
   * The onRequest fast path: answers a repeat from memory. Added to each REST route after the rate limiter.
   * Synchronous (callback style): on a hit, a promise per request shows in the throughput (bench/).
   */
  fastPath(request: FastifyRequest, reply: FastifyReply, done: () => void): void;
  /**
   * The preParsing fast path of POST routes: answers a repeat of the same body (up to BODY_KEY_LIMIT bytes) from memory
   * before it is parsed; otherwise hands the body on to the parser unchanged.
   */
  bodyFastPath(request: FastifyRequest, reply: FastifyReply, payload: RequestPayload, done: (error: Error | null, payload?: RequestPayload) => void): void;
  /** Keeps `response` (of dataset `version`) under the raw key a fast path gave this request: its next repeat is answered there. */
  remember(request: FastifyRequest, version: number, response: CachedResponse): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    responseCache: ResponseCachePlugin;
  }
}

function rawKey(request: FastifyRequest): string {
  const url = request.url;
  const mark = url.indexOf('?');
  const path = mark === -1 ? url : url.slice(0, mark);
  // Parameter order does not change the answer (the grammar treats repeats as a set).
  const query = mark === -1 ? '' : url.indexOf('&', mark) === -1 ? url.slice(mark + 1) : url.slice(mark + 1).split('&').sort().join('&');
  const format = path.lastIndexOf('.') > path.lastIndexOf('/') ? '' : acceptedName(request);
  return `${path}?${query}#${format}`;
}

/** Bodies up to this size are read by the POST fast path; larger ones go straight to the parser (and are not remembered). */
const BODY_KEY_LIMIT = 64 * 1024;

function bodyKey(request: FastifyRequest, body: Buffer): string {
  const url = request.url;
  return `POST ${url}\n${request.headers['content-type'] ?? ''}\n${createHash('sha256').update(body).digest('base64url')}`;
}

export function etagMatches(header: string, etag: string): boolean {
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

export const responseCachePlugin = fp(
  async (app) => {
    const store = new ResponseCache(app.config.CACHE_MAX_ENTRIES);
    const rawKeys = new WeakMap<FastifyRequest, string>();
    const revision = representationRevision();

    function validators(representation: Representation): Record<string, string> {
      const version = app.dataset.current();
      return {
        etag: `"${version.version}-${representation.name}-${revision}"`,
        'last-modified': version.updatedAt.toUTCString(),
        'cache-control': CACHE_CONTROL,
        vary: 'Accept',
        'x-dataset-version': String(version.version),
      };
    }

    function notModified(request: FastifyRequest, reply: FastifyReply, headers: Record<string, string>): boolean {
      // GraphQL's answers have an ETag but no Last-Modified: If-Modified-Since alone never matches them.
      const lastModified = headers['last-modified'] ? new Date(headers['last-modified']) : new Date(Number.NaN);
      if (!isNotModified(request, headers.etag!, lastModified)) return false;
      for (const name of VALIDATOR_HEADERS) if (headers[name]) reply.header(name, headers[name]);
      reply.code(304).send();
      return true;
    }

    function sendCached(request: FastifyRequest, reply: FastifyReply, response: CachedResponse): FastifyReply {
      const headers = response.headers ?? {};
      if (response.status === 200 && headers.etag && notModified(request, reply, headers)) return reply;
      return reply.code(response.status).headers(headers).type(response.contentType).send(response.body);
    }

    const responseCache: ResponseCachePlugin = {
      store,
      async respond(request, reply, representation, key, build) {
        const version = app.dataset.current().version;
        const response = await store.getOrCompute(version, key, async () => {
          const headers = validators(representation);
          const built = await build();
          return {
            status: 200,
            contentType: representation.mediaType,
            body: typeof built.body === 'string' ? Buffer.from(built.body) : built.body,
            headers: { ...headers, ...built.headers },
          };
        });
        // Seeds the fast path: the same bytes under the request's raw key.
        responseCache.remember(request, version, response);
        return sendCached(request, reply, response);
      },
      async stream(request, reply, representation, open, headers = {}) {
        const validatorHeaders = validators(representation);
        if (notModified(request, reply, validatorHeaders)) return reply;
        const body = await open();
        return reply.headers({ ...validatorHeaders, ...headers }).type(representation.mediaType).send(body);
      },
      fastPath(request, reply, done) {
        const key = rawKey(request);
        rawKeys.set(request, key);
        const hit = store.get(app.dataset.current().version, key);
        // A hit is answered here, without calling done(): the route's handler never runs.
        if (hit === undefined) done();
        else sendCached(request, reply, hit);
      },
      bodyFastPath(request, reply, payload, done) {
        const length = Number(request.headers['content-length']);
        if (request.method !== 'POST' || !(length <= BODY_KEY_LIMIT)) return done(null, payload);
        const chunks: Buffer[] = [];
        payload.on('data', (chunk: Buffer) => chunks.push(chunk));
        payload.on('error', (error) => done(error));
        payload.on('end', () => {
          const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
          const key = bodyKey(request, body);
          const hit = store.get(app.dataset.current().version, key);
          if (hit !== undefined) {
            sendCached(request, reply, hit);
            return;
          }
          rawKeys.set(request, key);
          // The parser reads the same bytes; it checks them against content-length as it would have.
          done(null, Readable.from([body], { objectMode: false }) as RequestPayload);
        });
      },
      remember(request, version, response) {
        const raw = rawKeys.get(request);
        // An answer of a version already replaced is not kept (asking the store for an old version would empty it).
        if (version !== app.dataset.current().version) return;
        if (raw !== undefined && store.get(version, raw) === undefined) store.set(version, raw, response);
      },
    };
    app.decorate('responseCache', responseCache);
  },
  { name: 'response-cache', dependencies: ['dataset-version'] },
);
