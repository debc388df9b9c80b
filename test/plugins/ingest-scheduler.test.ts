// INGEST_SCHEDULE: the running service fetches ICE's lists itself and serves
// the new data without a restart. The tests start runs with the scheduler's
// "run now" and wait for its "run finished" signal (with a bound), never on the
// schedule's clock: a schedule of an hour does not fire during a test.
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import t from 'tap';
import { testApp } from '../helpers/app.ts';
import { buildList } from '../helpers/build-list.ts';
import { SEED_LISTS } from '../helpers/fixtures.ts';
import { startIceSite } from '../helpers/ice-site.ts';
import { within } from '../helpers/wait.ts';

t.test('the schedule itself starts a run, which applies the latest list, and the API serves it at once', async (t) => {
  const first = SEED_LISTS[0]!;
  const site = await startIceSite(t, await buildList({ columns: first.columns, rows: first.rows }), first.fileName);
  const { app } = await testApp(t, { env: { INGEST_SCHEDULE: '1s', INGEST_SOURCE_URL: site.pageUrl } });
  const scheduler = app.ingestScheduler!;
  // Whichever scheduled run finishes next (the first, or a later one if the first ended before this listens):
  // by then the list has been applied.
  const [outcome] = await within('a run started by the 1 s schedule finishes', once(scheduler.events, 'run-finished'));
  t.equal(outcome, 'succeeded');
  t.equal((await app.inject('/v1/stats')).json().active_agreements, 5, 'the five agreements of the list are served');
});

t.test('a scheduled ingestion applies the latest list; later runs ask conditionally and write nothing', async (t) => {
  const first = SEED_LISTS[0]!;
  const site = await startIceSite(t, await buildList({ columns: first.columns, rows: first.rows }), first.fileName);
  const { app, database } = await testApp(t, { env: { INGEST_SCHEDULE: '1h', INGEST_SOURCE_URL: site.pageUrl } });
  const scheduler = app.ingestScheduler!;

  const before = await app.inject('/v1/stats');
  t.equal(before.json().active_agreements, 0, 'nothing before the first run');
  t.equal(await scheduler.runNow(), 'succeeded');
  t.equal((await app.inject('/v1/stats')).json().active_agreements, 5, 'the five agreements of the list are served');
  const lists = await database.pool.query('SELECT file_name, url FROM source_lists');
  t.same(lists.rows, [{ file_name: first.fileName, url: site.listUrl }]);

  // The next runs find the list unchanged: conditional requests only, nothing new written.
  t.same([await scheduler.runNow(), await scheduler.runNow()], ['succeeded', 'succeeded']);
  const downloads = site.hits.filter((hit) => hit.url.includes('/file-download/'));
  t.equal(downloads.length, 3, 'one download per run');
  t.same(
    downloads.map((hit) => hit.conditional),
    [false, true, true],
    'the first download is plain, the later ones conditional',
  );
  const count = await database.pool.query('SELECT count(*)::int AS n FROM source_lists');
  t.equal(count.rows[0].n, 1);
  // The run that applied the list released that version; the unchanged runs made no other.
  const releases = (await app.inject('/v1/releases')).json().data;
  t.same(
    releases.map((release: { version: number; list_date: string }) => [release.version, release.list_date]),
    [[app.dataset.current().version, '2025-03-01']],
    'one release, of the applied list',
  );
});

t.test('INGEST_SCHEDULE off (the default): no scheduler, nothing fetched', async (t) => {
  const first = SEED_LISTS[0]!;
  const site = await startIceSite(t, await buildList({ columns: first.columns, rows: first.rows }), first.fileName);
  const { app } = await testApp(t, { env: { INGEST_SOURCE_URL: site.pageUrl } });
  t.equal(app.ingestScheduler, null, 'no scheduler: no timer that could fetch later');
  const status = (await app.inject('/v1/status')).json();
  t.equal(status.schedule, null, '/v1/status says so');
  t.equal(status.next_run_at, null);
  t.equal(site.hits.length, 0);
});

t.test(
  'the scheduler retries 503s, stops at a 403 and says why in /v1/status, and recovers on the next run',
  async (t) => {
    const first = SEED_LISTS[0]!;
    const site = await startIceSite(t, await buildList({ columns: first.columns, rows: first.rows }), first.fileName);
    site.pageFailures.push(503, 503);
    const logLines: { msg: string; outcome?: string; detail?: string; retries?: number }[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({ write: (chunk, _encoding, done) => done(void logLines.push(JSON.parse(String(chunk)))) }),
    );
    // Back-off in milliseconds, so the test does not wait on it.
    const { app } = await testApp(t, {
      env: { INGEST_SCHEDULE: '1h', INGEST_SOURCE_URL: site.pageUrl, INGEST_RETRY_DELAY: '5ms' },
      logger,
    });
    const scheduler = app.ingestScheduler!;
    const status = async () => (await app.inject('/v1/status')).json();
    const pageHits = () => site.hits.filter((hit) => hit.url === '/identify-and-arrest/287g').length;

    const before = await status();
    t.equal(before.last_check, null, 'no check before the first run');
    t.equal(before.stale, true, 'no successful check yet: stale');
    t.equal(before.schedule, '1h');
    const announced = Date.parse(before.next_run_at);
    t.ok(
      announced > Date.now() + 59 * 60_000 && announced <= Date.now() + 60 * 60_000,
      `the next run is announced an hour ahead (${before.next_run_at})`,
    );

    // Run 1: two 503s, then the page; the list is applied.
    t.equal(await scheduler.runNow(), 'succeeded');
    const ok = await status();
    t.equal(ok.last_check.outcome, 'succeeded', ok.last_check.detail);
    t.equal(ok.last_check.retries, 2, 'two retries');
    t.equal(pageHits(), 3, 'the page was asked three times');
    t.equal(ok.latest_list_date, '2025-03-01');
    t.match(ok.last_check.detail, /^1 list: 1 applied/);
    t.equal(ok.stale, false);
    t.equal(ok.last_error, null);
    t.ok(site.hits.length > 0, 'the site was asked');
    t.ok(
      site.hits.every((hit) => /^Mozilla\/5\.0 \(/.test(hit.userAgent) && hit.accept.startsWith('text/html')),
      "a browser's User-Agent and Accept",
    );
    t.ok(Date.parse(ok.next_run_at) > Date.now() + 59 * 60_000, 'the next run is timed from the end of this one');

    // Run 2: refused. Terminal for the run: asked once, not retried.
    const hitsBefore = pageHits();
    site.pageFailures.push(403);
    t.equal(await scheduler.runNow(), 'failed');
    const refused = await status();
    t.equal(refused.last_check.outcome, 'failed');
    t.equal(refused.last_error.message, `${site.pageUrl}: refused (403 Forbidden); not retried until the next run`);
    t.equal(pageHits(), hitsBefore + 1, 'a 403 is not retried');
    t.equal(refused.latest_list_date, '2025-03-01', 'the data stays');

    // Run 3: the site answers again; the error stays on record.
    t.equal(await scheduler.runNow(), 'succeeded');
    const recovered = await status();
    t.equal(recovered.last_check.outcome, 'succeeded');
    t.ok(recovered.last_check.at > refused.last_error.at, 'a newer check');
    t.match(recovered.last_check.detail, /^1 list: 1 unchanged/);
    t.equal(recovered.last_error.at, refused.last_error.at, 'the last error is still shown, with its time');
    t.ok(recovered.last_success_at > recovered.last_error.at);
    t.equal(recovered.stale, false);

    const ready = await app.inject('/readyz');
    t.equal(ready.statusCode, 200);
    t.equal(ready.json().freshness.latest_list_date, '2025-03-01', '/readyz carries the freshness too');
    t.equal((await app.inject('/v1/status')).headers['cache-control'], 'no-store');

    const runs = logLines.filter((line) => line.msg === 'ingestion run');
    t.same(
      runs.map((line) => [line.outcome, line.retries]),
      [
        ['succeeded', 2],
        ['failed', 0],
        ['succeeded', 0],
      ],
      'one log line per run, with its outcome and retries',
    );
    t.equal(runs[1]!.detail, refused.last_error.message);
  },
);
