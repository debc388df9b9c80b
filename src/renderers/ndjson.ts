// Newline-delimited JSON: one record per line, streamed; for scripts that read
// a whole collection line by line. A collection may shape its lines (ndjson).
import { Readable } from 'node:stream';
import type { Renderer } from './renderer.ts';

export const ndjsonRenderer: Renderer = {
  name: 'ndjson',
  extension: '.ndjson',
  mediaType: 'application/x-ndjson; charset=utf-8',
  async body(collection, rows) {
    const line = collection.ndjson ?? ((record) => record);
    return rows.data.map((record) => `${JSON.stringify(line(record))}\n`).join('');
  },
  stream(collection, batches) {
    const line = collection.ndjson ?? ((record) => record);
    async function* lines(): AsyncGenerator<string> {
      for await (const batch of batches) yield batch.map((record) => `${JSON.stringify(line(record))}\n`).join('');
    }
    return Readable.from(lines());
  },
  docs(collection) {
    const docs = collection.docs.formats!.ndjson!;
    return {
      summary: docs.summary!,
      description: docs.description!,
      response: docs.response!,
      content: { 'application/x-ndjson': { schema: docs.schema } },
    };
  },
};
