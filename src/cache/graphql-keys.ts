// GraphQL answers are cached like REST pages, in the same response cache
// (src/cache/plugin.ts): the answer to a query is a function of
// (dataset version, document, operation name, variables), so that is the key.
// A persisted query's hash stands for its text. GET answers also carry an ETag
// a CDN revalidates and Cache-Control; POST answers are served from memory
// only (x-cache says which). Only complete answers (200, no errors) are kept;
// errors (a PersistedQueryNotFound above all) are `no-store`.
// Each answer is also remembered under the request as it came (the GET's URL,
// the POST's body): a repeat is then answered by the response cache's fast
// paths before Mercurius parses anything (plugin.ts adds them to its routes).
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { chooseEncoding, encodedEtag, encodedHeaders } from '../http/compression.ts';
import { bodyToKeep } from '../http/body.ts';
import { entityTag, isNotModified } from './validators.ts';
import { canonicalKey } from '../query/grammar.ts';

/** CDNs may serve an answer a minute old; the ETag makes revalidation cheap after that. */
export const GRAPHQL_CACHE_CONTROL = 'public, max-age=60';

interface CacheState {
  key: string;
  version: number;
  /** A GET's (POST answers carry none). */
  etag: string | undefined;
  cacheable: boolean;
  hit: boolean;
}

/** One operation as a client sends it: GET query parameters (variables and extensions as JSON text) or a POST body. */
interface Operation {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: unknown;
}

const states = new WeakMap<FastifyRequest, CacheState>();

/** A JSON parameter of a GET (text) or a POST (already parsed). */
function json(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

/** The hashes of the query texts seen last, up to QUERY_TEXTS_KEPT texts of at most QUERY_TEXT_KEPT characters each. */
const queryHashes = new Map<string, string>();
const QUERY_TEXTS_KEPT = 256;
const QUERY_TEXT_KEPT = 16_000;

/** A query text's SHA-256: clients send the same few texts again and again, so the last ones are kept. */
function queryHash(text: string): string {
  let hash = queryHashes.get(text);
  if (hash === undefined) {
    hash = createHash('sha256').update(text, 'utf8').digest('hex');
    if (text.length <= QUERY_TEXT_KEPT) {
      if (queryHashes.size >= QUERY_TEXTS_KEPT) queryHashes.clear();
      queryHashes.set(text, hash);
    }
  }
  return hash;
}

/** The cache key of an operation, or undefined when it is malformed (Mercurius will say why) or not one operation. */
export function operationKey(operation: Operation): string | undefined {
  let variables: unknown;
  let hash: string | undefined;
  try {
    variables = json(operation.variables) ?? null;
    const persisted = (json(operation.extensions) as { persistedQuery?: { sha256Hash?: unknown } } | null | undefined)
      ?.persistedQuery;
    if (typeof persisted?.sha256Hash === 'string') hash = persisted.sha256Hash.toLowerCase();
  } catch {
    return undefined;
  }
  // With the text present, its own hash: a mismatching sha256Hash must not reach another query's answer.
  if (typeof operation.query === 'string' && operation.query) hash = queryHash(operation.query);
  if (!hash) return undefined;
  const name = typeof operation.operationName === 'string' ? operation.operationName : '';
  return `graphql\n${hash}\n${name}\n${canonicalKey(variables)}`;
}

/** The headers of an answer from memory: with an ETag (a GET's), its validators; a POST's, none. */
function hitHeaders(etag: string | undefined): Record<string, string> {
  return etag === undefined ? { 'x-cache': 'HIT' } : { 'x-cache': 'HIT', 'cache-control': GRAPHQL_CACHE_CONTROL, etag };
}

export function graphqlCacheHooks(app: FastifyInstance) {
  const cache = app.responseCache.store;
  return {
    async preHandler(request: FastifyRequest, reply: FastifyReply) {
      const isGet = request.method === 'GET';
      // A batch (an array body) is answered as a whole, never from memory.
      const operation = isGet ? request.query : request.body;
      if (!operation || typeof operation !== 'object' || Array.isArray(operation)) return;
      const key = operationKey(operation as Operation);
      if (!key) return;
      const version = app.dataset.current().version;
      const etag = isGet
        ? entityTag(`g${version}`, createHash('sha1').update(key).digest('base64url').slice(0, 20))
        : undefined;
      const state: CacheState = { key, version, etag, cacheable: false, hit: false };
      states.set(request, state);
      const hit = cache.get(version, key);
      if (hit) {
        state.hit = true;
        const answer = { ...hit, headers: hitHeaders(etag) };
        app.responseCache.remember(request, version, key, answer);
        return app.responseCache.send(request, reply, answer);
      }
      // An ETag is only ever issued with a complete answer of this version, so a match is one (in the request's coding).
      const encoding = chooseEncoding(request.headers['accept-encoding']);
      if (etag !== undefined && isNotModified(request, encodedEtag(etag, encoding))) {
        state.hit = true;
        return reply
          .headers(encodedHeaders(hitHeaders(etag), encoding))
          .code(304)
          .send();
      }
      reply.header('x-cache', 'MISS');
    },
    async preSerialization(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
      const state = states.get(request);
      if (
        state &&
        reply.statusCode === 200 &&
        payload &&
        typeof payload === 'object' &&
        !('errors' in payload && (payload as { errors?: unknown[] }).errors?.length)
      ) {
        state.cacheable = true;
      }
      return payload;
    },
    async onSend(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
      const state = states.get(request);
      if (!state || state.hit) return payload;
      if (!state.cacheable || typeof payload !== 'string') {
        reply.header('cache-control', 'no-store');
        return payload;
      }
      if (state.etag !== undefined) reply.header('cache-control', GRAPHQL_CACHE_CONTROL).header('etag', state.etag);
      const answer = {
        status: 200,
        contentType: String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8'),
        body: bodyToKeep(payload),
      };
      await cache.getOrCompute(state.version, state.key, async () => answer);
      app.responseCache.remember(request, state.version, state.key, { ...answer, headers: hitHeaders(state.etag) });
      // Sent as kept: the text is encoded once, for the cache and the socket.
      return answer.body;
    },
  };
}
