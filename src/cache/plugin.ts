// The response cache of the service, for REST and GraphQL alike. Every
// response is a pure function of (dataset version, normalized request), so:
// - validators (validators.ts) come from the dataset version: ETag "<version>-<format>-<revision>" and
//   Last-Modified (when the data last changed); a conditional request gets 304;
// - Cache-Control lets browsers and CDNs keep a response for a minute and serve
//   it stale while they revalidate (a list is applied at most a few times a day);
// - responses live in memory (ResponseCache), computed once however many
//   requests ask, keyed by the normalized query, and remembered again under
//   the request as it came: the raw key (method, path, sorted query string,
//   negotiated format) of a GET, or a hash of a POST's body;
// - a repeat is answered by its raw key before any routing, validation or SQL,
//   by `answer`, which the HTTP server calls before handing the request to
//   Fastify (src/app.ts), with what Fastify's hooks would have added (request
//   id, CORS, the rate limiter's count and headers). POSTs to a path keyed by
//   body (keyByBody: GraphQL's) are read there first, and handed on read;
// - an answer is sent in the coding Accept-Encoding asks for, its compressed
//   bodies and headers (an ETag per coding) made once per answer
//   (src/http/compression.ts), on both paths.
// GraphQL keeps its answers in the same memory (src/cache/graphql-keys.ts). Which
// representation a request gets is decided by the HTTP layer (src/http/negotiate.ts).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest, preParsingHookHandler, RequestPayload } from 'fastify';
import fp from 'fastify-plugin';
import { chooseEncoding, encodedBody, encodedHeaders, encodedEtag, type Encoding } from '../http/compression.ts';
import { acceptedName, type Representation } from '../http/negotiate.ts';
import { bodyToKeep } from '../http/body.ts';
import { ResponseCache, type CachedResponse } from './store.ts';
import { entityTag, matchesValidators, validatorHeaders } from './validators.ts';
import { CORS_RESPONSE_HEADERS } from '../plugins/external/cors.ts';
import { NOSNIFF } from '../http/security-headers.ts';
import { prepareHead, type PreparedHead, sendWithHead } from '../http/prepared-head.ts';

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
  respond(
    request: FastifyRequest,
    reply: FastifyReply,
    representation: Representation,
    key: string,
    build: () => Promise<Body>,
  ): Promise<FastifyReply>;
  /**
   * A streamed response (not kept in memory): 304 to a matching conditional request without opening the stream;
   * otherwise opens it (open() should fetch its first rows, so a failing query still becomes a problem+json answer)
   * and sends it with the validators and `headers`.
   */
  stream(
    request: FastifyRequest,
    reply: FastifyReply,
    representation: Representation,
    open: () => Promise<Readable>,
    headers?: Record<string, string>,
  ): Promise<FastifyReply>;
  /**
   * Offered every request before Fastify sees it (src/app.ts): answers a repeat whose raw key is remembered, on the
   * bare HTTP objects, with what Fastify's hooks would have added; otherwise (not remembered, past the rate limit,
   * not a GET/HEAD or a POST to a body-keyed path) calls `next`, which hands the request to Fastify.
   * `requestId` gives the id of a request that brings none.
   */
  answer(request: IncomingMessage, response: ServerResponse, requestId: () => string, next: () => void): void;
  /**
   * Makes POSTs to `path` keyed by their body (up to BODY_KEY_LIMIT bytes): repeats are answered in front of Fastify,
   * and the returned preParsing hook (for the route of `path`) hands the body on to the parser (with app.inject, which
   * skips the server, the hook itself answers a repeat).
   */
  keyByBody(path: string): preParsingHookHandler;
  /** Sends an answer kept in memory: 304 to a matching conditional request, else its body in the request's coding. */
  send(request: FastifyRequest, reply: FastifyReply, response: CachedResponse): FastifyReply;
  /**
   * Keeps `response` (of dataset `version`, the answer kept under the normalized `key`) under the raw key a fast path
   * gave this request too: its next repeat is answered there. It shares the answer's slot of CACHE_MAX_ENTRIES.
   */
  remember(request: FastifyRequest, version: number, key: string, response: CachedResponse): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    responseCache: ResponseCachePlugin;
  }
}

/**
 * A request as it came: its URL as sent and the format it negotiated (a URL with an extension names its own). The
 * same query spelled another way is another raw key, answered once through the normalized key and remembered too.
 */
function rawKey(request: { url?: string; headers: IncomingHttpHeaders }): string {
  const url = request.url ?? '/';
  const mark = url.indexOf('?');
  const path = mark === -1 ? url : url.slice(0, mark);
  const format = path.lastIndexOf('.') > path.lastIndexOf('/') ? '' : acceptedName(request);
  return `${url}#${format}`;
}

const ENCODINGS: readonly Encoding[] = ['identity', 'br', 'gzip'];

/** A remembered answer in one coding, as both paths send it: made once per answer and coding. */
interface PreparedAnswer {
  body: Buffer;
  /** Its headers for Fastify's path (validators with the coding's ETag, Vary, Content-Encoding). */
  headers: Record<string, string>;
  /**
   * The rest of its head in front of Fastify: what Fastify's hooks would add (CORS, nosniff), type and length, checked
   * and joined once (src/http/prepared-head.ts); each request puts its id and rate budget first. Made the first time the
   * answer is given there (frontOf).
   */
  front?: PreparedHead;
}

const preparedAnswers = new WeakMap<CachedResponse, (PreparedAnswer | undefined)[]>();
function prepared(response: CachedResponse, encoding: Encoding): PreparedAnswer {
  let answers = preparedAnswers.get(response);
  if (answers === undefined) {
    answers = [];
    preparedAnswers.set(response, answers);
  }
  const index = ENCODINGS.indexOf(encoding);
  let answer = answers[index];
  if (answer === undefined) {
    const body = encodedBody(response.body, encoding);
    const headers = encodedHeaders(response.headers ?? {}, encoding);
    if (encoding !== 'identity') headers['content-encoding'] = encoding;
    answer = answers[index] = { body, headers };
  }
  return answer;
}

/** The answer's head in front of Fastify (PreparedAnswer.front), made the first time it is asked. */
function frontOf(answer: PreparedAnswer, response: CachedResponse): PreparedHead {
  answer.front ??= prepareHead({
    ...CORS_RESPONSE_HEADERS,
    ...NOSNIFF,
    ...answer.headers,
    'content-type': response.contentType,
    'content-length': String(answer.body.length),
  });
  return answer.front;
}

/** The parser reads a body already read from here; it checks it against content-length as it would have. */
function bodyStream(body: Buffer): RequestPayload {
  return Readable.from([body], { objectMode: false }) as RequestPayload;
}

/**
 * Bodies up to this size are keyed by (keyByBody); larger ones go straight to the parser (and are not remembered).
 * The body itself is the key (cheaper than hashing it, and exact): the bound keeps each remembered key small, and
 * under the length to which V8 hashes a string in full.
 */
const BODY_KEY_LIMIT = 16_000;

function bodyKey(request: { url?: string; headers: IncomingHttpHeaders }, body: Buffer): string {
  return `POST ${request.url}\n${request.headers['content-type'] ?? ''}\n${body.toString('latin1')}`;
}

/** Reads a body small enough to key by, whole; false (and nothing read) when it is not, or comes chunked. */
function readKeyableBody(
  request: { headers: IncomingHttpHeaders },
  stream: NodeJS.ReadableStream,
  then: (body: Buffer) => void,
  failed: (error: Error) => void,
): boolean {
  const length = Number(request.headers['content-length']);
  if (!(length <= BODY_KEY_LIMIT)) return false;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('error', failed);
  stream.on('end', () => then(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
  return true;
}

/**
 * A short fingerprint of the response shapes (the committed OpenAPI document): part of the ETag, so a release that
 * changes what responses look like is not answered 304 to a client holding the old shape of the same data.
 */
function representationRevision(): string {
  try {
    const document = readFileSync(new URL('../../schema/openapi.json', import.meta.url));
    return createHash('sha256').update(document).digest('hex').slice(0, 8);
  } catch {
    return 'dev';
  }
}

export const responseCachePlugin = fp(
  async (app) => {
    const store = new ResponseCache(app.config.CACHE_MAX_ENTRIES);
    // POST paths keyed by their body (keyByBody); bodies read in front of Fastify, for the parser; and the raw keys of
    // POST requests, until their answer is remembered under them.
    const bodyKeyedPaths = new Set<string>();
    const frontBodies = new WeakMap<IncomingMessage, Buffer>();
    const bodyKeys = new WeakMap<FastifyRequest, string>();
    // Answers in front of Fastify mirror what its hooks add: the client's address as the rate limiter sees it.
    const clientIp = app.config.TRUST_PROXY
      ? (request: IncomingMessage) =>
          String(request.headers['x-forwarded-for'] ?? '')
            .split(',')[0]!
            .trim() ||
          (request.socket.remoteAddress ?? '')
      : (request: IncomingMessage) => request.socket.remoteAddress ?? '';
    const logRequests = ['trace', 'debug', 'info'].includes(app.config.LOG_LEVEL);
    const revision = representationRevision();

    function validators(representation: Representation): Record<string, string> {
      const version = app.dataset.current();
      return {
        etag: entityTag(version.version, representation.name, revision),
        'last-modified': version.updatedAt.toUTCString(),
        'cache-control': CACHE_CONTROL,
        vary: 'Accept, Accept-Encoding',
        'x-dataset-version': String(version.version),
      };
    }

    /** Answers 304 when `headers` (the validators of the answer in the request's coding) match the request's. */
    function notModified(request: FastifyRequest, reply: FastifyReply, headers: Record<string, string>): boolean {
      if (!matchesValidators(request, headers)) return false;
      reply.code(304).headers(validatorHeaders(headers)).send();
      return true;
    }

    function sendCached(request: FastifyRequest, reply: FastifyReply, response: CachedResponse): FastifyReply {
      const answer = prepared(response, chooseEncoding(request.headers['accept-encoding']));
      if (response.status === 200 && answer.headers.etag && notModified(request, reply, answer.headers)) return reply;
      return reply.code(response.status).headers(answer.headers).type(response.contentType).send(answer.body);
    }

    /** Answers from memory on the bare HTTP objects; false when `key` is not remembered or the client is past its budget. */
    function answerFromMemory(
      request: IncomingMessage,
      response: ServerResponse,
      key: string,
      requestId: () => string,
    ): boolean {
      const hit = store.get(app.dataset.current().version, key);
      if (hit === undefined) return false;
      const started = logRequests ? performance.now() : 0;
      const budget = app.rateLimiter.take(clientIp(request));
      // Past the budget: Fastify answers with the 429 problem (counting once more does not change the answer).
      if (!budget.allowed) return false;
      const id = (request.headers['x-request-id'] as string | undefined) || requestId();
      const answer = prepared(hit, chooseEncoding(request.headers['accept-encoding']));
      if (hit.status === 200 && answer.headers.etag && matchesValidators(request, answer.headers)) {
        response
          .writeHead(304, {
            'x-request-id': id,
            ...CORS_RESPONSE_HEADERS,
            ...budget.headers,
            ...validatorHeaders(answer.headers),
          })
          .end();
      } else {
        const limits = budget.headers;
        sendWithHead(
          response,
          hit.status,
          [
            'x-request-id',
            id,
            'x-ratelimit-limit',
            limits['x-ratelimit-limit']!,
            'x-ratelimit-remaining',
            limits['x-ratelimit-remaining']!,
            'x-ratelimit-reset',
            limits['x-ratelimit-reset']!,
          ],
          frontOf(answer, hit),
          request.method === 'HEAD' ? undefined : answer.body,
        );
      }
      if (logRequests)
        app.log.info(
          {
            reqId: id,
            method: request.method,
            url: request.url,
            status: response.statusCode,
            ms: Math.round((performance.now() - started) * 10) / 10,
          },
          'request',
        );
      return true;
    }

    const responseCache: ResponseCachePlugin = {
      store,
      send: sendCached,
      async respond(request, reply, representation, key, build) {
        const version = app.dataset.current().version;
        const response = await store.getOrCompute(version, key, async () => {
          const headers = validators(representation);
          const built = await build();
          return {
            status: 200,
            contentType: representation.mediaType,
            body: bodyToKeep(built.body),
            headers: { ...headers, ...built.headers },
          };
        });
        // Seeds the fast path: the same bytes under the request's raw key.
        responseCache.remember(request, version, key, response);
        return sendCached(request, reply, response);
      },
      async stream(request, reply, representation, open, headers = {}) {
        const answerHeaders = validators(representation);
        // The stream is compressed as it is sent (src/http/compression.ts), under the coding's ETag.
        const encoded = {
          ...answerHeaders,
          etag: encodedEtag(answerHeaders.etag!, chooseEncoding(request.headers['accept-encoding'])),
        };
        if (notModified(request, reply, encoded)) return reply;
        const body = await open();
        return reply
          .headers({ ...answerHeaders, ...headers })
          .type(representation.mediaType)
          .send(body);
      },
      answer(request, response, requestId, next) {
        const method = request.method;
        if (method === 'GET' || method === 'HEAD') {
          if (!answerFromMemory(request, response, rawKey(request), requestId)) next();
          return;
        }
        if (method !== 'POST' || !bodyKeyedPaths.has(request.url!)) return next();
        const reading = readKeyableBody(
          request,
          request,
          (body) => {
            if (answerFromMemory(request, response, bodyKey(request, body), requestId)) return;
            // Fastify reads it from here (the route's preParsing hook, keyByBody).
            frontBodies.set(request, body);
            next();
          },
          () => response.destroy(),
        );
        if (!reading) next();
      },
      keyByBody(path) {
        bodyKeyedPaths.add(path);
        return (request, reply, payload, done) => {
          const read = frontBodies.get(request.raw);
          if (read !== undefined) {
            bodyKeys.set(request, bodyKey(request, read));
            return done(null, bodyStream(read));
          }
          if (request.method !== 'POST') return done(null, payload);
          const reading = readKeyableBody(
            request,
            payload,
            (body) => {
              const key = bodyKey(request, body);
              const hit = store.get(app.dataset.current().version, key);
              if (hit !== undefined) return void sendCached(request, reply, hit);
              bodyKeys.set(request, key);
              done(null, bodyStream(body));
            },
            (error) => done(error),
          );
          if (!reading) done(null, payload);
        };
      },
      remember(request, version, key, response) {
        const raw = request.method === 'POST' ? bodyKeys.get(request) : rawKey(request);
        // An answer of a version already replaced is not kept (asking the store for an old version would empty it).
        if (version !== app.dataset.current().version) return;
        if (raw !== undefined && store.get(version, raw) === undefined) store.set(version, raw, response, key);
      },
    };
    app.decorate('responseCache', responseCache);
  },
  { name: 'response-cache', dependencies: ['dataset-version'] },
);
