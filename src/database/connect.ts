// Finds the database (DATABASE_URL or the embedded server), waits for it,
// brings its schema and reference data up to date, and opens the pg pool every
// query goes through (Prisma is the source of the schema and the migrations only).
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Config } from '../config.ts';
import { loadReferenceData } from '../reference/load.ts';
import { startEmbeddedPostgres, type EmbeddedLog, type EmbeddedServer } from './embedded.ts';
import { migrate } from './migrate.ts';

export interface Database {
  url: string;
  pool: pg.Pool;
  embedded: EmbeddedServer | undefined;
  close(): Promise<void>;
}

export type Log = EmbeddedLog;

/** What the repositories query through: the pool, or one client in a snapshot transaction (src/database/snapshot.ts). */
export type Db = Pick<pg.Pool, 'query'>;

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/** Retries until the server answers or `timeoutSeconds` pass; then one clear error. */
export async function waitForDatabase(url: string, timeoutSeconds: number, log: Log): Promise<void> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  let lastError = '';
  for (let attempt = 1; ; attempt++) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (error) {
      lastError = (error as Error).message || String(error);
    } finally {
      await client.end().catch(() => {});
    }
    if (Date.now() >= deadline) {
      throw new Error(`database ${redactUrl(url)} did not answer within ${timeoutSeconds}s: ${lastError}`);
    }
    if (attempt === 1) log(`waiting for database ${redactUrl(url)}: ${lastError}`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** attempt, 2000)));
  }
}

// DATE columns come back as 'YYYY-MM-DD' strings: a JS Date would shift them by the time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

export function createPool(url: string, max = 10): pg.Pool {
  // statement_timeout: the database-side half of GraphQL's time limit, and a bound on any runaway query.
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 5000, statement_timeout: 30_000 });
  // A lost server surfaces on requests (503) and /readyz; a client's connection error, idle or in use,
  // must not crash the process (the query in flight is rejected anyway).
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  prepareStatements(pool);
  return pool;
}

/** The prepared statements' names by SQL text (few: the texts are made of fixed fragments). */
const statementNames = new Map<string, string>();

/** The name of the prepared statement of an SQL text: a hash of the text, made once per text. */
export function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `q${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    statementNames.set(text, name);
  }
  return name;
}

/**
 * Every parametrized `pool.query(text, values)` becomes a named prepared statement (statementName), so each
 * connection plans a query shape once instead of on every request: on the API's hot paths PostgreSQL spent as long
 * planning as executing. The SQL is built from fixed fragments, so the shapes are few.
 */
function prepareStatements(pool: pg.Pool): void {
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  (pool as { query: unknown }).query = (text: unknown, values?: unknown, callback?: unknown) => {
    if (typeof text !== 'string' || !Array.isArray(values) || typeof callback === 'function')
      return query(text, values, callback);
    return query({ name: statementName(text), text, values });
  };
}

/** Opens the service's database: embedded when no DATABASE_URL, migrated, reference data loaded. */
export async function openDatabase(config: Config, log: Log): Promise<Database> {
  const embedded = config.DATABASE_URL ? undefined : await startEmbeddedPostgres(config.DATA_DIR, log);
  const url = config.DATABASE_URL ?? embedded!.url;
  try {
    await waitForDatabase(url, config.DB_CONNECT_TIMEOUT_S, log);
    const applied = await migrate(url);
    if (applied.length > 0) log(`applied migrations: ${applied.join(', ')}`);
    const pool = createPool(url);
    await loadReferenceData(pool);
    return {
      url,
      pool,
      embedded,
      async close() {
        await pool.end();
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}
