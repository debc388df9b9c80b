// `npm run bench:pages`: Lighthouse 12 (its mobile defaults: a mid-range phone, slow 4G, 4x CPU slowdown) with
// Debian's Chromium, on the explorer's pages over the real archive (ICE_ARCHIVE_DIR, and HISTORICAL_DIR for the
// years before 2021), in English and in Spanish: `/`, `/?as_of=2025-06-06&state=FL` and Collier County's agency
// page. Writes bench/results/pages.json: each page's four scores and the metrics the goals name (the median of
// PAGES_RUNS runs, 9 by default), and the goals. PAGES_ONLY (a regular expression of paths) measures some pages.
// The database is loaded once into the benchmark server (.bench-data) and reused while the code that shapes it is
// unchanged; PAGES_DATABASE_URL names a database already loaded (the archive and the historical sources) instead.
// The service runs in its own process, as `npm start` runs it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startEmbeddedPostgres } from '../src/database/embedded.ts';
import { adminQuery, databaseExists, databaseUrl, fingerprint } from './archive-database.ts';

const archive = process.env.ICE_ARCHIVE_DIR;
const historical = process.env.HISTORICAL_DIR;
if (!archive || !historical) {
  console.error(
    'npm run bench:pages needs ICE_ARCHIVE_DIR and HISTORICAL_DIR (e.g. ICE_ARCHIVE_DIR=../shared/data/ice-287g HISTORICAL_DIR=../shared/data/historical)',
  );
  process.exit(2);
}
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  console.error(`Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
  process.exit(2);
}
const RESULTS = 'bench/results/pages.json';
const PAGES = [
  { name: 'explorer', path: '/' },
  { name: 'explorer, Florida on 2025-06-06', path: '/?as_of=2025-06-06&state=FL' },
  { name: 'agency page (Collier County)', path: '/agencies/fl-collier-county-sheriffs-office' },
];
const LANGUAGES = ['en', 'es'];
/** Lighthouse runs per page (PAGES_RUNS): the median is kept. */
const RUNS = Number(process.env.PAGES_RUNS ?? 9);
/** The goals of issue #20, for every page unless said (transfer: `/` only). */
const GOALS = {
  performance: 0.95,
  accessibility: 1,
  'best-practices': 1,
  seo: 1,
  total_blocking_time_ms: 200,
  cumulative_layout_shift: 0.05,
  transfer_kb_home: 400,
};

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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** The archive and the historical sources, through the real CLI, as a user loads them (exit 3: some lists held for review). */
async function loadArchive(adminUrl: string, name: string): Promise<void> {
  if (await databaseExists(adminUrl, name)) return;
  console.log(
    `loading the archive and the historical sources into ${name} (once; reused while the code is unchanged)…`,
  );
  await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}_loading"`);
  await adminQuery(adminUrl, `CREATE DATABASE "${name}_loading"`);
  const env = { DATABASE_URL: databaseUrl(adminUrl, `${name}_loading`), LOG_LEVEL: 'silent' };
  await run(process.execPath, ['src/cli/ingest.ts', '--dir', archive!], env, [0, 2, 3]);
  await run(process.execPath, ['src/cli/ingest.ts', '--historical', historical!], env, [0, 2, 3]);
  await adminQuery(adminUrl, `ALTER DATABASE "${name}_loading" RENAME TO "${name}"`);
}

async function waitFor(url: string, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the service exited (${server.exitCode})`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer within 60 s`);
}

/** Loads `url` in Chromium until the network is idle (the page's own requests included). */
async function warm(url: string): Promise<void> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    await (await browser.newPage()).goto(url, { waitUntil: 'networkidle' });
  } finally {
    await browser.close();
  }
}

interface LighthouseReport {
  categories: Record<string, { score: number | null }>;
  audits: Record<
    string,
    {
      numericValue?: number;
      score: number | null;
      details?: { items?: { label?: string; transferSize?: number; resourceType?: string; requestCount?: number }[] };
    }
  >;
}

async function lighthouse(url: string): Promise<LighthouseReport> {
  const dir = await mkdtemp(join(tmpdir(), 'lighthouse-'));
  const output = join(dir, 'report.json');
  try {
    await run(
      process.execPath,
      [
        'node_modules/lighthouse/cli/index.js',
        url,
        '--quiet',
        '--output=json',
        `--output-path=${output}`,
        '--only-categories=performance,accessibility,best-practices,seo',
        '--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking',
      ],
      { CHROME_PATH: CHROMIUM },
    );
    return JSON.parse(await readFile(output, 'utf8')) as LighthouseReport;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function summarize(report: LighthouseReport) {
  const audit = (id: string) => report.audits[id]?.numericValue ?? null;
  const round = (value: number | null, digits = 0) =>
    value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits;
  return {
    scores: Object.fromEntries(Object.entries(report.categories).map(([id, category]) => [id, category.score])),
    total_blocking_time_ms: round(audit('total-blocking-time')),
    cumulative_layout_shift: round(audit('cumulative-layout-shift'), 3),
    largest_contentful_paint_ms: round(audit('largest-contentful-paint')),
    transfer_kb: round((audit('total-byte-weight') ?? 0) / 1024, 1),
    dom_elements: audit('dom-size'),
    failed_audits: Object.entries(report.audits)
      .filter(([, item]) => item.score !== null && item.score < 0.9 && item.score !== undefined)
      .map(([id]) => id)
      .sort(),
  };
}

const loaded = process.env.PAGES_DATABASE_URL;
const embedded = process.env.DATABASE_URL || loaded ? undefined : await startEmbeddedPostgres('.bench-data');
const adminUrl = process.env.DATABASE_URL ?? embedded?.adminUrl ?? '';
let server: ChildProcess | undefined;
try {
  const name = `pages_${await fingerprint()}`;
  if (!loaded) await loadArchive(adminUrl, name);
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, ['src/server.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: loaded ?? databaseUrl(adminUrl, name),
      PORT: String(port),
      LOG_LEVEL: 'warn',
      INGEST_SCHEDULE: 'off',
      PUBLIC_URL: origin,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await waitFor(`${origin}/healthz`, server);
  type Measured = { page: string; language: string; path: string } & ReturnType<typeof summarize> & {
      runs: { performance: number | null | undefined; total_blocking_time_ms: number | null }[];
    };
  const results: (Measured | { page: string; language: string; path: string; error: string })[] = [];
  for (const page of PAGES.filter((item) => new RegExp(process.env.PAGES_ONLY ?? '').test(item.path))) {
    for (const language of LANGUAGES) {
      const path = language === 'en' ? page.path : `${page.path}${page.path.includes('?') ? '&' : '?'}lang=${language}`;
      // The service's caches warm, as for any reader but the first: the page and every request it makes, in Chromium.
      await warm(`${origin}${path}`);
      const started = Date.now();
      // Lighthouse's figures vary from run to run (its own advice: the median of several): each page is measured
      // RUNS times and the run of median performance is kept, with every run's performance and blocking time.
      const reports: LighthouseReport[] = [];
      for (let run = 1; run <= RUNS; run++) {
        // On a loaded machine Chromium sometimes misses Lighthouse's protocol deadline: one more try, then the error is recorded.
        for (let attempt = 1; attempt <= 2; attempt++) {
          try {
            reports.push(await lighthouse(`${origin}${path}`));
            break;
          } catch (error) {
            console.error(
              `${path}: attempt ${attempt} failed: ${(error as Error).message.split('\n')[0]!.slice(-300)}`,
            );
          }
        }
      }
      if (reports.length === 0) {
        results.push({ page: page.name, language, path, error: 'Lighthouse failed (see the console)' });
        continue;
      }
      const byPerformance = reports
        .map(summarize)
        .sort((a, b) => (a.scores.performance ?? 0) - (b.scores.performance ?? 0));
      const runs = byPerformance.map((item) => ({
        performance: item.scores.performance,
        total_blocking_time_ms: item.total_blocking_time_ms,
      }));
      const summary = byPerformance[Math.floor((byPerformance.length - 1) / 2)]!;
      console.log(
        `${path}: ${JSON.stringify(summary.scores)} TBT ${summary.total_blocking_time_ms} ms, CLS ${summary.cumulative_layout_shift}, ${summary.transfer_kb} kB, ${summary.dom_elements} elements (${((Date.now() - started) / 1000).toFixed(0)} s)`,
      );
      results.push({ page: page.name, language, path, ...summary, runs });
      // Written as it goes: a run cut short still leaves what it measured.
      await mkdir('bench/results', { recursive: true });
      await writeFile(RESULTS, `${JSON.stringify({ partial: true, results }, null, 2)}\n`);
    }
  }
  const measured = results.filter((result): result is Measured => 'scores' in result);
  const goalsMet = measured.map((result) => ({
    path: result.path,
    performance: (result.scores.performance ?? 0) >= GOALS.performance,
    accessibility: (result.scores.accessibility ?? 0) >= GOALS.accessibility,
    'best-practices': (result.scores['best-practices'] ?? 0) >= GOALS['best-practices'],
    seo: (result.scores.seo ?? 0) >= GOALS.seo,
    total_blocking_time: (result.total_blocking_time_ms ?? Infinity) <= GOALS.total_blocking_time_ms,
    layout_shift: (result.cumulative_layout_shift ?? Infinity) <= GOALS.cumulative_layout_shift,
    ...(result.path === '/' ? { transfer: (result.transfer_kb ?? Infinity) <= GOALS.transfer_kb_home } : {}),
  }));
  const output = {
    tool: 'lighthouse 12.2.3, mobile defaults (simulated throttling), Debian Chromium, headless',
    compression: 'as the service answers today (see the server bench for Accept-Encoding)',
    measured_at: new Date().toISOString(),
    goals: GOALS,
    results,
    goals_met: goalsMet,
  };
  await mkdir('bench/results', { recursive: true });
  await writeFile(RESULTS, `${JSON.stringify(output, null, 2)}\n`);
  console.log(`wrote ${RESULTS}`);
} finally {
  server?.kill('SIGTERM');
  await embedded?.stop();
}
