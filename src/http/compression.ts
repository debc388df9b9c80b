// Compression of every answer, negotiated by Accept-Encoding (RFC 9110 §12.5.3): brotli, gzip or none.
// - An answer kept in memory (the response cache, GraphQL's answers, static files) keeps its compressed bodies
//   beside it, made once on the first request that asks for each (encodedBody), so a warm compressed answer costs
//   what an uncompressed one does.
// - Everything else (misses of uncached routes, problems, streams such as the bulk files) is compressed as it is
//   sent, by the onSend hook every route gets (compressionPlugin); a stream is compressed as it streams.
// - An encoded answer has an ETag of its own (the identity ETag with -br or -gz inside the quotes, RFC 9110
//   §8.8.3.3: a strong ETag names one sequence of bytes), and every compressible answer says Vary: Accept-Encoding.
// - A route with `config: { compress: false }` is sent as stored (release files: zip and Parquet are compressed
//   already, and every file keeps its SHA-256 as its ETag).
import { pipeline } from 'node:stream';
import {
  brotliCompress,
  brotliCompressSync,
  constants,
  createBrotliCompress,
  createGzip,
  gzip,
  gzipSync,
  type BrotliOptions,
  type ZlibOptions,
} from 'node:zlib';
import type { FastifyInstance, onSendHookHandler } from 'fastify';
import fp from 'fastify-plugin';

export type Encoding = 'br' | 'gzip' | 'identity';

// Quality 5 (of 11) and level 6 (zlib's default): most of the gain for a fraction of the time of the highest
// settings, which matters on the first request of an entry (the county GeoJSON and the explorer's map above all)
// and on streams.
const BROTLI: BrotliOptions = { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } };
const GZIP: ZlibOptions = { level: 6 };

const SUFFIX: Record<Exclude<Encoding, 'identity'>, string> = { br: '-br', gzip: '-gz' };

/** Media types worth compressing: text, JSON (problem+json, geo+json, feed+json), NDJSON, XML (Atom), JavaScript, SVG. */
const COMPRESSIBLE = /^text\/|json|xml|javascript|svg/i;

function qualityOf(parameters: string[]): number {
  const q = parameters.find((parameter) => parameter.trim().startsWith('q='));
  return q === undefined ? 1 : Number(q.trim().slice(2));
}

function parseEncoding(header: string): Encoding {
  let br: number | undefined;
  let gz: number | undefined;
  let identity: number | undefined;
  let any: number | undefined;
  for (const part of header.split(',')) {
    const [token = '', ...parameters] = part.trim().toLowerCase().split(';');
    const q = qualityOf(parameters);
    const value = Number.isNaN(q) ? 0 : q;
    if (token === 'br') br = value;
    else if (token === 'gzip' || token === 'x-gzip') gz = value;
    else if (token === 'identity') identity = value;
    else if (token === '*') any = value;
  }
  const brotliQ = br ?? any ?? 0;
  const gzipQ = gz ?? any ?? 0;
  const best = Math.max(brotliQ, gzipQ);
  // Compressed whenever a coding is acceptable, unless the client prefers identity outright; brotli on a tie.
  if (best <= 0 || (identity !== undefined && identity > best)) return 'identity';
  return brotliQ >= gzipQ ? 'br' : 'gzip';
}

// Clients send the same few headers over and over: the last one's answer is kept.
let lastHeader = '';
let lastEncoding: Encoding = 'identity';

/** The coding of the answer to a request with this Accept-Encoding: brotli, else gzip, else none. */
export function chooseEncoding(header: string | string[] | undefined): Encoding {
  if (header === undefined || header === '') return 'identity';
  const text = Array.isArray(header) ? header.join(',') : header;
  if (text !== lastHeader) {
    lastEncoding = parseEncoding(text);
    lastHeader = text;
  }
  return lastEncoding;
}

/** The ETag of the answer's bytes in `encoding`: `"x"` → `"x-br"`, `W/"x"` → `W/"x-br"`. */
export function encodedEtag(etag: string, encoding: Encoding): string {
  if (encoding === 'identity' || !etag.endsWith('"')) return etag;
  return `${etag.slice(0, -1)}${SUFFIX[encoding]}"`;
}

/** A Vary value that includes Accept-Encoding. */
export function varyWithEncoding(vary: string | undefined): string {
  if (!vary) return 'Accept-Encoding';
  return /accept-encoding/i.test(vary) ? vary : `${vary}, Accept-Encoding`;
}

/** The validators and Vary of an answer in `encoding` (its other headers unchanged); a 304 repeats these. */
export function encodedHeaders(headers: Record<string, string>, encoding: Encoding): Record<string, string> {
  const encoded: Record<string, string> = { ...headers, vary: varyWithEncoding(headers.vary) };
  if (headers.etag) encoded.etag = encodedEtag(headers.etag, encoding);
  return encoded;
}

const variants = new WeakMap<Buffer, { br?: Buffer; gzip?: Buffer }>();

/** `body` in `encoding`, compressed once per body (kept while the body is) however many requests ask. */
export function encodedBody(body: Buffer, encoding: Encoding): Buffer {
  if (encoding === 'identity') return body;
  let kept = variants.get(body);
  if (kept === undefined) {
    kept = {};
    variants.set(body, kept);
  }
  return (kept[encoding] ??= ownCopy(encoding === 'br' ? brotliCompressSync(body, BROTLI) : gzipSync(body, GZIP)));
}

/** A buffer of its own: zlib's result may be a slice of a much larger one, which keeping it would keep whole. */
function ownCopy(buffer: Buffer): Buffer {
  const copy = Buffer.allocUnsafeSlow(buffer.length);
  buffer.copy(copy);
  return copy;
}

export function isCompressible(contentType: string | undefined): boolean {
  return contentType !== undefined && COMPRESSIBLE.test(contentType);
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: the route's answers are sent as stored, never compressed (release files). */
    compress?: boolean;
  }
}

/**
 * The onSend hook of every route (and of the not-found handler, src/http/problem.ts, which is no route): compresses
 * what the route did not send compressed itself.
 */
export const compressAnswer: onSendHookHandler<unknown> = (request, reply, payload, done) => {
  if (payload === null || payload === undefined || payload === '' || reply.hasHeader('content-encoding'))
    return done(null, payload);
  if (reply.statusCode === 204 || reply.statusCode === 304 || request.routeOptions.config?.compress === false)
    return done(null, payload);
  if (!isCompressible(reply.getHeader('content-type') as string | undefined)) return done(null, payload);
  const isStream = typeof (payload as { pipe?: unknown }).pipe === 'function';
  // Anything else (a web stream) goes as it is.
  if (!isStream && typeof payload !== 'string' && !Buffer.isBuffer(payload)) return done(null, payload);
  reply.header('vary', varyWithEncoding(reply.getHeader('vary') as string | undefined));
  const encoding = chooseEncoding(request.headers['accept-encoding']);
  if (encoding === 'identity') return done(null, payload);
  const etag = reply.getHeader('etag') as string | undefined;
  if (etag) reply.header('etag', encodedEtag(etag, encoding));
  reply.header('content-encoding', encoding);
  if (isStream) {
    reply.removeHeader('content-length');
    const compressor = encoding === 'br' ? createBrotliCompress(BROTLI) : createGzip(GZIP);
    // A failing source fails the compressor, and Fastify ends the response (a truncated body, never a complete-looking one).
    return done(
      null,
      pipeline(payload as NodeJS.ReadableStream, compressor, () => {}),
    );
  }
  const bytes = typeof payload === 'string' ? Buffer.from(payload) : (payload as Buffer);
  const compressed = (error: Error | null, result: Buffer) => (error ? done(error) : done(null, result));
  if (encoding === 'br') brotliCompress(bytes, BROTLI, compressed);
  else gzip(bytes, GZIP, compressed);
};

/**
 * Adds the compression hook to every route registered after it, as the last of the route's onSend hooks: a route's
 * own hooks (GraphQL's cache keeps the uncompressed answer) see the body as it was made.
 */
export const compressionPlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook('onRoute', (route) => {
      const own = route.onSend === undefined ? [] : Array.isArray(route.onSend) ? route.onSend : [route.onSend];
      route.onSend = [...own, compressAnswer as never];
    });
  },
  { name: 'compression' },
);
