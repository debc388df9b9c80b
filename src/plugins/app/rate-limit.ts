// A per-IP request budget: RATE_LIMIT_MAX requests per RATE_LIMIT_WINDOW, in
// fixed windows (every client's count restarts when the window turns), with
// x-ratelimit-limit/-remaining/-reset on every response and a 429
// problem+json (with Retry-After) past it. Behind a proxy, TRUST_PROXY makes
// request.ip the client's. Health probes are exempt: a load balancer must not
// throttle itself out. The same budget counts the repeats the response cache
// answers in front of Fastify (src/cache/plugin.ts).
//
// Written here rather than taken from @fastify/rate-limit: it is one
// synchronous hook and a Map, and on cached responses (most of the traffic)
// the plugin's per-request cost was a third of the whole (bench/results).
import fp from 'fastify-plugin';
import { ProblemError } from '../../http/problem.ts';

const PROBES = new Set(['/healthz', '/readyz']);

export interface Budget {
  /** Within the budget (the request may be answered). */
  allowed: boolean;
  /** x-ratelimit-limit, -remaining and -reset (and retry-after past the budget). */
  headers: Record<string, string>;
}

export class RateLimiter {
  private counts = new Map<string, number>();
  private windowEnds = 0; // the first window opens with the first request
  private readonly limit: string;

  private readonly max: number;
  private readonly windowMs: number;
  /**
   * `clock` tells the time in milliseconds (Date.now). A test replaces it (app.rateLimiter.clock)
   * to turn a window without waiting for it.
   */
  clock: () => number;
  constructor(max: number, windowMs: number, clock: () => number = Date.now) {
    this.max = max;
    this.windowMs = windowMs;
    this.clock = clock;
    this.limit = String(max);
  }

  /** Counts one request from `ip`. */
  take(ip: string, now = this.clock()): Budget {
    if (now >= this.windowEnds) {
      // The window turned: every count starts again (and the map of old clients goes with it).
      this.counts = new Map();
      this.windowEnds = now + this.windowMs;
    }
    const used = (this.counts.get(ip) ?? 0) + 1;
    this.counts.set(ip, used);
    const reset = String(Math.ceil((this.windowEnds - now) / 1000));
    const headers: Record<string, string> = {
      'x-ratelimit-limit': this.limit,
      'x-ratelimit-remaining': String(Math.max(0, this.max - used)),
      'x-ratelimit-reset': reset,
    };
    if (used <= this.max) return { allowed: true, headers };
    headers['retry-after'] = reset;
    return { allowed: false, headers };
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    rateLimiter: RateLimiter;
  }
}

export const rateLimitPlugin = fp(
  async (app) => {
    const limiter = new RateLimiter(app.config.RATE_LIMIT_MAX, app.config.RATE_LIMIT_WINDOW.ms);
    app.decorate('rateLimiter', limiter);

    app.addHook('onRequest', (request, reply, done) => {
      if (PROBES.has(request.url)) return done();
      const budget = limiter.take(request.ip);
      reply.headers(budget.headers);
      if (budget.allowed) return done();
      const reset = budget.headers['x-ratelimit-reset'];
      done(
        new ProblemError(
          429,
          'rate-limited',
          `more than ${app.config.RATE_LIMIT_MAX} requests in ${app.config.RATE_LIMIT_WINDOW.text}; retry in ${reset} s`,
        ),
      );
    });
  },
  { name: 'rate-limit' },
);
