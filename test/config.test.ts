import t from 'tap';
import { ConfigError, loadConfig } from '../src/config.ts';

t.test('defaults: embedded database under .data, port 3000, scheduler off', async (t) => {
  const config = loadConfig({});
  t.equal(config.DATABASE_URL, undefined);
  t.equal(config.DATA_DIR, '.data');
  t.equal(config.PORT, 3000);
  t.equal(config.HOST, '127.0.0.1');
  t.equal(config.INGEST_SCHEDULE, null, 'off');
  t.same(config.RATE_LIMIT_WINDOW, { text: '1m', ms: 60_000 });
  t.match(config.INGEST_USER_AGENT, /^Mozilla\/5\.0 \(/, "a browser's User-Agent: ICE's CDN refuses others");
  t.same(config.INGEST_RETRY_DELAY, { text: '2s', ms: 2_000 });
  t.same(config.INGEST_RUN_TIMEOUT, { text: '10m', ms: 600_000 });
});

t.test('values from the environment are parsed', async (t) => {
  const config = loadConfig({
    PORT: '8080',
    DATABASE_URL: 'postgresql://u:p@db:5432/x',
    TRUST_PROXY: 'true',
    CACHE_MAX_ENTRIES: '0',
  });
  t.equal(config.PORT, 8080);
  t.equal(config.DATABASE_URL, 'postgresql://u:p@db:5432/x');
  t.equal(config.TRUST_PROXY, true);
  t.equal(config.CACHE_MAX_ENTRIES, 0);
});

t.test('durations are parsed once, to milliseconds, with the same spellings everywhere', async (t) => {
  const config = loadConfig({ RATE_LIMIT_WINDOW: '500ms', INGEST_SCHEDULE: '6h' });
  t.same(config.RATE_LIMIT_WINDOW, { text: '500ms', ms: 500 });
  t.same(config.INGEST_SCHEDULE, { text: '6h', ms: 6 * 3_600_000 });
  t.same(loadConfig({ INGEST_SCHEDULE: '1d' }).INGEST_SCHEDULE, { text: '1d', ms: 86_400_000 });
});

t.test('empty variables count as unset', async (t) => {
  t.equal(loadConfig({ DATABASE_URL: '' }).DATABASE_URL, undefined);
});

t.test('a wrong value fails with one line naming the variable', async (t) => {
  const cases: [Record<string, string>, string][] = [
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://localhost/x' }, 'DATABASE_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ INGEST_SCHEDULE: 'sometimes' }, 'INGEST_SCHEDULE'],
    [{ RATE_LIMIT_WINDOW: '0s' }, 'RATE_LIMIT_WINDOW'],
    [{ RATE_LIMIT_WINDOW: '5 minutes' }, 'RATE_LIMIT_WINDOW'],
    [{ INGEST_RETRY_DELAY: 'soon' }, 'INGEST_RETRY_DELAY'],
    [{ INGEST_RUN_TIMEOUT: '10 minutes' }, 'INGEST_RUN_TIMEOUT'],
  ];
  for (const [env, variable] of cases) {
    const error = t.throws(() => loadConfig(env)) as Error;
    t.ok(error instanceof ConfigError, `${variable} raises ConfigError`);
    t.match(error.message, new RegExp(`^invalid configuration: ${variable} `), `message names ${variable}`);
    t.notMatch(error.message, /\n/, 'one line');
  }
});

t.test('the password in DATABASE_URL is never echoed in a config error', async (t) => {
  const error = t.throws(() => loadConfig({ DATABASE_URL: 'postgresql://u:secret@db/x', PORT: 'x' })) as Error;
  t.notMatch(error.message, /secret/);
});
