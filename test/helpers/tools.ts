// Real tools some tests drive (Python with pandas or feedparser, R, jq, curl).
// .ci/run installs them; in CI (CI set) a missing tool fails the test, on a
// developer's machine the test skips, saying what is missing and how to get it.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Test } from 'tap';

export const run = promisify(execFile);

/** True when `command args` runs (exit 0). */
export async function runs(command: string, args: string[]): Promise<boolean> {
  try {
    await run(command, args, { timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * A Python that imports every module: $PYTHON, then Debian's /usr/bin/python3 (where apt installs python3-pandas
 * and python3-feedparser), then whatever python3 is first on PATH (often a pyenv one without them).
 */
export async function pythonWith(modules: readonly string[]): Promise<string | undefined> {
  const candidates = [process.env.PYTHON, '/usr/bin/python3', 'python3'].filter(
    (candidate): candidate is string => !!candidate,
  );
  for (const candidate of candidates) {
    if (await runs(candidate, ['-c', modules.map((module) => `import ${module}`).join('; ')])) return candidate;
  }
  return undefined;
}

/**
 * Whether the test may go on with its tool. Missing: a failure in CI, a skip elsewhere; `install` says how to get it
 * (what .ci/run does).
 */
export function toolAvailable(t: Test, available: boolean, what: string, install: string): boolean {
  if (available) return true;
  const message = `${what} is missing (${install})`;
  if (process.env.CI) t.fail(`${message}: CI must run this test`);
  else t.pass(what, { skip: `${message}: skipped on this machine` });
  return false;
}
