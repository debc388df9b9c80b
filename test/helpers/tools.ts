// Real tools some tests drive (Python with pandas or feedparser, R, jq, curl).
// .ci/run installs them; in CI (CI set) a missing tool fails the test, on a
// developer's machine the test skips, saying what is missing and how to get it.
import { execFile } from 'node:child_process';
import { realpath, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Test } from 'tap';
import { tempDir } from './temp-dir.ts';

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
 * The absolute path of a Python that imports every module: $PYTHON, then Debian's /usr/bin/python3 (where apt
 * installs python3-pandas and python3-feedparser), then whatever python3 is first on PATH (often a pyenv one
 * without them). Absolute and resolved (a pyenv shim picks its interpreter anew on every call), so the Python that
 * passed the check is the one that runs.
 */
export async function pythonWith(modules: readonly string[]): Promise<string | undefined> {
  const candidates = [process.env.PYTHON, '/usr/bin/python3', 'python3'].filter(
    (candidate): candidate is string => !!candidate,
  );
  const imports = modules.map((module) => `import ${module}`).join('; ');
  for (const candidate of candidates) {
    try {
      const { stdout } = await run(candidate, ['-c', `${imports}; import sys; print(sys.executable)`], {
        timeout: 120_000,
      });
      return await realpath(stdout.trim());
    } catch {
      // this one lacks a module (or is not there): the next
    }
  }
  return undefined;
}

/**
 * A PATH on which `program` is `executable` whatever comes first on the machine's PATH: a folder of the test's own
 * holding one link, put in front. For commands run as a user types them (`python3 script.py`).
 */
export async function pathWith(t: Pick<Test, 'teardown'>, program: string, executable: string): Promise<string> {
  const bin = await tempDir(t, 'bin');
  await symlink(executable, join(bin, program));
  return `${bin}:${process.env.PATH}`;
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
