// A fresh clone's `npm start`: on an empty database the service loads the
// repository's seed before it is ready, says so in one log line with the time
// it took, and then answers the history, its agencies with their FBI ORI codes;
// a restart with data does not seed again.
import t from 'tap';
import { testDatabase } from './helpers/database.ts';
import { freePort, startService, waitReady, type ServiceProcess } from './helpers/processes.ts';

/** The seed's load takes about a minute on two idle cores; a busy CI machine gets ten. */
const SEEDING_TIMEOUT_MS = 600_000;

t.setTimeout(SEEDING_TIMEOUT_MS * 2);
t.test('npm start on an empty database serves the whole history from the seed', async (t) => {
  const db = await testDatabase(t);
  const start = async () => {
    const port = await freePort();
    const service = startService({
      DATABASE_URL: db.url,
      PORT: String(port),
      LOG_LEVEL: 'info',
      SEED_ON_START: 'true',
      RATE_LIMIT_MAX: '100000',
    });
    t.teardown(() => service.child.kill('SIGKILL'));
    const started = performance.now();
    await waitReady(port, service, SEEDING_TIMEOUT_MS);
    return { port, service, readyMs: performance.now() - started };
  };
  const stop = async (service: ServiceProcess) => {
    service.child.kill('SIGTERM');
    t.equal(await service.exited, 0, 'SIGTERM: exit 0');
  };
  const seedLines = (service: ServiceProcess) =>
    service
      .stdout()
      .split('\n')
      .filter((line) => line.includes('empty database'))
      .map((line) => JSON.parse(line) as { msg: string; lists: number; ms: number; fbi_roster_ms: number });

  const first = await start();
  const lines = seedLines(first.service);
  t.equal(lines.length, 1, 'one log line about the seed');
  t.match(
    lines[0]?.msg,
    /^empty database: loaded the seed's \d+ lists, the historical sources and the FBI roster in \d+\.\d s$/,
  );
  t.ok(lines[0]!.lists >= 1260, `${lines[0]!.lists} lists`);
  t.comment(
    `seeded in ${(lines[0]!.ms / 1000).toFixed(1)} s (of which the FBI roster ${(lines[0]!.fbi_roster_ms / 1000).toFixed(1)} s), ` +
      `ready in ${(first.readyMs / 1000).toFixed(1)} s (a busy machine: compare as ratios)`,
  );

  const get = async (path: string) => (await fetch(`http://127.0.0.1:${first.port}${path}`)).json() as Promise<any>;
  const latest = await db.pool.query<{ list_date: string; confirmed: number }>(
    `SELECT list_date, (summary->'counts'->>'agreements_confirmed')::int AS confirmed FROM source_lists
     WHERE status = 'applied' AND kind = 'participating' ORDER BY list_date DESC, id DESC LIMIT 1`,
  );
  const stats = await get('/v1/stats');
  t.equal(stats.as_of, latest.rows[0]!.list_date, "/v1/stats counts the seed's latest list");
  t.equal(stats.active_agreements, latest.rows[0]!.confirmed, 'its agreements are the active ones');
  t.equal(
    (await get('/v1/stats?as_of=2025-06-06')).active_agreements,
    648,
    '2025-06-06: 648 (ICE printed 649 rows, one a duplicate)',
  );
  // The FBI roster in the repository comes with the seed (issue 22): a fresh clone's agencies join on their ORI.
  const byOri = await get('/v1/agencies?ori=FL0110000');
  t.same(
    byOri.data.map((agency: { id: string; ori: string }) => [agency.id, agency.ori]),
    [['fl-collier-county-sheriffs-office', 'FL0110000']],
    "/v1/agencies?ori=FL0110000: Collier County Sheriff's Office, by its real ORI",
  );
  const harris = await get('/v1/agencies/tx-harris-county-sheriffs-office');
  t.equal(harris.data.ori, 'TX1010000', "Harris County Sheriff's Office carries its ORI");
  const historical = await db.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM agreement_status_spans s JOIN agreements a ON a.id = s.agreement_id
     WHERE a.origin = 'historical' AND s.status = 'active' AND s.from_on <= '2012-06-01' AND (s.to_on IS NULL OR s.to_on > '2012-06-01')`,
  );
  const in2012 = await get('/v1/stats?as_of=2012-06-01');
  t.ok(historical.rows[0]!.n > 0, `${historical.rows[0]!.n} historical agreements active on 2012-06-01`);
  t.equal(in2012.active_agreements, historical.rows[0]!.n, "2012-06-01: the historical layer's count");
  await stop(first.service);

  const second = await start();
  t.same(seedLines(second.service), [], 'a restart with data does not seed again');
  t.comment(`restart ready in ${(second.readyMs / 1000).toFixed(1)} s`);
  t.equal(
    ((await (await fetch(`http://127.0.0.1:${second.port}/v1/stats`)).json()) as any).active_agreements,
    stats.active_agreements,
  );
  await stop(second.service);
});
