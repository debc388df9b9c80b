// The embedded PostgreSQL killed under load (SIGKILL of the real postmaster):
// the service answers 503 problem+json meanwhile (cached answers still 200),
// restarts the server on the same data directory and serves again, with its
// data, without restarting itself; a crash loop backs off and says so.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { buildList } from '../helpers/build-list.ts';
import { SEED_LISTS } from '../helpers/fixtures.ts';
import { freePort, runIngest, startService, temporaryDataDir, waitReady } from '../helpers/processes.ts';
import { waitFor } from '../helpers/wait.ts';

interface Answer {
  at: number;
  cached: boolean;
  status: number;
  type: string;
  body: string;
}

t.test('the embedded PostgreSQL killed under load comes back by itself, with its data', async (t) => {
  const dataDir = await temporaryDataDir(t);
  const port = await freePort();
  // A rate limit the load cannot reach: the test is about the database, not the limiter.
  const service = startService({
    DATA_DIR: dataDir,
    PORT: String(port),
    LOG_LEVEL: 'info',
    RATE_LIMIT_MAX: '1000000000',
  });
  t.teardown(() => service.child.kill('SIGKILL'));
  await waitReady(port, service);
  const base = `http://127.0.0.1:${port}`;

  // Data committed before the kill: one list, through the CLI.
  const listFile = join(dataDir, SEED_LISTS[0]!.fileName);
  await writeFile(listFile, await buildList({ columns: SEED_LISTS[0]!.columns, rows: SEED_LISTS[0]!.rows }));
  const ingest = runIngest(['--file', listFile], { DATA_DIR: dataDir });
  t.equal(await ingest.exited, 0, ingest.stderr());
  await waitFor(
    'the service serves the five agreements of the list',
    async () =>
      ((await (await fetch(`${base}/v1/stats`)).json()) as { active_agreements: number }).active_agreements === 5,
  );
  t.pass('the list is served (and /v1/stats is now cached)');

  // Load: 8 clients, each alternating a cached URL and one no cache can answer (a new query every time).
  const answers: Answer[] = [];
  let loading = true;
  let counter = 0;
  const client = async () => {
    while (loading) {
      const cached = counter % 2 === 0;
      const path = cached
        ? '/v1/stats'
        : `/v1/agreements?q=collier&limit=${1 + (counter % 900)}&state=FL&as_of=2025-03-${10 + (counter % 19)}`;
      counter++;
      try {
        const response = await fetch(base + path);
        answers.push({
          at: Date.now(),
          cached,
          status: response.status,
          type: response.headers.get('content-type') ?? '',
          body: await response.text(),
        });
      } catch (error) {
        answers.push({ at: Date.now(), cached, status: 0, type: '', body: String(error) });
      }
    }
  };
  const clients = Array.from({ length: 8 }, client);
  // Under way: both kinds of request answered, several times, before the kill.
  await waitFor('the load gets 20 answers of each kind', () =>
    [true, false].every((cached) => answers.filter((a) => a.cached === cached && a.status === 200).length >= 20),
  );

  const pidFile = join(dataDir, 'postgres', 'postmaster.pid');
  const postmasterPid = async () => Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  const postmasterAlive = async (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  // Ready again: a new postmaster, and /readyz answers 200 (right after the kill an old backend may still answer).
  const readyAgain = async (since: number, killedPid: number) => {
    await waitFor(
      `a new postmaster after killing ${killedPid}, and /readyz 200`,
      async () => {
        if (service.child.exitCode !== null) throw new Error(`the service exited: ${service.stderr()}`);
        const pid = await postmasterPid().catch(() => killedPid);
        const ready = await fetch(`${base}/readyz`)
          .then((r) => r.status)
          .catch(() => 0);
        return pid !== killedPid && (await postmasterAlive(pid)) && ready === 200;
      },
      { timeoutMs: 120_000 },
    );
    return Date.now() - since;
  };

  const firstPid = await postmasterPid();
  const killedAt = Date.now();
  process.kill(firstPid, 'SIGKILL');
  const recoveredMs = await readyAgain(killedAt, firstPid);
  // Let the load see a few uncached 200s after the recovery.
  const recoveredAt = Date.now();
  await waitFor('an uncached 200 after the recovery', () =>
    answers.some((a) => a.at > recoveredAt && !a.cached && a.status === 200),
  );
  loading = false;
  await Promise.all(clients);

  const after = answers.filter((a) => a.at >= killedAt);
  const unavailable = after.filter((a) => a.status === 503);
  t.ok(unavailable.length > 0, 'requests the cache cannot answer get 503 while the database is down');
  for (const answer of unavailable.slice(0, 20)) {
    t.match(answer.type, /^application\/problem\+json/, 'the 503 is problem+json');
    t.match(JSON.parse(answer.body), { type: '/problems/database-unavailable', status: 503 });
  }
  t.same(
    after.filter((a) => a.status !== 200 && a.status !== 503).map((a) => `${a.status} ${a.body.slice(0, 200)}`),
    [],
    'no other failure: no 500, no dropped connection',
  );
  const outageEnd = Math.max(...unavailable.map((a) => a.at));
  t.ok(
    after.some((a) => a.cached && a.status === 200 && a.at <= outageEnd),
    'cached answers are still served during the outage',
  );
  t.not(await postmasterPid(), firstPid, 'a new postmaster');
  t.equal(service.child.exitCode, null, 'the service itself did not restart');
  t.match(service.stdout(), /the embedded PostgreSQL exited unexpectedly \(signal SIGKILL\); restarting it on /);
  t.match(service.stdout(), /the embedded PostgreSQL is back after \d+ ms/);

  // No data lost: a query no cache holds still finds the list's five agreements.
  const fresh = (await (await fetch(`${base}/v1/agreements?limit=999`)).json()) as { data: unknown[] };
  t.equal(fresh.data.length, 5, 'the agreements committed before the kill are all there');
  const firstUnavailableMs = unavailable[0]!.at - killedAt;
  t.comment(
    `first 503 after ${firstUnavailableMs} ms; ready again after ${recoveredMs} ms; ${after.length} requests meanwhile, ${unavailable.length} answered 503`,
  );

  // A crash loop: each restart killed as soon as it serves. The restarts back off (1 s, 2 s, 4 s) and say so.
  for (const [inARow, delay] of [
    [2, 1],
    [3, 2],
    [4, 4],
  ] as const) {
    const pid = await postmasterPid();
    const killed = Date.now();
    process.kill(pid, 'SIGKILL');
    const ms = await readyAgain(killed, pid);
    t.match(
      service.stdout(),
      new RegExp(
        `exited unexpectedly \\(signal SIGKILL\\), ${inARow} times in a row: backing off, restarting it in ${delay}s`,
      ),
    );
    t.ok(ms >= delay * 1000, `exit ${inARow} in a row: ready again only after the ${delay}s back-off (${ms} ms)`);
  }
  t.equal(service.child.exitCode, null, 'the service is still the same process');

  service.child.kill('SIGTERM');
  t.equal(await service.exited, 0, 'and it still shuts down cleanly');
});
