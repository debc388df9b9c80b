// The one way a test gets a folder of its own: under the OS temp folder, named
// with TEMP_DIR_PREFIX (so a run's leftovers, if any, are easy to find), and
// removed when the test that asked for it ends.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';

/** Every folder the tests make starts with this (the embedded server's too, see postgres.ts). */
export const TEMP_DIR_PREFIX = 'ice-287g-';

/**
 * A fresh folder `ice-287g-<purpose>-XXXXXX`, removed at the end of `t`.
 * `mode` 0o755 lets the embedded PostgreSQL (run as the `postgres` user when
 * we are root) enter it; mkdtemp makes it 0700.
 */
export async function tempDir(
  t: Pick<Test, 'teardown'>,
  purpose: string,
  options: { mode?: number } = {},
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `${TEMP_DIR_PREFIX}${purpose}-`));
  if (options.mode !== undefined) await chmod(dir, options.mode);
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}
