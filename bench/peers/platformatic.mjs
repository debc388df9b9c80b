// Platformatic DB's GraphQL (its core: @platformatic/db-core, the mapper every Platformatic DB
// app runs) serving the bench database on Fastify, with its own `where`/`limit` filters and its
// loaders for relations. REST (its OpenAPI side) off: the bench compares GraphQL.
// Usage: DATABASE_URL=… PORT=… node platformatic.mjs
import platformaticDb from '@platformatic/db-core';
import Fastify from 'fastify';

const app = Fastify({ logger: false });
await app.register(platformaticDb, {
  connectionString: process.env.DATABASE_URL,
  poolSize: 10,
  graphql: { graphiql: false },
  openapi: false,
  events: false,
  // Tables the nested query does not touch stay out of its schema (Prisma's bookkeeping among them).
  include: { agencies: true, agreements: true, agreement_events: true, source_lists: true, historical_sources: true, counties: true, states: true, support_models: true },
});
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
console.log('ready');
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => void app.close().finally(() => process.exit(0)));
