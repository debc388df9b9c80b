// RFC 9457 problem details: every error the API returns has this shape, with
// the offending parameter and its allowed values when a request was wrong.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { QueryError } from '../query/grammar.ts';
import { compressAnswer } from './compression.ts';

export interface InvalidParam {
  name: string;
  reason: string;
  allowed?: readonly string[];
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  invalid_params?: InvalidParam[];
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

// Relative URIs (RFC 9457 §3.1.1); README lists every type.
export const PROBLEM_TYPE_BASE = '/problems/';

/** An error that becomes a problem+json response with its own status. */
export class ProblemError extends Error {
  readonly status: number;
  readonly slug: string;
  readonly invalidParams?: InvalidParam[];
  constructor(status: number, slug: string, message: string, invalidParams?: InvalidParam[]) {
    super(message);
    this.name = 'ProblemError';
    this.status = status;
    this.slug = slug;
    this.invalidParams = invalidParams;
  }
}

export function badParameter(name: string, reason: string, allowed?: readonly string[]): ProblemError {
  return new ProblemError(400, 'invalid-parameter', `${name}: ${reason}`, [
    { name, reason, ...(allowed ? { allowed } : {}) },
  ]);
}

export function notFound(what: string): ProblemError {
  return new ProblemError(404, 'not-found', what);
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.code(problem.status).type('application/problem+json').send(problem);
}

function problemFor(
  status: number,
  slug: string,
  detail: string,
  request: FastifyRequest,
  invalid?: InvalidParam[],
): Problem {
  return {
    type: `${PROBLEM_TYPE_BASE}${slug}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    instance: request.url,
    ...(invalid ? { invalid_params: invalid } : {}),
  };
}

// Socket errors and PostgreSQL's admin-shutdown / cannot-connect / connection-failure SQLSTATEs.
const DATABASE_DOWN_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P03',
  '08006',
  '08001',
  '08003',
]);

/** True for errors that mean "the database is not answering" rather than a bug. */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const candidate = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof candidate.code === 'string' && DATABASE_DOWN_CODES.has(candidate.code)) return true;
    if (
      typeof candidate.message === 'string' &&
      /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect/i.test(candidate.message)
    )
      return true;
    current = candidate.cause;
  }
  return false;
}

/** One error handler and one 404 handler for the whole service. */
export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ProblemError) {
      return sendProblem(reply, problemFor(error.status, error.slug, error.message, request, error.invalidParams));
    }
    // The shared query grammar's errors (src/query/grammar.ts): the parameter, why, and what it accepts.
    if ((error as unknown) instanceof QueryError) {
      const { param, reason, allowed } = error as unknown as QueryError;
      const invalid: InvalidParam[] = [{ name: param, reason, ...(allowed ? { allowed } : {}) }];
      return sendProblem(reply, problemFor(400, 'invalid-parameter', error.message, request, invalid));
    }
    if (error.validation) {
      const invalid = error.validation.map((issue) => ({
        name: String(
          issue.instancePath ||
            (issue.params as { missingProperty?: string })?.missingProperty ||
            error.validationContext ||
            'request',
        ).replace(/^\//, ''),
        reason: issue.message ?? 'invalid',
      }));
      return sendProblem(reply, problemFor(400, 'invalid-parameter', error.message, request, invalid));
    }
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      reply.header('retry-after', '5');
      return sendProblem(
        reply,
        problemFor(503, 'database-unavailable', 'the database is not answering; try again shortly', request),
      );
    }
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) {
      request.log.error({ err: error }, 'unhandled error');
      return sendProblem(reply, problemFor(500, 'internal', 'an internal error occurred; it has been logged', request));
    }
    return sendProblem(reply, problemFor(status, 'request', error.message, request));
  });

  // Not a route, so the compression hook every route gets (onRoute) is given to it here. Fastify's types name only
  // preValidation and preHandler among its options; it takes every lifecycle hook (fastify/lib/four-oh-four.js).
  const compressed = { onSend: compressAnswer } as { preHandler?: never };
  app.setNotFoundHandler(compressed, (request, reply) =>
    sendProblem(
      reply,
      problemFor(404, 'not-found', `no route ${request.method} ${request.url.split('?')[0]}`, request),
    ),
  );
}
