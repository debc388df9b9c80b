// The hand-written baseline: Fastify + Mercurius + `pg`, resolvers written for exactly the
// bench's nested query (same document, same answer shape as the service), one DataLoader per
// relation and request, so every level costs one SQL statement. No cache.
// Usage: DATABASE_URL=… PORT=… node mercurius-pg.mjs
import DataLoader from 'dataloader';
import Fastify from 'fastify';
import mercurius from 'mercurius';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
pg.types.setTypeParser(1082, (value) => value); // DATE as 'YYYY-MM-DD', as the service answers

const schema = `
  type Query { agencies(filter: AgencyFilter, first: Int = 20): AgencyConnection! }
  input AgencyFilter { state: [String!] }
  type AgencyConnection { totalCount: Int! edges: [AgencyEdge!]! }
  type AgencyEdge { node: Agency! }
  type Agency { id: ID! name: String! county: County agreements(first: Int = 20): AgreementConnection! }
  type County { fips: String! name: String! }
  type AgreementConnection { edges: [AgreementEdge!]! }
  type AgreementEdge { node: Agreement! }
  type Agreement { id: ID! status: String! signedOn: String model: Model! events: [Event!]! }
  type Model { code: String! }
  type Event { type: String! occurredOn: String! sourceList: SourceList }
  type SourceList { fileName: String }
`;

/** A loader of rows by key: one `= ANY($1)` query per batch, rows grouped back by their key. */
function loader(sql, keyColumn, many) {
  return new DataLoader(async (keys) => {
    const { rows } = await pool.query(sql, [keys]);
    const byKey = new Map();
    for (const row of rows) {
      const key = row[keyColumn];
      if (many) byKey.set(key, [...(byKey.get(key) ?? []), row]);
      else byKey.set(key, row);
    }
    return keys.map((key) => byKey.get(key) ?? (many ? [] : null));
  });
}

function loaders() {
  return {
    county: loader('SELECT fips, name FROM counties WHERE fips = ANY($1)', 'fips', false),
    agreements: loader(
      `SELECT id, agency_id, status, signed_on AS "signedOn", model_code FROM agreements
       WHERE agency_id = ANY($1) ORDER BY agency_id, signed_on DESC NULLS LAST, id`,
      'agency_id',
      true,
    ),
    model: loader('SELECT code FROM support_models WHERE code = ANY($1)', 'code', false),
    events: loader(
      `SELECT agreement_id, type, occurred_on AS "occurredOn", source_list_id FROM agreement_events
       WHERE agreement_id = ANY($1) ORDER BY agreement_id, occurred_on, id`,
      'agreement_id',
      true,
    ),
    sourceList: loader('SELECT id, file_name AS "fileName" FROM source_lists WHERE id = ANY($1)', 'id', false),
  };
}

const resolvers = {
  Query: {
    async agencies(_root, { filter, first }) {
      const states = filter?.state ?? null;
      const [page, total] = await Promise.all([
        pool.query(
          `SELECT id, canonical_name AS name, county_fips FROM agencies
           WHERE ($1::text[] IS NULL OR state_code = ANY($1)) ORDER BY id LIMIT $2`,
          [states, first],
        ),
        pool.query('SELECT count(*)::int AS n FROM agencies WHERE ($1::text[] IS NULL OR state_code = ANY($1))', [states]),
      ]);
      return { totalCount: total.rows[0].n, edges: page.rows.map((node) => ({ node })) };
    },
  },
  Agency: {
    county: (agency, _args, { loaders }) => (agency.county_fips ? loaders.county.load(agency.county_fips) : null),
    agreements: async (agency, { first }, { loaders }) => ({
      edges: (await loaders.agreements.load(agency.id)).slice(0, first).map((node) => ({ node })),
    }),
  },
  Agreement: {
    model: (agreement, _args, { loaders }) => loaders.model.load(agreement.model_code),
    events: (agreement, _args, { loaders }) => loaders.events.load(agreement.id),
  },
  Event: {
    sourceList: (event, _args, { loaders }) => loaders.sourceList.load(event.source_list_id),
  },
};

const app = Fastify({ logger: false });
await app.register(mercurius, { schema, resolvers, jit: 1, context: () => ({ loaders: loaders() }) });
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
console.log('ready');
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => void app.close().then(() => pool.end()).finally(() => process.exit(0)));
