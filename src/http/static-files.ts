// Files the service serves as they are: the explorer's own pages and scripts (public/), the browser libraries
// GraphiQL uses, read from their npm packages (node_modules), so that no page loads anything from outside the
// service, and files the service computes once (the explorer's projected maps). Each file is read or made once, on
// its first request, and answers conditional GETs by a hash of its bytes; it is compressed once per coding a client
// asks for.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { chooseEncoding, encodedBody, encodedEtag, isCompressible, varyWithEncoding } from './compression.ts';
import { notFound } from './problem.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The public/ folder at the repository's root. */
export const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url));

const require = createRequire(import.meta.url);

/** A file inside an installed npm package ('react/umd/react.production.min.js'), found the way Node finds packages. */
export function packageFile(specifier: string): string {
  for (const folder of require.resolve.paths(specifier) ?? []) {
    const candidate = join(folder, specifier);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${specifier} is not installed (npm ci)`);
}

interface LoadedFile {
  body: Buffer;
  etag: string;
  type: string;
}

export interface StaticFileOptions {
  /** Cache-Control: versioned package files may be kept; the service's own pages are revalidated. */
  cacheControl: string;
}

/**
 * A handler that serves the files of `files` (URL name → absolute path, or a function that makes the bytes, for a file
 * the service computes); other names answer 404 problem+json.
 */
export function staticFiles(files: Record<string, string | (() => Buffer)>, options: StaticFileOptions) {
  const loaded = new Map<string, LoadedFile>();
  function load(name: string): LoadedFile | undefined {
    const source = Object.hasOwn(files, name) ? files[name] : undefined;
    if (!source) return undefined;
    let file = loaded.get(name);
    if (!file) {
      const body = typeof source === 'string' ? readFileSync(source) : source();
      file = {
        body,
        etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
        type: CONTENT_TYPES[extname(typeof source === 'string' ? source : name)] ?? 'application/octet-stream',
      };
      loaded.set(name, file);
    }
    return file;
  }
  return function send(request: FastifyRequest, reply: FastifyReply, name: string): FastifyReply {
    const file = load(name);
    if (!file) throw notFound(`no file ${request.url.split('?')[0]}`);
    // In the client's coding, compressed once per file (src/http/compression.ts), with that coding's ETag.
    const encoding = isCompressible(file.type) ? chooseEncoding(request.headers['accept-encoding']) : 'identity';
    const etag = encodedEtag(file.etag, encoding);
    reply
      .header('etag', etag)
      .header('cache-control', options.cacheControl)
      .header('vary', varyWithEncoding(reply.getHeader('vary') as string | undefined));
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    if (encoding !== 'identity') reply.header('content-encoding', encoding);
    return reply.type(file.type).send(encodedBody(file.body, encoding));
  };
}
