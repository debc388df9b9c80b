// CORS: the data is public, so any origin may read it from a browser. POST is
// allowed too because browser GraphQL clients send their queries that way;
// nothing in the service writes. Exposed headers let a browser app read the
// pagination link, the cache validators and the rate-limit budget.
import cors from '@fastify/cors';
import fp from 'fastify-plugin';

export const corsPlugin = fp(
  async (app) => {
    await app.register(cors, {
      origin: '*',
      methods: ['GET', 'HEAD', 'POST', 'OPTIONS'],
      exposedHeaders: [
        'link',
        'etag',
        'last-modified',
        'x-dataset-version',
        'x-request-id',
        'x-ratelimit-limit',
        'x-ratelimit-remaining',
        'x-ratelimit-reset',
        'retry-after',
      ],
      // Browsers cap this (Chrome at 2 h); a day costs nothing where it is honoured.
      maxAge: 86_400,
    });
  },
  { name: 'cors' },
);
