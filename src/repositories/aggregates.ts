// Aggregates (counts on a date, series, per-state, per-county and per-model
// summaries) are pure functions of the dataset version and their arguments,
// and scanning agreements and their status spans costs time that grows with the
// data. So each is computed once per dataset version, by the first request that
// needs it, and kept in `aggregate_results`, shared by every instance;
// afterwards it costs one indexed query whatever the size of the data. This
// keeps data, not responses: the response cache (src/cache/plugin.ts)
// holds those, in memory, and may be turned off.
import pg from 'pg';
import type { Db } from '../database/connect.ts';
import { canonicalKey } from '../query/grammar.ts';

/** Aggregates kept per dataset version, so arbitrary filter combinations cannot grow the table without bound. */
const MAX_PER_VERSION = 10_000;

/** The value of `compute()` for the current dataset version, computed at most once per version, name and arguments. */
export async function memoized<T>(db: Db, name: string, args: unknown, compute: () => Promise<T>): Promise<T> {
  const key = canonicalKey({ [name]: args });
  // Inside a snapshot (one client in a read-only transaction) nothing can be written: compute there.
  if (!(db instanceof pg.Pool)) return compute();
  const found = await db.query<{ version: number; value: T | null }>({
    name: 'aggregate-lookup',
    text: `SELECT v.version, r.value FROM dataset_version v
           LEFT JOIN aggregate_results r ON r.version = v.version AND r.key = $1 WHERE v.id = 1`,
    values: [key],
  });
  const row = found.rows[0];
  if (row?.value != null) return row.value;
  const value = await compute();
  // The version was read before computing, so a list applied meanwhile files this under the older version
  // (never read again), not under the newer one. Older versions' rows go with the first row of a new one.
  if (row) {
    await db.query({
      name: 'aggregate-store',
      text: `WITH gone AS (DELETE FROM aggregate_results WHERE version < $1)
             INSERT INTO aggregate_results (version, key, value)
             SELECT $1, $2, $3 WHERE (SELECT count(*) FROM aggregate_results WHERE version = $1) < ${MAX_PER_VERSION}
             ON CONFLICT DO NOTHING`,
      values: [row.version, key, JSON.stringify(value)],
    });
  }
  return value;
}
