// The service and the ingestion CLI as real processes (what `npm start` and
// `npm run ingest` run): real signals, real ports, real exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { Test } from 'tap';
import { tempDir } from './temp-dir.ts';
import { waitFor } from './wait.ts';

export interface ServiceProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
  stdout(): string;
  stderr(): string;
}

/** `command args` as a child process, its output collected; `exited` resolves once the output is complete. */
export function spawnProcess(command: string, args: string[], env: Record<string, string>): ServiceProcess {
  const child = spawn(command, args, {
    env: { ...process.env, DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  // 'close', not 'exit': the output is complete only once the pipes have closed.
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

function run(script: string, args: string[], env: Record<string, string>): ServiceProcess {
  // Node runs the TypeScript itself, as `npm start` does (package.json).
  return spawnProcess(process.execPath, [script, ...args], env);
}

/** `npm start` with this environment (LOG_LEVEL warn, and no seeding of an empty database, unless given). */
export function startService(env: Record<string, string>): ServiceProcess {
  return run('src/server.ts', [], { LOG_LEVEL: 'warn', SEED_ON_START: 'false', ...env });
}

/** `npm run ingest -- ...args`. */
export function runIngest(args: string[], env: Record<string, string>): ServiceProcess {
  return run('src/cli/ingest.ts', args, env);
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The one CLI runner: `command args` to its end (LOG_LEVEL silent unless given), with its exit code and whole output. */
export async function runCli(command: string, args: string[], env: Record<string, string>): Promise<CliRun> {
  const cli = spawnProcess(command, args, { LOG_LEVEL: 'silent', ...env });
  const code = await cli.exited;
  return { code: code ?? -1, stdout: cli.stdout(), stderr: cli.stderr() };
}

/** `npm run ingest -- ...args` (as the node process npm would start), to its end. */
export function ingestCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return runCli(process.execPath, ['src/cli/ingest.ts', ...args], env);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A fresh DATA_DIR the embedded server can use (mode 755: as root it runs as the postgres user), removed after `t`. */
export async function temporaryDataDir(t: Test): Promise<string> {
  return tempDir(t, 'data', { mode: 0o755 });
}

/** Polls /readyz until 200; throws (with the service's stderr) when the process exits first or after `timeoutMs` (5 minutes). */
export async function waitReady(port: number, service: ServiceProcess, timeoutMs = 300_000): Promise<Response> {
  return waitFor(
    `the server on port ${port} answers /readyz with 200`,
    async () => {
      if (service.child.exitCode !== null || service.child.signalCode !== null)
        throw new Error(`server exited before it was ready: ${service.stderr()}`);
      const response = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined); // not listening yet
      return response?.status === 200 ? response : undefined;
    },
    // A fresh DATA_DIR runs initdb and every migration first: minutes on a loaded two-core machine.
    { timeoutMs, intervalMs: 100 },
  );
}
