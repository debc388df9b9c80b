// The bench's ceilings and baseline, in a process of their own:
//   GET|POST /bare/:name       a response the service gave, its headers and body (ceiling: Fastify with nothing to
//                              compute but the request's JSON body, for a POST),
//   GET|POST /bare-body/:name  its body alone, with Fastify's own headers (and Content-Encoding when it is compressed),
//   GET /sql         one hand-written SQL per request (the miss baseline of REST collections).
// Usage: DATABASE_URL=… PORT=… BARE_DIR=dir-of-{name}.body+{name}.type node --import tsx bench/servers/bare.ts
import Fastify from 'fastify';
import pg from 'pg';
import { readStoredAnswers } from './stored-answers.ts';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
pg.types.setTypeParser(1082, (value) => value);

const responses = await readStoredAnswers(process.env.BARE_DIR!);

const app = Fastify({ logger: false });
/**
 * A bare route answering each stored response with `headersOf(response)`, to GET and to POST: a POST answer is
 * compared with a bare route that receives the same request (its JSON body parsed).
 */
function bareRoute(url: string, headersOf: (response: { headers: Record<string, string> }) => Record<string, string>) {
  app.route<{ Params: { name: string } }>({
    method: ['GET', 'POST'],
    url,
    handler: async (request, reply) => {
      const response = responses.get(request.params.name);
      if (!response) return reply.code(404).send();
      return reply.headers(headersOf(response)).type(response.type).send(response.body);
    },
  });
}
bareRoute('/bare/:name', (response) => response.headers);
// A compressed body says so (the one header it cannot do without); nothing else but Fastify's own.
bareRoute(
  '/bare-body/:name',
  ({ headers: { 'content-encoding': coding } }): Record<string, string> =>
    coding ? { 'content-encoding': coding } : {},
);
// The same rows and fields as /v1/agreements?state=…&status=active&limit=50, written by hand: one statement, prepared.
app.get<{ Querystring: { state?: string } }>('/sql', async (request) => {
  const { rows } = await pool.query({
    name: 'agreements-by-state',
    text: `SELECT a.id, a.agency_id, g.canonical_name AS agency_name, g.type AS agency_type, g.level AS agency_level,
             g.state_code AS state, g.county_fips, a.model_code AS model, a.status, a.signed_on, a.first_listed_on,
             a.last_listed_on, a.ended_on, a.moa_url, a.addendum_url, a.supersedes_id, a.origin, a.ended_after,
             a.ended_before, a.updated_at
           FROM agreements a JOIN agencies g ON g.id = a.agency_id
           WHERE g.state_code = $1 AND a.status = 'active' ORDER BY a.id LIMIT 50`,
    values: [request.query.state ?? 'FL'],
  });
  return { data: rows };
});
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
console.log('ready');
for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.on(
    signal,
    () =>
      void app
        .close()
        .then(() => pool.end())
        .finally(() => process.exit(0)),
  );
