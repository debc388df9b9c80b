// How many SQL statements each REST route sends: cold (the first request of a
// dataset version) and warm (a repeat: 0, answered from the response cache).
// A change that adds a query per row, or a route that stops being cached,
// fails here. Streamed exports are never kept in memory: a repeat reads the
// snapshot again, and a revalidation (If-None-Match) costs nothing.
import t from 'tap';
import { testApp } from '../../helpers/app.ts';
import { SEED_FACTS, seedHistory } from '../../helpers/fixtures.ts';
import { countQueries } from '../../helpers/query-counter.ts';

const COLLIER = 'fl-collier-county-sheriffs-office';
const COLLIER_TASK_FORCE = `${COLLIER}--tfm-2025-03-15`;

t.test('SQL statements per route, cold and warm', async (t) => {
  const { app, database } = await testApp(t);
  await seedHistory(database.pool);
  await app.dataset.refresh();
  const queries = countQueries(database.pool);
  const inject = (url: string, headers: Record<string, string> = {}) => app.inject({ url, headers });

  // [url, statements cold, why]
  const cached: [string, number, string][] = [
    ['/v1/agreements?state=FL', 1, 'one keyset page'],
    ['/v1/agreements?include_total=true', 1, 'the page with its count'],
    ['/v1/agreements?include_total=true&state=AK', 2, 'an empty page (no row to carry the count), then its count'],
    ['/v1/agreements.csv?limit=2', 1, 'one page as CSV'],
    ['/v1/agreements.geojson', 4, "BEGIN, every page in a snapshot, ROLLBACK, then the agencies' points"],
    ['/v1/agreements.geojson?limit=2', 2, "one page and its agencies' points"],
    [`/v1/agreements/${COLLIER_TASK_FORCE}`, 4, 'the agreement, its events, its successor, its sources'],
    ['/v1/agencies?state=TX', 1, 'ids and details of one page in one statement'],
    ['/v1/agencies?include_total=true', 1, 'the page with its count'],
    ['/v1/agencies.csv?limit=2', 1, 'one page as CSV'],
    ['/v1/agencies.geojson', 3, 'BEGIN, every page, ROLLBACK'],
    ['/v1/agencies.geojson?limit=2', 1, 'one page (agencies carry their own point)'],
    [`/v1/agencies/${COLLIER}`, 4, 'the agency, its names, its agreements, its reports'],
    [
      '/v1/states',
      5,
      'the states; the summaries of the dataset version: not kept yet, so counts, distinct agencies, kept',
    ],
    ['/v1/states.csv', 2, 'the states and the kept summaries'],
    ['/v1/states/FL', 7, 'the state, its kept summary, its counties, their summaries (computed and kept)'],
    ['/v1/counties', 2, 'the kept summaries, then those counties'],
    ['/v1/counties.csv', 2, 'the same, as CSV'],
    ['/v1/counties.geojson', 2, 'the same, with boundaries from memory'],
    [
      `/v1/counties/${SEED_FACTS.collierCountyFips}`,
      4,
      "the county, its kept summary, its agencies' ids, then the agencies",
    ],
    ['/v1/models', 5, 'the models; their summaries computed and kept'],
    ['/v1/models.csv', 2, 'the models and their kept summaries'],
    ['/v1/reports', 1, 'the reports'],
    ['/v1/reports.csv', 1, 'the reports as CSV'],
    ['/v1/reports/OIG-18-77', 3, 'the report, its recommendations, its agencies'],
    ['/v1/lists', 1, 'the lists'],
    ['/v1/lists.csv', 1, 'the lists as CSV'],
    ['/v1/lists/1', 2, 'the list; its skipped rows'],
    ['/v1/changes', 1, 'one page of events'],
    ['/v1/changes.csv?limit=5', 1, 'one page as CSV'],
    ['/v1/changes.atom?county_fips=12021', 1, 'one page of events as Atom'],
    ['/v1/changes.jsonfeed', 1, 'one page of events as JSON Feed'],
    [
      '/v1/stats',
      6,
      'not kept yet: counts by status, model and state; active agencies; the latest list date; the pending-to-signed pipeline; kept',
    ],
    ['/v1/stats?as_of=2025-03-15', 5, 'the same on a date (the date is given)'],
    ['/v1/stats/timeseries', 3, 'the series, computed and kept'],
    ['/v1/stats/timeseries.csv', 1, 'the kept series, as CSV'],
  ];
  for (const [url, cold, why] of cached) {
    const first = await queries.during(async () => t.equal((await inject(url)).statusCode, 200, `${url}: 200`));
    t.equal(
      first,
      cold,
      `${url}: ${cold} statements cold (${why}); sent: ${queries.texts
        .slice(-first)
        .map((text) => text.slice(0, 60))
        .join(' | ')}`,
    );
    t.equal(await queries.during(() => inject(url)), 0, `${url}: none warm`);
  }

  const streamed: [string, number, string][] = [
    ['/v1/agreements.csv', 3, 'BEGIN, every page, ROLLBACK'],
    ['/v1/agencies.csv', 3, 'BEGIN, every page, ROLLBACK'],
    ['/v1/changes.csv', 3, 'BEGIN, every page, ROLLBACK'],
    ['/v1/bulk/agreements.csv', 4, 'BEGIN, a page of agreements and their events, ROLLBACK'],
    ['/v1/bulk/agreements.ndjson', 4, 'BEGIN, a page of agreements and their events, ROLLBACK'],
  ];
  for (const [url, cold, why] of streamed) {
    let etag = '';
    const first = await queries.during(async () => {
      const response = await inject(url);
      t.equal(response.statusCode, 200, `${url}: 200`);
      etag = response.headers.etag as string;
    });
    t.equal(first, cold, `${url}: ${cold} statements (${why})`);
    t.equal(await queries.during(() => inject(url)), cold, `${url}: a repeat streams the snapshot again`);
    const revalidated = await queries.during(async () =>
      t.equal((await inject(url, { 'if-none-match': etag })).statusCode, 304),
    );
    t.equal(revalidated, 0, `${url}: a revalidation sends none`);
  }

  for (const url of [`/v1/agreements/nope`, '/v1/counties/99999']) {
    const cold = await queries.during(async () => t.equal((await inject(url)).statusCode, 404, `${url}: 404`));
    t.ok(cold >= 1, `${url}: looked up`);
    t.equal(await queries.during(() => inject(url)), cold, `${url}: a 404 is not kept (the next list may hold it)`);
  }
});
