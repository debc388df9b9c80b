// The GraphQL API: /graphql (POST, and GET for caches), GraphiQL at
// /graphiql, the SDL in schema/schema.graphql, resolvers over the same
// repositories and query grammar as REST, with the limits a public endpoint
// needs and automatic persisted queries.
import { readFileSync } from 'node:fs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { DocumentNode } from 'graphql';
import mercurius, { type IResolvers } from 'mercurius';
import { graphqlCacheHooks } from '../cache/graphql-keys.ts';
import { createContext, type GraphqlContext } from './context.ts';
import { errorFormatter, formatError } from './errors.ts';
import { aliasRule, DEFAULT_LIMITS, depthRule, limitError, queryCost, type GraphqlLimits } from './limits.ts';
import { batchedResolvers } from './batching.ts';
import { loaders } from './loaders.ts';
import { inMemory } from './reference-memory.ts';
import { resolvers } from './resolvers.ts';
import { rootCollections } from './root-collections.ts';

export const SCHEMA_FILE = new URL('../../schema/schema.graphql', import.meta.url);

/** The SDL as committed: the server serves exactly this schema. */
export function schemaSource(): string {
  return readFileSync(SCHEMA_FILE, 'utf8');
}

export interface GraphqlOptions {
  /** Overrides of DEFAULT_LIMITS (tests lower the time limit). */
  limits?: Partial<GraphqlLimits>;
}

// Distinct queries whose text the server remembers for automatic persisted queries.
const PERSISTED_QUERY_ENTRIES = 5_000;

/** The resolvers with the batched field resolvers of each type added to the type's own. */
function withFields(base: IResolvers, fields: Record<string, Record<string, unknown>>): IResolvers {
  const merged: Record<string, unknown> = { ...base };
  for (const [type, resolversOfType] of Object.entries(fields))
    merged[type] = { ...(base[type] as object | undefined), ...resolversOfType };
  return merged as IResolvers;
}

export const graphqlPlugin = fp<GraphqlOptions>(
  async (app, options) => {
    const limits: GraphqlLimits = { ...DEFAULT_LIMITS, ...options.limits };
    const cacheHooks = graphqlCacheHooks(app);

    async function rejectLargeBatches(request: FastifyRequest, reply: FastifyReply) {
      if (request.method === 'POST' && Array.isArray(request.body) && request.body.length > limits.batch) {
        const error = formatError(
          limitError('BATCH_TOO_LARGE', 'batched operations', request.body.length, limits.batch),
          request.log,
        );
        return reply.code(400).send({ data: null, errors: [error] });
      }
      return cacheHooks.preHandler(request, reply);
    }

    // Repeats are answered by the response cache before Mercurius' route does any work: a GET by its URL, a POST by its
    // body (keyByBody). See src/cache/graphql-keys.ts.
    await app.register(mercurius, {
      schema: schemaSource(),
      resolvers: withFields(
        withFields(resolvers, rootCollections as Record<string, Record<string, unknown>>),
        batchedResolvers(loaders, inMemory),
      ),
      path: '/graphql',
      // GraphiQL is served by src/routes/pages.ts from npm packages: Mercurius's page loads it from a CDN.
      graphiql: false,
      allowBatchedQueries: true,
      jit: 1,
      persistedQueryProvider: mercurius.persistedQueryDefaults.automatic(PERSISTED_QUERY_ENTRIES),
      validationRules: [depthRule(limits), aliasRule(limits)],
      graphql: { parseOptions: { maxTokens: limits.tokens } },
      context: () => createContext(app.db.pool, limits),
      errorFormatter: errorFormatter as never,
      additionalRouteOptions: {
        preParsing: app.responseCache.keyByBody('/graphql'),
        preHandler: rejectLargeBatches,
        preSerialization: cacheHooks.preSerialization,
        onSend: cacheHooks.onSend,
      },
    });

    // The cost depends on `first`, which may be a variable: checked per request, before any resolver runs. Remembered
    // per document (Mercurius keeps one per query text) and variables, a hundred sets of variables a document at most.
    const costs = new WeakMap<DocumentNode, Map<string, number>>();
    app.graphql.addHook('preExecution', async (schema, document, _context: GraphqlContext, variables) => {
      const key = JSON.stringify(variables ?? {});
      let known = costs.get(document);
      if (!known) costs.set(document, (known = new Map()));
      let cost = known.get(key);
      if (cost === undefined) {
        cost = queryCost(schema, document, (variables ?? {}) as Record<string, unknown>);
        if (known.size >= 100) known.clear();
        known.set(key, cost);
      }
      if (cost > limits.cost) throw limitError('QUERY_TOO_COSTLY', 'estimated objects', cost, limits.cost);
    });
  },
  { name: 'graphql', dependencies: ['dataset-version', 'response-cache'] },
);
