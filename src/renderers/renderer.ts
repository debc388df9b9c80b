// A renderer turns rows of a collection into one format. Every collection
// (src/resources) names the formats it offers; src/resources/collection.ts
// serves each at `<path>.<extension>`, and JSON or CSV at `<path>` by Accept.
// Adding a format is one file here that implements Renderer, plus its line in
// index.ts; what a format needs from a collection (CSV columns, GeoJSON
// features...) is a field of the collection's definition.
import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../database/connect.ts';
import type { Collection } from '../resources/collection.ts';

/** What a renderer writes: one page, or (next undefined) the whole collection. */
export interface Rows<T> {
  data: T[];
  /** The next page's relative URL (null on the last page); undefined when data is the whole collection. */
  next?: string | null;
  /** This page's relative URL (normalized query); undefined when data is the whole collection. */
  self?: string;
  asOf: string | undefined;
  totalCount?: number;
}

export interface RenderContext {
  app: FastifyInstance;
  db: Db;
}

/** The OpenAPI operation of one format's route. */
export interface FormatDocs {
  summary: string;
  description: string;
  /** The 200 response's content entries: media type → { schema }. */
  content: Record<string, { schema: unknown }>;
  /** The 200 response's description. */
  response: string;
}

export interface Renderer {
  /** json, csv...: the ETag and cache keys name it. */
  name: string;
  /** The URL extension that asks for it (.csv), or null for the default representation (JSON). */
  extension: string | null;
  mediaType: string;
  /**
   * Answers one page of a paged collection even when the client asked for none (JSON, feeds: a reader wants the
   * latest entries); without it, a file format (CSV, GeoJSON, NDJSON) answers every row unless limit or cursor is given.
   */
  onePage?: boolean;
  /** One page or a whole collection as one body (kept in the response cache). */
  body<T>(collection: Collection<T>, rows: Rows<T>, context: RenderContext): Promise<string>;
  /**
   * Every row of a collection from batches of a snapshot, streamed (never kept in memory). Without it, a whole
   * collection is collected and rendered with body().
   */
  stream?<T>(collection: Collection<T>, batches: AsyncIterable<T[]>, context: RenderContext): Readable;
  /** The OpenAPI description of the format's route for this collection. */
  docs<T>(collection: Collection<T>): FormatDocs;
}
