// A head prepared once (src/http/prepared-head.ts) must put on the wire exactly what Node's writeHead would: the same
// bytes for every way a client may ask (keep-alive, Connection: close, HTTP/1.0, HEAD, a server's request limit), and
// the connection kept or closed the same. Two real Node servers answer raw requests over real sockets, one through
// sendWithHead and one through writeHead; only the Date line may differ (it moves each second).
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import t, { type Test } from 'tap';
import { prepareHead, sendWithHead } from '../../src/http/prepared-head.ts';

const BODY = Buffer.from('{"data":[{"id":"fl-collier-county-sheriffs-office--tfm-2025-02-24"}]}');
const HEADERS = {
  'access-control-allow-origin': '*',
  'x-content-type-options': 'nosniff',
  etag: '"1097-json-4031ceaf"',
  vary: 'Accept, Accept-Encoding',
  link: '</v1/agreements?cursor=WyJpZCIsImZsIl0>; rel="next"',
  'content-type': 'application/json; charset=utf-8',
  'content-length': String(BODY.length),
};
const PER_REQUEST = ['x-request-id', 'trace-42', 'x-ratelimit-remaining', '999'];

interface Servers {
  prepared: Server;
  written: Server;
  /** How many answers of the prepared server went through writeHead (the cases the prepared head leaves to Node). */
  writeHeads: () => number;
}

async function servers(t: Test, options: { maxRequestsPerSocket?: number } = {}): Promise<Servers> {
  const head = prepareHead(HEADERS);
  let writeHeads = 0;
  const prepared = createServer((request, response) => {
    const writeHead = response.writeHead.bind(response);
    response.writeHead = ((...args: Parameters<typeof writeHead>) => {
      writeHeads++;
      return writeHead(...args);
    }) as typeof response.writeHead;
    sendWithHead(response, 200, PER_REQUEST, head, request.method === 'HEAD' ? undefined : BODY);
  });
  const written = createServer((request, response) => {
    response.writeHead(200, [...PER_REQUEST, ...head.list]);
    response.end(request.method === 'HEAD' ? undefined : BODY);
  });
  for (const server of [prepared, written]) {
    server.keepAliveTimeout = 72_000;
    if (options.maxRequestsPerSocket) server.maxRequestsPerSocket = options.maxRequestsPerSocket;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  }
  return { prepared, written, writeHeads: () => writeHeads };
}

/**
 * Sends each request on one connection, each after the answer before (an interim 100 Continue is part of its answer);
 * the answers as sent. With `closes`, waits until the server closes the connection, as it must after the last one.
 */
async function exchange(server: Server, requests: string[], closes = false): Promise<string[]> {
  const socket: Socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
  let received = '';
  let closed = false;
  let waiting: (() => void) | undefined;
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    received += chunk;
    waiting?.();
  });
  socket.on('close', () => {
    closed = true;
    waiting?.();
  });
  const answers: string[] = [];
  for (const request of requests) {
    socket.write(request);
    const withBody = !request.startsWith('HEAD');
    const answer = await new Promise<string>((resolve, reject) => {
      let answer = '';
      waiting = () => {
        for (let end = received.indexOf('\r\n\r\n'); end !== -1; end = received.indexOf('\r\n\r\n')) {
          const interim = /^HTTP\/1\.1 1\d\d /.test(received);
          const length = interim || !withBody ? 0 : Number(/content-length: (\d+)/i.exec(received.slice(0, end))?.[1]);
          if (received.length < end + 4 + length) break;
          answer += received.slice(0, end + 4 + length);
          received = received.slice(end + 4 + length);
          if (!interim) return resolve(answer);
        }
        if (closed) reject(new Error(`closed before a whole answer: ${JSON.stringify(received)}`));
      };
      waiting();
    });
    answers.push(answer.replace(/\r\nDate: [^\r]*\r\n/, '\r\nDate: (now)\r\n'));
  }
  if (closes) await new Promise<void>((resolve) => (closed ? resolve() : (waiting = () => closed && resolve())));
  socket.destroy();
  return answers;
}

const GET = 'GET /v1/agreements HTTP/1.1\r\nHost: localhost\r\n\r\n';

t.test('on a keep-alive connection the prepared head is sent, byte for byte what writeHead sends', async (t) => {
  const { prepared, written, writeHeads } = await servers(t);
  const requests = [GET, GET, 'HEAD /v1/agreements HTTP/1.1\r\nHost: localhost\r\n\r\n'];
  const ours = await exchange(prepared, requests);
  t.same(ours, await exchange(written, requests), 'the same three answers');
  t.match(ours[0], /^HTTP\/1\.1 200 OK\r\nx-request-id: trace-42\r\n/, 'the request values first');
  t.match(ours[0], /\r\nConnection: keep-alive\r\nKeep-Alive: timeout=72\r\n\r\n\{"data"/);
  t.notOk(ours[2]!.includes('{"data"'), 'HEAD: no body');
  t.equal(writeHeads(), 0, 'all three from the prepared head');
});

t.test('every other connection is left to writeHead, with the same bytes and the same close', async (t) => {
  const { prepared, written, writeHeads } = await servers(t);
  // [requests, whether the server closes the connection after them]
  const cases: Record<string, [string[], boolean]> = {
    'Connection: close': [['GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'], true],
    'HTTP/1.0': [['GET / HTTP/1.0\r\n\r\n'], true],
    'HTTP/1.0 keep-alive': [['GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n', 'GET / HTTP/1.0\r\n\r\n'], true],
    'Expect: 100-continue': [['GET / HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\n\r\n', GET], false],
  };
  for (const [label, [requests, closes]] of Object.entries(cases)) {
    t.same(await exchange(prepared, requests, closes), await exchange(written, requests, closes), label);
  }
  t.match((await exchange(prepared, cases['Connection: close']![0], true))[0], /\r\nConnection: close\r\n/);
  // Of these seven requests, two come on a connection Node keeps open (the first HTTP/1.0 keep-alive, the GET after
  // the Expect): they get the prepared head.
  t.equal(writeHeads(), 5, 'those closing the connection, or expecting 100 Continue, through writeHead');
});

t.test("a server's request limit: Keep-Alive gives it, and the last answer asks the client to close", async (t) => {
  const { prepared, written } = await servers(t, { maxRequestsPerSocket: 2 });
  const ours = await exchange(prepared, [GET, GET]);
  t.same(ours, await exchange(written, [GET, GET]));
  t.match(ours[0], /\r\nKeep-Alive: timeout=72, max=2\r\n/);
  t.match(ours[1], /\r\nConnection: close\r\n/);
});

t.test('a head is checked when it is prepared: a bad name or value is refused there', async (t) => {
  t.throws(() => prepareHead({ link: '</v1>\r\nset-cookie: a=b' }), { code: 'ERR_INVALID_CHAR' });
  t.throws(() => prepareHead({ 'bad name': 'x' }), { code: 'ERR_INVALID_HTTP_TOKEN' });
});
