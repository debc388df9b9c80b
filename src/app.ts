// Assembles the service: plugins, routes, error handling. server.ts listens;
// tests build the same app and call it with app.inject.
import { createServer, type IncomingMessage, type ServerOptions, type ServerResponse } from 'node:http';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerFactory,
} from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Database } from './database/connect.ts';
// The REST routes load before GraphQL: their schemas register their OpenAPI components in this order, which
// schema/openapi.json (scripts/write-openapi.ts) has; GraphQL's root fields import some of the same resources.
import { v1Routes } from './routes/v1/index.ts';
import { graphqlPlugin } from './graphql/plugin.ts';
import { compressionPlugin } from './http/compression.ts';
import { installProblemHandlers } from './http/problem.ts';
import { datasetVersionPlugin } from './plugins/app/dataset-version.ts';
import { ingestSchedulerPlugin } from './plugins/app/ingest-scheduler.ts';
import { responseCachePlugin } from './cache/plugin.ts';
import { nosniffPlugin } from './plugins/app/nosniff.ts';
import { corsPlugin } from './plugins/external/cors.ts';
import { rateLimitPlugin } from './plugins/app/rate-limit.ts';
import { swaggerPlugin } from './plugins/external/swagger.ts';
import { healthRoutes } from './routes/health.ts';
import { embedRoutes } from './routes/embeds.ts';
import { pageRoutes } from './routes/pages.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: Database;
  }
}

export interface AppOptions {
  config: Config;
  database: Database;
  /** A pino logger to share (server.ts), or false to silence (tests). */
  logger?: false | Logger;
}

// Request ids: a random prefix per process and a counter, unique across restarts and instances without a
// UUID per request. A client's own x-request-id is kept instead (requestIdHeader).
const REQUEST_ID_PREFIX = crypto.randomUUID().slice(0, 8);
let requestCounter = 0;
function nextRequestId(): string {
  requestCounter = (requestCounter + 1) % Number.MAX_SAFE_INTEGER;
  return `${REQUEST_ID_PREFIX}-${requestCounter.toString(36)}`;
}

export function loggerOptions(config: Config): object {
  return {
    level: config.LOG_LEVEL,
    redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]'],
  };
}

/**
 * The HTTP server as Fastify would make it (its timeouts and limits), except that every request is first offered to
 * `front` (the response cache answering repeats from memory), and reaches Fastify only when that did not answer it.
 */
function frontedServer(
  front: (request: IncomingMessage, response: ServerResponse, next: () => void) => void,
): FastifyServerFactory {
  return (handler, fastifyOptions) => {
    // Fastify passes its options with its defaults applied.
    const options = fastifyOptions as {
      http?: ServerOptions;
      keepAliveTimeout: number;
      requestTimeout: number;
      connectionTimeout: number;
    };
    const server = createServer(options.http ?? {}, (request, response) =>
      front(request, response, () => handler(request, response)),
    );
    server.keepAliveTimeout = options.keepAliveTimeout;
    server.requestTimeout = options.requestTimeout;
    server.setTimeout(options.connectionTimeout);
    return server;
  };
}

export async function buildApp({ config, database, logger }: AppOptions): Promise<FastifyInstance> {
  // Set once the response cache is registered; until then (and for app.inject, which skips the server) Fastify answers all.
  let front = (_request: IncomingMessage, _response: ServerResponse, next: () => void) => next();
  const app: FastifyInstance = Fastify({
    serverFactory: frontedServer((request, response, next) => front(request, response, next)),
    ...(logger ? { loggerInstance: logger as FastifyBaseLogger } : { logger: logger ?? loggerOptions(config) }),
    // One line per request, written in onResponse below, instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: config.TRUST_PROXY,
    requestIdHeader: 'x-request-id',
    genReqId: nextRequestId,
    routerOptions: { ignoreTrailingSlash: true },
  });
  app.decorate('config', config);
  app.decorate('db', database);

  // Synchronous hooks: on cached responses every per-request promise shows in the throughput (bench/).
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  // Not even registered when the level hides it (LOG_LEVEL=warn and above): it runs on every response.
  if (['trace', 'debug', 'info'].includes(config.LOG_LEVEL)) {
    app.addHook('onResponse', (request, reply, done) => {
      request.log.info(
        {
          method: request.method,
          url: request.url,
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 10) / 10,
        },
        'request',
      );
      done();
    });
  }

  installProblemHandlers(app);
  // First: every route registered after it gets its answers compressed (src/http/compression.ts).
  await app.register(compressionPlugin);
  await app.register(nosniffPlugin);
  await app.register(corsPlugin);
  await app.register(rateLimitPlugin);
  await app.register(datasetVersionPlugin);
  await app.register(ingestSchedulerPlugin);
  await app.register(swaggerPlugin);
  await app.register(healthRoutes);
  await app.register(responseCachePlugin);
  front = (request, response, next) => app.responseCache.answer(request, response, nextRequestId, next);
  await app.register(v1Routes, { prefix: '/v1' });
  // REST (src/routes/v1) and GraphQL (src/graphql) register below.
  await app.register(graphqlPlugin);
  // The explorer, GraphiQL and the browser libraries they load (src/routes/pages.ts).
  await app.register(pageRoutes);
  // The embeddable views and oEmbed (src/routes/embeds.ts).
  await app.register(embedRoutes);
  return app;
}
