// Ids that a re-derivation merged into another (src/ingestion/rederive.ts): a
// published link to one answers 301 to the surviving id (REST) and resolves to
// it (GraphQL).
import type { Db } from '../database/connect.ts';

export type RedirectKind = 'agency' | 'agreement';

/** The id `id` was merged into, or null. */
export async function redirectOf(db: Db, kind: RedirectKind, id: string): Promise<string | null> {
  const result = await db.query<{ to_id: string }>('SELECT to_id FROM id_redirects WHERE from_id = $1 AND kind = $2', [
    id,
    kind,
  ]);
  return result.rows[0]?.to_id ?? null;
}
