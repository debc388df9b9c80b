// Validators, made and checked in one place for every answer the service
// caches: REST pages and items, GraphQL GET answers and release files. An ETag
// names what the body is a function of (the dataset version and the
// representation, or a file's SHA-256); a conditional request that matches it
// is answered 304 with the validators repeated.
import type { IncomingHttpHeaders } from 'node:http';

/** The one way of making an ETag: a quoted, opaque tag built from what the answer is a function of. */
export function entityTag(...parts: (string | number)[]): string {
  return `"${parts.join('-')}"`;
}

export function etagMatches(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  // Weak comparison (RFC 9110 §13.1.2): W/"x" matches "x", as a CDN that compressed the body would send it.
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}

/**
 * RFC 9110 §13.2.2: If-None-Match wins; If-Modified-Since only without it (and never for an answer without
 * Last-Modified, such as GraphQL's).
 */
export function isNotModified(
  request: { headers: IncomingHttpHeaders },
  etag: string,
  /** The answer's Last-Modified, as sent (parsed only for a request that asks If-Modified-Since). */
  lastModified?: string,
): boolean {
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch !== undefined) return etagMatches(ifNoneMatch, etag);
  const ifModifiedSince = request.headers['if-modified-since'];
  if (ifModifiedSince === undefined || lastModified === undefined) return false;
  const since = Date.parse(ifModifiedSince);
  // HTTP dates have whole seconds.
  return !Number.isNaN(since) && Math.floor(Date.parse(lastModified) / 1000) * 1000 <= since;
}

const VALIDATOR_HEADERS = ['etag', 'last-modified', 'cache-control', 'vary', 'x-dataset-version'] as const;

/** Whether a conditional request matches a cached answer's validators (answered 304). */
export function matchesValidators(request: { headers: IncomingHttpHeaders }, headers: Record<string, string>): boolean {
  if (!headers.etag) return false;
  return isNotModified(request, headers.etag, headers['last-modified']);
}

/** The headers a 304 repeats from the answer it stands for. */
export function validatorHeaders(headers: Record<string, string>): Record<string, string> {
  const repeated: Record<string, string> = {};
  for (const name of VALIDATOR_HEADERS) if (headers[name]) repeated[name] = headers[name];
  return repeated;
}
