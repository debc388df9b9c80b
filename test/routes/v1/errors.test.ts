// Bad input: a 400 problem+json naming the parameter and its allowed values,
// 404 for unknown ids, and nothing a client sends makes a 500.
import t, { type Test } from 'tap';
import { testApp } from '../../helpers/app.ts';
import { seedHistory } from '../../helpers/fixtures.ts';
import { ProblemSchema } from '../../../src/schemas/common.ts';

t.test('errors', async (t) => {
  // A budget this test cannot spend: every answer below must be the route's own, never a 429.
  const { app, database } = await testApp(t, { env: { RATE_LIMIT_MAX: '1000000' } });
  await seedHistory(database.pool);
  await app.dataset.refresh();

  async function problem(t: Test, url: string, status = 400) {
    const response = await app.inject(url);
    t.equal(response.statusCode, status, `${url} -> ${status}: ${response.body.slice(0, 300)}`);
    t.match(response.headers['content-type'], /^application\/problem\+json/, `${url}: problem+json`);
    const body = response.json();
    t.ok(ProblemSchema.safeParse(body).success, `${url}: an RFC 9457 problem`);
    return body as {
      status: number;
      detail: string;
      invalid_params?: { name: string; reason: string; allowed?: string[] }[];
    };
  }

  t.test('bad parameters name themselves and what they accept', async (t) => {
    const cases: [string, string, string | undefined][] = [
      ['/v1/agreements?state=Atlantis', 'state', 'TX'],
      ['/v1/agreements?model=cavalry', 'model', 'task_force'],
      ['/v1/agreements?status=dormant', 'status', 'active'],
      ['/v1/agreements?agency_type=navy', 'agency_type', 'sheriffs_office'],
      ['/v1/agreements?sort=colour', 'sort', '-signed_on'],
      ['/v1/agreements?as_of=yesterday', 'as_of', undefined],
      ['/v1/agreements?as_of=2025-02-30', 'as_of', undefined],
      ['/v1/agreements?signed_from=2025-13-01', 'signed_from', undefined],
      ['/v1/agreements?signed_from=2025-05-01&signed_to=2025-01-01', 'signed_to', undefined],
      ['/v1/agreements?county_fips=1234', 'county_fips', undefined],
      ['/v1/agreements?updated_since=soon', 'updated_since', undefined],
      ['/v1/agreements?limit=1001', 'limit', undefined],
      ['/v1/agreements?limit=0', 'limit', undefined],
      ['/v1/agreements?limit=ten', 'limit', undefined],
      ['/v1/agreements?include_total=maybe', 'include_total', 'true'],
      ['/v1/agreements?cursor=not-a-cursor', 'cursor', undefined],
      ['/v1/agreements?stat=TX', 'stat', 'state'],
      ['/v1/agencies?sort=signed_on', 'sort', 'name'],
      ['/v1/states?state=TX', 'state', 'as_of'],
      ['/v1/stats?status=active', 'status', 'as_of'],
      ['/v1/stats/timeseries?interval=year', 'interval', 'month'],
      ['/v1/stats/timeseries?as_of=2025-01-01', 'as_of', 'interval'],
      ['/v1/lists?status=lost', 'status', 'quarantined'],
      ['/v1/changes?type=exploded', 'type', 'renewed'],
      ['/v1/changes?since=last-week', 'since', undefined],
      ['/v1/changes?cursor=%%%', 'cursor', undefined],
      ['/v1/counties/12', 'fips', undefined],
      ['/v1/bulk/agreements.csv?state=TX', 'state', undefined],
    ];
    for (const [url, name, allowedExample] of cases) {
      const body = await problem(t, url);
      const param = body.invalid_params?.find((item) => item.name === name);
      t.ok(param, `${url}: names ${name}`);
      if (allowedExample)
        t.ok(param?.allowed?.includes(allowedExample), `${url}: lists allowed values (${allowedExample})`);
      t.ok(param?.reason, `${url}: says why`);
    }
    const sortCursor = (await app.inject('/v1/agreements?limit=1&sort=state')).json().links.next as string;
    const body = await problem(t, sortCursor.replace('sort=state', 'sort=agency_name'));
    t.match(body.detail, /sort=state/, 'a cursor used with another sort says which sort it was for');
  });

  t.test('unknown ids are 404', async (t) => {
    for (const url of [
      '/v1/agreements/nope',
      '/v1/agencies/nope',
      '/v1/states/ZZ',
      '/v1/states/Atlantis',
      '/v1/counties/99999',
      '/v1/reports/NOPE-1',
      '/v1/nothing-here',
    ]) {
      await problem(t, url, 404);
    }
  });

  t.test('no input makes a 500 (or meets the rate limit)', async (t) => {
    /** Every answer is the route's own: no 5xx, and no 429 (the budget above is out of reach). */
    function routeAnswered(what: string, response: { statusCode: number; body: string }) {
      if (response.statusCode >= 500 || response.statusCode === 429)
        t.fail(`${what} -> ${response.statusCode} ${response.body.slice(0, 200)}`);
      return response.statusCode;
    }
    const statuses = new Map<number, number>();
    const seen = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
    const nasty = [
      "'; DROP TABLE agreements; --",
      '%00',
      '%C0%AF',
      '\u0000',
      '%FF%FE',
      'a'.repeat(5000),
      '../../etc/passwd',
      '{"$gt":""}',
      '-1',
      '9'.repeat(40),
      '2025-01-01T25:99:99Z',
      '%E2%80%AE',
      '[]',
    ];
    const params = [
      'state',
      'county_fips',
      'model',
      'status',
      'agency_type',
      'signed_from',
      'q',
      'updated_since',
      'as_of',
      'limit',
      'cursor',
      'sort',
      'include_total',
      '__proto__',
      'constructor',
    ];
    const paths = [
      '/v1/agreements',
      '/v1/agencies',
      '/v1/agreements.csv',
      '/v1/agencies.geojson',
      '/v1/counties',
      '/v1/stats',
      '/v1/changes',
      '/v1/stats/timeseries',
    ];
    let requests = 0;
    for (const path of paths) {
      for (const param of params) {
        for (const value of nasty) {
          const encoded = /%/.test(value) ? value : encodeURIComponent(value);
          const response = await app.inject(`${path}?${param}=${encoded}`);
          requests++;
          seen(routeAnswered(`${path}?${param}=${value.slice(0, 40)}`, response));
        }
      }
    }
    for (const id of ["'", '%00', 'a'.repeat(300), '..%2F..%2F', '%F0%9F%92%A9', '%']) {
      for (const base of ['/v1/agreements/', '/v1/agencies/', '/v1/states/', '/v1/counties/', '/v1/reports/']) {
        const response = await app.inject(`${base}${id}`);
        requests++;
        seen(routeAnswered(`${base}${id}`, response));
      }
    }
    const headers = [
      { accept: 'text/csv;q=abc' },
      { accept: '*/*;;;' },
      { 'if-none-match': '"' },
      { 'if-modified-since': 'yesterday' },
      { accept: 'x'.repeat(5000) },
    ];
    for (const header of headers) {
      const response = await app.inject({ url: '/v1/agreements', headers: header });
      requests++;
      seen(routeAnswered(`header ${JSON.stringify(header).slice(0, 60)}`, response));
    }
    t.equal(
      [...statuses.values()].reduce((sum, count) => sum + count, 0),
      requests,
      `${requests} hostile requests, none answered 5xx or 429`,
    );
    // The fuzz reaches the routes: most answers are the grammar's 400s, the rest real answers, 404s, or 414 for
    // an id longer than Fastify's limit on a path parameter.
    t.ok(
      (statuses.get(400) ?? 0) > requests / 2,
      `mostly 400 problems: ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    t.ok((statuses.get(200) ?? 0) > 0, 'some values are fine and answered 200');
    t.same(
      [...statuses.keys()].filter((status) => ![200, 400, 404, 414].includes(status)),
      [],
      'only 200, 400, 404 and 414',
    );
  });
});
