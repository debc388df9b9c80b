// Makes the files of a release from one snapshot of the database: each table
// as CSV and as Parquet, the data package that describes them, CITATION.cff, a
// README and release.zip holding them all. The same snapshot gives the same
// bytes: rows in primary-key order, dates from the data (never the clock), a zip
// whose entries carry the release date.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import JSZip from 'jszip';
import type pg from 'pg';
import { isAlive } from '../database/embedded.ts';
import { csvDocument, type CsvColumn, type CsvValue } from '../renderers/csv.ts';
import { citationCff, citationText, datapackage, readme, type ReleaseFile, type ReleaseInfo } from './documents.ts';

export type { ReleaseFile };
import { RELEASE_RESOURCES, type FieldType, type ReleaseResource, type Row } from './tables.ts';

export interface BuiltRelease extends ReleaseInfo {
  citation: string;
  files: ReleaseFile[];
}

const DUCKDB_TYPES: Record<FieldType, string> = {
  string: 'VARCHAR',
  integer: 'INTEGER',
  number: 'DOUBLE',
  date: 'DATE',
  datetime: 'TIMESTAMPTZ',
  object: 'JSON',
  array: 'VARCHAR',
};

const FILE_MEDIA_TYPES: Record<string, string> = {
  csv: 'text/csv; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
  json: 'application/json; charset=utf-8',
  cff: 'application/x-yaml; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  zip: 'application/zip',
};

/** Every file a release has, in the order of its manifest and zip. */
export const RELEASE_FILE_NAMES: readonly string[] = [
  ...RELEASE_RESOURCES.flatMap((resource) => [`${resource.name}.csv`, `${resource.name}.parquet`]),
  'datapackage.json',
  'CITATION.cff',
  'README.md',
  'release.zip',
];

export function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

function file(name: string, content: Buffer): ReleaseFile {
  return {
    name,
    mediaType: FILE_MEDIA_TYPES[name.slice(name.lastIndexOf('.') + 1)]!,
    content,
    sha256: sha256(content),
  };
}

function csvOf(resource: ReleaseResource, rows: Row[]): Buffer {
  const columns: CsvColumn<Row>[] = resource.fields.map((field) => ({
    name: field.name,
    // Arrays as JSON (names may hold any character, so no delimiter would be safe); objects are JSON already.
    value: (row) => (field.type === 'array' ? JSON.stringify(row[field.name] ?? []) : (row[field.name] as CsvValue)),
  }));
  return Buffer.from(csvDocument(columns, rows), 'utf8');
}

/** The scratch folder of one build: `ice-287g-release-<pid>-XXXXXX` in the OS temp folder. */
export const SCRATCH_PREFIX = 'ice-287g-release-';

/** Removes the scratch folders of processes that are gone: killed mid-build, their `finally` never ran. */
async function removeOrphanedScratch(): Promise<void> {
  for (const name of await readdir(tmpdir()).catch(() => [])) {
    const pid = Number(name.startsWith(SCRATCH_PREFIX) ? name.slice(SCRATCH_PREFIX.length).split('-')[0] : Number.NaN);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !isAlive(pid))
      await rm(join(tmpdir(), name), { recursive: true, force: true });
  }
}

/** Parquet from the CSV just written, with each column's real type: what a reader of either file sees is the same. */
async function parquetFiles(csvs: { resource: ReleaseResource; csv: Buffer }[]): Promise<Buffer[]> {
  await removeOrphanedScratch();
  const dir = await mkdtemp(join(tmpdir(), `${SCRATCH_PREFIX}${process.pid}-`));
  // One thread: the row order and row groups do not depend on scheduling.
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  try {
    const results: Buffer[] = [];
    for (const { resource, csv } of csvs) {
      const csvPath = join(dir, `${resource.name}.csv`);
      const parquetPath = join(dir, `${resource.name}.parquet`);
      await writeFile(csvPath, csv);
      const columns = resource.fields.map((field) => `'${field.name}': '${DUCKDB_TYPES[field.type]}'`).join(', ');
      const select = resource.fields
        .map((field) =>
          field.type === 'array' ? `from_json(${field.name}, '["VARCHAR"]') AS ${field.name}` : field.name,
        )
        .join(', ');
      await connection.run(
        `COPY (SELECT ${select} FROM read_csv('${csvPath}', header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', columns = {${columns}}))
         TO '${parquetPath}' (FORMAT parquet, COMPRESSION zstd)`,
      );
      results.push(await readFile(parquetPath));
    }
    return results;
  } finally {
    connection.closeSync();
    instance.closeSync();
    await rm(dir, { recursive: true, force: true });
  }
}

async function zipOf(files: ReleaseFile[], date: Date): Promise<Buffer> {
  const zip = new JSZip();
  for (const entry of files) {
    // Parquet is compressed already.
    zip.file(entry.name, entry.content, {
      date,
      binary: true,
      compression: entry.name.endsWith('.parquet') ? 'STORE' : 'DEFLATE',
    });
  }
  return zip.generateAsync({ type: 'nodebuffer', compressionOptions: { level: 9 } });
}

/**
 * The release of the data as the database holds it now, or null before the first applied list. Reads one
 * REPEATABLE READ snapshot, so an ingestion running meanwhile cannot mix two versions into one release.
 */
export async function buildRelease(pool: pg.Pool, publicUrl: string): Promise<BuiltRelease | null> {
  const client = await pool.connect();
  let info: ReleaseInfo;
  const tables: { resource: ReleaseResource; rows: Row[] }[] = [];
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const version = await client.query<{ version: number; list_date: string | null; updated_at: Date }>(
      `SELECT d.version, l.list_date, d.updated_at FROM dataset_version d
       LEFT JOIN source_lists l ON l.id = d.latest_list_id WHERE d.id = 1`,
    );
    const row = version.rows[0];
    if (!row?.list_date) return null;
    info = { version: row.version, listDate: row.list_date, releasedAt: row.updated_at, publicUrl };
    for (const resource of RELEASE_RESOURCES) tables.push({ resource, rows: await resource.load(client) });
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    client.release();
  }

  const csvs = tables.map(({ resource, rows }) => ({ resource, rows: rows.length, csv: csvOf(resource, rows) }));
  const parquets = await parquetFiles(csvs);
  const tableFiles = csvs.flatMap(({ resource, csv }, index) => [
    file(`${resource.name}.csv`, csv),
    file(`${resource.name}.parquet`, parquets[index]!),
  ]);
  const rowCounts = Object.fromEntries(csvs.map(({ resource, rows }) => [resource.name, rows]));
  const documents = [
    file('datapackage.json', Buffer.from(`${JSON.stringify(datapackage(info, tableFiles), null, 2)}\n`)),
    file('CITATION.cff', Buffer.from(citationCff(info))),
    file('README.md', Buffer.from(readme(info, tableFiles, rowCounts))),
  ];
  const contents = [...tableFiles, ...documents];
  const zip = file('release.zip', await zipOf(contents, info.releasedAt));
  return { ...info, citation: citationText(info), files: [...contents, zip] };
}
