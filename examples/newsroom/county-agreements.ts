// The agencies in a county and their 287(g) agreements, as a newsroom app
// would show them: each agency with its agreements, model, status and dates.
//
//   npx tsx examples/newsroom/county-agreements.ts 48201     # Harris County, TX
//
// Plain fetch (Node 20+), no client library. API_URL is the service
// (default http://127.0.0.1:3000).
const api = process.env.API_URL ?? 'http://127.0.0.1:3000';
const fips = process.argv[2];
if (!fips || !/^\d{5}$/.test(fips)) {
  console.error('usage: county-agreements.ts COUNTY_FIPS (5 digits, e.g. 48201)');
  process.exit(2);
}

interface Agreement {
  id: string;
  agency_id: string;
  agency_name: string;
  model: string;
  // ended: a signed agreement that ended; withdrawn: an application that left the pending list unsigned.
  status: 'pending' | 'active' | 'ended' | 'withdrawn';
  signed_on: string | null;
  ended_on: string | null;
}

async function get<T>(path: string): Promise<T> {
  const response = await fetch(new URL(path, api));
  // Errors are RFC 9457 problem+json: the detail says what was wrong.
  if (!response.ok)
    throw new Error(`${path}: ${response.status} ${((await response.json()) as { detail?: string }).detail ?? ''}`);
  return (await response.json()) as T;
}

// The county itself (name, state), then every agreement of its agencies, page by page.
const county = await get<{ data: { name: string; state: string } }>(`/v1/counties/${fips}`);
const agreements: Agreement[] = [];
for (let next: string | null = `/v1/agreements?county_fips=${fips}&sort=agency_name&limit=200`; next; ) {
  const page: { data: Agreement[]; links: { next: string | null } } = await get(next);
  agreements.push(...page.data);
  next = page.links.next;
}

console.log(`${county.data.name}, ${county.data.state}: ${agreements.length} agreement(s)`);
const byAgency = new Map<string, Agreement[]>();
for (const agreement of agreements)
  byAgency.set(agreement.agency_name, [...(byAgency.get(agreement.agency_name) ?? []), agreement]);
for (const [agency, held] of byAgency) {
  console.log(agency);
  for (const agreement of held) {
    // ended_on is the first list that no longer showed it; a historical agreement has none (its end is a window).
    const dates =
      agreement.status === 'withdrawn'
        ? `applied, never signed; withdrawn ${agreement.ended_on ?? '(date unknown)'}`
        : agreement.ended_on
          ? `signed ${agreement.signed_on ?? '?'}, ended ${agreement.ended_on}`
          : `signed ${agreement.signed_on ?? '(pending)'}`;
    console.log(`  ${agreement.model.padEnd(24)} ${agreement.status.padEnd(9)} ${dates}`);
  }
}
