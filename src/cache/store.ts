// Responses kept in memory, keyed by (dataset version, normalized request).
// The data changes only when a list is ingested, so a response is a pure
// function of that key: no TTL, the whole cache goes when the version moves.
// Concurrent misses for one key share a single computation.
// An answer may also be kept under other spellings of its request (the raw keys
// of the fast paths, src/cache/plugin.ts): they share its slot, so
// CACHE_MAX_ENTRIES counts answers, and an answer evicted takes its spellings.

export interface CachedResponse {
  status: number;
  contentType: string;
  body: Buffer;
  headers?: Record<string, string>;
}

/**
 * Spellings kept per answer, its normalized key included: each is a key in memory, so the bound keeps a client that
 * spells one request many ways from growing the cache past CACHE_MAX_ENTRIES answers. A spelling past it is answered
 * through Fastify and the normalized key.
 */
export const SPELLINGS_PER_ANSWER = 8;

interface Entry {
  response: CachedResponse;
  /** The normalized key of the answer this key spells. */
  answer: string;
}

export class ResponseCache {
  /** Every key kept, normalized or raw. */
  private entries = new Map<string, Entry>();
  /** The keys of each answer by its normalized key, least recently used first (Map order is insertion order). */
  private answers = new Map<string, string[]>();
  private inFlight = new Map<string, Promise<CachedResponse>>();
  private version = -1;

  private readonly maxEntries: number;
  constructor(maxEntries: number) {
    this.maxEntries = maxEntries;
  }

  /** Forgets everything from older dataset versions. */
  private at(version: number): void {
    if (version === this.version) return;
    this.version = version;
    this.entries.clear();
    this.answers.clear();
    this.inFlight.clear();
  }

  get(version: number, key: string): CachedResponse | undefined {
    this.at(version);
    const hit = this.entries.get(key);
    if (hit === undefined) return undefined;
    // Re-inserting makes the answer the most recently used, whichever of its spellings was asked.
    const keys = this.answers.get(hit.answer)!;
    this.answers.delete(hit.answer);
    this.answers.set(hit.answer, keys);
    return hit.response;
  }

  /** Keeps `response` under `key`, a spelling of the answer whose normalized key is `answer` (itself by default). */
  set(version: number, key: string, response: CachedResponse, answer = key): void {
    this.at(version);
    if (this.maxEntries === 0 || response.status !== 200) return;
    const previous = this.entries.get(key);
    if (previous !== undefined && previous.answer !== answer) {
      this.forget(previous.answer, key);
      this.entries.delete(key);
    }
    let keys = this.answers.get(answer);
    if (keys === undefined) keys = [];
    else this.answers.delete(answer);
    this.answers.set(answer, keys);
    if (!keys.includes(key)) {
      if (keys.length >= SPELLINGS_PER_ANSWER) return;
      keys.push(key);
    }
    this.entries.set(key, { response, answer });
    if (this.answers.size > this.maxEntries) {
      const [oldest, oldestKeys] = this.answers.entries().next().value!;
      this.answers.delete(oldest);
      for (const spelling of oldestKeys) this.entries.delete(spelling);
    }
  }

  /** Drops `key` from the spellings of `answer` (and the answer, when it was its last). */
  private forget(answer: string, key: string): void {
    const keys = this.answers.get(answer);
    if (keys === undefined) return;
    keys.splice(keys.indexOf(key), 1);
    if (keys.length === 0) this.answers.delete(answer);
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

  /** Answers kept (each counted once, however many spellings it is kept under): at most CACHE_MAX_ENTRIES. */
  get size(): number {
    return this.answers.size;
  }

  /** Keys kept: every answer's normalized key and the raw spellings remembered for the fast paths. */
  get keys(): number {
    return this.entries.size;
  }
}
