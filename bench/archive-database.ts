// Databases loaded from the archive of ICE lists, for npm run bench and bench:soak: built
// once on the benchmark server and reused while the code that shapes them
// (migrations, ingestion, reference data) is unchanged.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { createPool } from '../src/database/connect.ts';
import { migrate } from '../src/database/migrate.ts';
import { ingestFiles } from '../src/ingestion/ingest-files.ts';
import { loadReferenceData } from '../src/reference/load.ts';

export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function adminQuery(adminUrl: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fingerprint of what the loaded database depends on, so a previous run's copy is reused when still valid. */
export async function fingerprint(): Promise<string> {
  const hash = createHash('sha256');
  for (const dir of ['prisma/migrations', 'src/ingestion', 'src/reference']) {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    for (const entry of entries.filter((item) => item.isFile()).sort((a, b) => a.name.localeCompare(b.name))) {
      hash.update(await readFile(join(entry.parentPath, entry.name)));
    }
  }
  return hash.digest('hex').slice(0, 10);
}

export async function databaseExists(adminUrl: string, name: string): Promise<boolean> {
  return ((await adminQuery(adminUrl, `SELECT 1 FROM pg_database WHERE datname = '${name}'`)).rowCount ?? 0) > 0;
}

/** Database `name`, migrated, with the reference data and these list files ingested in order (unless it exists). */
export async function loadListsInto(adminUrl: string, name: string, files: string[]): Promise<void> {
  if (await databaseExists(adminUrl, name)) return;
  console.log(`loading ${files.length} lists into ${name} (once; reused while the code is unchanged)…`);
  await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}_loading"`);
  await adminQuery(adminUrl, `CREATE DATABASE "${name}_loading"`);
  const url = databaseUrl(adminUrl, `${name}_loading`);
  await migrate(url);
  const pool = createPool(url, 4);
  await loadReferenceData(pool);
  // As `npm run ingest -- --dir` does it; bad input is reported to no one here, as before.
  await ingestFiles(pool, files, {}, () => {});
  await pool.end();
  // Statistics and visibility as autovacuum leaves them on a running service.
  await adminQuery(url, 'VACUUM ANALYZE');
  await adminQuery(adminUrl, `ALTER DATABASE "${name}_loading" RENAME TO "${name}"`);
}
