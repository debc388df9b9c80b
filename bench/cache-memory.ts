// What a remembered answer costs, measured inside the service's own process: the app as `npm start` builds it (on
// DATABASE_URL), `ANSWERS` distinct REST pages (JSON and CSV agreements pages of 30 states and growing limits)
// answered once each, and the heap and buffer memory after a full garbage collection, before and after.
// Run by `npm run bench` (node --expose-gc); prints one JSON line.
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createPool } from '../src/database/connect.ts';

const ANSWERS = Number(process.env.ANSWERS ?? 1000);
const STATES = [
  'AL',
  'AR',
  'AZ',
  'CA',
  'CO',
  'FL',
  'GA',
  'ID',
  'IN',
  'KS',
  'LA',
  'MA',
  'MO',
  'MS',
  'MT',
  'NC',
  'NE',
  'NH',
  'NJ',
  'NV',
  'OH',
  'OK',
  'PA',
  'SC',
  'TN',
  'TX',
  'UT',
  'VA',
  'WI',
  'WY',
];

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const config = loadConfig({
  ...process.env,
  LOG_LEVEL: 'silent',
  CACHE_MAX_ENTRIES: String(4 * ANSWERS),
  RATE_LIMIT_MAX: '1000000000',
  INGEST_SCHEDULE: 'off',
});
const pool = createPool(config.DATABASE_URL!);
const app = await buildApp({
  config,
  database: { url: config.DATABASE_URL!, pool, embedded: undefined, close: () => pool.end() },
  logger: false,
});
await app.ready();

const urls: string[] = [];
for (let index = 0; index < ANSWERS / 2; index++) {
  const query = `state=${STATES[index % STATES.length]}&limit=${Math.floor(index / STATES.length) + 1}`;
  urls.push(`/v1/agreements?${query}`, `/v1/agreements.csv?${query}`);
}
// Warm everything but the cache (compiled routes, reference data, connections) on other answers first.
for (const url of urls.slice(0, 20)) await app.inject(url.replace('limit=', 'limit=9'));
const memory = () => {
  gc();
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed, buffers: usage.arrayBuffers };
};
const before = memory();
const entriesBefore = app.responseCache.store.size;
let bodyBytes = 0;
for (const url of urls) bodyBytes += (await app.inject(url)).rawPayload.length;
const after = memory();
console.log(
  JSON.stringify({
    answers: urls.length,
    cache_entries: app.responseCache.store.size - entriesBefore,
    mean_body_bytes: Math.round(bodyBytes / urls.length),
    bytes_per_answer: Math.round((after.heap + after.buffers - before.heap - before.buffers) / urls.length),
    of_which_bodies: Math.round((after.buffers - before.buffers) / urls.length),
    of_which_keys_and_headers: Math.round((after.heap - before.heap) / urls.length),
  }),
);
await app.close();
await pool.end();
