import { createServer, type Server, type Socket, connect } from 'node:net';
import t from 'tap';
import { createPool } from '../../src/database/connect.ts';
import { testApp } from '../helpers/app.ts';
import { testDatabase } from '../helpers/database.ts';

t.test('/healthz and /readyz answer 200 with the database up', async (t) => {
  const { app } = await testApp(t);
  const health = await app.inject('/healthz');
  t.equal(health.statusCode, 200);
  t.same(health.json(), { status: 'ok' });
  const ready = await app.inject('/readyz');
  t.equal(ready.statusCode, 200);
  t.equal(ready.json().status, 'ready');
  t.ok(ready.headers['x-request-id'], 'every response carries its request id');
});

t.test('an unknown route is a 404 problem+json', async (t) => {
  const { app } = await testApp(t);
  const response = await app.inject('/no/such/thing');
  t.equal(response.statusCode, 404);
  t.match(response.headers['content-type'], /^application\/problem\+json/);
  t.match(response.json(), { status: 404, title: 'Not Found', detail: /no route GET \/no\/such\/thing/ });
});

/** A TCP relay to the real server that the test can cut and restore, to lose the database while the app runs. */
async function relayTo(url: string): Promise<{ url: string; cut(): Promise<void>; restore(): Promise<void> }> {
  const target = new URL(url);
  const sockets = new Set<Socket>();
  let server: Server;
  let port = 0;
  const open = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(Number(target.port), target.hostname);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => socket.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server.address() as { port: number }).port;
        resolve();
      });
    });
  await open();
  const relayed = new URL(url);
  relayed.hostname = '127.0.0.1';
  relayed.port = String(port);
  return {
    url: relayed.toString(),
    cut: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
    restore: open,
  };
}

t.test('database lost while running: /readyz 503, then recovery without restart', async (t) => {
  const real = await testDatabase(t);
  const relay = await relayTo(real.url);
  t.teardown(() => relay.cut());
  const pool = createPool(relay.url, 2);
  const database = {
    ...real,
    url: relay.url,
    pool,
    close: async () => {
      await pool.end();
    },
  };
  t.teardown(() => database.close());
  const { app } = await testApp(t, { database });

  t.equal((await app.inject('/readyz')).statusCode, 200, 'ready through the relay');
  await relay.cut();
  const down = await app.inject('/readyz');
  t.equal(down.statusCode, 503);
  t.match(down.headers['content-type'], /^application\/problem\+json/);
  t.match(down.json(), { status: 503, detail: /database is not answering/ });
  t.equal((await app.inject('/healthz')).statusCode, 200, 'the process itself stays alive');

  await relay.restore();
  t.equal((await app.inject('/readyz')).statusCode, 200, 'ready again once the database answers');
});
