// Entry point of `npm start`: validate config, open the database (embedded
// when DATABASE_URL is unset), serve, and on SIGTERM/SIGINT drain (src/http/drain.ts) and close cleanly.
import pino from 'pino';
import { buildApp, loggerOptions } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { openDatabase, type Database } from './database/connect.ts';
import { rulesVersion, staleRulesNotice } from './ingestion/history/rules-version.ts';
import { installDrainer } from './http/drain.ts';
import { seedEmptyDatabase } from './ingestion/lists/seed.ts';
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
// A signal while starting: stop at once (the exit hook stops an embedded PostgreSQL already started).
const stopWhileStarting = (signal: NodeJS.Signals) => process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
process.once('SIGTERM', stopWhileStarting);
process.once('SIGINT', stopWhileStarting);
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
const drainer = installDrainer(app.server);
const SAME_SIGNAL_MS = 500;
let closingSince = 0;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  // A terminal's Ctrl-C reaches npm and this process both, and npm passes its copy on: a repeat within
  // moments is that copy, not a second request.
  if (closingSince && Date.now() - closingSince < SAME_SIGNAL_MS) return;
  if (closingSince) {
    // A second signal: stop at once (the exit hook still asks the embedded PostgreSQL for a fast shutdown).
    app.log.warn({ signal }, 'second signal: stopping at once');
    process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
  }
  closingSince = Date.now();
  app.log.info(
    { signal, drain_limit: config.DRAIN_LIMIT.text },
    'stopping: new requests get 503, requests in flight finish',
  );
  // Bounds the whole stop, should the database not close.
  const force = setTimeout(() => process.exit(1), config.DRAIN_LIMIT.ms + 30_000);
  force.unref();
  const drained = await drainer.drain(config.DRAIN_LIMIT.ms);
  if (drained.cut > 0)
    app.log.warn(
      { cut: drained.cut },
      `requests still unanswered after ${config.DRAIN_LIMIT.text}: their connections were cut`,
    );
  await app.close();
  await database.close();
  app.log.info({ drain_ms: drained.ms }, 'stopped');
  process.exit(0);
}
// Ours drains the app, closes it, then the database (the embedded server too), then exits 0: ours must be the
// only handler (a dependency's exit hook would end the process with 143 first).
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

// The stored history derived under other rules than this code's (README "Re-deriving the history").
staleRulesNotice(database.pool).then(
  (notice) => notice && app.log.warn({ rules: rulesVersion() }, notice),
  (error: unknown) => app.log.error({ err: error }, 'reading the rules version failed'),
);
