// `npm run bench:soak`: 60 s of mixed traffic against the real service in its
// own process (`src/server.ts`), on a database loaded from the archive, with
// one list ingested in the middle by the CLI (another process), as in production.
// Traffic per connection, in a loop: warm REST (cached answers), uncached REST
// (a new query every time), a CSV stream, GraphQL (cached and uncached).
// Records errors, answers >= 500, how soon the new list is served after the
// ingestion commits, and the service's memory after warm-up, before the list and at
// the end: RSS saws up and down by a quarter with garbage collection, so each is its
// floor (the lowest of one sample a second over the last 15 s of the phase); a leak
// raises it. The target (≤ 10%) is the growth after the list: from before it to the end.
// Needs ICE_ARCHIVE_DIR. Writes bench/results/soak.json.
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { basename } from 'node:path';
import autocannon from 'autocannon';
import { startEmbeddedPostgres } from '../src/database/embedded.ts';
import { listFilesInOrder } from '../src/ingestion/ingest-files.ts';
import { adminQuery, databaseUrl, fingerprint, loadListsInto } from './archive-database.ts';

const archive = process.env.ICE_ARCHIVE_DIR;
if (!archive) {
  console.error('npm run bench:soak needs ICE_ARCHIVE_DIR (e.g. ICE_ARCHIVE_DIR=../shared/data/ice-287g)');
  process.exit(2);
}
const WARMUP_S = 30;
const SOAK_S = Number(process.env.SOAK_DURATION_S ?? 60);
const CONNECTIONS = 16;
const PORT = 3000 + Math.floor(Math.random() * 1000) + 20_000;
const base = `http://127.0.0.1:${PORT}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ------------------------------------------------------------ the database: the archive but its last list

const embedded = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres('.bench-data');
const adminUrl = process.env.DATABASE_URL ?? embedded!.adminUrl;
const files = (await listFilesInOrder(archive)).map((file) => file.path);
const heldBack = files.findLast((file) => basename(file).startsWith('participating'))!;
const baseName = `soak_base_${await fingerprint()}`;
await loadListsInto(
  adminUrl,
  baseName,
  files.filter((file) => file !== heldBack),
);
const runName = `soak_run_${process.pid}`;
await adminQuery(adminUrl, `CREATE DATABASE "${runName}" TEMPLATE "${baseName}"`);
const url = databaseUrl(adminUrl, runName);

// ------------------------------------------------------------ the service, in its own process

const service = spawn(process.execPath, ['src/server.ts'], {
  env: { ...process.env, DATABASE_URL: url, PORT: String(PORT), LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '1000000000' },
  stdio: ['ignore', 'inherit', 'inherit'],
});
async function rssMb(): Promise<number> {
  const status = await readFile(`/proc/${service.pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}

// ------------------------------------------------------------ the traffic

const STATES = ['TX', 'FL', 'GA', 'AL', 'NC', 'SC', 'TN', 'LA', 'AZ', 'OK', 'MS', 'VA'];
let unique = 0;
/** A date between 2021 and 2025, different for every call (a query no cache holds). */
const nextDay = () => new Date(Date.UTC(2021, 0, 1) + (unique++ % 1800) * 86_400_000).toISOString().slice(0, 10);
const GRAPHQL = `query($state: [String!], $asOf: Date) { agreements(filter: { state: $state }, asOf: $asOf, first: 10) {
  totalCount edges { node { id status signedOn agency { name county { name } } model { code } } } } }`;

const json = { 'content-type': 'application/json' };
// Mostly answers from the cache, as in production; 3 in 13 are queries no cache holds.
const requests: autocannon.Request[] = [
  { method: 'GET', path: '/v1/agreements?state=FL&status=active' },
  { method: 'GET', path: '/v1/stats' },
  { method: 'GET', path: '/v1/agencies?state=TX&limit=100' },
  { method: 'GET', path: '/v1/counties.geojson?state=GA' },
  { method: 'GET', path: '/v1/agreements.csv?state=TX' },
  { method: 'GET', path: '/v1/lists?kind=participating' },
  { method: 'GET', path: '/v1/agreements?model=task_force&limit=200' },
  { method: 'GET', path: '/v1/states' },
  {
    method: 'POST',
    path: '/graphql',
    headers: json,
    body: JSON.stringify({ query: GRAPHQL, variables: { state: ['FL'] } }),
  },
  { method: 'GET', path: '/v1/agencies.csv?state=GA' },
  {
    method: 'GET',
    setupRequest: (request) => ({
      ...request,
      path: `/v1/agreements?state=${STATES[unique % STATES.length]}&as_of=${nextDay()}&limit=10`,
    }),
  },
  {
    method: 'GET',
    setupRequest: (request) => ({
      ...request,
      path: `/v1/agreements.csv?state=${STATES[unique % STATES.length]}&as_of=${nextDay()}`,
    }),
  },
  {
    method: 'POST',
    path: '/graphql',
    headers: json,
    setupRequest: (request) => ({
      ...request,
      body: JSON.stringify({ query: GRAPHQL, variables: { state: [STATES[unique % STATES.length]], asOf: nextDay() } }),
    }),
  },
];

const statuses = new Map<number, number>();
const failures: string[] = [];
for (const request of requests) {
  request.onResponse = (status, body) => {
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    if (status >= 400 && failures.length < 20) failures.push(`${status} ${body.slice(0, 200)}`);
  };
}
const load = (seconds: number) => autocannon({ url: base, connections: CONNECTIONS, duration: seconds, requests });

// ------------------------------------------------------------ the run

const percentChange = (from: number, to: number) => Math.round(((to - from) / from) * 1000) / 10;

let exitCode = 1;
try {
  for (let attempt = 0; ; attempt++) {
    if (
      await fetch(`${base}/readyz`)
        .then((r) => r.ok)
        .catch(() => false)
    )
      break;
    if (attempt > 600 || service.exitCode !== null) throw new Error('the service did not become ready');
    await sleep(100);
  }
  // One RSS sample a second, through warm-up and soak.
  const rss: { at: number; mb: number }[] = [];
  const sampler = setInterval(() => void rssMb().then((mb) => rss.push({ at: Date.now(), mb })), 1_000);
  const floorOfLast15s = (end: number) =>
    Math.min(...rss.filter((sample) => sample.at > end - 15_000 && sample.at <= end).map((sample) => sample.mb));

  console.log(`warm-up: ${WARMUP_S} s, ${CONNECTIONS} connections`);
  await load(WARMUP_S);
  const warmupEnd = Date.now();
  statuses.clear();
  failures.length = 0;

  console.log(`soak: ${SOAK_S} s; ${basename(heldBack)} ingested by the CLI at ${SOAK_S / 2} s`);
  const soak = load(SOAK_S);
  await sleep((SOAK_S / 2) * 1000);
  const ingestStarted = Date.now();
  const ingest = spawn(process.execPath, ['src/cli/ingest.ts', '--file', heldBack, '--json'], {
    env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let report = '';
  ingest.stdout.on('data', (chunk) => (report += chunk));
  const ingestCode = await new Promise<number | null>((resolve) => ingest.on('exit', resolve));
  const ingestDone = Date.now();
  // Served: the service's own list of lists (cached until the dataset changes) shows it first.
  let servedAfterMs: number | null = null;
  for (let attempt = 0; attempt < 200 && servedAfterMs === null; attempt++) {
    const lists = (await (await fetch(`${base}/v1/lists?kind=participating`)).json()) as {
      data: { file_name: string; status: string }[];
    };
    if (lists.data[0]?.file_name === basename(heldBack)) servedAfterMs = Date.now() - ingestDone;
    else await sleep(10);
  }
  const result = await soak;
  clearInterval(sampler);
  const rssAfterWarmup = floorOfLast15s(warmupEnd);
  const rssBeforeList = floorOfLast15s(ingestStarted);
  const rssAtEnd = floorOfLast15s(Date.now());
  const soakSamples = rss.filter((sample) => sample.at > warmupEnd).map((sample) => sample.mb);

  const count = (predicate: (status: number) => boolean) =>
    [...statuses].filter(([status]) => predicate(status)).reduce((sum, [, n]) => sum + n, 0);
  const output = {
    measured_at: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version },
    settings: { warmup_s: WARMUP_S, duration_s: SOAK_S, connections: CONNECTIONS, mix: requests.length },
    requests: result.requests.total,
    requests_per_s: Math.round(result.requests.total / SOAK_S),
    latency_ms: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    errors: result.errors + result.timeouts,
    status_counts: Object.fromEntries([...statuses].sort(([a], [b]) => a - b)),
    answers_5xx: count((status) => status >= 500),
    answers_4xx: count((status) => status >= 400 && status < 500),
    failures,
    ingestion: {
      file: basename(heldBack),
      exit_code: ingestCode,
      outcome: (JSON.parse(report || '{}') as { lists?: { outcome: string }[] }).lists?.[0]?.outcome ?? null,
      took_ms: ingestDone - ingestStarted,
      served_after_ms: servedAfterMs,
    },
    memory_mb: {
      after_warmup: rssAfterWarmup,
      before_list: rssBeforeList,
      at_end: rssAtEnd,
      during_soak: { min: Math.min(...soakSamples), max: Math.max(...soakSamples) },
      // Since the warm-up: the caches still fill through the first half of the soak, list or not.
      change_pct: percentChange(rssAfterWarmup, rssAtEnd),
      // The target's: from the 15 s before the list to the end.
      change_after_list_pct: percentChange(rssBeforeList, rssAtEnd),
    },
  };
  await mkdir('bench/results', { recursive: true });
  await writeFile('bench/results/soak.json', `${JSON.stringify(output, null, 2)}\n`);
  console.log(JSON.stringify(output, null, 2));
  const ok =
    output.errors === 0 &&
    output.answers_5xx === 0 &&
    output.answers_4xx === 0 &&
    output.requests_per_s >= 1000 &&
    ingestCode === 0 &&
    servedAfterMs !== null &&
    Math.abs(output.memory_mb.change_after_list_pct) <= 10;
  console.log(ok ? 'soak: all targets met' : 'soak: TARGET MISSED (see above)');
  exitCode = ok ? 0 : 1;
} finally {
  service.kill('SIGTERM');
  await new Promise((resolve) => service.once('exit', resolve));
  await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${runName}" WITH (FORCE)`);
  await embedded?.stop();
}
process.exit(exitCode);
