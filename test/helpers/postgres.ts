// Where tests get PostgreSQL: TEST_DATABASE_URL when set (a server whose user
// may create databases); otherwise a container through Testcontainers when a
// container runtime answers; otherwise the embedded PostgreSQL in a fresh
// temporary folder (one the `postgres` user can enter when we run as root,
// wherever the clone lives). scripts/test.ts (npm test) picks once and passes the answer to
// every test process in TEST_DATABASE_URL.
import { createHash } from 'node:crypto';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createPool } from '../../src/database/connect.ts';
import { startEmbeddedPostgres } from '../../src/database/embedded.ts';
import { migrate } from '../../src/database/migrate.ts';
import { loadReferenceData } from '../../src/reference/load.ts';

export interface TestServer {
  adminUrl: string;
  source: 'TEST_DATABASE_URL' | 'testcontainers' | 'embedded';
  stop(): Promise<void>;
}

async function containerRuntimeAnswers(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

export async function startTestServer(): Promise<TestServer> {
  if (process.env.TEST_DATABASE_URL) {
    return { adminUrl: process.env.TEST_DATABASE_URL, source: 'TEST_DATABASE_URL', stop: async () => {} };
  }
  if (await containerRuntimeAnswers()) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:17-alpine').start();
    return {
      adminUrl: container.getConnectionUri(),
      source: 'testcontainers',
      stop: async () => {
        await container.stop();
      },
    };
  }
  // One server per run, in its own directory: concurrent runs never stop each other's server.
  const dataDir = await mkdtemp(join(tmpdir(), 'ice-287g-test-'));
  await chmod(dataDir, 0o755); // mkdtemp makes it 0700: as root the server runs as the postgres user
  const server = await startEmbeddedPostgres(dataDir);
  return {
    adminUrl: server.adminUrl,
    source: 'embedded',
    stop: async () => {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
      await rm(server.clusterDir, { recursive: true, force: true }); // outside dataDir when it fell back
    },
  };
}

/** A fingerprint of what a template database holds: the migrations and the reference data. */
async function templateFingerprint(): Promise<string> {
  const hash = createHash('sha256');
  for (const dir of ['prisma/migrations', 'src/reference']) {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    const files = entries
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name))
      .sort();
    for (const file of files) hash.update(file).update(await readFile(file));
  }
  return hash.digest('hex').slice(0, 12);
}

/**
 * A database migrated and loaded with reference data, used as the TEMPLATE of
 * every test database (copying it takes milliseconds; migrating takes seconds).
 */
export async function ensureTemplate(adminUrl: string): Promise<string> {
  const name = `tmpl_${await templateFingerprint()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock(287002)');
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) {
      await admin.query(`CREATE DATABASE "${name}_building"`).catch(() => {});
      const url = new URL(adminUrl);
      url.pathname = `/${name}_building`;
      await migrate(url.toString());
      const pool = createPool(url.toString(), 2);
      await loadReferenceData(pool);
      await pool.end();
      await admin.query(`ALTER DATABASE "${name}_building" RENAME TO "${name}"`);
    }
    return name;
  } finally {
    await admin.query('SELECT pg_advisory_unlock(287002)').catch(() => {});
    await admin.end();
  }
}
