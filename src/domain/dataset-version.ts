// What a dataset version is (read and announced by src/plugins/app/dataset-version.ts):
// every answer names it, so the HTTP helpers, the cache and the envelope share this type.
export interface DatasetVersion {
  version: number;
  /** Date of the latest applied list, YYYY-MM-DD, or null before the first list. */
  latestListDate: string | null;
  /** When the data last changed: Last-Modified. */
  updatedAt: Date;
  /** Date of the first applied participating list: before it, answers come from the historical sources. */
  firstListDate: string | null;
  /** The historical sources loaded (`ingest --historical`), oldest first. */
  historicalSources: { id: string; title: string; first_on: string | null; last_on: string | null }[];
}
