// Every format the REST API writes. A new format: its renderer file here
// (see renderer.ts), listed below, then named in the `renderers` of the
// collections that offer it (src/resources). Its routes' OpenAPI operation ids
// derive from the list (src/plugins/external/swagger.ts), none is written by hand.
import { atomRenderer } from './atom.ts';
import { csvRenderer } from './csv.ts';
import { geojsonRenderer } from './geojson.ts';
import { jsonFeedRenderer } from './json-feed.ts';
import { jsonRenderer } from './json.ts';
import { ndjsonRenderer } from './ndjson.ts';
import { tsvRenderer } from './tsv.ts';
import type { Renderer } from './renderer.ts';

export const FORMATS: readonly Renderer[] = [
  jsonRenderer,
  csvRenderer,
  geojsonRenderer,
  ndjsonRenderer,
  atomRenderer,
  jsonFeedRenderer,
  tsvRenderer,
];

/** What a format adds to its base route's operationId: listAgreements + Csv. */
export function operationSuffix(renderer: Renderer): string {
  return renderer.operationSuffix ?? renderer.name[0]!.toUpperCase() + renderer.name.slice(1);
}
