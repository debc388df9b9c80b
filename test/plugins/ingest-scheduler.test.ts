// INGEST_SCHEDULE: the running service fetches ICE's lists itself and serves
// the new data without a restart.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import t from 'tap';
import { testApp } from '../helpers/app.ts';
import { buildList } from '../helpers/build-list.ts';
import { SEED_LISTS } from '../helpers/fixtures.ts';
import { startIceSite } from '../helpers/ice-site.ts';

t.test('a scheduled ingestion applies the latest list and the API serves it at once', async (t) => {
  const first = SEED_LISTS[0]!;
  const site = await startIceSite(t, await buildList({ columns: first.columns, rows: first.rows }), first.fileName);
  const { app, database } = await testApp(t, { env: { INGEST_SCHEDULE: '1s', INGEST_SOURCE_URL: site.pageUrl } });

  const before = await app.inject('/v1/stats');
  t.equal(before.json().active_agreements, 0, 'nothing before the first run');
  let active = 0;
  for (let attempt = 0; attempt < 100 && active === 0; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    active = (await app.inject('/v1/stats')).json().active_agreements;
  }
  t.equal(active, 5, 'the five agreements of the list are served');
  const lists = await database.pool.query('SELECT file_name, url FROM source_lists');
  t.same(lists.rows, [{ file_name: first.fileName, url: site.listUrl }]);

  // The next runs find the list unchanged: conditional requests only, nothing new written.
  const hitsNow = site.hits.length;
  while (site.hits.length < hitsNow + 2) await new Promise((resolve) => setTimeout(resolve, 200));
  t.ok(site.hits.filter((hit) => hit.url.includes('/file-download/')).slice(1).every((hit) => hit.conditional), 'later downloads are conditional');
  const count = await database.pool.query('SELECT count(*)::int AS n FROM source_lists');
  t.equal(count.rows[0].n, 1);
  // The run that applied the list released that version; the unchanged runs made no other.
  const releases = (await app.inject('/v1/releases')).json().data;
  t.same(releases.map((release: { version: number; list_date: string }) => [release.version, release.list_date]), [[app.dataset.current().version, '2025-03-01']], 'one release, of the applied list');
});

t.test('INGEST_SCHEDULE off (the default) fetches nothing', async (t) => {
  const first = SEED_LISTS[0]!;
  const site = await startIceSite(t, await buildList({ columns: first.columns, rows: first.rows }), first.fileName);
  await testApp(t, { env: { INGEST_SOURCE_URL: site.pageUrl } });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  t.equal(site.hits.length, 0);
});

t.test('the scheduler retries 503s, stops at a 403 and says why in /v1/status, and recovers on the next run', async (t) => {
  const first = SEED_LISTS[0]!;
  const site = await startIceSite(t, await buildList({ columns: first.columns, rows: first.rows }), first.fileName);
  site.pageFailures.push(503, 503);
  const logLines: { msg: string; outcome?: string; detail?: string; retries?: number }[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _encoding, done) => done(void logLines.push(JSON.parse(String(chunk)))) }));
  // Back-off in milliseconds, so the test does not wait on it.
  const { app } = await testApp(t, { env: { INGEST_SCHEDULE: '1s', INGEST_SOURCE_URL: site.pageUrl, INGEST_RETRY_DELAY: '5ms' }, logger });
  const status = async () => (await app.inject('/v1/status')).json();
  const waitFor = async (what: string, done: (body: any) => boolean) => {
    for (let attempt = 0; attempt < 100; attempt++) {
      const body = await status();
      if (done(body)) return body;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  const pageHits = () => site.hits.filter((hit) => hit.url === '/identify-and-arrest/287g').length;

  const before = await status();
  t.equal(before.last_check, null, 'no check before the first run');
  t.equal(before.stale, true, 'no successful check yet: stale');
  t.equal(before.schedule, '1s');
  t.ok(Date.parse(before.next_run_at) > Date.now() - 100, 'the next run is announced');

  // Run 1: two 503s, then the page; the list is applied.
  const ok = await waitFor('the first check', (body) => body.last_check !== null);
  t.equal(ok.last_check.outcome, 'succeeded', ok.last_check.detail);
  t.equal(ok.last_check.retries, 2, 'two retries');
  t.equal(pageHits(), 3, 'the page was asked three times');
  t.equal(ok.latest_list_date, '2025-03-01');
  t.match(ok.last_check.detail, /^1 list: 1 applied/);
  t.equal(ok.stale, false);
  t.equal(ok.last_error, null);
  t.ok(site.hits.every((hit) => /^Mozilla\/5\.0 \(/.test(hit.userAgent) && hit.accept.startsWith('text/html')), 'a browser\'s User-Agent and Accept');

  // Run 2: refused. Terminal for the run: asked once, not retried.
  const hitsBefore = pageHits();
  site.pageFailures.push(403);
  const refused = await waitFor('the refusal', (body) => body.last_error !== null);
  t.equal(refused.last_check.outcome, 'failed');
  t.equal(refused.last_error.message, `${site.pageUrl}: refused (403 Forbidden); not retried until the next run`);
  t.equal(pageHits(), hitsBefore + 1, 'a 403 is not retried');
  t.equal(refused.latest_list_date, '2025-03-01', 'the data stays');

  // Run 3: the site answers again; the error stays on record.
  const recovered = await waitFor('the recovery', (body) => body.last_check.outcome === 'succeeded' && body.last_check.at > refused.last_error.at);
  t.match(recovered.last_check.detail, /^1 list: 1 unchanged/);
  t.equal(recovered.last_error.at, refused.last_error.at, 'the last error is still shown, with its time');
  t.ok(recovered.last_success_at > recovered.last_error.at);
  t.equal(recovered.stale, false);

  const ready = await app.inject('/readyz');
  t.equal(ready.statusCode, 200);
  t.equal(ready.json().freshness.latest_list_date, '2025-03-01', '/readyz carries the freshness too');
  t.equal((await app.inject('/v1/status')).headers['cache-control'], 'no-store');

  const runs = logLines.filter((line) => line.msg === 'ingestion run').slice(0, 3);
  t.same(
    runs.map((line) => [line.outcome, line.retries]),
    [['succeeded', 2], ['failed', 0], ['succeeded', 0]],
    'one log line per run, with its outcome and retries',
  );
  t.equal(runs[1]!.detail, refused.last_error.message);
});
