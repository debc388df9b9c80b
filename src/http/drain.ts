// A planned stop that loses no request: once draining, every new request gets a complete 503 problem+json
// with Retry-After and Connection: close, requests in flight finish (within a limit), and a keep-alive
// connection is closed only after its answer or once it has stayed idle a while, never under a request a
// client may be sending at that moment (closing it then would reset the client's connection).
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

/** Seconds a client is told to wait before trying again: a restarted service is back within this. */
export const RETRY_AFTER_S = 5;
/** A keep-alive connection idle this long while draining is closed: a client that sends on it now is rare. */
const IDLE_CLOSE_MS = 500;
const POLL_MS = 20;
/** Node's channel of ended responses (node:diagnostics_channel). */
const RESPONSE_FINISH = 'http.server.response.finish';

interface Connection {
  requests: number;
  idleSince: number;
}

export interface DrainResult {
  /** Requests still unanswered at the drain limit, whose connections were cut. */
  cut: number;
  ms: number;
}

export interface Drainer {
  readonly draining: boolean;
  /**
   * Starts draining (once): answers 503 to new requests until those in flight are answered, then releases the
   * port and closes the connections left; resolves when none is left, or at `limitMs` after cutting them.
   */
  drain(limitMs: number): Promise<DrainResult>;
}

const UNAVAILABLE = JSON.stringify({
  type: '/problems/shutting-down',
  title: 'Service Unavailable',
  status: 503,
  detail: `the service is stopping; try again in ${RETRY_AFTER_S} seconds`,
});

/** Puts the drain in front of every handler of `server`'s requests. Call before it listens. */
export function installDrainer(server: Server): Drainer {
  const connections = new Map<Socket, Connection>();
  let draining = false;
  let drained: Promise<DrainResult> | undefined;

  server.on('connection', (socket: Socket) => {
    connections.set(socket, { requests: 0, idleSince: Date.now() });
    socket.once('close', () => connections.delete(socket));
  });

  // An answer's end, as Node tells every subscriber of its channel: a listener on each response instead cost a warm
  // answer about a twentieth of its throughput (wrk). A response that never ends goes with its connection.
  const finished = (message: unknown) => {
    const { server: from, socket } = message as { server: Server; socket: Socket };
    const connection = from === server ? connections.get(socket) : undefined;
    if (connection) {
      connection.requests--;
      connection.idleSince = Date.now();
    }
  };
  subscribe(RESPONSE_FINISH, finished);
  server.once('close', () => unsubscribe(RESPONSE_FINISH, finished));

  const handlers = server.listeners('request') as ((request: IncomingMessage, response: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const connection = connections.get(request.socket);
    if (connection) connection.requests++;
    if (draining) {
      response.writeHead(503, {
        'content-type': 'application/problem+json',
        'retry-after': String(RETRY_AFTER_S),
        connection: 'close',
        'content-length': Buffer.byteLength(UNAVAILABLE),
      });
      response.end(UNAVAILABLE);
      return;
    }
    for (const handler of handlers) handler.call(server, request, response);
  });

  const busy = () => [...connections.values()].reduce((total, connection) => total + connection.requests, 0);

  async function until(done: () => boolean, deadline: number): Promise<boolean> {
    while (!done()) {
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    return true;
  }

  async function run(limitMs: number): Promise<DrainResult> {
    const started = Date.now();
    const deadline = started + limitMs;
    // Answers still being written end their connection: the client opens a new one and gets the 503 there.
    for (const socket of connections.keys()) {
      const response = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
      if (response && !response.headersSent) response.setHeader('connection', 'close');
    }
    // While requests are in flight, new connections are still accepted and answered 503.
    await until(() => busy() === 0, deadline);
    // Then the port is released (net.Server's close: http.Server's would also close idle connections at once).
    if (server.listening) NetServer.prototype.close.call(server);
    const closed = await until(() => {
      const now = Date.now();
      for (const [socket, connection] of connections) {
        if (connection.requests === 0 && now - connection.idleSince >= IDLE_CLOSE_MS) socket.destroy();
      }
      return connections.size === 0;
    }, deadline);
    const cut = closed ? 0 : busy();
    for (const socket of connections.keys()) socket.destroy();
    return { cut, ms: Date.now() - started };
  }

  return {
    get draining() {
      return draining;
    },
    drain(limitMs: number) {
      draining = true;
      drained ??= run(limitMs);
      return drained;
    },
  };
}
