// `npm run bench`: HTTP throughput and latency of typical queries, measured by
// autocannon in its own process, against
//   - the service with its response cache (warm: every request after the first is a hit),
//   - the service with the cache off (every request is a miss: SQL + serialization),
//   - a bare Fastify route serving the same bytes (the ceiling), and one running a
//     single hand-written SQL per request (the miss baseline),
// on a database loaded from the archive (1×) and on one ten times its size (10×).
// Needs ICE_ARCHIVE_DIR. Writes bench/results/http.json.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { basename, join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createPool, type Database } from '../src/database/connect.ts';
import { startEmbeddedPostgres } from '../src/database/embedded.ts';
import { migrate } from '../src/database/migrate.ts';
import { listFilesInOrder } from '../src/ingestion/cli.ts';
import { IngestInputError, ingestList } from '../src/ingestion/ingest.ts';
import { loadReferenceData } from '../src/reference/load.ts';

const archive = process.env.ICE_ARCHIVE_DIR;
if (!archive) {
  console.error('npm run bench needs ICE_ARCHIVE_DIR (e.g. ICE_ARCHIVE_DIR=../shared/data/ice-287g)');
  process.exit(2);
}
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 8);
const CONNECTIONS = 32;

const GRAPHQL_NESTED = `query Nested($state: [String!]) {
  agencies(filter: { state: $state }, first: 20) {
    totalCount
    edges { node { id name county { fips name } agreements(first: 5) {
      edges { node { id status signedOn model { code } events { type occurredOn sourceList { fileName } } } } } } }
  }
}`;

// ---------------------------------------------------------------- databases

const embedded = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres('.bench-data');
const adminUrl = process.env.DATABASE_URL ?? embedded!.adminUrl;

function databaseUrl(name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function adminQuery(sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fingerprint of what the loaded database depends on, so a previous run's copy is reused when still valid. */
async function fingerprint(): Promise<string> {
  const hash = createHash('sha256');
  for (const dir of ['prisma/migrations', 'src/ingestion', 'src/reference']) {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    for (const entry of entries.filter((item) => item.isFile()).sort((a, b) => a.name.localeCompare(b.name))) {
      hash.update(await readFile(join(entry.parentPath, entry.name)));
    }
  }
  return hash.digest('hex').slice(0, 10);
}

async function exists(name: string): Promise<boolean> {
  return ((await adminQuery(`SELECT 1 FROM pg_database WHERE datname = '${name}'`)).rowCount ?? 0) > 0;
}

async function loadArchive(name: string): Promise<void> {
  if (await exists(name)) return;
  console.log(`loading the archive into ${name} (once; reused while the code is unchanged)…`);
  await adminQuery(`CREATE DATABASE "${name}_loading"`);
  const url = databaseUrl(`${name}_loading`);
  await migrate(url);
  const pool = createPool(url, 4);
  await loadReferenceData(pool);
  for (const file of await listFilesInOrder(archive!)) {
    try {
      await ingestList(pool, { buffer: await readFile(file.path), fileName: basename(file.path) });
    } catch (error) {
      if (!(error instanceof IngestInputError)) throw error;
    }
  }
  await pool.end();
  await adminQuery(`ALTER DATABASE "${name}_loading" RENAME TO "${name}"`);
}

/** Ten copies of every agency and its history (ids suffixed ~1…~9): the archive at 10× its size. */
async function multiply(source: string, name: string, factor: number): Promise<void> {
  if (await exists(name)) return;
  console.log(`building ${name} (${factor}× the archive)…`);
  await adminQuery(`CREATE DATABASE "${name}_loading" TEMPLATE "${source}"`);
  const client = new pg.Client({ connectionString: databaseUrl(`${name}_loading`) });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(`CREATE TEMP TABLE copies AS SELECT '~' || n AS suffix FROM generate_series(1, ${factor - 1}) n`);
    await client.query(`INSERT INTO agencies (id, canonical_name, match_key, type, level, state_code, county_fips, lat, lon, location_method, updated_at)
      SELECT id || suffix, canonical_name || suffix, match_key || suffix, type, level, state_code, county_fips, lat, lon, location_method, updated_at
      FROM agencies, copies`);
    await client.query(`INSERT INTO agency_aliases (agency_id, name, first_seen_on, last_seen_on, first_source_list_id, last_source_list_id)
      SELECT agency_id || suffix, name || suffix, first_seen_on, last_seen_on, first_source_list_id, last_source_list_id FROM agency_aliases, copies`);
    await client.query(`INSERT INTO agreements (id, agency_id, model_code, status, signed_on, first_listed_on, last_listed_on,
        first_source_list_id, last_source_list_id, ended_on, moa_url, addendum_url, supersedes_id, updated_at)
      SELECT id || suffix, agency_id || suffix, model_code, status, signed_on, first_listed_on, last_listed_on,
        first_source_list_id, last_source_list_id, ended_on, moa_url, addendum_url, supersedes_id || suffix, updated_at
      FROM agreements, copies`);
    await client.query(`INSERT INTO agreement_status_spans (agreement_id, status, from_on, to_on, source_list_id)
      SELECT agreement_id || suffix, status, from_on, to_on, source_list_id FROM agreement_status_spans, copies`);
    await client.query(`INSERT INTO agreement_events (agreement_id, type, occurred_on, source_list_id, source_row, details)
      SELECT agreement_id || suffix, type, occurred_on, source_list_id, source_row, details FROM agreement_events, copies`);
    await client.query('COMMIT');
    await client.query('VACUUM ANALYZE');
  } finally {
    await client.end();
  }
  await adminQuery(`ALTER DATABASE "${name}_loading" RENAME TO "${name}"`);
}

function openDatabase(name: string): Database {
  const url = databaseUrl(name);
  const pool = createPool(url, 10);
  return {
    url,
    pool,
    embedded: undefined,
    close: async () => {
      await pool.end();
    },
  };
}

// ---------------------------------------------------------------- servers

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

async function serviceApp(database: Database, cacheEntries: number): Promise<{ app: FastifyInstance; base: string }> {
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    RATE_LIMIT_MAX: '1000000000',
    CACHE_MAX_ENTRIES: String(cacheEntries),
  });
  const app = await buildApp({ config, database, logger: false });
  return { app, base: await listen(app) };
}

/** The ceiling (precomputed bytes) and the miss baseline (one hand-written SQL per request). */
async function bareApp(pool: pg.Pool, bytes: Buffer, contentType: string): Promise<{ app: FastifyInstance; base: string }> {
  const app = Fastify({ logger: false });
  app.get('/bare', async (_request, reply) => reply.type(contentType).send(bytes));
  app.get('/sql', async (request) => {
    const state = (request.query as { state?: string }).state ?? 'FL';
    const rows = await pool.query(
      `SELECT a.id, a.agency_id, g.canonical_name AS agency_name, g.type AS agency_type, g.state_code AS state,
         g.county_fips, a.model_code AS model, a.status, a.signed_on, a.first_listed_on, a.last_listed_on, a.ended_on, a.moa_url
       FROM agreements a JOIN agencies g ON g.id = a.agency_id
       WHERE g.state_code = $1 AND a.status = 'active' ORDER BY a.id LIMIT 50`,
      [state],
    );
    return { data: rows.rows };
  });
  return { app, base: await listen(app) };
}

// ---------------------------------------------------------------- load

interface Result {
  scenario: string;
  dataset: string;
  url: string;
  requests_per_s: number;
  latency_ms: { p50: number; p97_5: number; p99: number };
  errors: number;
  non_2xx: number;
}

function autocannon(url: string, options: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<any> {
  const args = ['-j', '-c', String(CONNECTIONS), '-d', String(DURATION_S)];
  if (options.method) args.push('-m', options.method);
  if (options.body) args.push('-b', options.body);
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', `${name}=${value}`);
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn(join('node_modules', '.bin', 'autocannon'), args);
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(stdout)) : reject(new Error(`autocannon exited ${code}`))));
  });
}

const results: Result[] = [];
async function measure(
  scenario: string,
  dataset: string,
  url: string,
  options: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<void> {
  // One request first, so "warm" is warm (and a broken URL fails loudly here, not as a fast 404 run).
  const probe = await fetch(url, { method: options.method ?? 'GET', body: options.body, headers: options.headers });
  if (!probe.ok) throw new Error(`${scenario}: ${url} answered ${probe.status}: ${(await probe.text()).slice(0, 300)}`);
  const run = await autocannon(url, options);
  const result: Result = {
    scenario,
    dataset,
    url: url.replace(/^http:\/\/127\.0\.0\.1:\d+/, ''),
    requests_per_s: Math.round(run.requests.average),
    latency_ms: { p50: run.latency.p50, p97_5: run.latency.p97_5, p99: run.latency.p99 },
    errors: run.errors,
    non_2xx: run.non2xx,
  };
  results.push(result);
  console.log(
    `${dataset.padEnd(3)} ${scenario.padEnd(44)} ${String(result.requests_per_s).padStart(7)} req/s   p50 ${result.latency_ms.p50} ms   p99 ${result.latency_ms.p99} ms`,
  );
}

const graphqlBody = JSON.stringify({ query: GRAPHQL_NESTED, variables: { state: ['FL'] } });
const graphqlHash = createHash('sha256').update(GRAPHQL_NESTED).digest('hex');
const persistedGet = (base: string) =>
  `${base}/graphql?extensions=${encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: graphqlHash } }))}` +
  `&variables=${encodeURIComponent(JSON.stringify({ state: ['FL'] }))}`;

async function benchDataset(dataset: string, name: string, full: boolean): Promise<void> {
  const database = openDatabase(name);
  const warm = await serviceApp(database, 5000);
  const cold = await serviceApp(database, 0);
  const agreementsPath = '/v1/agreements?state=FL&status=active';
  const sample = await fetch(`${warm.base}${agreementsPath}`);
  const bare = await bareApp(database.pool, Buffer.from(await sample.arrayBuffer()), sample.headers.get('content-type') ?? 'application/json');
  try {
    await measure('bare Fastify route, same bytes (ceiling)', dataset, `${bare.base}/bare`);
    await measure('REST agreements?state=FL, warm', dataset, `${warm.base}${agreementsPath}`);
    await measure('bare Fastify + one hand-written SQL (baseline)', dataset, `${bare.base}/sql?state=FL`);
    await measure('REST agreements?state=FL, cache miss', dataset, `${cold.base}${agreementsPath}`);
    if (full) await measure('REST stats, warm', dataset, `${warm.base}/v1/stats`);
    await measure('REST stats, cache miss', dataset, `${cold.base}/v1/stats`);
    if (full) await measure('REST county GeoJSON (FL), warm', dataset, `${warm.base}/v1/counties.geojson?state=FL`);
    await measure('REST county GeoJSON (FL), cache miss', dataset, `${cold.base}/v1/counties.geojson?state=FL`);
    const post = { method: 'POST', body: graphqlBody, headers: { 'content-type': 'application/json' } };
    if (full) await measure('GraphQL nested, POST, warm', dataset, `${warm.base}/graphql`, post);
    await measure('GraphQL nested, POST, cache miss', dataset, `${cold.base}/graphql`, post);
    if (full) {
      // Registers the persisted query (automatic persisted queries: hash + query once), then GETs by hash.
      const register = await fetch(`${warm.base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: GRAPHQL_NESTED,
          variables: { state: ['FL'] },
          extensions: { persistedQuery: { version: 1, sha256Hash: graphqlHash } },
        }),
      });
      if (register.ok) await measure('GraphQL nested, GET persisted hash, warm', dataset, persistedGet(warm.base));
      else console.log(`persisted query registration answered ${register.status}: skipped`);
    }
  } finally {
    await warm.app.close();
    await cold.app.close();
    await bare.app.close();
    await database.close();
  }
}

try {
  const print = await fingerprint();
  const oneX = `bench_1x_${print}`;
  const tenX = `bench_10x_${print}`;
  await loadArchive(oneX);
  await multiply(oneX, tenX, 10);
  console.log(`autocannon: ${CONNECTIONS} connections, ${DURATION_S} s per scenario, ${cpus().length} CPUs, Node ${process.version}`);
  await benchDataset('1x', oneX, true);
  await benchDataset('10x', tenX, false);
  const ceiling = results.find((result) => result.dataset === '1x' && result.scenario.startsWith('bare Fastify route'))!;
  const warmRest = results.find((result) => result.dataset === '1x' && result.scenario === 'REST agreements?state=FL, warm')!;
  const output = {
    measured_at: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version },
    settings: { connections: CONNECTIONS, duration_s: DURATION_S },
    warm_vs_bare_ratio: Number((warmRest.requests_per_s / ceiling.requests_per_s).toFixed(2)),
    results,
  };
  await mkdir('bench/results', { recursive: true });
  await writeFile('bench/results/http.json', `${JSON.stringify(output, null, 2)}\n`);
  console.log(`warm REST / bare route: ${output.warm_vs_bare_ratio}; written to bench/results/http.json`);
} finally {
  await embedded?.stop();
}
