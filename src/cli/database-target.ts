// The database a backup or restore works on: DATABASE_URL, else the embedded PostgreSQL under DATA_DIR
// (attached to when the service runs it, else started for the command and stopped after it).
import { loadConfig } from '../config.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from '../database/embedded.ts';

export interface DatabaseTarget {
  url: string;
  embedded: EmbeddedServer | undefined;
  close(): Promise<void>;
}

export async function openDatabaseTarget(log: (message: string) => void): Promise<DatabaseTarget> {
  const config = loadConfig(process.env);
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, embedded: undefined, close: async () => {} };
  const embedded = await startEmbeddedPostgres(config.DATA_DIR, log);
  return { url: embedded.url, embedded, close: () => embedded.stop() };
}

/** SIGTERM/SIGINT: `cleanUp`, then exit 128 + the signal's number (the exit hook stops an embedded server we started). */
export function exitOnSignal(name: string, cleanUp: () => Promise<void>): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.removeAllListeners(signal);
    process.once(signal, () => {
      console.error(`${name}: interrupted by ${signal}; nothing was changed`);
      void cleanUp().finally(() => process.exit(128 + (signal === 'SIGINT' ? 2 : 15)));
    });
  }
}
