// Reviewed corrections of ICE's lists (list-corrections.json): a misdated list's
// true date, a swapped list's true kind, or a list set aside that must not enter
// history. A correction names the file and its SHA-256 and applies only to those
// bytes; the ingestion (ingest.ts) applies it as if the reviewer had passed
// --list-date or --kind, and a backfill (ingest-files.ts) orders the lists by
// their corrected date and kind, so a held-back list enters history where it
// belongs. Quarantine still holds back every anomaly not reviewed here.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ListKindSchema } from '../../domain/enums.ts';

const Reviewed = {
  file_name: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  reason: z.string().min(1),
  evidence: z.string().min(1),
  reviewed_on: z.iso.date(),
};

export const ListCorrectionSchema = z.discriminatedUnion('correction', [
  z.object({ ...Reviewed, correction: z.literal('list_date'), list_date: z.iso.date() }),
  z.object({ ...Reviewed, correction: z.literal('kind'), kind: ListKindSchema }),
  z.object({ ...Reviewed, correction: z.literal('set_aside') }),
]);
export type ListCorrection = z.infer<typeof ListCorrectionSchema>;

const ListCorrectionsFileSchema = z.object({ about: z.string(), corrections: z.array(ListCorrectionSchema) });

export const LIST_CORRECTIONS_FILE = new URL('./list-corrections.json', import.meta.url);

/** Parses a corrections file's text; a malformed file throws (the reviewed file is checked by its test). */
export function readListCorrections(text: string): ListCorrection[] {
  return ListCorrectionsFileSchema.parse(JSON.parse(text)).corrections;
}

const corrections = readListCorrections(readFileSync(LIST_CORRECTIONS_FILE, 'utf8'));
const bySha256 = new Map(corrections.map((correction) => [correction.sha256, correction]));
const byFileName = new Map(corrections.map((correction) => [correction.file_name, correction]));

/** The reviewed correction of the list with these bytes, if any. */
export function correctionFor(sha256: string): ListCorrection | undefined {
  return bySha256.get(sha256);
}

/** The correction a file of this name probably has (for ordering a backfill before the bytes are read). */
export function correctionForFileName(fileName: string): ListCorrection | undefined {
  return byFileName.get(fileName);
}

/** One line for a list's warnings and the CLI. */
export function describeCorrection(correction: ListCorrection): string {
  const what =
    correction.correction === 'list_date'
      ? `dated ${correction.list_date}`
      : correction.correction === 'kind'
        ? `taken as ${correction.kind}`
        : 'set aside';
  return `corrected by review (${correction.reviewed_on}): ${what}: ${correction.reason}`;
}
