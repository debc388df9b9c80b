// /v1/status: how current the data is, from what every instance records
// (source_lists, source_checks), so any instance answers alike.
import t from 'tap';
import { testApp } from '../../helpers/app.ts';
import { seedHistory } from '../../helpers/fixtures.ts';

t.test('before any check: no dates, no schedule, staleness unknown', async (t) => {
  const { app } = await testApp(t);
  const response = await app.inject('/v1/status');
  t.equal(response.statusCode, 200);
  t.same(response.json(), {
    latest_list_date: null,
    last_check: null,
    last_success_at: null,
    last_error: null,
    schedule: null,
    next_run_at: null,
    stale: null,
  });
});

t.test(
  "another process's `ingest --latest --every 1m`: its checks set the schedule, the next run and staleness",
  async (t) => {
    const { app, database } = await testApp(t);
    await seedHistory(database.pool);
    const check = (minutesAgo: number, outcome: string, detail: string) =>
      database.pool.query(
        `INSERT INTO source_checks (source_url, trigger, started_at, finished_at, outcome, detail, every_ms)
       VALUES ('https://www.ice.gov/identify-and-arrest/287g', 'cli', now() - $1 * interval '1 minute', now() - $1 * interval '1 minute', $2::source_check_outcome, $3, 60000)`,
        [minutesAgo, outcome, detail],
      );
    await check(10, 'succeeded', '2 lists: 2 unchanged');
    const fresh10 = (await app.inject('/v1/status')).json();
    t.equal(fresh10.latest_list_date, '2025-05-01', 'the latest applied list');
    t.equal(fresh10.schedule, '1m');
    t.equal(fresh10.stale, true, 'no success within twice the schedule');
    t.equal(
      Date.parse(fresh10.next_run_at) - Date.parse(fresh10.last_check.at),
      60_000,
      'due a minute after its last check (overdue: the loop stopped)',
    );

    await check(1, 'failed', 'https://www.ice.gov/identify-and-arrest/287g: HTTP 503, 5 attempts');
    const failing = (await app.inject('/v1/status')).json();
    t.match(failing.last_check, { outcome: 'failed', detail: /HTTP 503/ });
    t.same(failing.last_error, {
      at: failing.last_check.at,
      message: 'https://www.ice.gov/identify-and-arrest/287g: HTTP 503, 5 attempts',
    });
    t.equal(failing.last_success_at, fresh10.last_check.at);
    t.equal(failing.stale, true);

    await check(0, 'succeeded', '2 lists: 2 unchanged');
    const recovered = (await app.inject('/v1/status')).json();
    t.equal(recovered.stale, false);
    t.equal(recovered.last_error.at, failing.last_error.at, 'the last error stays visible');
  },
);
