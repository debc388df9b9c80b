// Responses kept in memory, keyed by (dataset version, normalized request).
// The data changes only when a list is ingested, so a response is a pure
// function of that key: no TTL, the whole cache goes when the version moves.
// Concurrent misses for one key share a single computation.

export interface CachedResponse {
  status: number;
  contentType: string;
  body: Buffer;
  headers?: Record<string, string>;
}

/**
 * A body to keep, in memory of its own: a small Buffer.from() is a slice of a shared 8 kB pool, and keeping it keeps
 * the whole slab (measured: 1.8 times the bodies' size; bench/cache-memory.ts).
 */
export function bodyToKeep(body: string | Buffer): Buffer {
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  const kept = Buffer.allocUnsafeSlow(length);
  if (typeof body === 'string') kept.write(body);
  else body.copy(kept);
  return kept;
}

export class ResponseCache {
  private entries = new Map<string, CachedResponse>();
  private inFlight = new Map<string, Promise<CachedResponse>>();
  private version = -1;

  constructor(private readonly maxEntries: number) {}

  /** Forgets everything from older dataset versions. */
  private at(version: number): void {
    if (version === this.version) return;
    this.version = version;
    this.entries.clear();
    this.inFlight.clear();
  }

  get(version: number, key: string): CachedResponse | undefined {
    this.at(version);
    const hit = this.entries.get(key);
    if (hit) {
      // Map order is insertion order: re-inserting makes this the most recently used.
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  /** Keeps `response` under `key` too (another spelling of a request already answered). */
  set(version: number, key: string, response: CachedResponse): void {
    this.at(version);
    if (this.maxEntries === 0 || response.status !== 200) return;
    this.entries.set(key, response);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  /** The cached response, or computes it once however many requests ask at the same time. */
  async getOrCompute(version: number, key: string, compute: () => Promise<CachedResponse>): Promise<CachedResponse> {
    // CACHE_MAX_ENTRIES=0 turns the cache off entirely: every request computes its own answer.
    if (this.maxEntries === 0) return compute();
    const hit = this.get(version, key);
    if (hit) return hit;
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const promise = compute().then(
      (response) => {
        if (this.version === version && this.inFlight.get(key) === promise) {
          this.inFlight.delete(key);
          this.set(version, key, response);
        }
        return response;
      },
      (error: unknown) => {
        if (this.inFlight.get(key) === promise) this.inFlight.delete(key);
        throw error;
      },
    );
    this.inFlight.set(key, promise);
    return promise;
  }

  get size(): number {
    return this.entries.size;
  }
}
