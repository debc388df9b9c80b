// An answer's head written once, as one block, for answers given again and again (the response cache's repeats).
//
// `writeHead` checks every header's name and value on every call: with the sixteen headers of an API answer that is
// about a tenth of what a warm answer costs Node (bench/servers/plain.ts measures it). A remembered answer's headers
// were checked when it was first given, so its head is checked and joined once (prepareHead), and each request only
// adds its own few lines. Node is then given the head it would have built itself (the `_header` its writeHead sets),
// and sends it with the body as it always does.
//
// That head depends on how Node handles the connection (keep-alive, its timeout, a request limit, HTTP/1.0, Expect).
// sendWithHead builds it only in the usual case, a keep-alive connection Node would keep open, and lets writeHead build
// every other (test/http/prepared-head.test.ts checks both give the same bytes, so a Node upgrade that changes how
// heads are built fails there).
import { STATUS_CODES, type ServerResponse, validateHeaderName, validateHeaderValue } from 'node:http';

/** A head made once: the lines as sent, and the same as the flat list `writeHead` takes (name, value, name, value…). */
export interface PreparedHead {
  readonly lines: string;
  readonly list: readonly string[];
  /** Whether it gives the body's length (Node keeps a connection open after a body of known length only). */
  readonly hasLength: boolean;
}

/** Checks each header as writeHead would (throws on a bad name or value) and joins them, once. */
export function prepareHead(headers: Record<string, string>): PreparedHead {
  const list: string[] = [];
  let lines = '';
  for (const [name, value] of Object.entries(headers)) {
    validateHeaderName(name);
    validateHeaderValue(name, value);
    list.push(name, value);
    lines += `${name}: ${value}\r\n`;
  }
  return { lines, list, hasLength: list.some((name, i) => i % 2 === 0 && name.toLowerCase() === 'content-length') };
}

/** The fields of Node's ServerResponse that decide how its head ends (lib/_http_outgoing.js, _storeHeader). */
interface NodeResponseState {
  shouldKeepAlive: boolean;
  maxRequestsOnConnectionReached?: boolean;
  sendDate: boolean;
  _header: string | null;
  _removedConnection?: boolean;
  _defaultKeepAlive?: boolean;
  _keepAliveTimeout?: number;
  _maxRequestsPerSocket?: number;
  _expect_continue?: boolean;
}

/** What a value from a request must be to be sent back as a header value (Node's own check). */
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

let dateSecond = -1;
let dateLine = '';
/** The Date line, as Node writes it, made once a second. */
function currentDateLine(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateLine = `Date: ${new Date(now).toUTCString()}\r\n`;
  }
  return dateLine;
}

/**
 * Sends `status` (one with a body) with the request's own headers first (`perRequest`: name, value, name, value…),
 * then `head`, then `body` (none for HEAD). The request's values are the only ones checked here; a value Node would
 * refuse falls back to writeHead, which refuses it as it always has.
 */
export function sendWithHead(
  response: ServerResponse,
  status: number,
  perRequest: readonly string[],
  head: PreparedHead,
  body: Buffer | undefined,
): void {
  const state = response as unknown as NodeResponseState;
  let own = '';
  let checked = true;
  for (let i = 0; i < perRequest.length && checked; i += 2) {
    checked = !INVALID_VALUE.test(perRequest[i + 1]!);
    own += `${perRequest[i]}: ${perRequest[i + 1]}\r\n`;
  }
  const usual =
    checked &&
    head.hasLength &&
    status >= 200 &&
    status !== 204 &&
    status !== 304 &&
    state._header === null &&
    state.shouldKeepAlive &&
    !state.maxRequestsOnConnectionReached &&
    state.sendDate &&
    !state._removedConnection &&
    !state._expect_continue &&
    state._defaultKeepAlive === true &&
    typeof state._keepAliveTimeout === 'number' &&
    response.getHeaderNames().length === 0;
  if (!usual) {
    response.writeHead(status, [...perRequest, ...head.list]);
    response.end(body);
    return;
  }
  const reason = STATUS_CODES[status] ?? 'unknown';
  const max = ~~(state._maxRequestsPerSocket ?? 0) > 0 ? `, max=${state._maxRequestsPerSocket}` : '';
  const keepAlive = state._keepAliveTimeout
    ? `Keep-Alive: timeout=${Math.floor(state._keepAliveTimeout / 1000)}${max}\r\n`
    : '';
  response.statusCode = status;
  response.statusMessage = reason;
  state._header = `HTTP/1.1 ${status} ${reason}\r\n${own}${head.lines}${currentDateLine()}Connection: keep-alive\r\n${keepAlive}\r\n`;
  response.end(body);
}
