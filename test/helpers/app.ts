// The real app on a real (per-test) database, for app.inject.
import type { FastifyInstance } from 'fastify';
import type { Test } from 'tap';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { Database } from '../../src/database/connect.ts';
import { testDatabase } from './database.ts';

export async function testApp(
  t: Test,
  options: { env?: Record<string, string>; database?: Database; logger?: import('pino').Logger } = {},
): Promise<{ app: FastifyInstance; database: Database }> {
  const database = options.database ?? (await testDatabase(t));
  const config = loadConfig({ LOG_LEVEL: 'silent', ...options.env });
  const app = await buildApp({ config, database, logger: options.logger ?? false });
  t.teardown(() => app.close());
  return { app, database };
}
