// The service and the ingestion CLI as real processes (what `npm start` and
// `npm run ingest` run): real signals, real ports, real exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';

export interface ServiceProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
  stdout(): string;
  stderr(): string;
}

function run(script: string, args: string[], env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
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

/** `npm start` with this environment (LOG_LEVEL warn unless given). */
export function startService(env: Record<string, string>): ServiceProcess {
  return run('src/server.ts', [], { LOG_LEVEL: 'warn', ...env });
}

/** `npm run ingest -- ...args`. */
export function runIngest(args: string[], env: Record<string, string>): ServiceProcess {
  return run('src/cli/ingest.ts', args, env);
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
  const dir = await mkdtemp(join(tmpdir(), 'ice-287g-data-'));
  await chmod(dir, 0o755);
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Polls /readyz until 200; throws (with the service's stderr) when the process exits first or after a minute. */
export async function waitReady(port: number, service: ServiceProcess): Promise<Response> {
  for (let attempt = 0; attempt < 600; attempt++) {
    const done = await Promise.race([service.exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 100))]);
    if (done) throw new Error(`server exited before it was ready: ${service.stderr()}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (response.status === 200) return response;
    } catch {
      // not listening yet
    }
  }
  throw new Error('server not ready after 60s');
}
