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
