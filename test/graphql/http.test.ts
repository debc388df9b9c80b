// GraphQL over HTTP: the served schema is the committed SDL, GraphiQL is
// there, GET answers are cached by dataset version (ETag, 304, x-cache) and
// automatic persisted queries work over GET so a CDN can cache them.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { buildClientSchema, buildSchema, getIntrospectionQuery, printSchema } from 'graphql';
import t from 'tap';
import { testApp } from '../helpers/app.ts';
import { countQueries } from '../helpers/query-counter.ts';
import { SEED_FACTS, SEED_LISTS, seedHistory } from '../helpers/fixtures.ts';

const { app, database } = await testApp(t);

t.test('the server serves exactly the committed SDL', async (t) => {
  const response = await app.inject({
    method: 'POST',
    url: '/graphql',
    payload: { query: getIntrospectionQuery({ descriptions: true, schemaDescription: true }) },
  });
  t.equal(response.statusCode, 200);
  const served = printSchema(buildClientSchema(response.json().data));
  const committed = printSchema(buildSchema(await readFile('schema/schema.graphql', 'utf8')));
  t.equal(served, committed);
  // The contract clients rely on (issue 5): names may grow, not change.
  for (const name of [
    'agreements(',
    'agencies(',
    'stats(',
    'totalCount',
    'pageInfo',
    'countyFips',
    'signedFrom',
    'signedTo',
    'PENDING',
    'ACTIVE',
    'ENDED',
  ]) {
    t.ok(served.includes(name), name);
  }
});

t.test('GraphiQL', async (t) => {
  const page = await app.inject({ method: 'GET', url: '/graphiql' });
  t.equal(page.statusCode, 200);
  t.match(page.headers['content-type'], /text\/html/);
  const script = await app.inject({ method: 'GET', url: '/graphiql/graphiql.js' });
  t.match(script.body, /\/graphql/, 'it queries this service (test/browser/tools.test.ts runs it)');
});

t.test('GET is cached by dataset version; errors are not', async (t) => {
  await seedHistory(database.pool, SEED_LISTS.slice(0, 3));
  await app.dataset.refresh();
  const query = '{ stats { asOf activeAgreements } }';
  const url = `/graphql?query=${encodeURIComponent(query)}`;

  const miss = await app.inject({ method: 'GET', url });
  t.equal(miss.statusCode, 200);
  t.equal(miss.headers['x-cache'], 'MISS');
  t.equal(miss.headers['cache-control'], 'public, max-age=60');
  const etag = miss.headers.etag as string;
  t.ok(etag);
  t.equal(miss.json().data.stats.asOf, '2025-04-01');

  const hit = await app.inject({ method: 'GET', url });
  t.equal(hit.headers['x-cache'], 'HIT');
  t.equal(hit.body, miss.body);
  t.equal(hit.headers.etag, etag);
  t.match(hit.headers['content-type'], /application\/json/);

  const notModified = await app.inject({ method: 'GET', url, headers: { 'if-none-match': etag } });
  t.equal(notModified.statusCode, 304);
  t.equal(notModified.body, '');

  // Variables are part of the key.
  const withVariables = (asOf: string) =>
    `/graphql?query=${encodeURIComponent('query ($asOf: Date) { stats(asOf: $asOf) { activeAgreements } }')}&variables=${encodeURIComponent(JSON.stringify({ asOf }))}`;
  const march = await app.inject({ method: 'GET', url: withVariables('2025-03-15') });
  const marchAgain = await app.inject({ method: 'GET', url: withVariables('2025-03-15') });
  const before = await app.inject({ method: 'GET', url: withVariables('2020-01-01') });
  t.equal(march.json().data.stats.activeAgreements, SEED_FACTS.asOf['2025-03-15'].active);
  t.equal(marchAgain.headers['x-cache'], 'HIT');
  t.equal(before.headers['x-cache'], 'MISS');
  t.equal(before.json().data.stats.activeAgreements, 0);

  // A new list moves the version: the old answer and its ETag are gone.
  await seedHistory(database.pool, SEED_LISTS.slice(3));
  await app.dataset.refresh();
  const fresh = await app.inject({ method: 'GET', url, headers: { 'if-none-match': etag } });
  t.equal(fresh.statusCode, 200);
  t.equal(fresh.headers['x-cache'], 'MISS');
  t.not(fresh.headers.etag, etag);
  t.equal(fresh.json().data.stats.asOf, SEED_FACTS.latestListDate);

  const bad = `/graphql?query=${encodeURIComponent('{ agreements(asOf: "nope") { totalCount } }')}`;
  const first = await app.inject({ method: 'GET', url: bad });
  const second = await app.inject({ method: 'GET', url: bad });
  t.match(first.json().errors[0], { extensions: { code: 'BAD_USER_INPUT', param: 'asOf' } });
  t.equal(second.headers['x-cache'], 'MISS', 'errors are computed again');
  t.equal(second.headers['cache-control'], 'no-store');
  t.notOk(second.headers.etag);

  // POST answers share the cache (issue 12): the GET above already answered this document.
  const post = await app.inject({ method: 'POST', url: '/graphql', payload: { query } });
  t.equal(post.headers['x-cache'], 'HIT', 'a POST of a document a GET answered is served from memory');
  t.equal(post.body, fresh.body);
  t.notOk(post.headers.etag, 'POST answers carry no validators (HTTP caches do not keep them)');
});

t.test('automatic persisted queries, by GET', async (t) => {
  const query =
    '{ agencies(first: 5) { totalCount edges { node { name agreements { edges { node { status model { code } } } } } } } }';
  const sha256Hash = createHash('sha256').update(query).digest('hex');
  const extensions = encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash } }));
  const byHash = `/graphql?extensions=${extensions}`;

  const unknown = await app.inject({ method: 'GET', url: byHash });
  t.match(unknown.json().errors[0], {
    message: 'PersistedQueryNotFound',
    extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' },
  });
  t.equal(unknown.headers['cache-control'], 'no-store', 'a CDN must not keep "not found"');

  const wrongHash = await app.inject({
    method: 'POST',
    url: '/graphql',
    payload: { query: '{ stats { activeAgreements } }', extensions: { persistedQuery: { version: 1, sha256Hash } } },
  });
  t.match(wrongHash.json().errors[0], { extensions: { code: 'PERSISTED_QUERY_HASH_MISMATCH' } });

  const register = await app.inject({
    method: 'POST',
    url: '/graphql',
    payload: { query, extensions: { persistedQuery: { version: 1, sha256Hash } } },
  });
  t.equal(register.statusCode, 200);
  t.equal(register.json().data.agencies.totalCount, SEED_FACTS.agencyCount);

  // The POST that registered the query also answered it: the GET by hash is served from memory.
  const byGet = await app.inject({ method: 'GET', url: byHash });
  t.equal(byGet.statusCode, 200);
  t.equal(byGet.headers['x-cache'], 'HIT');
  t.same(byGet.json(), register.json(), 'the hash stands for the query');
  t.ok(byGet.headers.etag, 'with an ETag for CDNs');

  // The limits apply to persisted queries too.
  const deep = `{ agreements(first: 1) { edges { node { ${'agency { agreements { edges { node { '.repeat(5)}id${' } } } }'.repeat(5)} } } } }`;
  const deepHash = createHash('sha256').update(deep).digest('hex');
  const rejected = await app.inject({
    method: 'POST',
    url: '/graphql',
    payload: { query: deep, extensions: { persistedQuery: { version: 1, sha256Hash: deepHash } } },
  });
  t.match(rejected.json().errors[0], { extensions: { code: 'QUERY_TOO_DEEP' } });
});

t.test('POST answers are cached by (document, operation name, variables): a repeat sends no SQL', async (t) => {
  const queries = countQueries(database.pool);
  const document =
    'query Counts($asOf: Date) { stats(asOf: $asOf) { activeAgreements } } query Other { stats { pendingAgreements } }';
  const post = (operationName: string, variables: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: '/graphql', payload: { query: document, operationName, variables } });

  const cold = await queries.during(async () => {
    const first = await post('Counts', { asOf: '2025-03-15' });
    t.equal(first.headers['x-cache'], 'MISS');
    t.equal(first.json().data.stats.activeAgreements, SEED_FACTS.asOf['2025-03-15'].active);
  });
  t.ok(cold > 0, `the first POST runs SQL (${cold} statements)`);

  let repeat: Awaited<ReturnType<typeof post>> | undefined;
  const warm = await queries.during(async () => {
    repeat = await post('Counts', { asOf: '2025-03-15' });
  });
  t.equal(warm, 0, 'the same POST again sends no SQL');
  t.equal(repeat!.headers['x-cache'], 'HIT');
  t.same(repeat!.json().data.stats.activeAgreements, SEED_FACTS.asOf['2025-03-15'].active);

  t.equal((await post('Counts', { asOf: '2020-01-01' })).headers['x-cache'], 'MISS', 'other variables, another answer');
  t.equal((await post('Other', {})).headers['x-cache'], 'MISS', 'another operation of the document, another answer');
  const batch = await app.inject({
    method: 'POST',
    url: '/graphql',
    payload: [{ query: document, operationName: 'Counts', variables: { asOf: '2025-03-15' } }],
  });
  t.notOk(batch.headers['x-cache'], 'a batch is answered as a whole, never from memory');
});

t.test(
  'a repeated POST body is answered from memory before it is parsed; other bodies are parsed as before',
  async (t) => {
    const queries = countQueries(database.pool);
    const post = (payload: string, contentType = 'application/json') =>
      app.inject({ method: 'POST', url: '/graphql', payload, headers: { 'content-type': contentType } });
    const body = JSON.stringify({
      query:
        'query ($asOf: Date, $state: [String!]) { stats(asOf: $asOf, filter: { state: $state }) { activeAgreements } }',
      variables: { asOf: '2025-03-15', state: ['FL'] },
    });

    const first = await post(body);
    t.equal(first.headers['x-cache'], 'MISS');
    t.type(first.json().data.stats.activeAgreements, 'number');
    let again: Awaited<ReturnType<typeof post>> | undefined;
    t.equal(await queries.during(async () => (again = await post(body))), 0, 'the same bytes again send no SQL');
    t.equal(again!.headers['x-cache'], 'HIT');
    t.equal(again!.body, first.body);
    t.notOk(again!.headers.etag, 'still no validators on a POST answer');

    // The same operation spelled differently (variables in another order) is the same answer.
    const reordered = JSON.stringify({
      variables: { state: ['FL'], asOf: '2025-03-15' },
      query: JSON.parse(body).query,
    });
    t.equal((await post(reordered)).headers['x-cache'], 'HIT');
    t.equal((await post(reordered)).body, first.body);

    // A body too large for the fast path (whitespace JSON allows) is parsed and answered as usual.
    const padded = `${body}${' '.repeat(20_000)}`;
    const large = await post(padded);
    t.equal(large.statusCode, 200);
    t.equal(large.body, first.body);

    // Malformed bodies get the parser's error each time, never a remembered answer.
    for (const attempt of [1, 2]) {
      const broken = await post('{"query": ', 'application/json');
      t.equal(broken.statusCode, 400, `malformed JSON, attempt ${attempt}`);
      t.match(broken.json().errors[0], {
        message: 'the body is not valid JSON',
        extensions: { code: 'GRAPHQL_PARSE_FAILED' },
      });
      t.notOk(broken.headers['x-cache']);
    }
    // The same bytes under another media type are another request (here: a GraphQL document, which fails to parse).
    const asDocument = await post(body, 'application/graphql');
    t.not(asDocument.headers['x-cache'], 'HIT');
    t.ok(asDocument.json().errors, "parsed as a document, not served the JSON body's answer");
  },
);
