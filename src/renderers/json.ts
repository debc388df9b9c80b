// JSON: the default representation, the { data, links, meta } envelope.
import { listEnvelope } from '../http/envelope.ts';
import { CsvSchema } from '../schemas/common.ts';
import type { Renderer } from './renderer.ts';

export const jsonRenderer: Renderer = {
  name: 'json',
  extension: null,
  mediaType: 'application/json; charset=utf-8',
  onePage: true,
  async body(_collection, rows, { app }) {
    return listEnvelope(app.dataset.current(), rows.data, rows.next ?? null, rows.asOf, rows.totalCount);
  },
  docs(collection) {
    const { summary, description, formats } = collection.docs;
    // The path without an extension also answers CSV to Accept: text/csv (src/http/negotiate.ts).
    const csv = collection.renderers.some((renderer) => renderer.name === 'csv');
    return {
      summary,
      description: csv ? `${description} JSON by default; CSV with Accept: text/csv.` : description,
      // A paged collection answers a page of its items (a page of agreements); a small one, all of them.
      response:
        formats?.json?.response ?? (collection.paged ? `A page of ${collection.path.split('/').at(-1)}.` : summary),
      content: {
        'application/json': { schema: collection.schema },
        ...(csv ? { 'text/csv': { schema: CsvSchema } } : {}),
      },
    };
  },
};
