// Releases in the database (tables releases and release_files): made once per
// dataset version, never changed, read by every instance of the service.
//
// Kept: the newest release, the newest release of every list date, and every
// release whose files were ever downloaded (its URL may be cited). A release is
// made at the end of an ingestion run (CLI and scheduler) and at service start
// when the current version has none, never per list inside a backfill.
import type pg from 'pg';
import { buildRelease, type BuiltRelease } from './build.ts';

/** Held while a release is made, so two processes never build the same one twice. */
const RELEASE_LOCK = 287004;

async function save(client: pg.ClientBase, release: BuiltRelease): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('INSERT INTO releases (version, list_date, citation) VALUES ($1, $2, $3)', [
      release.version,
      release.listDate,
      release.citation,
    ]);
    for (const file of release.files) {
      await client.query(
        'INSERT INTO release_files (version, name, media_type, byte_size, sha256, content) VALUES ($1, $2, $3, $4, $5, $6)',
        [release.version, file.name, file.mediaType, file.content.length, file.sha256, file.content],
      );
    }
    // An older release of the same list date that nobody downloaded is superseded by this one.
    await client.query(
      `DELETE FROM releases r WHERE r.version < $1 AND r.downloaded_at IS NULL
         AND EXISTS (SELECT 1 FROM releases newer WHERE newer.list_date = r.list_date AND newer.version > r.version)`,
      [release.version],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

export interface EnsureResult {
  version: number;
  /** True when this call made it; false when it existed. */
  made: boolean;
  /** Milliseconds spent making it. */
  ms: number;
}

/** The release of the current dataset version, made if missing; null before the first applied list. */
export async function ensureCurrentRelease(pool: pg.Pool, publicUrl: string): Promise<EnsureResult | null> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [RELEASE_LOCK]);
    try {
      const current = await client.query<{ version: number; has_list: boolean; released: boolean }>(
        `SELECT d.version, d.latest_list_id IS NOT NULL AS has_list,
           EXISTS (SELECT 1 FROM releases r WHERE r.version = d.version) AS released
         FROM dataset_version d WHERE d.id = 1`,
      );
      const row = current.rows[0];
      if (!row?.has_list) return null;
      if (row.released) return { version: row.version, made: false, ms: 0 };
      const started = performance.now();
      const release = await buildRelease(pool, publicUrl);
      if (!release) return null;
      // The version may have moved on while we read (an ingestion in another process): its snapshot decides.
      const exists = await client.query('SELECT 1 FROM releases WHERE version = $1', [release.version]);
      if (exists.rowCount === 0) await save(client, release);
      return { version: release.version, made: exists.rowCount === 0, ms: Math.round(performance.now() - started) };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [RELEASE_LOCK]).catch(() => {});
    }
  } finally {
    client.release();
  }
}
