// The committed migrations must produce exactly the schema prisma/schema.prisma
// describes: Prisma's own schema engine compares the migrated database with it.
import { readFile } from 'node:fs/promises';
import t from 'tap';
import { migrate, readMigrations } from '../../src/database/migrate.ts';
import {
  EMPTY_MIGRATION,
  liveDatabaseTarget,
  openSchemaEngine,
  schemaTarget,
} from '../../scripts/database/schema-engine.ts';
import { withTemporaryDatabase } from '../../scripts/database/temporary-database.ts';
import { testServerAdminUrl } from '../helpers/database.ts';
import { tempDir } from '../helpers/temp-dir.ts';

t.test('migrations and prisma/schema.prisma agree', async (t) => {
  const schema = await readFile('prisma/schema.prisma', 'utf8');
  await withTemporaryDatabase(await testServerAdminUrl(), 'drift', async (url) => {
    const applied = await migrate(url);
    t.same(
      applied,
      (await readMigrations()).map((migration) => migration.name),
      'every migration applies on an empty database',
    );
    const engine = await openSchemaEngine(url);
    try {
      const drift = await engine.diff(liveDatabaseTarget(schema), schemaTarget(schema));
      t.equal(
        drift.trim(),
        EMPTY_MIGRATION,
        `schema.prisma differs from the migrations; run npm run db:migration -- <name>:\n${drift}`,
      );
    } finally {
      engine.close();
    }
    t.same(await migrate(url), [], 'a second run applies nothing');
  });
});

t.test('a migration edited after it was applied is refused', async (t) => {
  const { cp, appendFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const dir = await tempDir(t, 'migrations');
  await cp('prisma/migrations', dir, { recursive: true });
  await withTemporaryDatabase(await testServerAdminUrl(), 'edited', async (url) => {
    await migrate(url, dir);
    const [first] = await readMigrations(dir);
    await appendFile(join(dir, first!.name, 'migration.sql'), '\n-- edited\n');
    await t.rejects(migrate(url, dir), /was changed after it was applied/);
  });
});
