// CORS: the data is public, so any origin may read it from a browser. POST is
// allowed too because browser GraphQL clients send their queries that way;
// nothing in the service writes. Exposed headers let a browser app read the
// pagination link, the cache validators and the rate-limit budget.
import cors from '@fastify/cors';
import fp from 'fastify-plugin';

const EXPOSED_HEADERS = [
  'link',
  'etag',
  'last-modified',
  'x-dataset-version',
  'x-request-id',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'retry-after',
];

/** What the plugin adds to every answer to a simple (non-preflight) request, for the answers given in front of Fastify. */
export const CORS_RESPONSE_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': EXPOSED_HEADERS.join(', '),
} as const;

export const corsPlugin = fp(
  async (app) => {
    await app.register(cors, {
      origin: '*',
      methods: ['GET', 'HEAD', 'POST', 'OPTIONS'],
      exposedHeaders: EXPOSED_HEADERS,
      // Browsers cap this (Chrome at 2 h); a day costs nothing where it is honoured.
      maxAge: 86_400,
    });
  },
  { name: 'cors' },
);
