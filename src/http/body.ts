// Bodies kept in memory (the response cache's answers and their compressed variants).
/**
 * A body to keep, in memory of its own: a small Buffer.from() is a slice of a shared 8 kB pool, and keeping it keeps
 * the whole slab, so a cache of small answers would hold far more than their bodies (bench/cache-memory.ts measures
 * it; docs/benchmarks.md).
 */
export function bodyToKeep(body: string | Buffer): Buffer {
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  const kept = Buffer.allocUnsafeSlow(length);
  if (typeof body === 'string') kept.write(body);
  else body.copy(kept);
  return kept;
}
