// The seed: every ICE list of the project's archive, and the historical sources,
// inside the repository (seed/, README there), so that a fresh clone serves the
// whole history. The lists are stored as parsed rows (each row as ICE printed it,
// with what the parser read from it), each distinct row once, so loading the seed
// skips reading the workbooks and hands the rows straight to the path an xlsx backfill takes
// (applyList): a seeded database and a backfilled one are the same. Then the
// FBI's roster in the repository (data/fbi/), as `npm run ingest -- --fbi-roster`
// loads it, so a fresh clone's agencies carry their ORI codes.
//
// Format of seed/ice-lists.json.br (brotli-compressed JSON):
//   { "format": "ice-287g-seed/1",
//     "rows":  [ParsedRow without rowNumber, …]            each distinct row once
//     "lists": [{ path, byteSize, rowIds, rowNumbers?, …ParsedList without rows }, …]  in ingestion order }
// A list's rows are rows[rowIds[i]], at sheet row rowNumbers[i] (absent: headerRow + 1, + 2, … in order).
import { readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import type pg from 'pg';
import { loadRoster, readRosterFile, type RosterReport } from '../agencies/fbi-roster.ts';
import { ingestHistorical } from '../historical/load-historical.ts';
import { applyList, HistoryCache, type IngestReport, type ReadList } from '../ingest.ts';
import { withRunLock } from '../ingest-urls.ts';
import type { ParsedList, ParsedRow } from './parse/index.ts';

export const SEED_FORMAT = 'ice-287g-seed/1';
/** The repository's seed folder. */
export const SEED_DIR = fileURLToPath(new URL('../../../seed/', import.meta.url));
export const SEED_LISTS_FILE = 'ice-lists.json.br';
/** The historical sources' .csv files, as `npm run ingest -- --historical` reads them. */
export const SEED_HISTORICAL_DIR = 'historical';
/** The FBI's roster in the repository (data/fbi/README.md), loaded after the lists and the historical sources. */
export const SEED_FBI_ROSTER = fileURLToPath(new URL('../../../data/fbi/fbi-lee-2025.csv.gz', import.meta.url));

type SeedRow = Omit<ParsedRow, 'rowNumber'>;

export interface SeedList extends Omit<ParsedList, 'rows'> {
  /** Where the file sat in the folder the seed was built from, e.g. participating/participatingAgencies06062025am.xlsx. */
  path: string;
  /** Size of the original file. */
  byteSize: number;
  rowIds: number[];
  rowNumbers?: number[];
}

export interface SeedFile {
  format: typeof SEED_FORMAT;
  rows: SeedRow[];
  lists: SeedList[];
}

/** A seed of `lists` (in ingestion order) with their paths relative to `from`; each distinct row kept once. */
export function buildSeed(lists: { path: string; byteSize: number; parsed: ParsedList }[], from: string): SeedFile {
  const rows: SeedRow[] = [];
  const idOf = new Map<string, number>();
  const seedLists = lists.map(({ path, byteSize, parsed }) => {
    const { rows: parsedRows, ...meta } = parsed;
    const rowIds = parsedRows.map(({ rowNumber: _, ...row }) => {
      const key = JSON.stringify(row);
      let id = idOf.get(key);
      if (id === undefined) {
        id = rows.push(row) - 1;
        idOf.set(key, id);
      }
      return id;
    });
    const rowNumbers = parsedRows.map((row) => row.rowNumber);
    const contiguous = rowNumbers.every((n, i) => n === parsed.headerRow + 1 + i);
    return { ...meta, path: relative(from, path), byteSize, rowIds, ...(contiguous ? {} : { rowNumbers }) };
  });
  return { format: SEED_FORMAT, rows, lists: seedLists };
}

export function encodeSeed(seed: SeedFile): Buffer {
  return brotliCompressSync(JSON.stringify(seed), {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_LGWIN]: 24,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
    },
  });
}

export async function writeSeed(dir: string, seed: SeedFile): Promise<number> {
  const bytes = encodeSeed(seed);
  await writeFile(join(dir, SEED_LISTS_FILE), bytes);
  return bytes.byteLength;
}

export async function readSeed(dir: string = SEED_DIR): Promise<SeedFile> {
  const seed = JSON.parse(
    brotliDecompressSync(await readFile(join(dir, SEED_LISTS_FILE))).toString('utf8'),
  ) as SeedFile;
  if (seed.format !== SEED_FORMAT)
    throw new Error(`${join(dir, SEED_LISTS_FILE)}: format ${String(seed.format)}, expected ${SEED_FORMAT}`);
  return seed;
}

/** The seed's lists as the parser would have read them from the original files, in ingestion order. */
export function seedLists(seed: SeedFile): ReadList[] {
  return seed.lists.map(({ path: _, byteSize, rowIds, rowNumbers, ...meta }) => {
    const rows = rowIds.map(
      (id, i) => ({ rowNumber: rowNumbers?.[i] ?? meta.headerRow + 1 + i, ...seed.rows[id]! }) as ParsedRow,
    );
    return { parsed: { ...meta, rows }, byteSize, url: null, lastModified: null, publishedAt: null };
  });
}

export interface SeedReport {
  lists: number;
  applied: number;
  reports: IngestReport[];
  historical: boolean;
  /** The FBI roster loaded after them (null when loadSeed was told not to). */
  fbiRoster: RosterReport | null;
  ms: number;
  /** Of `ms`, the FBI roster's part. */
  fbiRosterMs: number;
}

/**
 * Loads the seed into `pool`'s database as a backfill of its lists followed by the historical sources and
 * `npm run ingest -- --fbi-roster` of the repository's roster would (the same applyList, the same corrections,
 * the same loadRoster). Meant for an empty database; a list already applied is skipped like any other.
 * `fbiRoster`: another roster file, or null for none.
 */
export async function loadSeed(
  pool: pg.Pool,
  dir: string = SEED_DIR,
  options: { fbiRoster?: string | null } = {},
): Promise<SeedReport> {
  const started = performance.now();
  const seed = await readSeed(dir);
  const history = new HistoryCache();
  const reports: IngestReport[] = [];
  for (const list of seedLists(seed)) reports.push(await applyList(pool, list, {}, history));
  await ingestHistorical(pool, join(dir, SEED_HISTORICAL_DIR));
  const rosterStarted = performance.now();
  const rosterFile = options.fbiRoster === undefined ? SEED_FBI_ROSTER : options.fbiRoster;
  let fbiRoster: RosterReport | null = null;
  if (rosterFile !== null) {
    const roster = await readRosterFile(rosterFile);
    const client = await pool.connect();
    try {
      fbiRoster = await loadRoster(client, roster);
    } finally {
      client.release();
    }
  }
  const finished = performance.now();
  return {
    lists: reports.length,
    applied: reports.filter((report) => report.outcome === 'applied').length,
    reports,
    historical: true,
    fbiRoster,
    ms: Math.round(finished - started),
    fbiRosterMs: Math.round(finished - rosterStarted),
  };
}

/** Whether the database holds no list yet: `npm start` seeds it then. */
export async function isUnseeded(pool: pg.Pool): Promise<boolean> {
  const result = await pool.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM source_lists) AS any');
  return !result.rows[0]!.any;
}

/**
 * `npm start` on an empty database: loads the seed and says so in one line with the time it took. Several
 * instances starting at once on one empty database seed it once.
 */
export async function seedEmptyDatabase(
  pool: pg.Pool,
  log: (message: string, fields: Record<string, unknown>) => void,
): Promise<SeedReport | null> {
  if (!(await isUnseeded(pool))) return null;
  // Under the ingestion run lock, and asked again once it is held: another instance may have seeded meanwhile.
  const report = await withRunLock(pool, async () => ((await isUnseeded(pool)) ? loadSeed(pool) : null), {
    wait: true,
  });
  if (!report) return null;
  log(
    `empty database: loaded the seed's ${report.lists} lists, the historical sources and the FBI roster in ${(report.ms / 1000).toFixed(1)} s`,
    {
      lists: report.lists,
      applied: report.applied,
      ms: report.ms,
      fbi_roster_ms: report.fbiRosterMs,
      ori_matched: report.fbiRoster?.matched ?? 0,
    },
  );
  return report;
}
