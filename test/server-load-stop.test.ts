// A planned stop under load: SIGTERM to `npm start`'s pid while keep-alive clients send requests as fast as
// they get answers. Every request gets its full answer or a 503; no connection is reset mid-answer.
import { Agent, request } from 'node:http';
import t from 'tap';
import { testDatabase } from './helpers/database.ts';
import { descendants, listening, npmRun, running, waitUntil } from './helpers/npm-processes.ts';
import { freePort, waitReady } from './helpers/processes.ts';

type Outcome = 'answered' | 'unavailable' | 'refused' | 'reset';

function get(agent: Agent, port: number, path: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = request({ agent, port, host: '127.0.0.1', path }, (response) => {
      response.resume();
      response.on('close', () => {
        if (!response.complete) return resolve('reset');
        if (response.statusCode === 503 && response.headers['retry-after']) return resolve('unavailable');
        resolve(response.statusCode === 200 ? 'answered' : 'reset');
      });
    });
    // Refused: the service no longer listens (it never accepted this one). Anything else: a lost request.
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED' ? 'refused' : 'reset'));
    req.end();
  });
}

t.test('SIGTERM under load: every request answered in full or 503, 0 connections reset', async (t) => {
  const db = await testDatabase(t);
  const port = await freePort();
  const npm = npmRun(['start'], {
    DATABASE_URL: db.url,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    RATE_LIMIT_MAX: '1000000',
  });
  t.teardown(() => npm.child.kill('SIGKILL'));
  await waitReady(port, npm);
  const tree = descendants(npm.child.pid!);

  const counts: Record<Outcome, number> = { answered: 0, unavailable: 0, refused: 0, reset: 0 };
  const paths = ['/v1/stats', '/v1/agreements?limit=20', '/v1/states', '/healthz'];
  const clients = Array.from({ length: 16 }, async (_, index) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    for (let n = index; ; n++) {
      const outcome = await get(agent, port, paths[n % paths.length]!);
      counts[outcome]++;
      if (outcome === 'refused') break; // stopped
    }
    agent.destroy();
  });
  await waitUntil(() => counts.answered >= 500, 60_000, 'the load did not get going');
  npm.child.kill('SIGTERM');
  const all = Promise.all(clients);
  await waitUntil(
    async () => tree.every((pid) => !running(pid)) && !(await listening(port)),
    10_000,
    'the service did not stop',
  );
  await all;

  t.equal(
    counts.reset,
    0,
    `0 connections reset (${counts.answered} answered in full, ${counts.unavailable} got 503 + Retry-After, ${counts.refused} found the port closed)`,
  );
  t.ok(counts.answered >= 500, 'answers before the stop');
  t.equal(counts.refused, 16, 'each client stops only when the port is closed');
});
