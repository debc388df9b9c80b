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

/** An answer and the keys it is kept under, in the list of answers from the least to the most recently used. */
interface Answer {
  /** Its normalized key. */
  key: string;
  /** Every key it is kept under, its normalized key included. */
  keys: string[];
  older: Answer | null;
  newer: Answer | null;
}

interface Entry {
  response: CachedResponse;
  /** The answer this key spells. */
  answer: Answer;
}

export class ResponseCache {
  /** Every key kept, normalized or raw. */
  private entries = new Map<string, Entry>();
  /** The answers by normalized key; `oldest` … `newest` orders them by use (a read moves one in place, no allocation). */
  private answers = new Map<string, Answer>();
  private oldest: Answer | null = null;
  private newest: Answer | null = null;
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
    this.oldest = this.newest = null;
    this.inFlight.clear();
  }

  private unlink(answer: Answer): void {
    if (answer.older) answer.older.newer = answer.newer;
    else this.oldest = answer.newer;
    if (answer.newer) answer.newer.older = answer.older;
    else this.newest = answer.older;
    answer.older = answer.newer = null;
  }

  /** Makes `answer` (linked or not) the most recently used. */
  private use(answer: Answer): void {
    if (answer === this.newest) return;
    if (answer.older || answer === this.oldest) this.unlink(answer);
    answer.older = this.newest;
    if (this.newest) this.newest.newer = answer;
    else this.oldest = answer;
    this.newest = answer;
  }

  private drop(answer: Answer): void {
    this.unlink(answer);
    this.answers.delete(answer.key);
    for (const spelling of answer.keys) this.entries.delete(spelling);
  }

  get(version: number, key: string): CachedResponse | undefined {
    this.at(version);
    const hit = this.entries.get(key);
    if (hit === undefined) return undefined;
    // Whichever of its spellings was asked, the answer becomes the most recently used.
    this.use(hit.answer);
    return hit.response;
  }

  /** Keeps `response` under `key`, a spelling of the answer whose normalized key is `answerKey` (itself by default). */
  set(version: number, key: string, response: CachedResponse, answerKey = key): void {
    this.at(version);
    if (this.maxEntries === 0 || response.status !== 200) return;
    const previous = this.entries.get(key);
    if (previous !== undefined && previous.answer.key !== answerKey) {
      this.forget(previous.answer, key);
      this.entries.delete(key);
    }
    let answer = this.answers.get(answerKey);
    if (answer === undefined) {
      answer = { key: answerKey, keys: [], older: null, newer: null };
      this.answers.set(answerKey, answer);
    }
    this.use(answer);
    if (!answer.keys.includes(key)) {
      if (answer.keys.length >= SPELLINGS_PER_ANSWER) return;
      answer.keys.push(key);
    }
    this.entries.set(key, { response, answer });
    if (this.answers.size > this.maxEntries) this.drop(this.oldest!);
  }

  /** Drops `key` from the spellings of `answer` (and the answer, when it was its last). */
  private forget(answer: Answer, key: string): void {
    answer.keys.splice(answer.keys.indexOf(key), 1);
    if (answer.keys.length === 0) this.drop(answer);
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
