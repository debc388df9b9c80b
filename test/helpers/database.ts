// Every test that touches data gets its own database, copied from the
// template (migrated, reference data loaded) and dropped at teardown.
import type { Test } from 'tap';
import { createPool, type Database } from '../../src/database/connect.ts';
import { createDatabase, dropDatabase } from '../../scripts/database/temporary-database.ts';
import { ensureTemplate, startTestServer, type TestServer } from './postgres.ts';

let server: Promise<TestServer> | undefined;

/** The server npm test prepared, or (running one file with `npx tap`) one found the same way. */
async function testServer(): Promise<{ adminUrl: string; template: string }> {
  server ??= startTestServer();
  const { adminUrl } = await server;
  const template = process.env.TEST_TEMPLATE_DATABASE ?? (await ensureTemplate(adminUrl));
  return { adminUrl, template };
}

/** A fresh database for this test, opened like the service opens its own. */
export async function testDatabase(t: Test): Promise<Database> {
  const { adminUrl, template } = await testServer();
  const url = await createDatabase(adminUrl, 'test', template);
  const pool = createPool(url, 4);
  let closed = false;
  const database: Database = {
    url,
    pool,
    embedded: undefined,
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
  t.teardown(async () => {
    await database.close();
    await dropDatabase(adminUrl, url);
  });
  return database;
}

/** The admin URL of the test server, for tests that create databases of their own. */
export async function testServerAdminUrl(): Promise<string> {
  return (await testServer()).adminUrl;
}
