// HTTP caching and the in-memory response cache: validators from the dataset
// version, 304s, warm responses served without SQL, concurrent misses computed
// once, invalidation when a list is applied; plus the rate limit and CORS,
// which must hold for cached responses too.
import t from 'tap';
import { testApp } from '../../helpers/app.ts';
import { buildList } from '../../helpers/build-list.ts';
import { PARTICIPATING_COLUMNS, seedHistory } from '../../helpers/fixtures.ts';
import { ingestList } from '../../../src/ingestion/ingest.ts';
import { countQueries } from '../../helpers/query-counter.ts';

t.test('validators, 304s and the warm path', async (t) => {
  const { app, database } = await testApp(t);
  await seedHistory(database.pool);
  const version = await app.dataset.refresh();
  const queries = countQueries(database.pool);

  const url = '/v1/agreements?state=FL&limit=2';
  const cold = await app.inject(url);
  t.equal(cold.statusCode, 200);
  const etag = cold.headers.etag as string;
  t.match(
    etag,
    new RegExp(`^"${version.version}-json-[0-9a-f]{8}"$`),
    'the ETag is the dataset version (with the format and the shape revision)',
  );
  t.equal(cold.headers['last-modified'], version.updatedAt.toUTCString(), 'Last-Modified is when the data changed');
  t.match(cold.headers['cache-control'], /public, max-age=\d+/, 'CDNs may cache');
  t.equal(cold.headers['x-dataset-version'], String(version.version));
  t.ok(queries.count > 0, 'a cold request queries the database');

  const before = queries.count;
  const warm = await app.inject(url);
  t.equal(warm.body, cold.body, 'a repeat answers the same bytes');
  t.equal(warm.headers.etag, etag);
  t.equal(warm.headers.link, cold.headers.link, 'with the same Link header');
  const reordered = await app.inject('/v1/agreements?limit=2&state=FL');
  t.equal(reordered.body, cold.body, 'parameter order does not matter');
  const respelled = await app.inject('/v1/agreements?limit=2&state=Florida');
  t.equal(respelled.json().data.length, 2, 'another spelling of the same query');
  t.equal(queries.count, before, 'warm and equivalent requests send no SQL');

  const head = await app.inject({ method: 'HEAD', url });
  t.equal(head.statusCode, 200, 'HEAD works');
  t.equal(head.body, '', 'without a body');
  t.equal(head.headers.etag, etag);

  for (const [name, headers] of [
    ['If-None-Match', { 'if-none-match': etag }],
    ['a weak If-None-Match', { 'if-none-match': `W/${etag}` }],
    ['one of several', { 'if-none-match': `"other", ${etag}` }],
    ['*', { 'if-none-match': '*' }],
    ['If-Modified-Since', { 'if-modified-since': cold.headers['last-modified'] as string }],
    [
      'a later If-Modified-Since',
      { 'if-modified-since': new Date(version.updatedAt.getTime() + 60_000).toUTCString() },
    ],
  ] as const) {
    const response = await app.inject({ url, headers });
    t.equal(response.statusCode, 304, `${name}: 304`);
    t.equal(response.body, '', `${name}: no body`);
    t.equal(response.headers.etag, etag, `${name}: ETag on the 304`);
    t.ok(response.headers['cache-control'], `${name}: Cache-Control on the 304`);
  }
  for (const [name, headers] of [
    ['another ETag', { 'if-none-match': '"0-json"' }],
    [
      'an earlier If-Modified-Since',
      { 'if-modified-since': new Date(version.updatedAt.getTime() - 60_000).toUTCString() },
    ],
    [
      'If-None-Match wins over If-Modified-Since',
      { 'if-none-match': '"0-json"', 'if-modified-since': cold.headers['last-modified'] as string },
    ],
  ] as const) {
    t.equal((await app.inject({ url, headers })).statusCode, 200, `${name}: 200`);
  }
  const cold304 = await app.inject({ url: '/v1/agencies?state=TX', headers: { 'if-none-match': etag } });
  t.equal(cold304.statusCode, 304, 'a 304 for a request never seen before');
  t.equal(
    (await app.inject({ url: '/v1/agreements.csv', headers: { 'if-none-match': etag } })).statusCode,
    200,
    'the CSV has its own ETag',
  );
  const csv = await app.inject('/v1/agreements.csv');
  t.equal(
    (await app.inject({ url: '/v1/agreements.csv', headers: { 'if-none-match': csv.headers.etag as string } }))
      .statusCode,
    304,
    'streamed CSV: 304',
  );
  const bulk = await app.inject('/v1/bulk/agreements.ndjson');
  t.equal(
    (await app.inject({ url: '/v1/bulk/agreements.ndjson', headers: { 'if-none-match': bulk.headers.etag as string } }))
      .statusCode,
    304,
    'bulk: 304',
  );

  const notFound = await app.inject('/v1/agreements/nope');
  t.equal(notFound.statusCode, 404);
  t.notOk(notFound.headers.etag, 'errors carry no ETag');
  t.notOk(notFound.headers['cache-control'], 'nor a public Cache-Control');

  t.test('Accept: text/csv on the same URL is another representation', async (t) => {
    const json = await app.inject('/v1/states');
    const csv = await app.inject({ url: '/v1/states', headers: { accept: 'text/csv' } });
    t.match(csv.headers['content-type'], /^text\/csv/);
    t.match(json.headers['content-type'], /^application\/json/);
    t.not(csv.headers.etag, json.headers.etag);
    t.match(csv.headers.vary, /Accept/);
    const again = await app.inject({ url: '/v1/states', headers: { accept: 'text/csv' } });
    t.equal(again.body, csv.body, 'the warm CSV is the CSV');
    const jsonAgain = await app.inject({ url: '/v1/states', headers: { accept: 'application/json' } });
    t.equal(jsonAgain.body, json.body, 'and the warm JSON the JSON');
    const preferred = await app.inject({ url: '/v1/states', headers: { accept: 'application/json;q=0.5, text/csv' } });
    t.match(preferred.headers['content-type'], /^text\/csv/, 'q-values are honoured');
  });
});

t.test('concurrent misses are computed once', async (t) => {
  const { app, database } = await testApp(t);
  await seedHistory(database.pool);
  await app.dataset.refresh();
  const queries = countQueries(database.pool);
  await app.inject('/v1/stats?state=GA&as_of=2025-04-15');
  const one = queries.count;
  queries.count = 0;
  const spellings = ['TX', 'tx', 'Texas', '48', 'texas'];
  const responses = await Promise.all(
    Array.from({ length: 20 }, (_, i) => app.inject(`/v1/stats?state=${spellings[i % 5]}&as_of=2025-04-15`)),
  );
  t.ok(responses.every((response) => response.statusCode === 200));
  t.equal(new Set(responses.map((response) => response.body)).size, 1, 'every request got the same answer');
  t.equal(
    queries.count,
    one,
    `20 concurrent requests in 5 spellings sent ${queries.count} queries (one computation: ${one})`,
  );
});

// With the response cache off too: aggregates are kept per dataset version (aggregate_results) either way.
for (const cacheEntries of ['5000', '0'])
  t.test(`a new list invalidates the cache (CACHE_MAX_ENTRIES=${cacheEntries})`, async (t) => {
    const { app, database } = await testApp(t, { env: { CACHE_MAX_ENTRIES: cacheEntries } });
    await seedHistory(database.pool);
    const before = await app.dataset.refresh();
    const url = '/v1/agreements?state=AL';
    const first = await app.inject(url);
    t.same(first.json().data, [], 'no Alabama agreement yet');
    const stats = (await app.inject('/v1/stats')).json();

    const buffer = await buildList({
      columns: PARTICIPATING_COLUMNS,
      rows: [
        [
          'FLORIDA',
          "Collier County Sheriff's Office",
          'County',
          'Collier County',
          'Task Force Model',
          new Date('2025-03-15T00:00:00Z'),
          { text: 'link', hyperlink: 'https://www.ice.gov/doclib/about/offices/ero/287g/moacollierTFM2025-03-15.pdf' },
        ],
        [
          'FLORIDA',
          "Collier County Sheriff's Office",
          'County',
          'Collier County',
          'Jail Enforcement Model',
          new Date('2019-06-01T00:00:00Z'),
          { text: 'link', hyperlink: 'https://www.ice.gov/doclib/about/offices/ero/287g/moacollierJEM.pdf' },
        ],
        [
          'FLORIDA',
          'Florida Highway Patrol',
          'State Agency',
          '#N/A',
          'Task Force Model',
          new Date('2025-02-26T00:00:00Z'),
          { text: 'link', hyperlink: 'https://www.ice.gov/doclib/about/offices/ero/287g/moafhp.pdf' },
        ],
        [
          'TEXAS',
          'City of Houston Police Department',
          'Municipality',
          'Harris County',
          'Task Force Model',
          new Date('2025-02-28T00:00:00Z'),
          { text: 'link', hyperlink: 'https://www.ice.gov/doclib/about/offices/ero/287g/moahouston.pdf' },
        ],
        [
          'TEXAS',
          "Lubbock County Sheriff's Office",
          'County',
          'Lubbock County',
          'Task Force Model',
          new Date('2025-03-20T00:00:00Z'),
          { text: 'link', hyperlink: 'https://www.ice.gov/doclib/about/offices/ero/287g/moalubbock.pdf' },
        ],
        [
          'ALABAMA',
          "Baldwin County Sheriff's Office",
          'County',
          'Baldwin County',
          'Jail Enforcement Model',
          new Date('2025-05-20T00:00:00Z'),
          { text: 'link', hyperlink: 'https://www.ice.gov/doclib/about/offices/ero/287g/moabaldwin.pdf' },
        ],
      ],
    });
    const report = await ingestList(database.pool, { buffer, fileName: 'participatingAgencies06012025pm.xlsx' });
    t.equal(report.outcome, 'applied');
    const after = await app.dataset.refresh();
    t.ok(after.version > before.version, 'the dataset version moved');

    const second = await app.inject(url);
    t.equal(second.json().data.length, 1, 'the new agreement shows at once');
    t.not(second.headers.etag, first.headers.etag, 'under a new ETag');
    t.equal(
      (await app.inject({ url, headers: { 'if-none-match': first.headers.etag as string } })).statusCode,
      200,
      'the old ETag no longer matches',
    );
    const newStats = (await app.inject('/v1/stats')).json();
    t.equal(newStats.active_agreements, stats.active_agreements + 1, 'stats moved too');
    t.equal(newStats.meta.as_of, '2025-06-01', 'to the new list date');
    t.equal(newStats.by_state.AL, 1);
    const counties = (await app.inject('/v1/counties.geojson?state=AL')).json();
    t.equal(counties.features[0]?.id, '01003', 'Baldwin County, FIPS zero-padded');
  });

t.test('rate limit, also for cached responses', async (t) => {
  const { app } = await testApp(t, { env: { RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW: '1m' } });
  const responses = [];
  for (let i = 0; i < 4; i++) responses.push(await app.inject('/v1/models'));
  t.same(
    responses.map((response) => response.statusCode),
    [200, 200, 200, 429],
  );
  t.equal(responses[0]!.headers['x-ratelimit-limit'], '3');
  t.equal(responses[0]!.headers['x-ratelimit-remaining'], '2');
  t.ok(responses[0]!.headers['x-ratelimit-reset'], 'x-ratelimit-reset');
  const limited = responses[3]!;
  t.match(limited.headers['content-type'], /^application\/problem\+json/);
  t.equal(limited.json().status, 429);
  t.equal(limited.json().type, '/problems/rate-limited');
  t.ok(limited.headers['retry-after'], 'Retry-After');
  t.equal((await app.inject({ url: '/v1/models', remoteAddress: '10.0.0.9' })).statusCode, 200, 'per IP');
  t.equal((await app.inject('/healthz')).statusCode, 200, 'health probes are not limited');
});

t.test('CORS is open for GET', async (t) => {
  const { app } = await testApp(t);
  const response = await app.inject({ url: '/v1/models', headers: { origin: 'https://newsroom.example' } });
  t.equal(response.headers['access-control-allow-origin'], '*');
  // `*` exposes every header (link, etag, x-ratelimit-remaining…) to a request without credentials: the service
  // never allows credentials, so a browser app reads them all.
  t.equal(response.headers['access-control-expose-headers'], '*');
  t.equal(response.headers['access-control-allow-credentials'], undefined);
  const warm = await app.inject({ url: '/v1/models', headers: { origin: 'https://newsroom.example' } });
  t.equal(warm.headers['access-control-allow-origin'], '*', 'on warm responses too');
  t.equal(warm.headers['access-control-expose-headers'], '*');
  const preflight = await app.inject({
    method: 'OPTIONS',
    url: '/v1/agreements',
    headers: { origin: 'https://newsroom.example', 'access-control-request-method': 'GET' },
  });
  t.equal(preflight.statusCode, 204);
  t.match(preflight.headers['access-control-allow-methods'], /GET/);
});
