// The dataset version: bumped by every ingestion in the same transaction that
// changes the data (src/ingestion/ingest.ts), announced with NOTIFY
// dataset_changed. Every response is a function of (version, query), so the
// version is the cache key, the ETag and Last-Modified. The service LISTENs,
// and also re-reads the row every few seconds in case a notification was lost
// (a dropped connection, a database restored from a dump).
import fp from 'fastify-plugin';
import pg from 'pg';
import type { DatasetVersion } from '../../domain/dataset-version.ts';

export type { DatasetVersion };

export interface Dataset {
  current(): DatasetVersion;
  /** Re-reads the version now (tests call it after an ingestion instead of waiting for the notification). */
  refresh(): Promise<DatasetVersion>;
  onChange(callback: (version: DatasetVersion) => void): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    dataset: Dataset;
  }
}

const POLL_INTERVAL_MS = 5_000;

export const datasetVersionPlugin = fp(
  async (app) => {
    let current: DatasetVersion = {
      version: -1,
      latestListDate: null,
      updatedAt: new Date(0),
      firstListDate: null,
      historicalSources: [],
    };
    const listeners = new Set<(version: DatasetVersion) => void>();

    /** `via`: what prompted the read, logged when the version changed (operators see notifications arrive). */
    async function refresh(
      via: 'notification' | 'poll' | 'start' | 'listen' | 'call' = 'call',
    ): Promise<DatasetVersion> {
      // One statement (tiny tables): the version, and what the coverage note of an answer before ICE's first
      // list needs (that list's date, the historical sources).
      const result = await app.db.pool.query<{
        version: number;
        list_date: string | null;
        updated_at: Date;
        first_list_date: string | null;
        historical_sources: DatasetVersion['historicalSources'];
      }>(
        `SELECT d.version, l.list_date, d.updated_at,
           (SELECT min(list_date) FROM source_lists WHERE status = 'applied' AND kind = 'participating') AS first_list_date,
           (SELECT coalesce(json_agg(json_build_object('id', h.id, 'title', h.title, 'first_on', h.first_on, 'last_on', h.last_on)
              ORDER BY h.first_on, h.id), '[]') FROM historical_sources h) AS historical_sources
         FROM dataset_version d
         LEFT JOIN source_lists l ON l.id = d.latest_list_id WHERE d.id = 1`,
      );
      const row = result.rows[0];
      const version = row?.version ?? 0;
      if (version !== current.version) {
        if (current.version >= 0) app.log.info({ version, via }, 'dataset changed: caches dropped');
        current = {
          version,
          latestListDate: row?.list_date ?? null,
          updatedAt: row?.updated_at ?? new Date(0),
          firstListDate: row?.first_list_date ?? null,
          historicalSources: row?.historical_sources ?? [],
        };
        for (const listener of listeners) listener(current);
      }
      return current;
    }

    let listener: pg.Client | undefined;
    let closed = false;
    async function listen(): Promise<void> {
      if (closed) return;
      const client = new pg.Client({ connectionString: app.db.url });
      client.on('error', () => {});
      client.on('end', () => {
        if (!closed) setTimeout(() => void listen().catch(() => {}), 1_000).unref();
      });
      client.on('notification', () => void refresh('notification').catch(() => {}));
      try {
        await client.connect();
        if (closed) {
          await client.end();
          return;
        }
        await client.query('LISTEN dataset_changed');
        listener = client;
        await refresh('listen');
      } catch {
        await client.end().catch(() => {});
      }
    }

    await refresh('start').catch(() => {});
    await listen();
    const poll = setInterval(() => void refresh('poll').catch(() => {}), POLL_INTERVAL_MS);
    poll.unref();

    app.decorate('dataset', {
      current: () => current,
      refresh: () => refresh(),
      onChange: (callback: (version: DatasetVersion) => void) => listeners.add(callback),
    } satisfies Dataset);
    app.addHook('onClose', async () => {
      closed = true;
      clearInterval(poll);
      await listener?.end().catch(() => {});
    });
  },
  { name: 'dataset-version' },
);
