// Writes prisma/migrations/<timestamp>_<name>/migration.sql: the SQL that takes
// a database from the committed migrations to prisma/schema.prisma. Runs offline
// (Prisma's schema engine as WebAssembly, on a scratch database of the embedded
// PostgreSQL); with internet access `npx prisma migrate dev --name <name>` does
// the same.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../src/database/embedded.ts';
import { MIGRATIONS_DIR, migrate } from '../src/database/migrate.ts';
import { EMPTY_MIGRATION, liveDatabaseTarget, openSchemaEngine, schemaTarget } from './database/schema-engine.ts';
import { withTemporaryDatabase } from './database/temporary-database.ts';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: npm run db:migration -- <name_in_snake_case>');
  process.exit(2);
}

const schema = await readFile('prisma/schema.prisma', 'utf8');
const server = await startEmbeddedPostgres(process.env.DATA_DIR ?? '.data');
try {
  const sql = await withTemporaryDatabase(server.adminUrl, 'migration_scratch', async (url) => {
    await migrate(url);
    const engine = await openSchemaEngine(url);
    try {
      return await engine.diff(liveDatabaseTarget(schema), schemaTarget(schema));
    } finally {
      engine.close();
    }
  });
  if (sql.trim() === EMPTY_MIGRATION) {
    console.log('prisma/schema.prisma and the migrations agree: nothing to write');
  } else {
    const dir = join(MIGRATIONS_DIR, `${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}_${name}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'migration.sql'), sql);
    console.log(`wrote ${join(dir, 'migration.sql')}`);
  }
} finally {
  await server.stop();
}
