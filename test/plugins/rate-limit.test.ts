// The per-IP budget restarts when its window turns, and a 429 says when to retry.
import t from 'tap';
import { testApp } from '../helpers/app.ts';

t.test('the budget restarts when the window turns', async (t) => {
  const { app } = await testApp(t, { env: { RATE_LIMIT_MAX: '2', RATE_LIMIT_WINDOW: '1500ms' } });
  const statuses = [];
  for (let i = 0; i < 3; i++) statuses.push((await app.inject('/v1/models')).statusCode);
  t.same(statuses, [200, 200, 429], 'two allowed, the third refused');
  const refused = await app.inject('/v1/models');
  t.equal(refused.headers['x-ratelimit-remaining'], '0');
  t.ok(Number(refused.headers['retry-after']) >= 1, 'Retry-After in whole seconds');
  t.match(refused.json().detail, /more than 2 requests in 1500ms/);
  await new Promise((resolve) => setTimeout(resolve, 1600));
  const again = await app.inject('/v1/models');
  t.equal(again.statusCode, 200, 'allowed again in the next window');
  t.equal(again.headers['x-ratelimit-remaining'], '1');
});
