// A typed client generated from the OpenAPI document, with openapi-typescript
// (types) and openapi-fetch (a 6 kB fetch wrapper). Paths, parameters and
// response fields are checked by the TypeScript compiler:
//
//   npx openapi-typescript schema/openapi.json -o examples/typed-client/api.d.ts
//   npx tsx examples/typed-client/client.ts FL
//
// API_URL is the service (default http://127.0.0.1:3000).
import createClient from 'openapi-fetch';
import type { paths } from './api.d.ts';

// The JSON shapes: data (collections also answer CSV) and errors (RFC 9457 problem+json).
const client = createClient<paths, 'application/json' | 'application/problem+json'>({
  baseUrl: process.env.API_URL ?? 'http://127.0.0.1:3000',
});
const state = process.argv[2] ?? 'FL';

// Each call is typed: a misspelled path or parameter, or a field the API does not have, fails to compile.
const stats = await client.GET('/v1/stats', { params: { query: { state } } });
if (stats.error) throw new Error(`/v1/stats: ${stats.error.detail ?? stats.response.status}`);
console.log(`${state}: ${stats.data.active_agreements} active agreement(s) as of ${stats.data.as_of}`);

const agreements = await client.GET('/v1/agreements', {
  params: { query: { state, status: 'active', sort: 'agency_name', limit: '100' } },
});
if (agreements.error) throw new Error(`/v1/agreements: ${agreements.error.detail ?? agreements.response.status}`);
for (const agreement of agreements.data.data) {
  console.log(`  ${agreement.agency_name}: ${agreement.model}, signed ${agreement.signed_on ?? '?'}`);
}

const first = agreements.data.data[0];
if (first) {
  const agency = await client.GET('/v1/agencies/{id}', { params: { path: { id: first.agency_id } } });
  if (agency.error)
    throw new Error(`/v1/agencies/${first.agency_id}: ${agency.error.detail ?? agency.response.status}`);
  console.log(
    `${agency.data.data.name} has been listed as: ${agency.data.data.aliases.map((alias) => alias.name).join('; ')}`,
  );
}
