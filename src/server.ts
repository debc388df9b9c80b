// Entry point of `npm start`: validate config, open the database (embedded
// when DATABASE_URL is unset), serve, and close cleanly on SIGTERM/SIGINT.
import pino from 'pino';
import { buildApp, loggerOptions } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { openDatabase, type Database } from './database/connect.ts';
import { seedEmptyDatabase } from './ingestion/seed.ts';
import { ensureCurrentRelease } from './releases/store.ts';

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

const log = pino(loggerOptions(config));
let database: Database;
try {
  database = await openDatabase(config, (message, level = 'info') => log[level](message));
} catch (error) {
  console.error(`cannot start: ${(error as Error).message}`);
  process.exit(1);
}

// A fresh clone serves the whole history: an empty database is loaded from the repository's seed before ready.
if (config.SEED_ON_START) {
  try {
    await seedEmptyDatabase(database.pool, (message, fields) => log.info(fields, message));
  } catch (error) {
    console.error(`cannot start: loading the seed failed: ${(error as Error).message}`);
    await database.close();
    process.exit(1);
  }
}

const app = await buildApp({ config, database, logger: log });
let closing = false;
async function shutdown(signal: string): Promise<void> {
  if (closing) return;
  closing = true;
  app.log.info({ signal }, 'shutting down');
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  await app.close();
  await database.close();
  process.exit(0);
}
// Ours closes the app, then the database (the embedded server too), then exits 0: ours must be the only
// handler (a dependency's exit hook would end the process with 143 first).
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.removeAllListeners(signal);
  process.on(signal, () => void shutdown(signal));
}

try {
  await app.listen({ port: config.PORT, host: config.HOST });
} catch (error) {
  console.error(`cannot listen on ${config.HOST}:${config.PORT}: ${(error as Error).message}`);
  await database.close();
  process.exit(1);
}

// The current dataset version's release, if an ingestion that ran while the service was down left it unmade.
ensureCurrentRelease(database.pool, config.PUBLIC_URL).then(
  (result) => result?.made && app.log.info({ version: result.version, ms: result.ms }, 'release made'),
  (error: unknown) => app.log.error({ err: error }, 'making the current release failed'),
);
