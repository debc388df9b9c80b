// Which rules the stored history was derived under. The rules are the code of
// history/plan-list.ts, domain/agency-names.ts and agencies/place.ts (their revision below,
// moved by hand with a change that changes what they derive) and the reviewed
// overrides (agency-overrides.json, hashed). `--rederive` and a late list store
// the version they derived under; the service's start-up says when the
// database's differs from the code's (README "Re-deriving the history").
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { agencyOverridesText } from '../../domain/agency-names.ts';

/** Move with every change to the derivation rules that changes what they derive. */
// 2: an application that left the pending list is `withdrawn`, no longer `ended`.
// 3: a name matched only by similarity (a typo) never renames an agency.
export const HISTORY_RULES_REVISION = 3;

let version: string | undefined;

/** `r<revision>-<first 12 hex of the overrides' sha256>`. */
export function rulesVersion(): string {
  version ??= `r${HISTORY_RULES_REVISION}-${createHash('sha256').update(agencyOverridesText()).digest('hex').slice(0, 12)}`;
  return version;
}

/** The rules version the stored history was derived under (null: unknown, or no history yet). */
export async function storedRulesVersion(client: pg.ClientBase | pg.Pool): Promise<string | null> {
  const result = await client.query<{ rules_version: string | null }>(
    'SELECT rules_version FROM dataset_version WHERE id = 1',
  );
  return result.rows[0]?.rules_version ?? null;
}

/** One line for the service's start-up when the stored history was derived under other rules, else null. */
export async function staleRulesNotice(pool: pg.Pool): Promise<string | null> {
  const lists = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM source_lists WHERE status = 'applied'");
  if ((lists.rows[0]?.n ?? 0) === 0) return null;
  const stored = await storedRulesVersion(pool);
  const current = rulesVersion();
  if (stored === current) return null;
  return (
    `the stored history was derived under ${stored ? `rules ${stored}` : 'older rules'}, not the current ${current}: ` +
    're-derive it with `npm run ingest -- --rederive` (add --dry-run to see what would change first)'
  );
}
