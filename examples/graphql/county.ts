// The GraphQL query of county.graphql from TypeScript: the document read from
// its file, sent with plain fetch (any GraphQL client sends the same POST).
//
//   npx tsx examples/graphql/county.ts 12021        # Collier County, FL
//
// API_URL is the service (default http://127.0.0.1:3000).
import { readFileSync } from 'node:fs';

const api = process.env.API_URL ?? 'http://127.0.0.1:3000';
const fips = process.argv[2];
if (!fips || !/^\d{5}$/.test(fips)) {
  console.error('usage: county.ts COUNTY_FIPS (5 digits, e.g. 12021)');
  process.exit(2);
}

interface CountyAnswer {
  county: {
    name: string;
    state: { code: string };
    summary: {
      activeAgreements: number;
      pendingAgreements: number;
      endedAgreements: number;
      withdrawnAgreements: number;
    };
    agencies: {
      name: string;
      agreements: {
        edges: { node: { model: { name: string }; status: string; signedOn: string | null; endedOn: string | null } }[];
      };
    }[];
  } | null;
}

const query = readFileSync(new URL('./county.graphql', import.meta.url), 'utf8');
const response = await fetch(new URL('/graphql', api), {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ query, variables: { fips } }),
});
const { data, errors } = (await response.json()) as { data?: CountyAnswer; errors?: { message: string }[] };
// GraphQL answers 200 with errors for a bad argument: each says what was wrong.
if (errors?.length || !data) {
  for (const error of errors ?? [{ message: `HTTP ${response.status}` }]) console.error(`error: ${error.message}`);
  process.exit(1);
}
const county = data.county;
if (!county) {
  console.error(`no county ${fips}`);
  process.exit(1);
}
const { summary } = county;
console.log(
  `${county.name}, ${county.state.code}: ${summary.activeAgreements} active, ${summary.pendingAgreements} pending, ${summary.endedAgreements} ended, ${summary.withdrawnAgreements} withdrawn`,
);
for (const agency of county.agencies) {
  for (const { node } of agency.agreements.edges) {
    console.log([agency.name, node.model.name, node.status, node.signedOn ?? '', node.endedOn ?? ''].join('\t'));
  }
}
