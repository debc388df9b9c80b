// The per-IP budget restarts when its window turns, and a 429 says when to retry.
// The window is turned by the limiter's clock, not by waiting: a slow request
// (a cold cache miss on a busy machine) cannot push a request into the next window.
import t from 'tap';
import { RateLimiter } from '../../src/plugins/app/rate-limit.ts';
import { testApp } from '../helpers/app.ts';

t.test('the budget restarts when the window turns', async (t) => {
  const { app } = await testApp(t, { env: { RATE_LIMIT_MAX: '2', RATE_LIMIT_WINDOW: '1500ms' } });
  let now = 1_000_000;
  app.rateLimiter.clock = () => now;
  const statuses = [];
  for (let i = 0; i < 3; i++) statuses.push((await app.inject('/v1/models')).statusCode);
  t.same(statuses, [200, 200, 429], 'two allowed, the third refused');
  now += 400;
  const refused = await app.inject('/v1/models');
  t.equal(refused.statusCode, 429, 'still refused later in the same window');
  t.equal(refused.headers['x-ratelimit-remaining'], '0');
  t.equal(refused.headers['retry-after'], '2', 'Retry-After: the 1.1 s left, rounded up to whole seconds');
  t.equal(refused.headers['x-ratelimit-reset'], '2');
  t.match(refused.headers['content-type'], /^application\/problem\+json/);
  t.match(refused.json().detail, /more than 2 requests in 1500ms; retry in 2 s/);

  now += 1099; // 1 ms before the window turns
  t.equal((await app.inject('/v1/models')).statusCode, 429, 'refused up to the last millisecond of the window');
  now += 1; // the window turns
  const again = await app.inject('/v1/models');
  t.equal(again.statusCode, 200, 'allowed again in the next window');
  t.equal(again.headers['x-ratelimit-remaining'], '1');
  t.equal(again.headers['x-ratelimit-reset'], '2', 'a full new window');
});

t.test('RateLimiter: fixed windows per client, opened by the first request', async (t) => {
  const limiter = new RateLimiter(2, 1000, () => {
    throw new Error('the clock is only read when no time is given');
  });
  t.same(
    [limiter.take('a', 0).allowed, limiter.take('a', 999).allowed, limiter.take('a', 999).allowed],
    [true, true, false],
    'two per window',
  );
  t.equal(limiter.take('b', 999).allowed, true, 'another client has its own count');
  t.same(limiter.take('a', 999).headers, {
    'x-ratelimit-limit': '2',
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': '1',
    'retry-after': '1',
  });
  t.same(
    limiter.take('a', 1000).headers,
    { 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': '1' },
    'the window turned at 1000 ms: the count starts again',
  );
});
