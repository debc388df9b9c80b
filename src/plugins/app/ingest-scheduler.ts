// INGEST_SCHEDULE (off by default): the service fetches ICE's current lists
// itself on that interval, exactly like `npm run ingest -- --latest`. A run
// that finds another ingestion holding the run lock is skipped, not queued.
import fp from 'fastify-plugin';
import { ingestLatest, withRunLock } from '../../ingestion/remote.ts';
import { ensureCurrentRelease } from '../../releases/store.ts';

export const ingestSchedulerPlugin = fp(
  async (app) => {
    const schedule = app.config.INGEST_SCHEDULE;
    if (schedule === null) return;
    let running: Promise<void> | undefined;
    const run = async () => {
      try {
        const results = await withRunLock(app.db.pool, () => ingestLatest(app.db.pool, app.config.INGEST_SOURCE_URL), { wait: false });
        if (results === null) {
          app.log.info('scheduled ingestion skipped: another ingestion is running');
          return;
        }
        for (const result of results) {
          if (result.kind === 'ingested') {
            const { outcome, fileName, listDate, reason, counts } = result.report;
            app.log.info({ url: result.url, outcome, fileName, listDate, reason, counts }, 'scheduled ingestion');
          } else app.log.info({ url: result.url, result: result.kind }, 'scheduled ingestion');
        }
        await app.dataset.refresh();
        // One release per run, for the version the run ended on.
        const release = await ensureCurrentRelease(app.db.pool, app.config.PUBLIC_URL);
        if (release?.made) app.log.info({ version: release.version, ms: release.ms }, 'release made');
      } catch (error) {
        app.log.error({ err: error }, 'scheduled ingestion failed');
      }
    };
    const timer = setInterval(() => {
      running ??= run().finally(() => (running = undefined));
    }, schedule.ms);
    timer.unref();
    app.log.info({ every: schedule.text, source: app.config.INGEST_SOURCE_URL }, 'scheduled ingestion on');
    app.addHook('onClose', async () => {
      clearInterval(timer);
      await running;
    });
  },
  { name: 'ingest-scheduler', dependencies: ['dataset-version'] },
);
