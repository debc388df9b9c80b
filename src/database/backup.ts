// The service's own backup: every table of the database, copied in one REPEATABLE READ snapshot while the
// service serves, with the migrations that made its schema. The embedded package ships no pg_dump, and a
// Debian pg_dump is older than the server; COPY's text format is read by every later PostgreSQL major, so
// a backup moves data to a newer server (README "Operations").
//
// The file is gzip: one line of JSON (the header below), then for each table of the header, in order, its
// rows in COPY text format and a line `\.` (a row never reads `\.`: COPY writes a backslash as `\\`).
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { appliedNames, applyMigration, ensureMigrationHistory, readMigrations, type Migration } from './migrate.ts';

export const BACKUP_FORMAT = 'ice-287g-api backup';
const FORMAT_VERSION = 1;
const END_OF_TABLE = '\\.';

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  format_version: number;
  created_at: string;
  server_version: string;
  /** The migrations that made the schema, in order: a restore makes the same schema before loading rows. */
  migrations: { name: string; checksum: string }[];
  /** In an order that loads without breaking a foreign key (a table after those it references). */
  tables: { name: string; columns: string[]; rows: number }[];
  sequences: { name: string; last_value: string | null }[];
}

export class BackupError extends Error {
  override name = 'BackupError';
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** The tables of schema public (without Prisma's history), each after the tables it references. */
async function tablesInLoadOrder(client: pg.ClientBase): Promise<{ name: string; columns: string[] }[]> {
  const tables = await client.query<{ name: string; columns: string[] }>(
    `SELECT c.relname AS name,
            array_agg(a.attname::text ORDER BY a.attnum) AS columns
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
      WHERE c.relkind IN ('r', 'p') AND c.relname <> '_prisma_migrations' AND NOT c.relispartition
      GROUP BY c.relname
      ORDER BY c.relname`,
  );
  const references = await client.query<{ child: string; parent: string }>(
    `SELECT child.relname AS child, parent.relname AS parent
       FROM pg_constraint k
       JOIN pg_class child ON child.oid = k.conrelid
       JOIN pg_class parent ON parent.oid = k.confrelid
       JOIN pg_namespace n ON n.oid = child.relnamespace AND n.nspname = 'public'
      WHERE k.contype = 'f' AND k.conrelid <> k.confrelid`,
  );
  const parents = new Map<string, Set<string>>();
  for (const { child, parent } of references.rows) parents.set(child, (parents.get(child) ?? new Set()).add(parent));
  const ordered: { name: string; columns: string[] }[] = [];
  const placed = new Set<string>();
  let remaining = tables.rows;
  while (remaining.length > 0) {
    const ready = remaining.filter((table) =>
      [...(parents.get(table.name) ?? [])].every((parent) => placed.has(parent)),
    );
    if (ready.length === 0)
      throw new BackupError(`foreign keys form a cycle among ${remaining.map((table) => table.name).join(', ')}`);
    for (const table of ready) {
      ordered.push(table);
      placed.add(table.name);
    }
    remaining = remaining.filter((table) => !placed.has(table.name));
  }
  return ordered;
}

async function write(out: Writable, chunk: string | Buffer): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

/**
 * Writes a backup of the database at `url` to `file` (through `file.partial`: a failed backup leaves no file).
 * Reads only; the service keeps serving and ingesting meanwhile (the snapshot sees neither).
 */
export async function writeBackup(url: string, file: string): Promise<BackupHeader> {
  const partial = `${file}.partial`;
  const client = new pg.Client({ connectionString: url, application_name: 'ice-287g-api backup' });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const applied = await appliedNames(client);
    const known = await readMigrations();
    const migrations = [...applied]
      .map(([name, checksum]) => ({ name, checksum }))
      .sort((a, b) => a.name.localeCompare(b.name));
    if (migrations.length === 0)
      throw new BackupError('the database has no schema yet (start the service once, or ingest a list)');
    const unknown = migrations.find((migration) => !known.some((k) => k.name === migration.name));
    if (unknown)
      throw new BackupError(`the database has migration ${unknown.name}, which this version of the code does not know`);
    const tables = await tablesInLoadOrder(client);
    const counts: number[] = [];
    for (const table of tables) {
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${quote(table.name)}`);
      counts.push(Number(rows[0]!.n));
    }
    const sequences = await client.query<{ name: string; last_value: string | null }>(
      `SELECT sequencename AS name, last_value::text FROM pg_sequences WHERE schemaname = 'public' ORDER BY sequencename`,
    );
    const header: BackupHeader = {
      format: BACKUP_FORMAT,
      format_version: FORMAT_VERSION,
      created_at: new Date().toISOString(),
      server_version: (await client.query<{ v: string }>('SHOW server_version')).rows[0]!.v,
      migrations,
      tables: tables.map((table, index) => ({ ...table, rows: counts[index]! })),
      sequences: sequences.rows,
    };

    const gzip = createGzip();
    const fileStream = createWriteStream(partial, { mode: 0o600 });
    const finished = once(fileStream, 'close');
    gzip.pipe(fileStream);
    try {
      await write(gzip, `${JSON.stringify(header)}\n`);
      for (const table of tables) {
        const rows = client.query(
          copyTo(`COPY ${quote(table.name)} (${table.columns.map(quote).join(', ')}) TO STDOUT`),
        );
        for await (const chunk of rows) await write(gzip, chunk as Buffer);
        await write(gzip, `${END_OF_TABLE}\n`);
      }
      gzip.end();
      await finished;
    } catch (error) {
      gzip.destroy();
      fileStream.destroy();
      throw error;
    }
    await client.query('COMMIT');
    await rename(partial, file);
    return header;
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  } finally {
    await client.end().catch(() => {});
  }
}

function parseHeader(line: string | undefined, file: string): BackupHeader {
  let header: BackupHeader | undefined;
  try {
    header = JSON.parse(line ?? '') as BackupHeader;
  } catch {
    // below
  }
  if (header?.format !== BACKUP_FORMAT) throw new BackupError(`${file} is not a backup of this service`);
  if (header.format_version !== FORMAT_VERSION)
    throw new BackupError(`${file} has backup format ${header.format_version}; this version reads ${FORMAT_VERSION}`);
  return header;
}

/** The code's migrations the backup was made with: they must be the first ones of this code's, unchanged. */
function migrationsFor(header: BackupHeader, known: Migration[]): Migration[] {
  return header.migrations.map((migration, index) => {
    const match = known[index];
    if (!match || match.name !== migration.name) {
      throw new BackupError(
        `the backup's schema has migration ${migration.name}, which this version of the code does not have at that place: restore with the version that made it`,
      );
    }
    if (match.checksum !== migration.checksum)
      throw new BackupError(`migration ${migration.name} differs from the one the backup was made with`);
    return match;
  });
}

export interface RestoreResult {
  header: BackupHeader;
  rows: number;
}

/**
 * Loads `file` into the database at `url`, in one transaction (a failed restore changes nothing): the schema
 * of the backup's migrations, then every table's rows and the sequences. The database must hold no table,
 * unless `force`, which drops schema public first. Refused while other sessions use the database.
 * Migrations newer than the backup are left to the next start of the service (or `migrate`).
 */
export async function restoreBackup(url: string, file: string, { force = false } = {}): Promise<RestoreResult> {
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  const iterator = lines[Symbol.asyncIterator]();
  const client = new pg.Client({ connectionString: url, application_name: 'ice-287g-api restore' });
  try {
    let first: IteratorResult<string>;
    try {
      first = await iterator.next();
    } catch (error) {
      throw new BackupError(`${file} is not a backup of this service (${(error as Error).message})`);
    }
    const header = parseHeader(first.done ? undefined : first.value, file);
    const migrations = migrationsFor(header, await readMigrations());

    await client.connect();
    const others = await client.query<{ n: string }>(
      'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    if (Number(others.rows[0]!.n) > 0) {
      throw new BackupError(
        `${others.rows[0]!.n} other sessions use the database: stop the service (and any ingestion) first`,
      );
    }
    const tables = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1`,
    );
    if (tables.rows.length > 0 && !force) {
      throw new BackupError(
        `the database is not empty (${tables.rows.length} tables, e.g. ${tables.rows[0]!.name}): restore into an empty one, or add --force to replace everything in it`,
      );
    }

    await client.query('BEGIN');
    try {
      if (tables.rows.length > 0) await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
      await ensureMigrationHistory(client);
      for (const migration of migrations) await applyMigration(client, migration);
      let rows = 0;
      for (const table of header.tables) {
        const load = client.query(
          copyFrom(`COPY ${quote(table.name)} (${table.columns.map(quote).join(', ')}) FROM STDIN`),
        );
        const loaded = once(load, 'finish');
        for (;;) {
          const next = await iterator.next();
          if (next.done) throw new BackupError(`${file} ends inside table ${table.name}: the backup is incomplete`);
          if (next.value === END_OF_TABLE) break;
          await write(load, `${next.value}\n`);
        }
        load.end();
        await loaded;
        const { rows: counted } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${quote(table.name)}`);
        if (Number(counted[0]!.n) !== table.rows) {
          throw new BackupError(`table ${table.name}: ${counted[0]!.n} rows loaded, the backup says ${table.rows}`);
        }
        rows += table.rows;
      }
      for (const sequence of header.sequences) {
        await client.query(
          sequence.last_value === null
            ? 'SELECT setval($1::regclass, 1, false)'
            : 'SELECT setval($1::regclass, $2::bigint, true)',
          sequence.last_value === null ? [quote(sequence.name)] : [quote(sequence.name), sequence.last_value],
        );
      }
      await client.query('COMMIT');
      return { header, rows };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  } finally {
    lines.close();
    await client.end().catch(() => {});
  }
}
