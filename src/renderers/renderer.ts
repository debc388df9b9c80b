// A renderer turns rows of a collection into one format. Every collection
// (src/resources) names the formats it offers; src/resources/collection.ts
// serves each at `<path>.<extension>`, and JSON or CSV at `<path>` by Accept.
// Adding a format is one file here that implements Renderer, plus its line in
// index.ts (docs/architecture.md, "How to add a format"); what a format needs from a collection (CSV columns, GeoJSON
// features...) is a field of the collection's definition.
import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Feature, Geometry } from 'geojson';
import type { z } from 'zod';
import type { Db } from '../database/connect.ts';

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

/** A CSV cell before writing. */
export type CsvValue = string | number | boolean | null | undefined | readonly unknown[] | Record<string, unknown>;

/** A CSV column: its header and how to read it from a record. */
export interface CsvColumn<T> {
  name: string;
  value: (record: T) => CsvValue;
}

export interface FeedLink {
  href: string;
  title?: string;
  type?: string;
}

export interface FeedEntry {
  /** A stable, absolute IRI: the same event keeps it across re-ingestion of the same lists. */
  id: string;
  title: string;
  /** The text of the entry: what happened, when, and where it comes from. */
  summary: string;
  /** ISO 8601: when it became known (for an event, the date of the list that revealed it). */
  updated: string;
  /** ISO 8601: when it happened. */
  published: string;
  /** A page for people (the agency's page in the explorer). */
  page: FeedLink;
  /** The record in the REST API. */
  resource: FeedLink;
  /** Where the fact comes from (the ICE list), when its URL is known. */
  source?: FeedLink;
  /** Terms feed readers can filter by (event type, model, state). */
  categories: string[];
}

export interface CollectionDocs {
  tags: string[];
  summary: string;
  description: string;
  /** Per format, what replaces its route's default words (see each renderer's docs()). */
  formats?: Partial<
    Record<string, Partial<Omit<FormatDocs, 'content'>> & { featuresAre?: string; schema?: z.ZodType }>
  >;
}

/**
 * What a renderer knows of the collection it writes (the resource's definition extends it): its path, its words,
 * its JSON schema and, per format, how to read a record. Never the resource itself.
 */
export interface RenderedCollection<T> {
  /** Under /v1: /agreements. Formats add their extension: /agreements.csv. */
  path: string;
  docs: CollectionDocs;
  /** The JSON answer's schema, for OpenAPI. */
  schema?: z.ZodType;
  /** The formats, JSON first when offered. */
  renderers: readonly Renderer[];
  /** Keyset-paged (limit, cursor); else small enough to answer whole (or a page of, in memory, when asked: pageInOrder). */
  paged: boolean;
  /** A column reads a record or, with `rows`, one of its rows. */
  csv?: { columns: readonly CsvColumn<any>[]; rows?: (record: T) => readonly unknown[] };
  geojson?: { note: string; features(db: Db, records: T[]): Promise<Feature<Geometry | null, object>[]> };
  ndjson?: (record: T) => unknown;
  /** Atom and JSON Feed: the feed's title and one entry per record. */
  /** `languages`: the same in other languages (lang=es). */
  feed?: {
    title: string;
    entry(record: T): FeedEntry;
    languages?: Record<string, { title: string; entry(record: T): FeedEntry }>;
  };
}

export interface Renderer {
  /** json, csv...: the ETag and cache keys name it. */
  name: string;
  /** The URL extension that asks for it (.csv), or null for the default representation (JSON). */
  extension: string | null;
  mediaType: string;
  /** What its routes' OpenAPI operationIds end with (listChangesJsonFeed); default: the name capitalized (Csv). */
  operationSuffix?: string;
  /**
   * Answers one page of a paged collection even when the client asked for none (JSON, feeds: a reader wants the
   * latest entries); without it, a file format (CSV, GeoJSON, NDJSON) answers every row unless limit or cursor is given.
   */
  onePage?: boolean;
  /** One page or a whole collection as one body (kept in the response cache). */
  body<T>(collection: RenderedCollection<T>, rows: Rows<T>, context: RenderContext): Promise<string>;
  /**
   * Every row of a collection from batches of a snapshot, streamed (never kept in memory). Without it, a whole
   * collection is collected and rendered with body().
   */
  stream?<T>(collection: RenderedCollection<T>, batches: AsyncIterable<T[]>, context: RenderContext): Readable;
  /** The OpenAPI description of the format's route for this collection. */
  docs<T>(collection: RenderedCollection<T>): FormatDocs;
}

/** A format's OpenAPI words: the collection's own for this format (docs.formats[name]) where it has them, else the defaults. */
export function formatDocs<T>(
  collection: RenderedCollection<T>,
  name: string,
  defaults: Omit<FormatDocs, 'content'>,
  content: FormatDocs['content'],
): FormatDocs {
  const own = collection.docs.formats?.[name];
  return {
    summary: own?.summary ?? defaults.summary,
    description: own?.description ?? defaults.description,
    response: own?.response ?? defaults.response,
    content,
  };
}
