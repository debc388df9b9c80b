// The figures the docs quote, computed from what they describe: the seed and a
// database loaded from it (through the real app where the API answers the
// figure), and the benchmarks' own result files (bench/results/*.json). In the
// docs each figure sits between markers, `<!-- figure:NAME -->1,260<!-- /figure -->`:
// `npm run docs:figures` rewrites them (scripts/docs-figures.ts) and
// test/docs-figures.test.ts fails when one disagrees with what is computed here.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { parseCsv } from '../../src/ingestion/historical/load-historical.ts';
import { readSeed, SEED_DIR, SEED_LISTS_FILE } from '../../src/ingestion/lists/seed.ts';
import { ensureCurrentRelease } from '../../src/releases/store.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The files whose figures are kept true, relative to the repository's root. */
export const FIGURE_FILES = [
  'README.md',
  'docs/api.md',
  'docs/benchmarks.md',
  'docs/ingestion.md',
  'docs/operations.md',
  'seed/README.md',
];

export type Figures = Record<string, string>;

const MARKER = /<!-- figure:([a-z0-9-]+) -->([\s\S]*?)<!-- \/figure -->/g;

const count = (n: number) => n.toLocaleString('en-US');
const mb = (bytes: number) => (bytes / 1_000_000).toFixed(2);
const kb = (bytes: number) => String(Math.round(bytes / 1000));
const percent = (part: number, whole: number) => ((100 * part) / whole).toFixed(1);

/** Every figure in `text`: its name and the value the text gives it, in order. */
export function figuresIn(text: string): { name: string; value: string }[] {
  return [...text.matchAll(MARKER)].map((match) => ({ name: match[1]!, value: match[2]! }));
}

/** `text` with every marked figure set to its value in `figures`; names `figures` lacks are returned, unchanged. */
export function rewriteFigures(text: string, figures: Figures): { text: string; unknown: string[] } {
  const unknown: string[] = [];
  const rewritten = text.replace(MARKER, (whole, name: string) => {
    const value = figures[name];
    if (value === undefined) {
      unknown.push(name);
      return whole;
    }
    return `<!-- figure:${name} -->${value}<!-- /figure -->`;
  });
  return { text: rewritten, unknown };
}

/** The seed's own figures (seed/ice-lists.json.br), without a database. */
export async function seedFigures(): Promise<Figures> {
  const seed = await readSeed();
  const bytes = (await stat(join(SEED_DIR, SEED_LISTS_FILE))).size;
  const dates = seed.lists.map((list) => list.listDate).filter((date): date is string => !!date);
  return {
    'seed-lists': count(seed.lists.length),
    'seed-participating': count(seed.lists.filter((list) => list.kind === 'participating').length),
    'seed-pending': count(seed.lists.filter((list) => list.kind === 'pending').length),
    'seed-rows': count(seed.lists.reduce((total, list) => total + list.rowIds.length, 0)),
    'seed-distinct-rows': count(seed.rows.length),
    'seed-mb': mb(bytes),
    'seed-first-list': [...dates].sort()[0]!,
    'seed-last-list': [...dates].sort().at(-1)!,
  };
}

/**
 * The figures of a database loaded from the seed (what `npm start` serves on a fresh clone), asked of the real app
 * where the API answers them. Makes the release of the current version if it is missing.
 */
export async function databaseFigures(app: FastifyInstance, pool: pg.Pool): Promise<Figures> {
  const json = async (url: string) => {
    const response = await app.inject(url);
    if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body.slice(0, 200)}`);
    return response.json();
  };
  const figures: Figures = {
    'active-2025-06-06': count((await json('/v1/stats?as_of=2025-06-06')).active_agreements),
    counties: count((await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM counties')).rows[0]!.n),
  };

  const made = await ensureCurrentRelease(pool, app.config.PUBLIC_URL);
  if (!made) throw new Error('no release: the database holds no list');
  const release = (await json(`/v1/releases/${made.version}`)).data as {
    version: number;
    list_date: string;
    files: { name: string; bytes: number }[];
  };
  const file = (name: string) => release.files.find((candidate) => candidate.name === name)!;
  const rows = async (name: string) => {
    const response = await app.inject(`/v1/releases/${release.version}/${name}`);
    return parseCsv(response.body).length - 1;
  };
  const tables = ['agreements', 'agencies', 'events', 'lists', 'counties'];
  const csv = release.files.filter((candidate) => candidate.name.endsWith('.csv'));
  const parquet = release.files.filter((candidate) => candidate.name.endsWith('.parquet'));
  const stored = await pool.query<{ bytes: string }>(
    'SELECT sum(pg_column_size(content))::bigint AS bytes FROM release_files WHERE version = $1',
    [release.version],
  );
  Object.assign(figures, {
    'release-version': String(release.version),
    'release-list-date': release.list_date,
    'release-files': String(release.files.length),
    'release-all-mb': mb(release.files.reduce((total, each) => total + each.bytes, 0)),
    'release-stored-mb': mb(Number(stored.rows[0]!.bytes)),
    'release-csv-mb': mb(csv.reduce((total, each) => total + each.bytes, 0)),
    'release-parquet-kb': kb(parquet.reduce((total, each) => total + each.bytes, 0)),
    'release-parquet-each-kb': `${kb(Math.min(...parquet.map((each) => each.bytes)))}–${kb(Math.max(...parquet.map((each) => each.bytes)))}`,
    'release-zip-kb': kb(file('release.zip').bytes),
  });
  for (const table of tables) {
    figures[`release-${table}-rows`] = count(await rows(`${table}.csv`));
    figures[`release-${table}-csv-kb`] = kb(file(`${table}.csv`).bytes);
  }

  const roster = await pool.query<{ row_count: number }>(
    'SELECT row_count FROM fbi_rosters ORDER BY loaded_at DESC LIMIT 1',
  );
  figures['fbi-roster-oris'] = count(roster.rows[0]?.row_count ?? 0);
  // ORI coverage of the agencies with an active agreement (docs/ingestion.md, "FBI identifiers").
  const coverage = await pool.query<{ group: string; active: number; with_ori: number }>(
    `SELECT CASE WHEN g.type = 'sheriffs_office' THEN 'sheriffs'
                 WHEN g.type = 'police_department' AND g.level = 'municipal' THEN 'police'
                 WHEN g.level = 'state' THEN 'state' END AS group,
       count(*)::int AS active, count(g.ori)::int AS with_ori
     FROM agencies g WHERE EXISTS (SELECT 1 FROM agreements a WHERE a.agency_id = g.id AND a.status = 'active')
     GROUP BY 1`,
  );
  const group = (name: string) => coverage.rows.find((row) => row.group === name) ?? { active: 0, with_ori: 0 };
  for (const name of ['sheriffs', 'police', 'state']) {
    const { active, with_ori } = group(name);
    figures[`ori-${name}`] = `${count(with_ori)} of ${count(active)}`;
    figures[`ori-${name}-percent`] = percent(with_ori, active);
  }
  const sheriffs = group('sheriffs');
  const police = group('police');
  figures['ori-local-percent'] = percent(sheriffs.with_ori + police.with_ori, sheriffs.active + police.active);
  return figures;
}

/** What the benchmarks wrote (bench/results/*.json): each figure beside the date of its run. */
export async function benchFigures(): Promise<Figures> {
  const read = async (name: string) =>
    JSON.parse(await readFile(join(ROOT, 'bench/results', name), 'utf8')) as Record<string, any>;
  const ingest = await read('ingest.json');
  const soak = await read('soak.json');
  const day = (iso: string) => iso.slice(0, 10);
  return {
    'bench-ingest-date': day(ingest.measured_at),
    'bench-ingest-lists': count(ingest.backfill.lists),
    'bench-ingest-backfill-s': String(Math.round(ingest.backfill.seconds)),
    'bench-ingest-incremental-s': ingest.incremental.seconds.toFixed(2),
    'bench-ingest-peak-mb': String(ingest.backfill.peak_rss_mb),
    'bench-ingest-incremental-peak-mb': String(ingest.incremental.peak_rss_mb),
    'bench-ingest-incremental-warm-s': ingest.incremental_in_a_running_service.seconds.toFixed(2),
    'bench-soak-date': day(soak.measured_at),
    'bench-soak-requests': count(soak.requests),
    'bench-soak-rps': count(Math.round(soak.requests_per_s)),
    'bench-soak-p50-ms': String(Math.round(soak.latency_ms.p50)),
    'bench-soak-p99-ms': String(Math.round(soak.latency_ms.p99)),
    'bench-soak-memory-change': `${soak.memory_mb.change_pct.toFixed(1)}%`,
    'bench-soak-served-ms': String(soak.ingestion.served_after_ms),
    'bench-soak-memory': `${soak.memory_mb.after_warmup} → ${soak.memory_mb.at_end}`,
    'bench-soak-memory-after-list': `${soak.memory_mb.change_after_list_pct.toFixed(1)}%`,
    'bench-soak-memory-before-list': `${soak.memory_mb.before_list} → ${soak.memory_mb.at_end}`,
  };
}

/** Every figure the docs may quote: the seed's, the database's (asked of the app) and the benchmarks'. */
export async function allFigures(app: FastifyInstance, pool: pg.Pool): Promise<Figures> {
  return { ...(await seedFigures()), ...(await databaseFigures(app, pool)), ...(await benchFigures()) };
}
