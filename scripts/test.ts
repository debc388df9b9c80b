// `npm test`: provides PostgreSQL for the suite (see test/helpers/postgres.ts),
// builds the template database once, runs tap with any extra arguments, and
// stops what it started. Exit code: tap's.
import { spawn } from 'node:child_process';
import { ensureTemplate, startTestServer } from '../test/helpers/postgres.ts';

const server = await startTestServer();
let code = 1;
try {
  const template = await ensureTemplate(server.adminUrl);
  console.log(`# PostgreSQL for tests: ${server.source}; template database ${template}`);
  if (!process.env.ICE_ARCHIVE_DIR) console.log('# ICE_ARCHIVE_DIR is not set: the real-archive suites will be skipped');
  if (!process.env.HISTORICAL_DIR) console.log('# HISTORICAL_DIR is not set: the checks over the real historical sources (../shared/data/historical) will be skipped');
  const tap = spawn('npx', ['tap', ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, TEST_DATABASE_URL: server.adminUrl, TEST_TEMPLATE_DATABASE: template },
  });
  code = await new Promise<number>((resolve) => tap.on('close', (exitCode) => resolve(exitCode ?? 1)));
} finally {
  await server.stop();
}
process.exit(code);
