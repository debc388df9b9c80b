// `npm start` and `npm run …` exactly as a user, a supervisor or a CI job starts them: the pid we hold and
// signal is npm's. Plus what a test needs to check that a stop left nothing behind: the process tree, ports,
// PostgreSQL's log, and bounded polling.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { waitFor } from './wait.ts';
import type { ServiceProcess } from './processes.ts';

/** `npm ...args` in the repository, with this environment (DATABASE_URL unset unless given). */
export function npmRun(args: string[], env: Record<string, string>): ServiceProcess {
  const child = spawn('npm', ['--silent', ...args], {
    env: { ...process.env, DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

/** waitFor (helpers/wait.ts) for a condition, answering how long it took: a stop's time is what these tests judge. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  message: string,
): Promise<number> {
  const started = Date.now();
  await waitFor(message, check, { timeoutMs });
  return Date.now() - started;
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ppid …: comm may hold spaces and parentheses, so split after the last ')'.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** Every process below `pid` (children, their children…), from /proc. */
export function descendants(pid: number): number[] {
  const all = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
  const found: number[] = [];
  let frontier = [pid];
  while (frontier.length > 0) {
    const children = all.filter((candidate) => frontier.includes(parentOf(candidate) ?? -1));
    found.push(...children);
    frontier = children;
  }
  return found;
}

/** True while `pid` runs (a zombie, waiting for its parent to collect it, has ended). */
export function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** True when something accepts connections on 127.0.0.1:`port`. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The embedded PostgreSQL's port and password under DATA_DIR `dataDir` (src/database/embedded.ts). */
export async function embeddedSettings(dataDir: string): Promise<{ port: number; url: string }> {
  const { port, password } = JSON.parse(await readFile(join(dataDir, 'postgres.json'), 'utf8')) as {
    port: number;
    password: string;
  };
  return { port, url: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/ice_287g` };
}

/** The embedded PostgreSQL's log under `dataDir`, from its last start: did it end with a clean shutdown? */
export async function cleanShutdownLogged(dataDir: string): Promise<boolean> {
  const log = await readFile(join(dataDir, 'postgres.log'), 'utf8').catch(() => '');
  const lastRun = log.slice(log.lastIndexOf('database system is ready to accept connections'));
  return /received (fast|smart) shutdown request/.test(lastRun) && /database system is shut down\s*$/.test(lastRun);
}
