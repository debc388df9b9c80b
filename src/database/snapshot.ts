// Multi-query exports read one database snapshot, so an ICE list applied while
// a long export streams cannot mix two versions of the data into one file.
import type pg from 'pg';
import type { Db } from './connect.ts';

/**
 * Runs `body` on one connection in one REPEATABLE READ, READ ONLY transaction. The connection is released when the
 * generator finishes or the client goes away (Readable.from calls return()).
 */
export async function* inSnapshot<T>(pool: pg.Pool, body: (db: Db) => AsyncIterable<T>): AsyncGenerator<T> {
  const client = await pool.connect();
  let failed = false;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    yield* body(client);
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    await client.query('ROLLBACK').catch(() => {
      failed = true;
    });
    client.release(failed);
  }
}
