// `npm test`: provides PostgreSQL for the suite (see test/helpers/postgres.ts),
// builds the template database once, runs tap with any extra arguments, and
// stops what it started. Exit code: tap's.
//
// Everything the run writes to the OS temp folder (the tests' folders, the
// embedded server's, Chromium's, tsx's cache) goes into one folder of its own
// (TMPDIR), removed at the end: after `npm test` the temp folder holds nothing
// new, even when a test was killed. A test's own folder left behind (named
// ice-287g-*, test/helpers/temp-dir.ts) is named on the way out: a missing teardown.
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCRATCH_PREFIX } from '../src/releases/build.ts';
import { ensureTemplate, startTestServer } from '../test/helpers/postgres.ts';
import { TEMP_DIR_PREFIX } from '../test/helpers/temp-dir.ts';

const runTemp = await mkdtemp(join(tmpdir(), 'ice-287g-test-run-'));
await chmod(runTemp, 0o755); // as root the embedded server runs as the postgres user: it must reach its folder in here
process.env.TMPDIR = runTemp; // os.tmpdir() reads it on every call: the server below, and every child process

let code = 1;
try {
  const server = await startTestServer();
  try {
    const template = await ensureTemplate(server.adminUrl);
    console.log(`# PostgreSQL for tests: ${server.source}; template database ${template}`);
    if (!process.env.ICE_ARCHIVE_DIR)
      console.log(
        `# ICE_ARCHIVE_DIR is not set: the real-archive suites will be ${process.env.CI ? 'FAILED (CI is set)' : 'skipped'}`,
      );
    if (!process.env.HISTORICAL_DIR)
      console.log(
        `# HISTORICAL_DIR is not set: the checks over the real historical sources (../shared/data/historical) will be ${process.env.CI ? 'FAILED (CI is set)' : 'skipped'}`,
      );
    const tap = spawn('npx', ['tap', ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, TEST_DATABASE_URL: server.adminUrl, TEST_TEMPLATE_DATABASE: template },
    });
    code = await new Promise<number>((resolve) => tap.on('close', (exitCode) => resolve(exitCode ?? 1)));
  } finally {
    await server.stop();
  }
} finally {
  const names = (await readdir(runTemp).catch(() => [])).sort();
  // A release build's scratch folder outlives a service a test killed mid-build (the next build would remove it).
  const scratch = names.filter((name) => name.startsWith(SCRATCH_PREFIX));
  const left = names.filter((name) => name.startsWith(TEMP_DIR_PREFIX) && !scratch.includes(name));
  if (left.length > 0)
    console.log(`# folders the tests left behind (now removed; a teardown is missing): ${left.join(', ')}`);
  if (scratch.length > 0)
    console.log(`# release scratch of services killed mid-build (now removed): ${scratch.join(', ')}`);
  await rm(runTemp, { recursive: true, force: true });
}
process.exit(code);
