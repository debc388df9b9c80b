// Freshness: the latest applied list and the checks of ICE's page (source_checks),
// which every instance writes and reads, so they all answer alike.
import type pg from 'pg';
import type { CheckOutcome } from '../domain/enums.ts';
import type { Status } from '../schemas/status.ts';

/** This instance's own schedule (INGEST_SCHEDULE), when it has one. */
export interface LocalSchedule {
  every: string;
  everyMs: number;
  /** When this instance checks next; null while a check is under way. */
  nextRunAt: Date | null;
}

const UNITS: [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
];
/** 21600000 → "6h": the largest unit that divides it. */
function durationText(ms: number): string {
  const [unit, size] = UNITS.find(([, size]) => ms % size === 0) ?? ['ms', 1];
  return `${ms / size}${unit}`;
}

export async function sourceStatus(pool: pg.Pool, local: LocalSchedule | null, now = new Date()): Promise<Status> {
  const { rows } = await pool.query<{
    latest_list_date: string | null;
    last_at: Date | null;
    outcome: CheckOutcome | null;
    detail: string | null;
    source_url: string | null;
    retries: number | null;
    every_ms: string | null;
    last_success_at: Date | null;
    error_at: Date | null;
    error_message: string | null;
  }>(
    `SELECT (SELECT max(list_date) FROM source_lists WHERE status = 'applied') AS latest_list_date,
       last.finished_at AS last_at, last.outcome::text AS outcome, last.detail, last.source_url, last.retries, last.every_ms,
       (SELECT max(finished_at) FROM source_checks WHERE outcome = 'succeeded') AS last_success_at,
       err.finished_at AS error_at, err.detail AS error_message
     FROM (SELECT 1) AS one
     LEFT JOIN LATERAL (SELECT * FROM source_checks ORDER BY finished_at DESC, id DESC LIMIT 1) AS last ON true
     LEFT JOIN LATERAL (SELECT finished_at, detail FROM source_checks WHERE outcome = 'failed'
                        ORDER BY finished_at DESC, id DESC LIMIT 1) AS err ON true`,
  );
  const row = rows[0]!;
  const everyMs = local?.everyMs ?? (row.every_ms === null ? null : Number(row.every_ms));
  // Another process's loop (ingest --every) is due an interval after its last check.
  const nextRunAt = local
    ? local.nextRunAt
    : everyMs !== null && row.last_at
      ? new Date(row.last_at.getTime() + everyMs)
      : null;
  return {
    latest_list_date: row.latest_list_date,
    last_check: row.last_at
      ? {
          at: row.last_at.toISOString(),
          outcome: row.outcome!,
          detail: row.detail!,
          source_url: row.source_url!,
          retries: row.retries!,
        }
      : null,
    last_success_at: row.last_success_at?.toISOString() ?? null,
    last_error: row.error_at ? { at: row.error_at.toISOString(), message: row.error_message! } : null,
    schedule: local?.every ?? (everyMs === null ? null : durationText(everyMs)),
    next_run_at: nextRunAt?.toISOString() ?? null,
    stale:
      everyMs === null
        ? null
        : row.last_success_at === null || now.getTime() - row.last_success_at.getTime() > 2 * everyMs,
  };
}
