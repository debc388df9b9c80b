// GraphQL on the real app and a real database holding the scripted history
// (test/helpers/fixtures.ts): every root field, the relations both ways,
// asOf, a pagination walk, argument errors, and GraphQL agreeing with REST.
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { buildSchema, getNamedType, type GraphQLObjectType, isObjectType } from 'graphql';
import t from 'tap';
import { AGENCY_READS, AGREEMENT_READS, EVENT_READS } from '../../src/graphql/fields-read.ts';
import { testApp } from '../helpers/app.ts';
import { SEED_FACTS, seedHistory } from '../helpers/fixtures.ts';
import { countQueries } from '../helpers/query-counter.ts';

interface GraphqlResponse<D = any> {
  status: number;
  data?: D;
  errors?: { message: string; path?: string[]; extensions?: Record<string, any> }[];
}

async function gql<D = any>(
  app: FastifyInstance,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GraphqlResponse<D>> {
  const response = await app.inject({ method: 'POST', url: '/graphql', payload: { query, variables } });
  return { status: response.statusCode, ...response.json() };
}

const { app, database } = await testApp(t);
await seedHistory(database.pool);
await app.dataset.refresh();

t.test('agreements: the whole collection, filters and totalCount', async (t) => {
  const all = await gql(
    app,
    '{ agreements(first: 100) { totalCount edges { node { id status } } pageInfo { hasNextPage } } }',
  );
  t.equal(all.status, 200);
  t.notOk(all.errors);
  t.equal(all.data.agreements.totalCount, SEED_FACTS.agreementCount);
  t.equal(all.data.agreements.edges.length, SEED_FACTS.agreementCount);
  t.equal(all.data.agreements.pageInfo.hasNextPage, false);

  const active = await gql(
    app,
    '{ agreements(filter: { status: [ACTIVE] }) { totalCount edges { node { status } } } }',
  );
  t.equal(active.data.agreements.totalCount, SEED_FACTS.asOf['2025-05-15'].active);
  t.ok(active.data.agreements.edges.every((edge: any) => edge.node.status === 'ACTIVE'));

  const florida = await gql(
    app,
    '{ agreements(filter: { state: ["Florida"], status: [ACTIVE] }) { totalCount edges { node { agency { state { code } } } } } }',
  );
  t.equal(florida.data.agreements.totalCount, SEED_FACTS.activeByState.FL, 'a state by name, as REST accepts');
  t.ok(florida.data.agreements.edges.every((edge: any) => edge.node.agency.state.code === 'FL'));

  const taskForce = await gql(app, '{ agreements(filter: { model: [TASK_FORCE], status: [ACTIVE] }) { totalCount } }');
  t.equal(taskForce.data.agreements.totalCount, SEED_FACTS.activeByModel.task_force);

  const harris = await gql(
    app,
    `{ agreements(filter: { countyFips: ["${SEED_FACTS.harrisCountyFips}"] }) { edges { node { agency { name county { fips name } } } } } }`,
  );
  t.same(
    harris.data.agreements.edges.map((edge: any) => edge.node.agency.county.fips),
    [SEED_FACTS.harrisCountyFips],
  );
  t.match(harris.data.agreements.edges[0].node.agency.name, /Houston/);

  const signed = await gql(
    app,
    '{ agreements(filter: { signedFrom: "2025-03-01", signedTo: "2025-03-31" }, orderBy: SIGNED_ON) { edges { node { signedOn } } } }',
  );
  const dates = signed.data.agreements.edges.map((edge: any) => edge.node.signedOn);
  t.ok(dates.length > 0);
  t.ok(dates.every((date: string) => date >= '2025-03-01' && date <= '2025-03-31'));
  t.same(dates, [...dates].sort(), 'orderBy SIGNED_ON sorts ascending');

  const named = await gql(
    app,
    '{ agencies(filter: { q: "houston police" }) { totalCount edges { node { name aliases { name } } } } }',
  );
  t.equal(named.data.agencies.totalCount, 1, 'q matches names, case-insensitively');
  t.same(named.data.agencies.edges[0].node.aliases.map((alias: any) => alias.name).sort(), [
    'City of Houston Police Department',
    'Houston Police Department',
  ]);
});

t.test('asOf: counts and statuses as the lists showed them on a date', async (t) => {
  for (const [date, expected] of Object.entries(SEED_FACTS.asOf)) {
    const result = await gql(
      app,
      `{
      stats(asOf: "${date}") { asOf activeAgreements pendingAgreements endedAgreements }
      pending: agreements(asOf: "${date}", filter: { status: [PENDING] }) { totalCount edges { node { status } } }
    }`,
    );
    t.notOk(result.errors, date);
    t.same(
      result.data.stats,
      {
        asOf: date,
        activeAgreements: expected.active,
        pendingAgreements: expected.pending,
        endedAgreements: expected.ended,
      },
      date,
    );
    t.equal(result.data.pending.totalCount, expected.pending, `pending on ${date}`);
    t.ok(result.data.pending.edges.every((edge: any) => edge.node.status === 'PENDING'));
  }
  // Lubbock was pending on March 15 and active after April 1: nested objects answer for the query's date.
  const lubbock = await gql(
    app,
    `{
    before: agencies(asOf: "2025-03-15", filter: { q: "Lubbock" }) { edges { node { activeAgreements pendingAgreements agreements { edges { node { status agency { pendingAgreements } } } } } } }
    after: agencies(asOf: "2025-04-15", filter: { q: "Lubbock" }) { edges { node { activeAgreements pendingAgreements agreements { edges { node { status } } } } } }
  }`,
  );
  const before = lubbock.data.before.edges[0].node;
  const after = lubbock.data.after.edges[0].node;
  t.same([before.activeAgreements, before.pendingAgreements], [0, 1]);
  t.same(
    before.agreements.edges.map((edge: any) => edge.node.status),
    ['PENDING'],
  );
  t.equal(before.agreements.edges[0].node.agency.pendingAgreements, 1, 'asOf travels down to the agreement’s agency');
  t.same([after.activeAgreements, after.pendingAgreements], [1, 0]);
  t.same(
    after.agreements.edges.map((edge: any) => edge.node.status),
    ['ACTIVE'],
  );

  const before2025 = await gql(
    app,
    '{ stats(asOf: "2020-01-01") { activeAgreements } agreements(asOf: "2020-01-01") { totalCount } }',
  );
  t.same(
    before2025.data,
    { stats: { activeAgreements: 0 }, agreements: { totalCount: 0 } },
    'nothing before the first list',
  );
});

t.test('pagination: walking pages with after visits every row once, in order', async (t) => {
  for (const [field, size, total] of [
    ['agreements', 3, SEED_FACTS.agreementCount],
    ['agencies', 2, SEED_FACTS.agencyCount],
  ] as const) {
    const whole = await gql(app, `{ ${field}(first: 100) { edges { node { id } } } }`);
    const expected = whole.data[field].edges.map((edge: any) => edge.node.id);
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page: GraphqlResponse = await gql(
        app,
        `query ($after: String) { ${field}(first: ${size}, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      t.notOk(page.errors);
      const connection = page.data[field];
      seen.push(...connection.edges.map((edge: any) => edge.node.id));
      t.equal(
        connection.pageInfo.endCursor,
        connection.edges.at(-1)?.cursor ?? null,
        'endCursor is the last edge’s cursor',
      );
      pages++;
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    t.equal(seen.length, total, `${field}: every row`);
    t.same(seen, expected, `${field}: same order as one big page`);
    t.equal(pages, Math.ceil(total / size), `${field}: ${pages} pages`);
  }
  // A cursor from the middle of a page resumes right after that edge.
  const page = await gql(app, '{ agreements(first: 4) { edges { cursor node { id } } } }');
  const resumed = await gql(
    app,
    `{ agreements(first: 2, after: "${page.data.agreements.edges[1].cursor}") { edges { node { id } } } }`,
  );
  t.same(
    resumed.data.agreements.edges.map((edge: any) => edge.node.id),
    page.data.agreements.edges.slice(2, 4).map((edge: any) => edge.node.id),
  );

  // Nested connections page too.
  const collier = await gql(
    app,
    '{ agencies(filter: { q: "Collier" }) { edges { node { agreements(first: 2) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } } } } }',
  );
  const first = collier.data.agencies.edges[0].node.agreements;
  t.equal(first.totalCount, 3);
  t.equal(first.edges.length, 2);
  t.equal(first.pageInfo.hasNextPage, true);
  const rest = await gql(
    app,
    `{ agencies(filter: { q: "Collier" }) { edges { node { agreements(first: 2, after: "${first.pageInfo.endCursor}") { edges { node { id } } pageInfo { hasNextPage } } } } } }`,
  );
  const second = rest.data.agencies.edges[0].node.agreements;
  t.equal(second.edges.length, 1);
  t.equal(second.pageInfo.hasNextPage, false);
  t.notOk(first.edges.some((edge: any) => edge.node.id === second.edges[0].node.id));
});

t.test('relations, both ways', async (t) => {
  // agency → agreements → events → source list; agreement → agency, model, supersedes
  const collier = await gql(
    app,
    `{ agencies(filter: { q: "Collier" }) { edges { node {
    id name type level locationMethod models state { code name } county { fips name state { code } }
    agreements(filter: { model: [TASK_FORCE] }) { edges { node {
      id status signedOn model { code name } agency { id } supersedes { id status }
      events { type occurredOn details sourceList { listDate kind status fileName } agreement { id } }
    } } }
  } } } }`,
  );
  t.notOk(collier.errors);
  const agency = collier.data.agencies.edges[0].node;
  t.match(agency, {
    type: 'SHERIFFS_OFFICE',
    level: 'COUNTY',
    state: { code: 'FL', name: 'Florida' },
    county: { fips: SEED_FACTS.collierCountyFips, state: { code: 'FL' } },
  });
  t.same(agency.models, ['JAIL_ENFORCEMENT', 'TASK_FORCE']);
  const agreements = agency.agreements.edges.map((edge: any) => edge.node);
  t.equal(agreements.length, 2, 'the renewed task force agreement and the one it replaced');
  const renewed = agreements.find((agreement: any) => agreement.signedOn === '2025-03-15');
  const replaced = agreements.find((agreement: any) => agreement.signedOn === '2025-02-20');
  t.match(renewed, {
    status: 'ACTIVE',
    model: { code: 'TASK_FORCE', name: 'Task Force Model' },
    agency: { id: agency.id },
    supersedes: { id: replaced.id },
  });
  t.ok(renewed.events.length > 0);
  for (const event of [...renewed.events, ...replaced.events]) {
    t.match(event.sourceList, { kind: 'PARTICIPATING', status: 'APPLIED', fileName: /^participatingAgencies/ });
    t.ok(event.agreement.id === renewed.id || event.agreement.id === replaced.id, 'event → agreement');
  }
  t.ok(
    replaced.events.some((event: any) => event.type === 'RENEWED' || event.type === 'ENDED'),
    'the replaced agreement records its end',
  );

  // state → counties → agencies; county → state
  const texas = await gql(
    app,
    `{ state(code: "Texas") { code fips name isTerritory summary { activeAgreements pendingAgreements endedAgreements activeAgencies byModel { model count } }
    counties { fips name agencies { name } } } }`,
  );
  t.notOk(texas.errors);
  t.match(texas.data.state, { code: 'TX', fips: '48', name: 'Texas', isTerritory: false });
  t.equal(texas.data.state.summary.activeAgreements, SEED_FACTS.activeByState.TX);
  const harris = texas.data.state.counties.find((county: any) => county.fips === SEED_FACTS.harrisCountyFips);
  t.ok(texas.data.state.counties.length > 250, 'every Texas county');
  t.match(harris.agencies, [{ name: /Houston/ }]);
  const county = await gql(
    app,
    `{ county(fips: "${SEED_FACTS.harrisCountyFips}") { name state { code } summary { activeAgreements } agencies { id agreements { totalCount } } } }`,
  );
  t.match(county.data.county, {
    state: { code: 'TX' },
    summary: { activeAgreements: 1 },
    agencies: [{ agreements: { totalCount: 1 } }],
  });
  t.equal((await gql(app, '{ county(fips: "99999") { name } }')).data.county, null);

  // report → agencies → agency, and agency → reports. A report names an agency; link one to a seeded agency.
  await database.pool.query(
    `INSERT INTO oversight_report_agencies (report_id, agency_name, state_code, agency_id)
     SELECT id, 'Collier County Sheriff''s Office', 'FL', $1 FROM oversight_reports ORDER BY id LIMIT 1`,
    [agency.id],
  );
  const reports = await gql(
    app,
    `{ oversightReports { id title issuer models { code } recommendations { number text } agencies { name state agency { id name } } } }`,
  );
  t.notOk(reports.errors);
  t.ok(reports.data.oversightReports.length >= 10);
  const linked = reports.data.oversightReports.find((report: any) =>
    report.agencies.some((named: any) => named.agency?.id === agency.id),
  );
  t.ok(linked, 'report → agencies → the agency');
  t.ok(
    reports.data.oversightReports.some((report: any) => report.recommendations.length > 0),
    'recommendations',
  );
  const back = await gql(app, `{ agency(id: "${agency.id}") { reports { id } } }`);
  t.same(back.data.agency.reports, [{ id: linked.id }], 'agency → reports');
  const one = await gql(
    app,
    `{ oversightReport(id: "${linked.id}") { id title } missing: oversightReport(id: "NOPE-1") { id } }`,
  );
  t.same(one.data, { oversightReport: { id: linked.id, title: linked.title }, missing: null });
});

t.test('events read only the fields asked, and every field asked comes whole, on both paths', async (t) => {
  // What the database holds for every event of Collier's agreements, written here in SQL (not through the app).
  const stored = await database.pool.query<{ id: string; type: string; occurred_on: string; details: object }>(
    `SELECT e.agreement_id AS id, e.type::text AS type, to_char(e.occurred_on, 'YYYY-MM-DD') AS occurred_on, e.details
     FROM agreement_events e JOIN agreements a ON a.id = e.agreement_id JOIN agencies g ON g.id = a.agency_id
     WHERE g.canonical_name ILIKE '%Collier%' ORDER BY e.agreement_id, e.occurred_on, e.id`,
  );
  t.ok(
    stored.rows.some((row) => Object.keys(row.details).length > 0),
    `${stored.rows.length} events, some with details`,
  );
  const expected = (fields: ('type' | 'occurred_on' | 'details')[]) =>
    stored.rows.map((row) => ({ id: row.id, ...Object.fromEntries(fields.map((field) => [field, row[field]])) }));
  const eventsOf = (agencies: any[]) =>
    agencies.flatMap((agency) =>
      agency.agreements.edges.flatMap(({ node }: any) =>
        node.events.map((event: any) => ({
          id: node.id,
          ...(event.type ? { type: event.type.toLowerCase() } : {}),
          ...(event.occurredOn ? { occurred_on: event.occurredOn } : {}),
          ...(event.details ? { details: event.details } : {}),
        })),
      ),
    );
  const counter = countQueries(database.pool);
  const statementsOf = async (query: string) => {
    counter.texts.length = 0;
    const result = await gql(app, query);
    t.notOk(result.errors, `no errors: ${JSON.stringify(result.errors)}`);
    return { result, sql: counter.texts.join('\n') };
  };

  // With the page of agencies (one statement): the type and date only; then details too, asked through a fragment.
  const narrow = await statementsOf(`{ agencies(filter: { q: "Collier" }) { edges { node {
    agreements { edges { node { id events { type occurredOn } } } } } } } }`);
  t.same(eventsOf(narrow.result.data.agencies.edges.map((edge: any) => edge.node)), expected(['type', 'occurred_on']));
  t.notMatch(narrow.sql, /e\.details/, 'details not asked: not read');
  const whole = await statementsOf(`fragment Facts on AgreementEvent { details }
    { agencies(filter: { q: "Collier" }) { edges { node {
    agreements { edges { node { id events { type ...Facts } } } } } } } }`);
  t.same(eventsOf(whole.result.data.agencies.edges.map((edge: any) => edge.node)), expected(['type', 'details']));
  t.match(whole.sql, /e\.details/, 'details asked: read');

  // Through Agency.agreements' own loader (an agency reached by id): the same answers.
  const { id } = (await gql(app, '{ agencies(filter: { q: "Collier" }) { edges { node { id } } } }')).data.agencies
    .edges[0].node;
  const byId = (events: string) =>
    statementsOf(
      `query { agency(id: ${JSON.stringify(id)}) { agreements { edges { node { id events { ${events} } } } } } }`,
    );
  const withDetails = await byId('occurredOn details');
  t.same(eventsOf([withDetails.result.data.agency]), expected(['occurred_on', 'details']));
  const withoutDetails = await byId('occurredOn');
  t.same(eventsOf([withoutDetails.result.data.agency]), expected(['occurred_on']));
  t.notMatch(withoutDetails.sql, /e\.details/, 'details not asked: not read');
});

t.test('a page of agencies reads only the fields asked, and answers every field as the lookups by id do', async (t) => {
  const schema = buildSchema(await readFile('schema/schema.graphql', 'utf8'));
  const fieldsOf = (type: string) => (schema.getType(type) as GraphQLObjectType).getFields();
  // Every field of the three types read in the page's statement is listed in fields-read.ts, with what it reads.
  for (const [type, reads] of [
    ['Agency', AGENCY_READS],
    ['Agreement', AGREEMENT_READS],
    ['AgreementEvent', EVENT_READS],
  ] as const)
    t.same(Object.keys(reads).sort(), Object.keys(fieldsOf(type)).sort(), `${type}: each field's record fields listed`);

  // Every field of each type, as the schema has them (so a field added later is asked too): a related object by its key.
  const selection = (type: string, nested: Record<string, string> = {}): string =>
    Object.values(fieldsOf(type))
      .map((field) => {
        if (nested[field.name]) return `${field.name} ${nested[field.name]}`;
        const named = getNamedType(field.type);
        if (!isObjectType(named)) return field.name;
        const key = ['id', 'code', 'fips'].find((name) => name in named.getFields());
        return `${field.name} { ${key ?? '__typename'} }`;
      })
      .join(' ');
  const agreement = selection('Agreement', { events: `{ ${selection('AgreementEvent')} }` });
  const agency = selection('Agency', { agreements: `{ totalCount edges { node { ${agreement} } } }` });
  const counter = countQueries(database.pool);
  counter.texts.length = 0;
  const page = await gql(app, `{ agencies(filter: { state: ["FL"] }) { edges { node { ${agency} } } } }`);
  t.notOk(page.errors, JSON.stringify(page.errors));
  const agencies = page.data.agencies.edges.map((edge: any) => edge.node);
  t.ok(
    agencies.some((node: any) => node.agreements.edges.some((edge: any) => edge.node.events.length > 1)),
    `${agencies.length} Florida agencies, with agreements and events`,
  );
  t.equal(
    counter.texts.filter((text) => /agreement_events/.test(text)).length,
    1,
    'agencies, agreements and events: one statement',
  );
  for (const node of agencies) {
    const alone = await gql(app, `query ($id: ID!) { agency(id: $id) { ${agency} } }`, { id: node.id });
    t.same(node, alone.data.agency, `${node.id}: every field as agency(id) answers it`);
  }

  // Asked for a few fields, the statement reads those and no other.
  counter.texts.length = 0;
  const narrow = await gql(
    app,
    '{ agencies(filter: { state: ["FL"] }) { edges { node { name agreements { edges { node { status events { type } } } } } } } }',
  );
  t.notOk(narrow.errors);
  const sql = counter.texts.join('\n');
  for (const column of ['fbi_population', 'ori_match', 'moa_url', 'first_listed_on', 'source_row', 'agency_name'])
    t.notMatch(sql, new RegExp(`\\b${column}\\b`), `${column} not asked: not read`);
  t.same(
    narrow.data.agencies.edges.map((edge: any) => edge.node.name),
    agencies.map((node: any) => node.name),
    'the same agencies',
  );
});

t.test('the other root fields', async (t) => {
  const result = await gql(
    app,
    `{
    states { code summary { activeAgreements } }
    supportModels { code name description summary { activeAgreements } }
    sourceLists { id kind listDate status rowCount sha256 }
    applied: sourceLists(status: [APPLIED], kind: [PENDING]) { kind status }
    agreement(id: "nope") { id }
  }`,
  );
  t.notOk(result.errors);
  t.ok(result.data.states.length >= 50);
  t.equal(
    result.data.states.find((state: any) => state.code === 'FL').summary.activeAgreements,
    SEED_FACTS.activeByState.FL,
  );
  t.same(result.data.supportModels.map((model: any) => model.code).sort(), [
    'JAIL_AND_TASK_FORCE',
    'JAIL_ENFORCEMENT',
    'TASK_FORCE',
    'UNSTATED',
    'WARRANT_SERVICE_OFFICER',
  ]);
  t.equal(
    result.data.supportModels.find((model: any) => model.code === 'TASK_FORCE').summary.activeAgreements,
    SEED_FACTS.activeByModel.task_force,
  );
  t.equal(result.data.sourceLists.length, 5);
  t.equal(result.data.applied.length, 2);
  t.ok(result.data.applied.every((list: any) => list.kind === 'PENDING' && list.status === 'APPLIED'));
  t.equal(result.data.agreement, null);

  const list = result.data.sourceLists[0];
  const byId = await gql(
    app,
    `{ sourceList(id: "${list.id}") { id listDate } agreements(first: 1, orderBy: ID) { edges { node { id } } } }`,
  );
  t.same(byId.data.sourceList, { id: list.id, listDate: list.listDate });
  const id = byId.data.agreements.edges[0].node.id;
  const agreement = await gql(app, `{ agreement(id: "${id}") { id agency { id } } agency(id: "nope") { id } }`);
  t.equal(agreement.data.agreement.id, id);
  t.equal(agreement.data.agency, null);

  const stats = await gql(
    app,
    '{ stats { asOf activeAgreements pendingAgreements activeAgencies byModel { model count } byState { state count } } }',
  );
  t.equal(stats.data.stats.asOf, SEED_FACTS.latestListDate);
  t.same(
    stats.data.stats.byState,
    Object.entries(SEED_FACTS.activeByState).map(([state, count]) => ({ state, count })),
  );
  t.same(
    stats.data.stats.byModel,
    Object.entries(SEED_FACTS.activeByModel)
      .map(([model, count]) => ({ model: model.toUpperCase(), count }))
      .sort((a, b) => a.model.localeCompare(b.model)),
  );
});

t.test('bad arguments are BAD_USER_INPUT errors naming the argument, never internals', async (t) => {
  const cases: [string, string, RegExp][] = [
    ['{ agreements(filter: { state: ["Narnia"] }) { totalCount } }', 'filter.state', /unknown state "Narnia"/],
    ['{ agreements(asOf: "2025-13-45") { totalCount } }', 'asOf', /not a date/],
    ['{ agreements(filter: { signedFrom: "yesterday" }) { totalCount } }', 'filter.signedFrom', /not a date/],
    [
      '{ agreements(filter: { signedFrom: "2025-05-01", signedTo: "2025-01-01" }) { totalCount } }',
      'filter.signedTo',
      /before/,
    ],
    ['{ agreements(after: "not-a-cursor") { totalCount } }', 'after', /not a cursor/],
    ['{ agreements(first: 5000) { totalCount } }', 'first', /between 1 and 1000, got 5000/],
    ['{ agreements(first: 0) { totalCount } }', 'first', /between 1 and 1000/],
    ['{ agencies(filter: { countyFips: ["123"] }) { totalCount } }', 'filter.countyFips', /5-digit/],
    ['{ stats(filter: { status: [ACTIVE] }) { activeAgreements } }', 'filter.status', /not a filter/],
    ['{ state(code: "Narnia") { code } }', 'code', /unknown state/],
    ['{ county(fips: "12") { name } }', 'fips', /5-digit/],
    ['{ sourceList(id: "abc") { id } }', 'id', /not a source list id/],
    ['{ agencies { edges { node { agreements(first: 0) { totalCount } } } } }', 'first', /between 1 and 1000/],
    ['{ agencies { edges { node { agreements(after: "zzz") { totalCount } } } } }', 'after', /not a cursor/],
    ['{ agencies(filter: { q: "a\\u0000b" }) { totalCount } }', 'filter.q', /contains a NUL character/],
  ];
  for (const [query, param, message] of cases) {
    const result = await gql(app, query);
    t.equal(result.status, 200, query);
    t.ok(result.errors && result.errors.length > 0, `${query} fails`);
    for (const error of result.errors ?? []) {
      t.match(error, { message, extensions: { code: 'BAD_USER_INPUT', param } }, query);
      t.notMatch(error.message, /SELECT|at .*\.ts|pg_|relation/, 'no internals');
    }
  }
  // A cursor issued for another order says so.
  const page = await gql(app, '{ agreements(first: 1, orderBy: ID) { pageInfo { endCursor } } }');
  const mismatch = await gql(app, `{ agreements(after: "${page.data.agreements.pageInfo.endCursor}") { totalCount } }`);
  t.match(mismatch.errors?.[0], {
    extensions: { code: 'BAD_USER_INPUT', param: 'after' },
    message: /issued for sort=id/,
  });

  // Enum and syntax mistakes are caught by GraphQL itself, with their own codes.
  const badEnum = await gql(app, '{ agreements(filter: { status: [SIGNED] }) { totalCount } }');
  t.equal(badEnum.status, 400);
  t.match(badEnum.errors?.[0], { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
  const syntax = await gql(app, '{ agreements( { totalCount } }');
  t.equal(syntax.status, 400);
  t.match(syntax.errors?.[0], { extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
  const unknownField = await gql(app, '{ agreements { nope } }');
  t.match(unknownField.errors?.[0], {
    message: /Cannot query field "nope"/,
    extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
  });
});

t.test('REST and GraphQL agree on the same questions, and with what the fixture holds', async (t) => {
  // The expected answers come from the fixture (SEED_FACTS, the comment of helpers/fixtures.ts) or from SQL
  // written here, never from the repository functions both APIs call: a bug there must fail this test.
  const ids = async (sql: string) => (await database.pool.query<{ id: string }>(sql)).rows.map((row) => row.id).sort();
  const agreementsOf = `SELECT a.id FROM agreements a JOIN agencies g ON g.id = a.agency_id`;
  const questions: { rest: string; filter: string; expected: string[]; count?: number }[] = [
    { rest: '', filter: '', expected: await ids(`SELECT id FROM agreements`), count: SEED_FACTS.agreementCount },
    {
      rest: 'state=FL',
      filter: 'filter: { state: ["FL"] }',
      expected: await ids(`${agreementsOf} WHERE g.state_code::text = 'FL'`),
      count: 4,
    },
    {
      rest: 'status=active&model=task_force',
      filter: 'filter: { status: [ACTIVE], model: [TASK_FORCE] }',
      expected: await ids(
        `SELECT id FROM agreements WHERE status::text = 'active' AND model_code::text = 'task_force'`,
      ),
      count: SEED_FACTS.activeByModel.task_force,
    },
    {
      // On 2025-03-15 Lubbock's and Cobb's applications were pending (Lubbock's is active now).
      rest: 'as_of=2025-03-15&status=pending',
      filter: 'asOf: "2025-03-15", filter: { status: [PENDING] }',
      expected: await ids(
        `${agreementsOf} WHERE g.canonical_name IN ('Lubbock County Sheriff''s Office', 'Cobb County Sheriff''s Office')`,
      ),
      count: SEED_FACTS.asOf['2025-03-15'].pending,
    },
    {
      // Houston PD (2025-02-28) and Lubbock SO (2025-03-20); not Galveston (2024-05-01).
      rest: 'state=TX&signed_from=2025-01-01',
      filter: 'filter: { state: ["48"], signedFrom: "2025-01-01" }',
      expected: await ids(`${agreementsOf} WHERE g.state_code::text = 'TX' AND a.signed_on >= '2025-01-01'`),
      count: 2,
    },
  ];
  for (const question of questions) {
    const name = question.rest || 'all';
    t.equal(question.expected.length, question.count, `${name}: the fixture holds ${question.count}`);
    const graphql = await gql(
      app,
      `{ agreements(first: 1000${question.filter ? `, ${question.filter}` : ''}) { totalCount edges { node { id } } } }`,
    );
    const graphqlIds = graphql.data.agreements.edges.map((edge: any) => edge.node.id).sort();
    t.equal(graphql.data.agreements.totalCount, question.expected.length, `GraphQL totalCount: ${name}`);
    t.same(graphqlIds, question.expected, `GraphQL agreements: ${name}`);

    const rest = await app.inject({
      method: 'GET',
      url: `/v1/agreements?include_total=true&limit=1000${question.rest ? `&${question.rest}` : ''}`,
    });
    t.equal(rest.statusCode, 200, `REST answers: ${name}`);
    const body = rest.json();
    t.equal(body.meta.total_count, question.expected.length, `REST total_count: ${name}`);
    t.same(body.data.map((row: any) => row.id).sort(), question.expected, `REST rows: ${name}`);
  }

  for (const date of [undefined, ...Object.keys(SEED_FACTS.asOf)] as (keyof typeof SEED_FACTS.asOf | undefined)[]) {
    // Now is after the last list (2025-05-01): the same as 2025-05-15.
    const facts = SEED_FACTS.asOf[date ?? '2025-05-15'];
    const graphql = await gql(
      app,
      `{ stats${date ? `(asOf: "${date}")` : ''} { asOf activeAgreements pendingAgreements endedAgreements byState { state count } } }`,
    );
    t.same(
      [graphql.data.stats.activeAgreements, graphql.data.stats.pendingAgreements, graphql.data.stats.endedAgreements],
      [facts.active, facts.pending, facts.ended],
      `GraphQL stats ${date ?? 'now'}: the fixture's counts`,
    );
    const rest = await app.inject({ method: 'GET', url: `/v1/stats${date ? `?as_of=${date}` : ''}` });
    const data = rest.json();
    t.same(
      [data.active_agreements, data.pending_agreements, data.ended_agreements],
      [facts.active, facts.pending, facts.ended],
      `REST /v1/stats ${date ?? 'now'}: the fixture's counts`,
    );
    t.equal(graphql.data.stats.asOf, data.as_of, `the same date: ${date ?? 'now'}`);
    t.same(
      Object.fromEntries(graphql.data.stats.byState.map((row: any) => [row.state, row.count])),
      data.by_state,
      `by state, both APIs: ${date ?? 'now'}`,
    );
  }
  const now = await gql(app, '{ stats { byState { state count } } }');
  t.same(
    Object.fromEntries(now.data.stats.byState.map((row: any) => [row.state, row.count])),
    SEED_FACTS.activeByState,
    "active agreements by state now: the fixture's",
  );
});

t.test('errors keep their code when the query is compiled (repeated) and internals never leak', async (t) => {
  // The third run of a document goes through the compiled (JIT) path.
  for (let run = 0; run < 3; run++) {
    const result = await gql(app, '{ agreements(filter: { state: ["Narnia"] }) { totalCount } }');
    t.match(result.errors?.[0], { extensions: { code: 'BAD_USER_INPUT', param: 'filter.state' } }, `run ${run + 1}`);
  }
  // A database failure (here: a table gone) is logged and answered without its message.
  await database.pool.query('ALTER TABLE agreement_events RENAME TO agreement_events_away');
  t.teardown(() => database.pool.query('ALTER TABLE agreement_events_away RENAME TO agreement_events'));
  for (let run = 0; run < 3; run++) {
    const result = await gql(app, '{ agreements(first: 2) { edges { node { id events { type } } } } }');
    // Execution errors answer 200 (GraphQL over HTTP); non-null fields carry the null up to data.
    t.equal(result.status, 200);
    t.ok(result.errors && result.errors.length > 0);
    for (const error of result.errors ?? []) {
      t.match(error, {
        message: 'an internal error occurred; it has been logged',
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      });
      t.notMatch(JSON.stringify(error), /agreement_events|relation|does not exist/);
    }
  }
});
