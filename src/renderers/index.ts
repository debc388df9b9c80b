// Every format the REST API writes. A new format: its renderer file here
// (see renderer.ts), listed below, then named in the `renderers` of the
// collections that offer it (src/resources).
export { atomRenderer } from './atom.ts';
export { csvRenderer } from './csv.ts';
export { geojsonRenderer } from './geojson.ts';
export { jsonRenderer } from './json.ts';
export { jsonFeedRenderer } from './json-feed.ts';
export { ndjsonRenderer } from './ndjson.ts';
export type { FormatDocs, RenderContext, Renderer, Rows } from './renderer.ts';
