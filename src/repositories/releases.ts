// Reading releases (tables releases and release_files) for REST, GraphQL and the release CLI;
// src/releases/store.ts makes and stores them.
import type pg from 'pg';

export interface ReleaseFileInfo {
  name: string;
  media_type: string;
  bytes: number;
  sha256: string;
}

export interface ReleaseRecord {
  version: number;
  list_date: string;
  created_at: string;
  citation: string;
  files: ReleaseFileInfo[];
}

const RELEASE_COLUMNS = `r.version, r.list_date, to_json(r.created_at) #>> '{}' AS created_at, r.citation,
  (SELECT json_agg(json_build_object('name', f.name, 'media_type', f.media_type, 'bytes', f.byte_size, 'sha256', f.sha256)
     ORDER BY f.name) FROM release_files f WHERE f.version = r.version) AS files`;

/** Releases newest first, `limit` + 1 of them (the extra one tells there is a next page), below `before`. */
export async function listReleases(db: pg.Pool, options: { limit: number; before?: number }): Promise<ReleaseRecord[]> {
  const rows = await db.query<ReleaseRecord>(
    `SELECT ${RELEASE_COLUMNS} FROM releases r WHERE ($1::int IS NULL OR r.version < $1) ORDER BY r.version DESC LIMIT $2`,
    [options.before ?? null, options.limit + 1],
  );
  return rows.rows;
}

export async function getRelease(db: pg.Pool, version: number): Promise<ReleaseRecord | null> {
  const rows = await db.query<ReleaseRecord>(`SELECT ${RELEASE_COLUMNS} FROM releases r WHERE r.version = $1`, [
    version,
  ]);
  return rows.rows[0] ?? null;
}

export async function latestReleaseVersion(db: pg.Pool): Promise<number | null> {
  const rows = await db.query<{ version: number | null }>('SELECT max(version) AS version FROM releases');
  return rows.rows[0]?.version ?? null;
}

export interface StoredFile {
  media_type: string;
  sha256: string;
  content: Buffer;
}

/** One file; `content` only when `withContent` (a conditional request needs the checksum alone). */
export async function getReleaseFile(
  db: pg.Pool,
  version: number,
  name: string,
  withContent: boolean,
): Promise<StoredFile | null> {
  const rows = await db.query<StoredFile>(
    `SELECT media_type, sha256, ${withContent ? 'content' : "''::bytea AS content"} FROM release_files WHERE version = $1 AND name = $2`,
    [version, name],
  );
  return rows.rows[0] ?? null;
}

/** Records the first download: a downloaded release is kept for good. */
export async function markDownloaded(db: pg.Pool, version: number): Promise<void> {
  await db.query('UPDATE releases SET downloaded_at = now() WHERE version = $1 AND downloaded_at IS NULL', [version]);
}
