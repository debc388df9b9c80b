// Repeats answered in front of Fastify (src/cache/plugin.ts `answer`), over a real port: app.inject
// skips the HTTP server, so only a real connection reaches that path. A repeat must be indistinguishable from the
// answer Fastify gave (same bytes, same headers but the request id and the rate budget), counted by the rate
// limiter, answer conditional and HEAD requests, and never outlive the dataset version it was made from.
import t from 'tap';
import { testApp } from '../helpers/app.ts';
import { seedHistory, SEED_LISTS } from '../helpers/fixtures.ts';
import { countQueries } from '../helpers/query-counter.ts';

// Headers that differ between two answers by design.
const PER_REQUEST = new Set(['x-request-id', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'date', 'x-cache']);

function comparable(headers: Headers): Record<string, string> {
  return Object.fromEntries([...headers].filter(([name]) => !PER_REQUEST.has(name)));
}

t.test('a repeat is answered in front of Fastify with what Fastify would have sent', async (t) => {
  const { app, database } = await testApp(t, { env: { RATE_LIMIT_MAX: '8', RATE_LIMIT_WINDOW: '1m' } });
  await seedHistory(database.pool, SEED_LISTS.slice(0, 3));
  await app.dataset.refresh();
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const queries = countQueries(database.pool);
  const url = `${base}/v1/agreements?state=FL&limit=2`;

  const first = await fetch(url, { headers: { origin: 'https://newsroom.example' } });
  const firstBody = await first.text();
  t.equal(first.status, 200);
  const before = queries.count;
  const repeat = await fetch(url, { headers: { origin: 'https://newsroom.example' } });
  t.equal(await repeat.text(), firstBody, 'the same bytes');
  t.equal(queries.count, before, 'without SQL');
  t.same(
    comparable(repeat.headers),
    comparable(first.headers),
    'the same headers: validators, CORS, Link, content type and length',
  );
  t.not(repeat.headers.get('x-request-id'), first.headers.get('x-request-id'), 'a request id of its own');
  t.equal(
    Number(repeat.headers.get('x-ratelimit-remaining')),
    Number(first.headers.get('x-ratelimit-remaining')) - 1,
    'counted by the rate limiter',
  );
  t.equal(
    (await fetch(url, { headers: { 'x-request-id': 'trace-42' } })).headers.get('x-request-id'),
    'trace-42',
    "a client's own request id is kept",
  );

  const etag = first.headers.get('etag')!;
  const notModified = await fetch(url, { headers: { 'if-none-match': etag } });
  t.equal(notModified.status, 304);
  t.equal(notModified.headers.get('etag'), etag);
  t.equal(await notModified.text(), '');

  const head = await fetch(url, { method: 'HEAD' });
  t.equal(head.status, 200);
  // fetch asks for a compressed answer (and decompresses it): HEAD gives the length of the same coding.
  t.equal(head.headers.get('content-length'), first.headers.get('content-length'));
  t.equal(head.headers.get('content-encoding'), first.headers.get('content-encoding'));
  t.equal(await head.text(), '');

  const csv = await fetch(url, { headers: { accept: 'text/csv' } });
  t.match(csv.headers.get('content-type'), /^text\/csv/, 'another negotiated format is another answer');

  // Six requests so far, of a budget of 8: past it, repeats too are refused (Fastify answers the 429 problem).
  const statuses = [];
  for (let i = 0; i < 4; i++) statuses.push((await fetch(url)).status);
  t.same(statuses, [200, 200, 429, 429], 'past the budget a remembered answer is refused like any other');
});

t.test(
  'a new dataset version is never answered from the old one; GraphQL GETs are answered in front too',
  async (t) => {
    const { app, database } = await testApp(t);
    await seedHistory(database.pool, SEED_LISTS.slice(0, 3));
    await app.dataset.refresh();
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `${base}/v1/stats`;
    const graphql = `${base}/graphql?query=${encodeURIComponent('{ stats { asOf activeAgreements } }')}`;

    type Stats = { meta: { as_of: string } };
    const old = (await (await fetch(url)).json()) as Stats;
    await fetch(url);
    await fetch(graphql);
    const graphqlRepeat = await fetch(graphql);
    t.equal(graphqlRepeat.headers.get('x-cache'), 'HIT');
    t.ok(graphqlRepeat.headers.get('etag'), 'with its ETag');
    t.equal(graphqlRepeat.headers.get('cache-control'), 'public, max-age=60');

    await seedHistory(database.pool, SEED_LISTS.slice(3));
    await app.dataset.refresh();
    const fresh = (await (await fetch(url)).json()) as Stats;
    t.not(fresh.meta.as_of, old.meta.as_of, 'the new list date, not the remembered answer');
    const graphqlFresh = await fetch(graphql);
    t.equal(graphqlFresh.headers.get('x-cache'), 'MISS', 'GraphQL too');
    t.equal(((await graphqlFresh.json()) as { data: { stats: { asOf: string } } }).data.stats.asOf, fresh.meta.as_of);
  },
);

t.test(
  'GraphQL POSTs: a repeated body is answered in front of Fastify, other bodies reach Mercurius intact',
  async (t) => {
    const { app, database } = await testApp(t);
    await seedHistory(database.pool, SEED_LISTS.slice(0, 3));
    await app.dataset.refresh();
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const queries = countQueries(database.pool);
    const post = (body: string) =>
      fetch(`${base}/graphql`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    const body = JSON.stringify({
      query: 'query ($asOf: Date) { stats(asOf: $asOf) { activeAgreements } }',
      variables: { asOf: '2025-03-15' },
    });

    const first = await post(body);
    t.equal(first.headers.get('x-cache'), 'MISS', 'a first body read in front of Fastify still reaches Mercurius');
    const firstBody = await first.text();
    t.type(
      (JSON.parse(firstBody) as { data: { stats: { activeAgreements: number } } }).data.stats.activeAgreements,
      'number',
    );
    const before = queries.count;
    const repeat = await post(body);
    t.equal(repeat.headers.get('x-cache'), 'HIT');
    t.equal(await repeat.text(), firstBody);
    t.equal(queries.count, before, 'without SQL');
    t.equal(repeat.headers.get('access-control-allow-origin'), '*');
    t.notOk(repeat.headers.get('etag'), 'no validators on a POST answer');

    const large = await post(`${body}${' '.repeat(20_000)}`);
    t.equal(large.status, 200, 'a body too large to key by goes to Mercurius as it came');
    t.equal(await large.text(), firstBody);
    const broken = await post('{"query": ');
    t.equal(broken.status, 400, 'a malformed body is refused by the parser, in front or not');
  },
);
