// A per-IP request budget: RATE_LIMIT_MAX requests per RATE_LIMIT_WINDOW, in
// fixed windows (every client's count restarts when the window turns), with
// x-ratelimit-limit/-remaining/-reset on every response and a 429
// problem+json (with Retry-After) past it. Behind a proxy, TRUST_PROXY makes
// request.ip the client's. Health probes are exempt: a load balancer must not
// throttle itself out.
//
// Written here rather than taken from @fastify/rate-limit: it is one
// synchronous hook and a Map, and on cached responses (most of the traffic)
// the plugin's per-request cost was a third of the whole (bench/results).
import fp from 'fastify-plugin';
import { ProblemError } from '../../http/problem.ts';

const PROBES = new Set(['/healthz', '/readyz']);

export const rateLimitPlugin = fp(
  async (app) => {
    const max = app.config.RATE_LIMIT_MAX;
    const limit = String(max);
    const window = app.config.RATE_LIMIT_WINDOW.ms;
    let counts = new Map<string, number>();
    let windowEnds = 0; // the first window opens with the first request

    app.addHook('onRequest', (request, reply, done) => {
      if (PROBES.has(request.url)) return done();
      const now = Date.now();
      if (now >= windowEnds) {
        // The window turned: every count starts again (and the map of old clients goes with it).
        counts = new Map();
        windowEnds = now + window;
      }
      const used = (counts.get(request.ip) ?? 0) + 1;
      counts.set(request.ip, used);
      const reset = String(Math.ceil((windowEnds - now) / 1000));
      reply.header('x-ratelimit-limit', limit);
      reply.header('x-ratelimit-remaining', String(Math.max(0, max - used)));
      reply.header('x-ratelimit-reset', reset);
      if (used <= max) return done();
      reply.header('retry-after', reset);
      done(new ProblemError(429, 'rate-limited', `more than ${max} requests in ${app.config.RATE_LIMIT_WINDOW.text}; retry in ${reset} s`));
    });
  },
  { name: 'rate-limit' },
);
