// One step of `npm run bench:ingest` / `bench:rederive` (lists ingested, or a full
// `--rederive`), run by runStep in a process of its own, so that the peak RSS it
// reports is that step's alone: nothing the steps before it held or left on the
// heap is counted, as when the CLI runs it.
import { fork } from 'node:child_process';
import { createPool } from '../src/database/connect.ts';
import { rederiveHistory } from '../src/ingestion/history/rederive.ts';
import { ingestFiles, type FileOutcome } from '../src/ingestion/ingest-files.ts';

/**
 * `warmUpUrl`: the same files are first ingested, untimed, into that copy of the database, so that the timed run is
 * a process's second, as in the running service, whose scheduler ingests each new list in a process that has
 * ingested before (code compiled, indexes of places built).
 */
type StepTask = { databaseUrl: string } & (
  | { step: 'ingest'; files: string[]; warmUpUrl?: string }
  | { step: 'rederive' }
);

export interface StepResult {
  seconds: number;
  /** The process's peak resident set (getrusage's maxrss), modules and all. */
  peak_rss_mb: number;
  /** ingest: how many lists had each outcome (applied, skipped, quarantined, bad_input…). */
  outcomes?: Record<string, number>;
  /** rederive: how many lists were replayed, and the events that changed. */
  lists?: number;
  events_changed?: { added: number; removed: number };
}

/** Runs `task` in a new Node process (without this one's loader, tsx: as `npm run ingest` runs) and answers what it measured. */
export function runStep(task: StepTask): Promise<StepResult> {
  return new Promise((resolve, reject) => {
    const child = fork(import.meta.filename, ['--step'], {
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: StepResult | undefined;
    child.once('message', (message) => (result = message as StepResult));
    child.once('error', reject);
    child.once('exit', (code) =>
      result && code === 0 ? resolve(result) : reject(new Error(`bench step ${task.step} exited with ${code}`)),
    );
    child.send(task);
  });
}

async function perform(task: StepTask): Promise<StepResult> {
  if (task.step === 'ingest' && task.warmUpUrl) {
    const warmUp = createPool(task.warmUpUrl, 4);
    await ingestFiles(warmUp, task.files, {}, () => {}).finally(() => warmUp.end());
  }
  const pool = createPool(task.databaseUrl, 4);
  try {
    const started = performance.now();
    const outcomes: Record<string, number> = {};
    let extra: Partial<StepResult> = { outcomes };
    if (task.step === 'ingest') {
      await ingestFiles(pool, task.files, {}, (outcome: FileOutcome) => {
        const name = 'report' in outcome ? outcome.report.outcome : 'bad_input';
        outcomes[name] = (outcomes[name] ?? 0) + 1;
      });
    } else {
      const report = await rederiveHistory(pool);
      extra = { lists: report.lists, events_changed: report.changes.events };
    }
    const seconds = (performance.now() - started) / 1000;
    return {
      seconds: Number(seconds.toFixed(seconds < 10 ? 2 : 1)),
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      ...extra,
    };
  } finally {
    await pool.end();
  }
}

if (process.argv[2] === '--step' && process.send) {
  process.once('message', (task: StepTask) => {
    perform(task).then(
      (result) => process.send!(result, () => process.exit(0)),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
