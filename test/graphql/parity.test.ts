// GraphQL serves what REST serves as JSON: every JSON resource of the OpenAPI
// document has its root field in the SDL (a new REST resource without one fails
// here), and the new root fields answer what their REST twins answer, with the
// same filters and cursors.
import { readFileSync } from 'node:fs';
import { buildSchema } from 'graphql';
import t from 'tap';
import { testApp } from '../helpers/app.ts';
import { SEED_LISTS, seedHistory } from '../helpers/fixtures.ts';

const openapi = JSON.parse(readFileSync('schema/openapi.json', 'utf8')) as {
  paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, unknown> }> }>>;
};
const sdl = buildSchema(readFileSync('schema/schema.graphql', 'utf8'));

/** Each REST JSON resource and the GraphQL root field that serves it. */
const ROOT_FIELD_OF: Record<string, string> = {
  '/v1/agreements': 'agreements',
  '/v1/agreements/{id}': 'agreement',
  '/v1/agencies': 'agencies',
  '/v1/agencies/{id}': 'agency',
  '/v1/states': 'states',
  '/v1/states/{code}': 'state',
  '/v1/counties': 'counties',
  '/v1/counties/{fips}': 'county',
  '/v1/models': 'supportModels',
  '/v1/reports': 'oversightReports',
  '/v1/reports/{id}': 'oversightReport',
  '/v1/lists': 'sourceLists',
  '/v1/lists/{id}': 'list',
  '/v1/lists/dates': 'listDates',
  '/v1/changes': 'changes',
  '/v1/stats': 'stats',
  '/v1/stats/timeseries': 'statsTimeseries',
  '/v1/releases': 'releases',
  '/v1/releases/{version}': 'release',
};

/** JSON resources GraphQL deliberately does not serve, and why. */
const NOT_IN_GRAPHQL: Record<string, string> = {
  // GraphQL answers are cached per dataset version; the status changes without the dataset (each check of ICE's page).
  '/v1/status': 'operational freshness, never cached; not data',
};

t.test('every JSON resource of the OpenAPI document has its GraphQL root field', async (t) => {
  const jsonPaths = Object.entries(openapi.paths)
    .filter(([, operations]) =>
      Object.keys(operations.get?.responses?.['200']?.content ?? {}).includes('application/json'),
    )
    .map(([path]) => path)
    .sort();
  t.ok(jsonPaths.length >= 19, `${jsonPaths.length} JSON resources`);
  const rootFields = Object.keys(sdl.getQueryType()!.getFields());
  for (const path of jsonPaths) {
    if (NOT_IN_GRAPHQL[path]) continue;
    const field = ROOT_FIELD_OF[path];
    t.ok(field, `${path} has a GraphQL root field named in this test (add it to the SDL and here)`);
    if (field) t.ok(rootFields.includes(field), `${path} -> Query.${field} is in the SDL`);
  }
  const served = new Set(Object.values(ROOT_FIELD_OF));
  t.same(
    rootFields.filter((field) => !served.has(field) && field !== 'sourceList').sort(),
    [],
    'and every root field has a REST resource',
  );
  for (const [path, field] of Object.entries(ROOT_FIELD_OF))
    t.ok(jsonPaths.includes(path), `${path} (for ${field}) is still a JSON resource of the OpenAPI document`);
});

t.test('the new root fields answer what REST answers', async (t) => {
  const { app, database } = await testApp(t);
  await seedHistory(database.pool, SEED_LISTS);
  await app.dataset.refresh();
  const rest = async (url: string) => (await app.inject({ method: 'GET', url })).json();
  const graphql = async (query: string) => {
    const response = await app.inject({ method: 'POST', url: '/graphql', payload: { query } });
    return response.json() as {
      data: Record<string, any>;
      errors?: { message: string; extensions: Record<string, unknown> }[];
    };
  };

  const counties = await graphql(
    '{ counties(filter: { state: ["TX"] }) { fips name state { code } summary { activeAgreements } } }',
  );
  t.same(
    counties.data.counties.map((county: { fips: string }) => county.fips),
    (await rest('/v1/counties?state=TX')).data.map((county: { fips: string }) => county.fips),
    'counties: the same counties as /v1/counties',
  );

  // The changes feed, paged two at a time: the same events in the same order, and REST's cursor works in GraphQL.
  const restPage = await rest('/v1/changes?limit=2');
  const first = await graphql(
    '{ changes(first: 2) { edges { cursor node { id type occurredOn agencyId agencyName model } } pageInfo { hasNextPage endCursor } } }',
  );
  t.same(
    first.data.changes.edges.map((edge: { node: { id: string } }) => Number(edge.node.id)),
    restPage.data.map((change: { id: number }) => change.id),
  );
  t.equal(first.data.changes.pageInfo.hasNextPage, true);
  const restCursor = new URL(restPage.links.next, 'http://x').searchParams.get('cursor');
  t.equal(first.data.changes.pageInfo.endCursor, restCursor, 'the same cursor as links.next');
  const second = await graphql(`{ changes(first: 2, after: "${restCursor}") { edges { node { id } } } }`);
  t.same(
    second.data.changes.edges.map((edge: { node: { id: string } }) => Number(edge.node.id)),
    (await rest(`/v1/changes?limit=2&cursor=${restCursor}`)).data.map((change: { id: number }) => change.id),
  );
  const filtered = await graphql(
    '{ changes(filter: { state: ["TX"], type: [ENDED] }) { edges { node { agencyName type state } } } }',
  );
  t.same(
    filtered.data.changes.edges.map((edge: { node: unknown }) => edge.node),
    [{ agencyName: "Galveston County Sheriff's Office", type: 'ENDED', state: 'TX' }],
    'filters as in REST',
  );
  const bad = await graphql('{ changes(filter: { since: "2025-13-01" }) { edges { cursor } } }');
  t.ok(bad.errors?.length, 'a bad date is an error');

  const series = await graphql(
    '{ statsTimeseries(interval: MONTH, filter: { state: ["FL"] }) { date activeAgreements pendingAgreements } }',
  );
  const restSeries = await rest('/v1/stats/timeseries?interval=month&state=FL');
  t.same(
    series.data.statsTimeseries,
    restSeries.data.map((point: { date: string; active_agreements: number; pending_agreements: number }) => ({
      date: point.date,
      activeAgreements: point.active_agreements,
      pendingAgreements: point.pending_agreements,
    })),
    'statsTimeseries: the points of /v1/stats/timeseries',
  );
  const refused = await graphql('{ statsTimeseries(filter: { status: [ACTIVE] }) { date } }');
  t.equal(refused.errors?.[0]?.extensions.code, 'BAD_USER_INPUT', 'status is refused, as in REST');

  const releases = await graphql(
    '{ releases(first: 5) { edges { node { version listDate files { name url sha256 } } } pageInfo { hasNextPage } } }',
  );
  const restReleases = await rest('/v1/releases?limit=5');
  t.same(
    releases.data.releases.edges.map((edge: { node: { version: number } }) => edge.node.version),
    restReleases.data.map((release: { version: number }) => release.version),
    'releases: those of /v1/releases',
  );
  if (restReleases.data.length > 0) {
    const version = restReleases.data[0].version;
    const one = await graphql(`{ release(version: ${version}) { version files { name url } } }`);
    t.same(
      one.data.release.files.map((file: { url: string }) => file.url),
      restReleases.data[0].files.map((file: { url: string }) => file.url),
    );
  }
  t.equal((await graphql('{ release(version: 999999) { version } }')).data.release, null, 'an unknown release is null');

  const reports = await graphql('{ oversightReports { id agencies { name state agency { id } } } }');
  t.ok(
    reports.data.oversightReports.some((report: { agencies: unknown[] }) => report.agencies.length > 0),
    'reports with the agencies they name',
  );
});
