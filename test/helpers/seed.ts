// Databases loaded from the repository's seed (seed/, src/ingestion/seed.ts):
// the whole history of ICE's lists and the historical sources, for the suites
// that need real data when the archive of xlsx files (ICE_ARCHIVE_DIR) is not
// there. The seed is loaded once per test server into a template database
// (under a lock, so the test processes that tap runs at once share it); each
// test gets a copy of it, which takes a second rather than the seed's load.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import type { Test } from 'tap';
import { createPool, type Database } from '../../src/database/connect.ts';
import { loadSeed, SEED_DIR } from '../../src/ingestion/lists/seed.ts';
import { testDatabase, testServerAdminUrl, testTemplate } from './database.ts';

/** What a seeded template holds: the base template, the seed and the code that loads it. */
async function seedFingerprint(base: string): Promise<string> {
  const hash = createHash('sha256').update(base);
  for (const dir of [SEED_DIR, 'src/ingestion']) {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    const files = entries
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name))
      .sort();
    for (const file of files) hash.update(file).update(await readFile(file));
  }
  return hash.digest('hex').slice(0, 12);
}

let seededTemplate: Promise<string> | undefined;

/** The name of a template database that holds the seed, built once per test server. */
export function ensureSeededTemplate(): Promise<string> {
  seededTemplate ??= (async () => {
    const adminUrl = await testServerAdminUrl();
    const base = await testTemplate();
    const name = `seeded_${await seedFingerprint(base)}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query('SELECT pg_advisory_lock(287003)');
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount === 0) {
        await admin.query(`DROP DATABASE IF EXISTS "${name}_building"`);
        await admin.query(`CREATE DATABASE "${name}_building" TEMPLATE "${base}"`);
        const url = new URL(adminUrl);
        url.pathname = `/${name}_building`;
        const pool = createPool(url.toString(), 2);
        try {
          await loadSeed(pool);
        } finally {
          await pool.end();
        }
        await admin.query(`ALTER DATABASE "${name}_building" RENAME TO "${name}"`);
      }
      return name;
    } finally {
      await admin.query('SELECT pg_advisory_unlock(287003)').catch(() => {});
      await admin.end();
    }
  })();
  return seededTemplate;
}

/**
 * A fresh database holding the seed (every list of the archive applied, corrections included, and the
 * historical sources), dropped at the end of `t`: what `npm start` serves on a fresh clone.
 */
export async function seededDatabase(t: Test): Promise<Database> {
  return testDatabase(t, { template: await ensureSeededTemplate() });
}

/**
 * A digest of every table's rows, without the columns that record when a row was written (as databaseContents
 * in database-contents.ts), computed by PostgreSQL so that a whole history's tables compare in seconds; and
 * without a statement timeout, which the pools of the service and of testDatabase have.
 */
export async function tableDigests(
  databaseUrl: string,
  leaveOut: (table: string, column: string) => boolean = () => false,
): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SET statement_timeout = 0');
    const columns = await client.query<{ table: string; columns: string[] }>(
      `SELECT c.table_name AS table, array_agg(quote_ident(c.column_name) ORDER BY c.ordinal_position) AS columns
       FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
       WHERE c.table_schema = 'public' AND c.data_type NOT LIKE 'timestamp%'
       GROUP BY c.table_name ORDER BY c.table_name`,
    );
    const digests: Record<string, string> = {};
    for (const { table, columns: all } of columns.rows) {
      const names = all.filter((name) => !leaveOut(table, name.replace(/"/g, '')));
      const result = await client.query<{ rows: number; digest: string | null }>(
        `SELECT count(*)::int AS rows, md5(string_agg(row, E'\\n' ORDER BY row)) AS digest
         FROM (SELECT (${names.join(', ')})::text AS row FROM "${table}") rows`,
      );
      digests[table] = `${result.rows[0]!.rows} rows, md5 ${result.rows[0]!.digest ?? '-'}`;
    }
    return digests;
  } finally {
    await client.end();
  }
}
