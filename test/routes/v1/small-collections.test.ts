// /v1/lists, /v1/counties and the reference collections, small enough to answer
// whole, also page on request (limit, cursor, a next link and Link header, as
// every collection),
// and /v1/counties(.geojson)?all=true gives every county, zeros included.
import t from 'tap';
import { testApp } from '../../helpers/app.ts';
import { SEED_FACTS, seedHistory, SEED_LISTS } from '../../helpers/fixtures.ts';

t.test('limit and cursor on /v1/lists and /v1/counties; all=true for a choropleth', async (t) => {
  const { app, database } = await testApp(t, { env: { RATE_LIMIT_MAX: '100000' } });
  await seedHistory(database.pool);
  await app.dataset.refresh();

  const whole = (await app.inject('/v1/lists')).json();
  t.equal(whole.data.length, SEED_LISTS.length, 'without limit, every list');
  t.equal(whole.links.next, null);

  // Walking the pages two at a time gives the same lists in the same order.
  const walked: number[] = [];
  let url: string | null = '/v1/lists?limit=2';
  while (url) {
    const response: { statusCode: number; headers: Record<string, unknown>; json(): any } = await app.inject(url);
    t.equal(response.statusCode, 200, url);
    const body: { data: { id: number }[]; links: { next: string | null } } = response.json();
    t.ok(body.data.length <= 2);
    walked.push(...body.data.map((list) => list.id));
    url = body.links.next;
    if (url) t.equal(response.headers.link, `<${url}>; rel="next"`, 'the next page in the Link header too');
    t.ok(walked.length <= SEED_LISTS.length, 'the walk ends');
  }
  t.same(
    walked,
    whole.data.map((list: { id: number }) => list.id),
    'the pages hold every list once, newest first',
  );
  t.equal(
    (await app.inject('/v1/lists?kind=pending&limit=1')).json().data[0].kind,
    'pending',
    'filters hold across pages',
  );

  const bad = await app.inject('/v1/lists?limit=0');
  t.equal(bad.statusCode, 400);
  t.match(bad.headers['content-type'], /application\/problem\+json/);
  t.equal((await app.inject('/v1/lists?cursor=nonsense')).statusCode, 400, 'a cursor not issued here is refused');

  const counties = (await app.inject('/v1/counties')).json().data;
  t.ok(
    counties.length > 1 && counties.some((county: { fips: string }) => county.fips === SEED_FACTS.collierCountyFips),
    'the counties with agreements',
  );
  const first = (await app.inject('/v1/counties?limit=1')).json();
  t.same(
    first.data.map((county: { fips: string }) => county.fips),
    [counties[0].fips],
  );
  const second = (await app.inject(first.links.next)).json();
  t.same(
    second.data.map((county: { fips: string }) => county.fips),
    [counties[1].fips],
    'the cursor leads to the next county',
  );

  const all = (await app.inject('/v1/counties.geojson?all=true')).json();
  t.equal(all.features.length, 3233, 'every county of the reference data');
  const harris = all.features.find((feature: { id: string }) => feature.id === SEED_FACTS.harrisCountyFips);
  const empty = all.features.find((feature: { id: string }) => feature.id === '01001');
  t.ok(harris.properties.active_agreements > 0, 'a county with agreements keeps its counts');
  t.equal(empty.properties.active_agreements, 0, 'a county without agreements is there, with zeros');
  t.ok(empty.geometry, 'and its polygon');
  t.equal(
    (await app.inject('/v1/counties?all=true&state=TX')).json().data.length,
    254,
    'all=true with a state: every county of Texas',
  );
  t.equal((await app.inject('/v1/counties?all=maybe')).statusCode, 400);

  // The reference collections alike.
  for (const path of ['/v1/states', '/v1/models', '/v1/reports']) {
    const every = (await app.inject(path)).json().data;
    const page = (await app.inject(`${path}?limit=2`)).json();
    t.equal(page.data.length, 2, `${path}?limit=2`);
    const rest = (await app.inject(page.links.next)).json().data;
    t.same(
      [...page.data, ...rest].slice(0, Math.min(every.length, 2 + 50)),
      every.slice(0, 2 + rest.length),
      `${path}: the next page continues where the first ended`,
    );
  }
});
