// GET /graphql answers are cacheable like REST pages: the answer to a query is
// a function of (dataset version, query, variables, operation), so that is the
// key of the in-memory cache and of the ETag a CDN revalidates. A persisted
// query's hash stands for its text. Only complete answers (200, no errors) are
// kept; errors (a PersistedQueryNotFound above all) are `no-store`.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ResponseCache } from '../http/response-cache.ts';

/** CDNs may serve an answer a minute old; the ETag makes revalidation cheap after that. */
export const GRAPHQL_CACHE_CONTROL = 'public, max-age=60';

interface CacheState {
  key: string;
  version: number;
  etag: string;
  cacheable: boolean;
  hit: boolean;
}

interface GetQuery {
  query?: string;
  operationName?: string;
  variables?: string;
  extensions?: string;
}

const states = new WeakMap<FastifyRequest, CacheState>();

/** Object keys sorted, arrays kept in order: equal variables, equal key. */
function stable(value: unknown): string {
  return JSON.stringify(value, (_key, item) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}

/** The cache key of a GET, or undefined when the request is malformed (Mercurius will say why). */
export function getCacheKey(query: GetQuery): string | undefined {
  let variables: unknown = null;
  let hash: string | undefined;
  try {
    if (query.variables) variables = JSON.parse(query.variables);
    if (query.extensions) {
      const persisted = (JSON.parse(query.extensions) as { persistedQuery?: { sha256Hash?: unknown } } | null)?.persistedQuery;
      if (typeof persisted?.sha256Hash === 'string') hash = persisted.sha256Hash.toLowerCase();
    }
  } catch {
    return undefined;
  }
  // With the text present, its own hash: a mismatching sha256Hash must not reach another query's answer.
  if (query.query) hash = createHash('sha256').update(query.query, 'utf8').digest('hex');
  if (!hash) return undefined;
  return `graphql\n${hash}\n${query.operationName ?? ''}\n${stable(variables)}`;
}

export function graphqlCacheHooks(app: FastifyInstance, cache: ResponseCache) {
  return {
    async preHandler(request: FastifyRequest, reply: FastifyReply) {
      if (request.method !== 'GET') return;
      const key = getCacheKey(request.query as GetQuery);
      if (!key) return;
      const version = app.dataset.current().version;
      const etag = `"g${version}-${createHash('sha1').update(key).digest('base64url').slice(0, 20)}"`;
      const state: CacheState = { key, version, etag, cacheable: false, hit: false };
      states.set(request, state);
      const hit = cache.get(version, key);
      if (hit || request.headers['if-none-match'] === etag) {
        // An ETag is only ever issued with a complete answer of this version, so a match is one.
        state.hit = true;
        reply.header('cache-control', GRAPHQL_CACHE_CONTROL).header('etag', etag).header('x-cache', 'HIT');
        if (request.headers['if-none-match'] === etag) return reply.code(304).send();
        return reply.code(hit!.status).type(hit!.contentType).send(hit!.body);
      }
      reply.header('x-cache', 'MISS');
    },
    async preSerialization(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
      const state = states.get(request);
      if (state && reply.statusCode === 200 && payload && typeof payload === 'object' && !('errors' in payload && (payload as { errors?: unknown[] }).errors?.length)) {
        state.cacheable = true;
      }
      return payload;
    },
    async onSend(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
      const state = states.get(request);
      if (!state || state.hit) return payload;
      if (state.cacheable && typeof payload === 'string') {
        reply.header('cache-control', GRAPHQL_CACHE_CONTROL).header('etag', state.etag);
        const body = Buffer.from(payload);
        const contentType = String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8');
        await cache.getOrCompute(state.version, state.key, async () => ({ status: 200, contentType, body }));
      } else {
        reply.header('cache-control', 'no-store');
      }
      return payload;
    },
  };
}
