// Every GraphQL error leaves with a stable extensions.code. Bad arguments say
// which argument (extensions.param, as the client wrote it) and why; rejected
// queries say which limit; anything else is logged and leaves as
// INTERNAL_SERVER_ERROR without its message (it may hold SQL or paths).
import { GraphQLError, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import type { MercuriusContext } from 'mercurius';
import { isDatabaseUnavailable } from '../http/problem.ts';
import { QueryError } from '../query/grammar.ts';
import { argumentName } from './args.ts';

export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'GRAPHQL_PARSE_FAILED'
  | 'GRAPHQL_VALIDATION_FAILED'
  | 'PERSISTED_QUERY_NOT_FOUND'
  | 'PERSISTED_QUERY_NOT_SUPPORTED'
  | 'PERSISTED_QUERY_HASH_MISMATCH'
  | 'METHOD_NOT_ALLOWED'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

const LIMIT_CODES = new Set([
  'QUERY_TOO_DEEP',
  'TOO_MANY_ALIASES',
  'QUERY_TOO_COSTLY',
  'BATCH_TOO_LARGE',
  'TIME_LIMIT_EXCEEDED',
]);

// Mercurius's own request errors (@fastify/error codes) → ours.
const MERCURIUS_CODES: Record<string, { code: ErrorCode; message?: string }> = {
  MER_ERR_GQL_PERSISTED_QUERY_NOT_FOUND: { code: 'PERSISTED_QUERY_NOT_FOUND' },
  MER_ERR_GQL_PERSISTED_QUERY_NOT_SUPPORTED: { code: 'PERSISTED_QUERY_NOT_SUPPORTED' },
  MER_ERR_GQL_PERSISTED_QUERY_MISMATCH: { code: 'PERSISTED_QUERY_HASH_MISMATCH' },
  MER_ERR_METHOD_NOT_ALLOWED: { code: 'METHOD_NOT_ALLOWED', message: 'only queries may be sent with GET' },
  MER_ERR_GQL_VALIDATION: { code: 'GRAPHQL_PARSE_FAILED' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'GRAPHQL_PARSE_FAILED' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'GRAPHQL_PARSE_FAILED' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'GRAPHQL_PARSE_FAILED', message: 'the body is not valid JSON' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'GRAPHQL_PARSE_FAILED' },
};

const STATUS: Partial<Record<string, number>> = {
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
  METHOD_NOT_ALLOWED: 405,
};

type Logger = { error(object: object, message: string): void; warn(object: object, message: string): void };

function formatted(error: GraphQLError, message: string, extensions: Record<string, unknown>): GraphQLFormattedError {
  return {
    message,
    ...(error.locations ? { locations: error.locations } : {}),
    ...(error.path ? { path: error.path } : {}),
    extensions,
  };
}

export function formatError(error: GraphQLError, log: Logger): GraphQLFormattedError {
  const original = error.originalError as (Error & { code?: string; statusCode?: number }) | undefined;
  if (original instanceof QueryError) {
    const param = argumentName(original.param);
    return formatted(error, `${param}: ${original.reason}`, {
      code: 'BAD_USER_INPUT',
      param,
      ...(original.allowed ? { allowed: original.allowed } : {}),
    });
  }
  const code = error.extensions?.code;
  if (typeof code === 'string' && LIMIT_CODES.has(code)) return formatted(error, error.message, error.extensions);
  if (!original || original instanceof GraphQLError) {
    // graphql-js's own parse and validation errors describe the query, not the server.
    return formatted(error, error.message, {
      code: error.message.startsWith('Syntax Error') ? 'GRAPHQL_PARSE_FAILED' : 'GRAPHQL_VALIDATION_FAILED',
    });
  }
  const known = original.code ? MERCURIUS_CODES[original.code] : undefined;
  if (known) return formatted(error, known.message ?? error.message, { code: known.code });
  if (original instanceof SyntaxError && original.code === 'MER_ERR_GQL_VALIDATION') {
    return formatted(error, `variables or extensions are not JSON: ${original.message}`, {
      code: 'GRAPHQL_PARSE_FAILED',
    });
  }
  if (isDatabaseUnavailable(original)) {
    log.warn({ err: original }, 'database unavailable');
    return formatted(error, 'the database is not answering; try again shortly', { code: 'SERVICE_UNAVAILABLE' });
  }
  log.error({ err: original }, 'graphql resolver error');
  return formatted(error, 'an internal error occurred; it has been logged', { code: 'INTERNAL_SERVER_ERROR' });
}

/** Mercurius wraps validation errors in one error with `.errors`; unwrap them so each keeps its own code. */
function flatten(errors: readonly GraphQLError[]): GraphQLError[] {
  return errors.flatMap((error) => {
    const inner = (error.originalError as { errors?: unknown } | undefined)?.errors;
    if (!Array.isArray(inner)) return [error];
    return inner.map((item: unknown) =>
      item instanceof GraphQLError ? item : new GraphQLError((item as Error).message, { originalError: item as Error }),
    );
  });
}

/**
 * Mercurius's errorFormatter. Execution errors (data present, maybe null)
 * answer 200 as GraphQL over HTTP asks; a request rejected before execution
 * answers 400 (or 405/500/503 when that is what it was).
 */
export function errorFormatter(execution: ExecutionResult & { statusCode?: number }, context: MercuriusContext) {
  const log: Logger = context.reply?.log ?? context.app.log;
  const errors = flatten(execution.errors ?? []).map((error) => formatError(error, log));
  const executed = execution.data !== undefined;
  const firstCode = String(errors[0]?.extensions?.code ?? '');
  const statusCode = executed ? 200 : (STATUS[firstCode] ?? 400);
  return { statusCode, response: { data: execution.data ?? null, errors } };
}
