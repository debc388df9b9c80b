// nosniff on every answer Fastify gives: a browser must not guess a script or a page out of a JSON or CSV body.
// The response cache adds the same header to the answers it gives in front of Fastify (response-cache.ts).
import fp from 'fastify-plugin';
import { NOSNIFF } from '../../http/security-headers.ts';

export const nosniffPlugin = fp(
  async (app) => {
    app.addHook('onRequest', (_request, reply, done) => {
      reply.headers(NOSNIFF);
      done();
    });
  },
  { name: 'nosniff' },
);
