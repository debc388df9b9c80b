// A planned stop, as a supervisor, a CI job or a shell script does it: `npm start` in the background, then a
// signal to the pid it started (npm's). Everything ends within 10 s: the port is released, no process of the
// service or of its embedded PostgreSQL is left, and PostgreSQL logs a clean shutdown.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import t, { type Test } from 'tap';
import { freePort, temporaryDataDir, waitReady, type ServiceProcess } from './helpers/processes.ts';
import {
  cleanShutdownLogged,
  descendants,
  embeddedSettings,
  listening,
  npmRun,
  running,
  waitUntil,
} from './helpers/npm-processes.ts';

const STOP_LIMIT_MS = 10_000;

async function startWithNpm(t: Test, env: Record<string, string> = {}) {
  const dataDir = await temporaryDataDir(t);
  const port = await freePort();
  const npm = npmRun(['start'], { DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', ...env });
  const tree: number[] = [];
  t.teardown(() => {
    for (const pid of [npm.child.pid!, ...tree]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  });
  await waitReady(port, npm);
  tree.push(...descendants(npm.child.pid!));
  const postgres = await embeddedSettings(dataDir);
  return { dataDir, port, npm, tree, postgresPort: postgres.port };
}

/** Everything the service started is gone, within the limit; returns how long it took. */
async function assertAllGone(
  t: Test,
  started: { dataDir: string; port: number; tree: number[]; postgresPort: number; npm: ServiceProcess },
  limitMs = STOP_LIMIT_MS,
) {
  const ms = await waitUntil(
    async () =>
      started.tree.every((pid) => !running(pid)) &&
      !(await listening(started.port)) &&
      !(await listening(started.postgresPort)),
    limitMs,
    `processes left: ${started.tree.filter(running).join(', ')}`,
  );
  t.pass(
    `the service, its PostgreSQL (${started.tree.length} processes in all) and both ports are gone after ${ms} ms`,
  );
  return ms;
}

t.test("SIGTERM to npm start's pid ends everything within 10 s, PostgreSQL shut down cleanly", async (t) => {
  const started = await startWithNpm(t);
  t.ok(started.tree.length >= 2, `npm started node and the embedded PostgreSQL (${started.tree.length} processes)`);
  t.equal(
    descendants(started.npm.child.pid!).filter((pid) => processName(pid) === 'node').length,
    1,
    'one node process under npm (no wrapper)',
  );
  started.npm.child.kill('SIGTERM');
  await assertAllGone(t, started);
  t.ok(await cleanShutdownLogged(started.dataDir), 'PostgreSQL logged a clean shutdown');
  await started.npm.exited;
});

t.test("SIGINT (Ctrl-C) to npm start's pid ends everything the same way", async (t) => {
  const started = await startWithNpm(t);
  started.npm.child.kill('SIGINT');
  await assertAllGone(t, started);
  t.ok(await cleanShutdownLogged(started.dataDir), 'PostgreSQL logged a clean shutdown');
});

/** A POST whose body is not all sent yet: a request in flight until `finish()`. */
function requestInFlight(port: number) {
  const body = JSON.stringify({ query: '{ __typename }' });
  let pending: ReturnType<typeof request> | undefined;
  const answer = new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = request(
      {
        port,
        host: '127.0.0.1',
        method: 'POST',
        path: '/graphql',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: text }));
      },
    );
    req.on('error', reject);
    pending = req;
  });
  // Once the headers and part of the body are written, one whole request on another connection: by its
  // answer the server has the first one's headers (it is in flight).
  const sent = new Promise<void>((resolve) => pending!.write(body.slice(0, 5), () => resolve()))
    .then(() => fetch(`http://127.0.0.1:${port}/healthz`))
    .then(() => undefined);
  return { answer, sent, finish: () => pending!.end(body.slice(5)) };
}

t.test(
  'while a request is in flight: new requests get 503 with Retry-After, the one in flight gets its full answer',
  async (t) => {
    const started = await startWithNpm(t, { DRAIN_LIMIT: '30s' });
    const inFlight = requestInFlight(started.port);
    await inFlight.sent;
    started.npm.child.kill('SIGTERM');
    const refused = await waitUntil(
      async () => (await fetch(`http://127.0.0.1:${started.port}/v1/stats`).catch(() => null))?.status === 503,
      STOP_LIMIT_MS,
      'new requests were not answered 503 while draining',
    );
    t.ok(refused >= 0, 'a new request is answered 503 while the one in flight runs');
    const unavailable = await fetch(`http://127.0.0.1:${started.port}/v1/stats`);
    t.equal(unavailable.status, 503);
    t.equal(unavailable.headers.get('retry-after'), '5', 'Retry-After says when to come back');
    t.equal(unavailable.headers.get('content-type'), 'application/problem+json');
    t.equal(((await unavailable.json()) as { status: number }).status, 503, 'a problem+json body');
    t.ok(descendants(started.npm.child.pid!).length > 0, 'the service waits for the request in flight');

    inFlight.finish();
    const answer = await inFlight.answer;
    t.equal(answer.status, 200, 'the request in flight gets its answer');
    t.same(JSON.parse(answer.body), { data: { __typename: 'Query' } }, 'in full');
    await assertAllGone(t, started);
    t.ok(await cleanShutdownLogged(started.dataDir), 'PostgreSQL logged a clean shutdown');
  },
);

t.test('a second signal ends at once, without waiting for the request in flight', async (t) => {
  const started = await startWithNpm(t, { DRAIN_LIMIT: '60s' });
  const inFlight = requestInFlight(started.port);
  inFlight.answer.catch(() => {});
  await inFlight.sent;
  started.npm.child.kill('SIGTERM');
  await waitUntil(
    async () => (await fetch(`http://127.0.0.1:${started.port}/v1/stats`).catch(() => null))?.status === 503,
    STOP_LIMIT_MS,
    'the service did not start draining',
  );
  // Later than a terminal's Ctrl-C copy, which the service takes for the same signal (src/server.ts).
  await new Promise((resolve) => setTimeout(resolve, 600));
  started.npm.child.kill('SIGTERM');
  const ms = await assertAllGone(t, started);
  t.ok(ms < STOP_LIMIT_MS, 'well before the 60 s drain limit');
});

function processName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]!.split('/').pop()!;
  } catch {
    return '';
  }
}
