// Lists from files, in order: `npm run ingest -- --file/--dir` and `npm run
// bench:ingest` both run ingestFiles, so the benchmark measures what users run.
// Each list is applied in its own transaction (ingest.ts), with the outcomes of
// ingestList; two things make a backfill faster than ingesting the files one by
// one: a worker thread parses the next lists while this one is applied, and the
// history state is kept in memory from one list to the next (HistoryCache).
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type pg from 'pg';
import { correctionForFileName } from './history/list-corrections.ts';
import {
  applyList,
  HistoryCache,
  IngestInputError,
  isSettled,
  knownLists,
  settledReport,
  type IngestOptions,
  type IngestReport,
} from './ingest.ts';
import { compareFilePlace } from './history/list-order.ts';
import { kindFromFileName, listDateFromFileName } from './lists/parse/index.ts';
import { PARSE_WORKER_DATA, readListFile, type ParseRequest, type ParseResult } from './lists/parse-worker.ts';

export interface PlannedFile {
  path: string;
  date: string | null;
  time: string | null;
  kind: string | null;
}

export async function listFilesInOrder(dir: string): Promise<PlannedFile[]> {
  const entries = (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile() && /\.xlsx$/i.test(entry.name) && !entry.name.startsWith('~$'))
    .map((entry) => join(entry.parentPath, entry.name));
  return entries
    .map((path) => {
      const named = listDateFromFileName(basename(path));
      // A reviewed correction moves a list to its true date or kind (list-corrections.ts; applied by its SHA-256).
      const correction = correctionForFileName(basename(path));
      return {
        path,
        date: (correction?.correction === 'list_date' ? correction.list_date : named?.date) ?? null,
        time: named?.time ?? null,
        kind: (correction?.correction === 'kind' ? correction.kind : kindFromFileName(basename(path))) ?? null,
      };
    })
    .sort(compareFilePlace);
}

/** What became of one file: its report, or the one-line reason it is bad input. */
export type FileOutcome = { path: string; report: IngestReport } | { path: string; badInput: string };

/**
 * Ingests `paths` in that order, calling `onOutcome` after each. Bad input is an outcome, not an error; any
 * other failure (an unreadable file, the database) throws, and the lists before it stay applied.
 */
export async function ingestFiles(
  pool: pg.Pool,
  paths: readonly string[],
  options: IngestOptions,
  onOutcome: (outcome: FileOutcome) => void,
): Promise<void> {
  // Hash before parse: a file whose bytes were ingested before costs its read and hash, not its parse.
  const hashes: (string | null)[] = [];
  for (const path of paths) hashes.push(await hashFile(path));
  const known = await knownLists(
    pool,
    hashes.filter((hash) => hash !== null),
  );
  const settled = paths.map((_, i) => {
    const list = known.get(hashes[i] ?? '');
    return list && isSettled(list, options) ? list : null;
  });
  const toParse = paths.filter((_, i) => !settled[i]);
  // One list gains nothing from a worker, whose start (a thread loading the parser) costs more than reading it.
  const parser = toParse.length > 1 ? new ParseWorker() : null;
  const history = new HistoryCache();
  // The database reads the history state while the first list is read.
  if (toParse.length > 0) history.prefetch(pool);
  // Lists parsed ahead of the one being applied: two absorb the lists that take longer to parse than to apply.
  const ahead: Promise<ParseResult>[] = [];
  let requested = 0;
  const readAhead = () => {
    while (requested < toParse.length && ahead.length < LOOKAHEAD) {
      const path = toParse[requested++]!;
      ahead.push(parser ? parser.read(path) : readListFile(path));
    }
  };
  try {
    for (const [i, path] of paths.entries()) {
      const list = settled[i];
      if (list) {
        onOutcome({ path, report: settledReport(list, basename(path)) });
        continue;
      }
      readAhead();
      const result = await ahead.shift()!;
      readAhead();
      if ('failure' in result) throw new Error(result.failure);
      if ('inputError' in result) {
        onOutcome({ path, badInput: result.inputError });
        continue;
      }
      try {
        onOutcome({ path, report: await applyList(pool, result.list, options, history) });
      } catch (error) {
        if (!(error instanceof IngestInputError)) throw error;
        onOutcome({ path, badInput: error.message });
      }
    }
  } finally {
    await parser?.close();
  }
}

const LOOKAHEAD = 2;

/** The SHA-256 of a file's bytes, or null when it cannot be read (parsing it then says why). */
async function hashFile(path: string): Promise<string | null> {
  try {
    return createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
  } catch {
    return null;
  }
}

/**
 * A worker thread that parses lists, in the order asked; read() never rejects. Its heap is capped, so that a
 * backfill's memory stays bounded (each workbook's XML is read whole): a list too large for
 * the cap, or any other end of the worker, sends that list and the rest to the main thread instead.
 */
class ParseWorker {
  private worker: Worker | null;
  private readonly waiting = new Map<
    number,
    { path: string; resolve: (result: ParseResult | Promise<ParseResult>) => void }
  >();
  private nextId = 0;

  constructor() {
    // Node runs the TypeScript module itself (type stripping, Node 22.18 and later).
    this.worker = new Worker(new URL('./lists/parse-worker.ts', import.meta.url), {
      workerData: PARSE_WORKER_DATA,
      resourceLimits: PARSE_WORKER_LIMITS,
    });
    this.worker.on('message', ({ id, result }: { id: number; result: ParseResult }) => {
      this.waiting.get(id)?.resolve(result);
      this.waiting.delete(id);
    });
    this.worker.on('error', () => this.stop());
    this.worker.on('exit', () => this.stop());
  }

  read(path: string): Promise<ParseResult> {
    const worker = this.worker;
    if (!worker) return readListFile(path);
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, { path, resolve });
      worker.postMessage({ id, path } satisfies ParseRequest);
    });
  }

  /** The worker is gone: what it had not answered is parsed here. */
  private stop(): void {
    this.worker = null;
    for (const { path, resolve } of this.waiting.values()) resolve(readListFile(path));
    this.waiting.clear();
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    // Lists read ahead of a run that stopped early are not wanted any more.
    for (const { resolve } of this.waiting.values()) resolve({ failure: 'not parsed: the run stopped' });
    this.waiting.clear();
    await worker?.terminate();
  }
}

/** Enough for ICE's lists (about 1,500 rows, 200 kB) several times over; a larger one is parsed in the main thread. */
const PARSE_WORKER_LIMITS = { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 16 };
