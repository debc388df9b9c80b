// Lists from files, in order: `npm run ingest -- --file/--dir` and `npm run
// bench:ingest` both run ingestFiles, so the benchmark measures what users run.
// Each list is applied in its own transaction (ingest.ts), with the outcomes of
// ingestList; two things make a backfill faster than ingesting the files one by
// one: a worker thread parses the next lists while this one is applied, and the
// history state is kept in memory from one list to the next (HistoryCache).
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type pg from 'pg';
import { applyList, HistoryCache, IngestInputError, type IngestOptions, type IngestReport } from './ingest.ts';
import { kindFromFileName, listDateFromFileName } from './lists/parse/index.ts';
import { PARSE_WORKER_DATA, readListFile, type ParseRequest, type ParseResult } from './lists/parse-worker.ts';

/** Orders one day's lists: the file name's time (am < mid(day) < pm, or HH:MM), participating before pending. */
function timeRank(time: string | null): string {
  if (!time) return '12:00';
  if (/^\d{1,2}:\d{2}/.test(time)) return time.padStart(5, '0');
  return { am: '09:00', mid: '12:00', pm: '15:00' }[time] ?? '12:00';
}

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
      return { path, date: named?.date ?? null, time: named?.time ?? null, kind: kindFromFileName(basename(path)) };
    })
    .sort(
      (a, b) =>
        (a.date ?? '9999').localeCompare(b.date ?? '9999') ||
        timeRank(a.time).localeCompare(timeRank(b.time)) ||
        // The participating list first: a pending application that was signed is then promoted, not withdrawn.
        (a.kind === 'participating' ? 0 : 1) - (b.kind === 'participating' ? 0 : 1) ||
        a.path.localeCompare(b.path),
    );
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
  // One list gains nothing from a worker, whose start (loading exceljs and the parser) costs a few hundred ms.
  const parser = paths.length > 1 ? new ParseWorker() : null;
  const history = new HistoryCache();
  // Lists parsed ahead of the one being applied: two absorb the lists that take longer to parse than to apply.
  const ahead: Promise<ParseResult>[] = [];
  let requested = 0;
  const readAhead = () => {
    while (requested < paths.length && ahead.length < LOOKAHEAD) {
      const path = paths[requested++]!;
      ahead.push(parser ? parser.read(path) : readListFile(path));
    }
  };
  try {
    for (const path of paths) {
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

/**
 * A worker thread that parses lists, in the order asked; read() never rejects. Its heap is capped, so that a
 * backfill's memory stays bounded (exceljs leaves much garbage behind each workbook): a list too large for
 * the cap, or any other end of the worker, sends that list and the rest to the main thread instead.
 */
class ParseWorker {
  private worker: Worker | null;
  private readonly waiting = new Map<number, { path: string; resolve: (result: ParseResult | Promise<ParseResult>) => void }>();
  private nextId = 0;

  constructor() {
    // Worker threads do not get tsx's module hooks on every Node this project supports (not on 20), so the
    // worker registers them before it loads the TypeScript module.
    const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
    const module = JSON.stringify(new URL('./lists/parse-worker.ts', import.meta.url).href);
    this.worker = new Worker(`import(${tsx}).then(({ register }) => { register(); return import(${module}); })`, {
      eval: true,
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
