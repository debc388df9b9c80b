// What a public GraphQL endpoint must refuse, and what it must stay cheap at:
// deep nesting, 1,000 aliases, huge `first`, big batches and slow queries are
// rejected saying which limit and by how much; 100 agencies with their
// agreements, events and counties cost a handful of SQL queries, as many as 10.
import Fastify, { type FastifyInstance } from 'fastify';
import t from 'tap';
import { loadConfig } from '../../src/config.ts';
import { DEFAULT_LIMITS } from '../../src/graphql/limits.ts';
import { graphqlPlugin } from '../../src/graphql/plugin.ts';
import { datasetVersionPlugin } from '../../src/plugins/app/dataset-version.ts';
import { responseCachePlugin } from '../../src/cache/plugin.ts';
import { testApp } from '../helpers/app.ts';
import { PARTICIPATING_COLUMNS, seedHistory } from '../helpers/fixtures.ts';
import { countQueries } from '../helpers/query-counter.ts';

interface GraphqlResponse {
  status: number;
  data?: any;
  errors?: { message: string; extensions?: Record<string, any> }[];
}

async function gql(app: FastifyInstance, query: string, variables?: Record<string, unknown>): Promise<GraphqlResponse> {
  const response = await app.inject({ method: 'POST', url: '/graphql', payload: { query, variables } });
  return { status: response.statusCode, ...response.json() };
}

const { app, database } = await testApp(t);

t.test('the number of SQL queries is bounded by the depth of the query, not by the rows', async (t) => {
  // 100 Texas sheriffs, each with a task force agreement and half with a jail agreement too, over two lists.
  const counties = await database.pool.query<{ name: string }>(
    `SELECT name FROM counties WHERE state_code = 'TX' ORDER BY fips LIMIT 100`,
  );
  t.equal(counties.rows.length, 100);
  const utc = (iso: string) => new Date(`${iso}T00:00:00Z`);
  const rows = (renewed: boolean) =>
    counties.rows.flatMap(({ name }, index) => {
      const county = name.endsWith('County') ? name : `${name} County`;
      const sheriff = [
        'TEXAS',
        `${county} Sheriff's Office`,
        'County',
        county,
        'Task Force Model',
        utc(renewed && index % 4 === 0 ? '2025-03-10' : '2025-01-15'),
        null,
      ];
      const jail = [
        'TEXAS',
        `${county} Sheriff's Office`,
        'County',
        county,
        'Jail Enforcement Model',
        utc('2024-06-01'),
        null,
      ];
      return index % 2 === 0 ? [sheriff, jail] : [sheriff];
    });
  await seedHistory(database.pool, [
    { fileName: 'participatingAgencies02012025pm.xlsx', columns: PARTICIPATING_COLUMNS, rows: rows(false) },
    { fileName: 'participatingAgencies04012025pm.xlsx', columns: PARTICIPATING_COLUMNS, rows: rows(true) },
  ]);
  await app.dataset.refresh();

  // Every statement, on pool.query and on clients checked out with pool.connect (helpers/query-counter.ts).
  const counter = countQueries(database.pool);

  const query = (first: number) => `{ agencies(first: ${first}, filter: { state: ["TX"] }) { totalCount edges { node {
    name county { name state { code } }
    agreements { totalCount edges { node { status signedOn model { name } events { type sourceList { listDate } } } } }
  } } } }`;

  const counted: Record<number, number> = {};
  // Reference data (states, models, counties, source lists) is kept in memory per dataset version after the
  // first request that reads it: warm it up (with another document, which the response cache does not answer).
  await gql(app, `query WarmUp ${query(100)}`);
  for (const first of [100, 10]) {
    let result!: GraphqlResponse;
    const queries = await counter.during(async () => {
      result = await gql(app, query(first));
    });
    t.notOk(result.errors, `first: ${first}`);
    t.equal(result.data.agencies.edges.length, first);
    t.equal(result.data.agencies.totalCount, 100);
    const agreements = result.data.agencies.edges.flatMap((edge: any) => edge.node.agreements.edges);
    t.ok(agreements.length >= first * 1.5, `${agreements.length} agreements`);
    t.ok(
      agreements.length > 0 &&
        agreements.every(
          (edge: any) =>
            edge.node.events.length > 0 && edge.node.events.every((event: any) => event.sourceList.listDate),
        ),
    );
    t.ok(
      result.data.agencies.edges.length > 0 &&
        result.data.agencies.edges.every((edge: any) => edge.node.county?.state.code === 'TX'),
    );
    counted[first] = queries;
  }
  // The page with its totalCount, each agency's agreements and their events: one statement, whatever the rows.
  t.equal(counted[100], 1, `100 agencies took ${counted[100]} SQL queries`);
  t.equal(counted[100], counted[10], 'ten times the rows, the same number of queries');

  // Agreements asked twice with different arguments are not read with the page: a statement per set, same answers.
  let twice!: GraphqlResponse;
  const twiceQueries = await counter.during(async () => {
    twice = await gql(
      app,
      `{ agencies(first: 10, filter: { state: ["TX"] }) { edges { node {
    all: agreements { edges { node { id events { type } } } }
    jail: agreements(filter: { model: [JAIL_ENFORCEMENT] }) { totalCount edges { node { id model { code } } } }
  } } } }`,
    );
  });
  t.notOk(twice.errors);
  t.equal(twiceQueries, 3, 'the page, then one statement per set of agreements');
  const single = await gql(
    app,
    `{ agencies(first: 10, filter: { state: ["TX"] }) { edges { node { agreements { edges { node { id events { type } } } } } } } }`,
  );
  t.same(
    twice.data.agencies.edges.map((edge: any) => edge.node.all),
    single.data.agencies.edges.map((edge: any) => edge.node.agreements),
    'the same agreements as when asked once',
  );
  const jail = await gql(
    app,
    `{ agencies(first: 10, filter: { state: ["TX"] }) { edges { node {
    agreements(filter: { model: [JAIL_ENFORCEMENT] }) { totalCount edges { node { id model { code } } } } } } } }`,
  );
  t.same(
    twice.data.agencies.edges.map((edge: any) => edge.node.jail),
    jail.data.agencies.edges.map((edge: any) => edge.node.agreements),
    'and the filtered set as when asked alone',
  );
  t.ok(
    twice.data.agencies.edges.some((edge: any) => edge.node.jail.totalCount > 0),
    'some of the sheriffs hold a jail agreement',
  );
});

t.test('deep nesting is rejected with the depth and the limit', async (t) => {
  // agency → agreements → node → agency → agreements … : each hop is three levels.
  let selection = 'id';
  for (let hop = 0; hop < 6; hop++) selection = `agency { agreements { edges { node { ${selection} } } } }`;
  const result = await gql(app, `{ agreements(first: 1) { edges { node { ${selection} } } } }`);
  t.equal(result.status, 400);
  t.equal(result.data, null);
  const error = result.errors?.[0];
  t.match(error, { extensions: { code: 'QUERY_TOO_DEEP', limit: DEFAULT_LIMITS.depth } });
  t.equal(error?.extensions?.over, error?.extensions?.actual - DEFAULT_LIMITS.depth);
  t.ok(error?.extensions?.over > 0);
  t.match(
    error?.message,
    new RegExp(
      `query depth ${error?.extensions?.actual} exceeds the limit of ${DEFAULT_LIMITS.depth} \\(by ${error?.extensions?.over}\\)`,
    ),
  );

  // Fragments do not hide depth.
  const fragments = await gql(
    app,
    `query { agreements(first: 1) { ...A } }
    fragment A on AgreementConnection { edges { node { agency { agreements { ...B } } } } }
    fragment B on AgreementConnection { edges { node { agency { agreements { ...C } } } } }
    fragment C on AgreementConnection { edges { node { agency { agreements { edges { node { agency { county { state { code } } } } } } } } } }`,
  );
  t.match(fragments.errors?.[0], { extensions: { code: 'QUERY_TOO_DEEP' } });

  // GraphiQL's introspection query still works.
  const { getIntrospectionQuery } = await import('graphql');
  const introspection = await gql(app, getIntrospectionQuery({ descriptions: true }));
  t.notOk(introspection.errors);
  t.ok(introspection.data.__schema.types.length > 20);
});

t.test('1,000 aliases are rejected', async (t) => {
  const fields = Array.from({ length: 1000 }, (_value, index) => `a${index}: stats { activeAgreements }`).join('\n');
  const result = await gql(app, `{ ${fields} }`);
  t.equal(result.status, 400);
  t.match(result.errors?.[0], {
    message: `aliased fields 1000 exceeds the limit of ${DEFAULT_LIMITS.aliases} (by ${1000 - DEFAULT_LIMITS.aliases})`,
    extensions: {
      code: 'TOO_MANY_ALIASES',
      limit: DEFAULT_LIMITS.aliases,
      actual: 1000,
      over: 1000 - DEFAULT_LIMITS.aliases,
    },
  });
  const few = await gql(app, '{ a: stats { activeAgreements } b: stats(asOf: "2025-01-01") { activeAgreements } }');
  t.notOk(few.errors, 'a few aliases are fine');
});

t.test('huge first: above the page maximum is an argument error; multiplied down the tree, a cost error', async (t) => {
  const big = await gql(app, '{ agreements(first: 5000) { totalCount } }');
  t.match(big.errors?.[0], {
    message: 'first: must be between 1 and 1000, got 5000',
    extensions: { code: 'BAD_USER_INPUT', param: 'first' },
  });

  const huge = await gql(app, '{ agreements(first: 1000000) { edges { node { id } } } }');
  t.equal(huge.status, 400);
  t.match(huge.errors?.[0], {
    extensions: {
      code: 'QUERY_TOO_COSTLY',
      limit: DEFAULT_LIMITS.cost,
      actual: 1000000,
      over: 1000000 - DEFAULT_LIMITS.cost,
    },
  });

  const nested = `query ($outer: Int, $inner: Int) { agencies(first: $outer) { edges { node { agreements(first: $inner) { edges { node { id events { type } } } } } } } }`;
  const costly = await gql(app, nested, { outer: 1000, inner: 1000 });
  t.equal(costly.status, 400);
  const expected = 1000 + 1000 * 1000 + 1000 * 1000 * 5;
  t.match(costly.errors?.[0], {
    message: `estimated objects ${expected} exceeds the limit of ${DEFAULT_LIMITS.cost} (by ${expected - DEFAULT_LIMITS.cost})`,
    extensions: { code: 'QUERY_TOO_COSTLY', actual: expected },
  });
  const cheap = await gql(app, nested, { outer: 10, inner: 5 });
  t.notOk(cheap.errors, 'the same document with small variables runs: cost is computed per request');
  const again = await gql(app, nested, { outer: 1000, inner: 1000 });
  t.match(again.errors?.[0], { extensions: { code: 'QUERY_TOO_COSTLY', actual: expected } }, 'and refused again');
});

t.test('batches: allowed, up to the limit', async (t) => {
  const operation = { query: '{ stats { activeAgreements } }' };
  const small = await app.inject({
    method: 'POST',
    url: '/graphql',
    payload: [operation, { query: '{ supportModels { code } }' }],
  });
  t.equal(small.statusCode, 200);
  const answers = small.json();
  t.equal(answers.length, 2);
  t.ok(answers[0].data.stats);
  t.equal(answers[1].data.supportModels.length, 5);

  const count = DEFAULT_LIMITS.batch + 5;
  const big = await app.inject({
    method: 'POST',
    url: '/graphql',
    payload: Array.from({ length: count }, () => operation),
  });
  t.equal(big.statusCode, 400);
  t.match(big.json().errors[0], {
    message: `batched operations ${count} exceeds the limit of ${DEFAULT_LIMITS.batch} (by 5)`,
    extensions: { code: 'BATCH_TOO_LARGE', limit: DEFAULT_LIMITS.batch, actual: count, over: 5 },
  });
});

t.test('the time limit stops a slow operation and says so', async (t) => {
  // The same plugin with a time limit no real query can meet.
  const slow: FastifyInstance = Fastify();
  slow.decorate('config', loadConfig({ LOG_LEVEL: 'silent' }));
  slow.decorate('db', database);
  await slow.register(datasetVersionPlugin);
  await slow.register(responseCachePlugin);
  await slow.register(graphqlPlugin, { limits: { timeMs: 1 } });
  t.teardown(() => slow.close());
  const result = await gql(
    slow,
    '{ agencies(first: 100) { edges { node { county { name } agreements { edges { node { events { type } } } } } } } }',
  );
  const error = result.errors?.find((candidate) => candidate.extensions?.code === 'TIME_LIMIT_EXCEEDED');
  t.ok(error, 'TIME_LIMIT_EXCEEDED');
  t.match(error, {
    message: /^execution time \(ms\) \d+ exceeds the limit of 1 \(by \d+\)$/,
    extensions: { limit: 1 },
  });
  t.ok(error!.extensions!.actual > 1);
});
