// A per-IP request budget (RATE_LIMIT_MAX per RATE_LIMIT_WINDOW) with
// x-ratelimit-* headers on every response, and a 429 problem+json past it.
// Behind a proxy, TRUST_PROXY makes request.ip the client's, not the proxy's.
// Health probes are exempt: a load balancer must not throttle itself out.
import rateLimit from '@fastify/rate-limit';
import fp from 'fastify-plugin';
import { ProblemError } from '../../http/problem.ts';

const PROBES = new Set(['/healthz', '/readyz']);

export const rateLimitPlugin = fp(
  async (app) => {
    await app.register(rateLimit, {
      global: true,
      max: app.config.RATE_LIMIT_MAX,
      timeWindow: app.config.RATE_LIMIT_WINDOW.replace(/\s+/g, ''),
      allowList: (request) => PROBES.has(request.url),
      errorResponseBuilder: (_request, context) =>
        new ProblemError(429, 'rate-limited', `more than ${context.max} requests in the window; retry in ${context.after}`),
    });
  },
  { name: 'rate-limit', dependencies: [] },
);
