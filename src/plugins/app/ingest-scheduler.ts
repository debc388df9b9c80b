// INGEST_SCHEDULE (off by default): the service checks ICE's page itself on
// that interval, exactly like `npm run ingest -- --latest`. A run that finds
// another ingestion holding the run lock is skipped, not queued. The next run
// is timed from the end of the last one, and this instance's next run time is
// shared (app.ingestSchedule) for /v1/status. Each run logs one line.
import fp from 'fastify-plugin';
import { ensureCurrentRelease } from '../../releases/store.ts';
import { FetchError, Fetcher, fetchPolicy } from '../../ingestion/lists/fetch-lists.ts';
import { IngestInputError } from '../../ingestion/ingest.ts';
import { checkLatest, withRunLock } from '../../ingestion/ingest-urls.ts';
import type { LocalSchedule } from '../../repositories/status.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** This instance's schedule, or null when INGEST_SCHEDULE is off. */
    ingestSchedule: LocalSchedule | null;
  }
}

export const ingestSchedulerPlugin = fp(
  async (app) => {
    if (app.config.INGEST_SCHEDULE === null) {
      app.decorate('ingestSchedule', null);
      return;
    }
    const { text: every, ms: everyMs } = app.config.INGEST_SCHEDULE;
    const schedule: LocalSchedule = { every, everyMs, nextRunAt: null };
    app.decorate('ingestSchedule', schedule);
    const pool = app.db.pool;
    const source = app.config.INGEST_SOURCE_URL;

    const run = async () => {
      const fetcher = new Fetcher(fetchPolicy(app.config));
      const started = Date.now();
      try {
        const checked = await withRunLock(pool, () => checkLatest(pool, fetcher, source, { trigger: 'schedule', everyMs }), { wait: false });
        if (checked === null) {
          app.log.info({ source }, 'ingestion run skipped: another ingestion is running');
          return;
        }
        const { check } = checked;
        await app.dataset.refresh();
        // One release per run, for the version the run ended on.
        const release = await ensureCurrentRelease(app.db.pool, app.config.PUBLIC_URL);
        if (release?.made) app.log.info({ version: release.version, ms: release.ms }, 'release made');
        app.log[check.outcome === 'succeeded' ? 'info' : 'warn'](
          { source, outcome: check.outcome, detail: check.detail, retries: check.retries, duration_ms: check.durationMs },
          'ingestion run',
        );
      } catch (error) {
        const line = { source, outcome: 'failed', detail: (error as Error).message, retries: fetcher.retries, duration_ms: Date.now() - started };
        // ICE refusing or failing is expected now and then (a warning); anything else is a fault (with its stack).
        if (error instanceof FetchError || error instanceof IngestInputError) app.log.warn(line, 'ingestion run');
        else app.log.error({ ...line, err: error }, 'ingestion run');
      }
    };

    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> | undefined;
    let closing = false;
    const scheduleNext = () => {
      if (closing) return;
      schedule.nextRunAt = new Date(Date.now() + everyMs);
      timer = setTimeout(() => {
        schedule.nextRunAt = null;
        running = run().finally(() => {
          running = undefined;
          scheduleNext();
        });
      }, everyMs);
      timer.unref();
    };
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
