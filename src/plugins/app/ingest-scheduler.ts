// INGEST_SCHEDULE (off by default): the service checks ICE's page itself on
// that interval, exactly like `npm run ingest -- --latest`. A run that finds
// another ingestion holding the run lock is skipped, not queued. The next run
// is timed from the end of the last one, and this instance's next run time is
// shared (app.ingestSchedule) for /v1/status. Each run logs one line.
// app.ingestScheduler starts a run at once (runNow) and says when a run has
// finished (the 'run-finished' event): what the tests wait on instead of the clock.
import { EventEmitter } from 'node:events';
import fp from 'fastify-plugin';
import { ensureCurrentRelease } from '../../releases/store.ts';
import { FetchError, Fetcher, fetchPolicy } from '../../ingestion/lists/fetch-lists.ts';
import { IngestInputError } from '../../ingestion/ingest.ts';
import { checkLatest, withRunLock } from '../../ingestion/ingest-urls.ts';
import type { LocalSchedule } from '../../repositories/status.ts';

/** How a run ended: the check's outcome, 'skipped' (another ingestion held the lock) or 'failed'. */
export type RunOutcome = 'succeeded' | 'failed' | 'skipped' | (string & {});

export interface IngestScheduler {
  /** Runs now (after the run in progress, if any) instead of at the next scheduled time; resolves when it has finished. */
  runNow(): Promise<RunOutcome>;
  /** Emits 'run-finished' (with the RunOutcome) after every run, scheduled or not. */
  events: EventEmitter<{ 'run-finished': [RunOutcome] }>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** This instance's schedule, or null when INGEST_SCHEDULE is off. */
    ingestSchedule: LocalSchedule | null;
    /** This instance's scheduler, or null when INGEST_SCHEDULE is off. */
    ingestScheduler: IngestScheduler | null;
  }
}

export const ingestSchedulerPlugin = fp(
  async (app) => {
    if (app.config.INGEST_SCHEDULE === null) {
      app.decorate('ingestSchedule', null);
      app.decorate('ingestScheduler', null);
      return;
    }
    const { text: every, ms: everyMs } = app.config.INGEST_SCHEDULE;
    const schedule: LocalSchedule = { every, everyMs, nextRunAt: null };
    app.decorate('ingestSchedule', schedule);
    const pool = app.db.pool;
    const source = app.config.INGEST_SOURCE_URL;

    const run = async (): Promise<RunOutcome> => {
      const fetcher = new Fetcher(fetchPolicy(app.config));
      const started = Date.now();
      try {
        const checked = await withRunLock(
          pool,
          () => checkLatest(pool, fetcher, source, { trigger: 'schedule', everyMs }),
          { wait: false },
        );
        if (checked === null) {
          app.log.info({ source }, 'ingestion run skipped: another ingestion is running');
          return 'skipped';
        }
        const { check } = checked;
        await app.dataset.refresh();
        // One release per run, for the version the run ended on.
        const release = await ensureCurrentRelease(app.db.pool, app.config.PUBLIC_URL);
        if (release?.made) app.log.info({ version: release.version, ms: release.ms }, 'release made');
        app.log[check.outcome === 'succeeded' ? 'info' : 'warn'](
          {
            source,
            outcome: check.outcome,
            detail: check.detail,
            retries: check.retries,
            duration_ms: check.durationMs,
          },
          'ingestion run',
        );
        return check.outcome;
      } catch (error) {
        const line = {
          source,
          outcome: 'failed',
          detail: (error as Error).message,
          retries: fetcher.retries,
          duration_ms: Date.now() - started,
        };
        // ICE refusing or failing is expected now and then (a warning); anything else is a fault (with its stack).
        if (error instanceof FetchError || error instanceof IngestInputError) app.log.warn(line, 'ingestion run');
        else app.log.error({ ...line, err: error }, 'ingestion run');
        return 'failed';
      }
    };

    const events: IngestScheduler['events'] = new EventEmitter();
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<RunOutcome> | undefined;
    let closing = false;
    const startRun = (): Promise<RunOutcome> => {
      clearTimeout(timer);
      schedule.nextRunAt = null;
      running = run().finally(() => {
        running = undefined;
        scheduleNext();
      });
      void running.then((outcome) => events.emit('run-finished', outcome));
      return running;
    };
    const scheduleNext = () => {
      if (closing) return;
      schedule.nextRunAt = new Date(Date.now() + everyMs);
      timer = setTimeout(startRun, everyMs);
      timer.unref();
    };
    app.decorate('ingestScheduler', {
      events,
      async runNow() {
        while (running) await running;
        if (closing) throw new Error('the service is closing: no new ingestion run');
        return startRun();
      },
    });
    scheduleNext();
    app.log.info({ every, source }, 'scheduled ingestion on');
    app.addHook('onClose', async () => {
      closing = true;
      clearTimeout(timer);
      await running;
    });
  },
  { name: 'ingest-scheduler', dependencies: ['dataset-version'] },
);
