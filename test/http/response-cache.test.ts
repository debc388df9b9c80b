// The response cache (src/cache/store.ts) at its edges: CACHE_MAX_ENTRIES
// answers kept (an answer counted once, whatever spellings it is kept under),
// the least recently used evicted past it; concurrent misses share
// one computation; a failed computation is not remembered (the next request
// computes again, it does not get the old failure).
import t from 'tap';
import { ResponseCache, SPELLINGS_PER_ANSWER, type CachedResponse } from '../../src/cache/store.ts';
import { testApp } from '../helpers/app.ts';
import { seedHistory } from '../helpers/fixtures.ts';
import { countQueries } from '../helpers/query-counter.ts';

const answer = (text: string, status = 200): CachedResponse => ({
  status,
  contentType: 'text/plain',
  body: Buffer.from(text),
});

t.test('at CACHE_MAX_ENTRIES the least recently used answer goes', async (t) => {
  const cache = new ResponseCache(2);
  cache.set(1, 'a', answer('A'));
  cache.set(1, 'b', answer('B'));
  t.equal(cache.size, 2, 'two kept: at the limit');
  t.equal(cache.get(1, 'a')?.body.toString(), 'A', 'a read makes "a" the most recently used');
  cache.set(1, 'c', answer('C'));
  t.equal(cache.size, 2, 'one over the limit: one evicted');
  t.equal(cache.get(1, 'b'), undefined, '"b", the least recently used, went');
  t.same([cache.get(1, 'a')?.body.toString(), cache.get(1, 'c')?.body.toString()], ['A', 'C']);
  cache.set(1, 'oops', answer('not found', 404));
  t.equal(cache.get(1, 'oops'), undefined, 'only 200s are kept');
  t.equal(cache.get(2, 'a'), undefined, 'a new dataset version forgets everything');
  t.equal(cache.size, 0);
});

t.test('CACHE_MAX_ENTRIES=0: nothing kept, every request computes', async (t) => {
  const cache = new ResponseCache(0);
  let computed = 0;
  for (let i = 0; i < 3; i++) await cache.getOrCompute(1, 'a', async () => answer(`A${++computed}`));
  t.equal(computed, 3);
  t.equal(cache.size, 0);
});

t.test('concurrent misses share one computation', async (t) => {
  const cache = new ResponseCache(10);
  let computed = 0;
  let finish!: (response: CachedResponse) => void;
  const compute = () => {
    computed++;
    return new Promise<CachedResponse>((resolve) => (finish = resolve));
  };
  const waiting = [
    cache.getOrCompute(1, 'a', compute),
    cache.getOrCompute(1, 'a', compute),
    cache.getOrCompute(1, 'a', compute),
  ];
  finish(answer('A'));
  t.same(
    (await Promise.all(waiting)).map((response) => response.body.toString()),
    ['A', 'A', 'A'],
  );
  t.equal(computed, 1, 'computed once for three requests');
  t.equal((await cache.getOrCompute(1, 'a', compute)).body.toString(), 'A', 'then served from the cache');
  t.equal(computed, 1);
});

t.test('a failed computation clears its in-flight entry: the next request computes again', async (t) => {
  const cache = new ResponseCache(10);
  let fail!: (error: Error) => void;
  const failing = () => new Promise<CachedResponse>((_, reject) => (fail = reject));
  const waiting = [cache.getOrCompute(1, 'a', failing), cache.getOrCompute(1, 'a', failing)];
  fail(new Error('database unavailable'));
  const outcomes = await Promise.allSettled(waiting);
  t.same(
    outcomes.map((outcome) => (outcome.status === 'rejected' ? (outcome.reason as Error).message : 'fulfilled')),
    ['database unavailable', 'database unavailable'],
    'every request waiting on it gets the error',
  );
  let computed = 0;
  const retried = await cache.getOrCompute(1, 'a', async () => {
    computed++;
    return answer('A');
  });
  t.equal(computed, 1, 'the failure was not kept as the answer');
  t.equal(retried.body.toString(), 'A');
  t.equal(cache.size, 1, 'and the success is kept');
});

t.test('an answer kept under other spellings takes one slot; its spellings go with it', async (t) => {
  const cache = new ResponseCache(2);
  const a = answer('A');
  cache.set(1, 'a', a);
  cache.set(1, '/a?x=1', a, 'a');
  cache.set(1, '/a?x=1&', a, 'a');
  cache.set(1, 'b', answer('B'));
  t.equal(cache.size, 2, 'two answers, however many spellings');
  t.equal(cache.get(1, '/a?x=1')?.body.toString(), 'A', 'a spelling answers, and makes "a" the most recently used');
  cache.set(1, 'c', answer('C'));
  t.equal(cache.get(1, 'b'), undefined, '"b", the least recently used answer, went');
  t.equal(cache.get(1, 'a')?.body.toString(), 'A', '"a" stayed');
  cache.set(1, 'd', answer('D'));
  cache.set(1, 'e', answer('E'));
  t.same(
    [cache.get(1, 'a'), cache.get(1, '/a?x=1'), cache.get(1, '/a?x=1&')],
    [undefined, undefined, undefined],
    'an evicted answer takes all its spellings',
  );
  t.equal(cache.keys, 2, 'no spelling left behind');
  for (let i = 0; i < 2 * SPELLINGS_PER_ANSWER; i++) cache.set(1, `/e?${i}`, answer('E'), 'e');
  t.equal(cache.keys, 1 + SPELLINGS_PER_ANSWER, `an answer keeps at most ${SPELLINGS_PER_ANSWER} spellings`);
});

t.test(
  'over 20,000 mixed reads and writes, it keeps exactly what a least-recently-used list of answers keeps',
  async (t) => {
    // The model: answers in an array from the least to the most recently used, each with its spellings (what the
    // cache did before it kept a linked list). Same operations, same answers, same evictions.
    const model = { answers: [] as { key: string; keys: string[] }[], entries: new Map<string, string>() };
    const touch = (answerKey: string) => {
      const at = model.answers.findIndex((answer) => answer.key === answerKey);
      const [answer] = at === -1 ? [{ key: answerKey, keys: [] as string[] }] : model.answers.splice(at, 1);
      model.answers.push(answer!);
      return answer!;
    };
    const modelGet = (key: string) => {
      const answerKey = model.entries.get(key);
      if (answerKey !== undefined) touch(answerKey);
      return answerKey;
    };
    const modelSet = (key: string, answerKey: string, max: number) => {
      const previous = model.entries.get(key);
      if (previous !== undefined && previous !== answerKey) {
        const old = model.answers.find((answer) => answer.key === previous)!;
        old.keys.splice(old.keys.indexOf(key), 1);
        if (old.keys.length === 0) model.answers.splice(model.answers.indexOf(old), 1);
        model.entries.delete(key);
      }
      const answer = touch(answerKey);
      if (!answer.keys.includes(key)) {
        if (answer.keys.length >= SPELLINGS_PER_ANSWER) return;
        answer.keys.push(key);
      }
      model.entries.set(key, answerKey);
      if (model.answers.length > max)
        for (const spelling of model.answers.shift()!.keys) model.entries.delete(spelling);
    };

    const max = 16;
    const cache = new ResponseCache(max);
    let seed = 287;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0;
      return Math.floor((seed / 2 ** 32) * n); // the high bits: an LCG's low ones repeat
    };
    let mismatches = 0;
    for (let i = 0; i < 20_000; i++) {
      const answerKey = `a${random(24)}`;
      // A spelling of its own answer most of the time, at times one that moves to another answer.
      const key = random(3) === 0 ? answerKey : `${random(10) === 0 ? `a${random(24)}` : answerKey}?s=${random(12)}`;
      if (random(2) === 0) {
        const expected = modelGet(key);
        if (cache.get(1, key)?.body.toString() !== expected) mismatches++;
      } else {
        modelSet(key, answerKey, max);
        cache.set(1, key, answer(answerKey), answerKey);
      }
    }
    t.equal(mismatches, 0, 'every read answered as the model answers it');
    t.equal(cache.size, model.answers.length, 'as many answers kept');
    t.equal(cache.keys, model.entries.size, 'as many spellings kept');
  },
);

t.test('through the app: CACHE_MAX_ENTRIES=3 keeps three answers warm, a fourth evicts one', async (t) => {
  // Each REST answer is kept under its normalized key and the request as it came (the fast path in front of
  // Fastify, src/cache/plugin.ts), each GraphQL answer under its operation and its body: one slot each.
  const { app, database } = await testApp(t, { env: { CACHE_MAX_ENTRIES: '3' } });
  await seedHistory(database.pool);
  await app.dataset.refresh();
  const queries = countQueries(database.pool);
  const cost = async (url: string) => {
    let status = 0;
    const count = await queries.during(async () => {
      status = (await app.inject(url)).statusCode;
    });
    t.equal(status, 200, url);
    return count;
  };
  const graphql = async () => {
    const response = await app.inject({ method: 'POST', url: '/graphql', payload: { query: '{ listDates }' } });
    t.equal(response.statusCode, 200, response.body);
    return response.headers['x-cache'];
  };
  // /v1/changes pages are kept in the cache (/v1/agreements pages are streamed from a snapshot, never kept).
  const [fl, tx, ga] = ['/v1/changes?state=FL', '/v1/changes?state=TX', '/v1/changes?state=GA'];
  t.ok((await cost(fl)) > 0, 'FL computed');
  t.ok((await cost(tx)) > 0, 'TX computed');
  t.equal(await graphql(), 'MISS', 'a GraphQL answer computed');
  t.equal(app.responseCache.store.size, 3, 'three answers kept');
  t.equal(await cost(fl), 0, 'FL from the cache (and now the most recently used)');
  t.equal(await cost(tx), 0, 'TX from the cache');
  t.equal(await graphql(), 'HIT', 'the GraphQL answer from the cache');
  t.equal(await cost(fl), 0, 'FL from the cache again: TX is now the least recently used');
  t.ok((await cost(ga)) > 0, 'GA computed: one over the limit');
  t.equal(await cost(fl), 0, 'FL still cached');
  t.equal(await graphql(), 'HIT', 'the GraphQL answer still cached');
  t.ok((await cost(tx)) > 0, 'TX, the least recently used, was evicted and is computed again');
});
