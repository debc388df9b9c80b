// Durations as people write them (500ms, 30s, 30m, 6h, 1d): one parser for the
// configuration (RATE_LIMIT_WINDOW, INGEST_SCHEDULE) and the CLI's --every, so
// every place accepts the same spellings and gets milliseconds, typed.
import { z } from 'zod';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export interface Duration {
  /** As written, for messages ("more than 600 requests in 1m"). */
  text: string;
  ms: number;
}

export const DurationSchema = z
  .string()
  .trim()
  .regex(/^[1-9]\d*\s*(ms|s|m|h|d)$/, 'must be a duration like 500ms, 30s, 30m, 6h or 1d')
  .transform((text): Duration => {
    const [, amount, unit] = /^(\d+)\s*(ms|s|m|h|d)$/.exec(text)!;
    return { text, ms: Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS] };
  });
