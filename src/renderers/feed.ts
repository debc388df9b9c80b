// A syndication feed, independent of its syntax: what the Atom and JSON Feed
// renderers (atom.ts, json-feed.ts) write. A collection offers feeds with
// `feed` (its title, and one entry per record: src/resources/changes.ts); the
// page-level parts (id, links, updated time) come from the page itself.
//
// Links are relative to the feed's own URL (RFC 4287 and JSON Feed allow it; feed
// readers resolve them): an absolute URL would need the Host of each request, and
// the response is cached by dataset version and query alone.
import {
  type FeedEntry,
  type FeedLink,
  type FormatDocs,
  formatDocs,
  type RenderContext,
  type RenderedCollection,
  type Renderer,
  type Rows,
} from './renderer.ts';

export type { FeedEntry, FeedLink };

export interface Feed {
  id: string;
  title: string;
  /** ISO 8601: the newest entry's, or when the data last changed for an empty feed. */
  updated: string;
  /** The explorer (a page for people). */
  homePage: string;
  /** This page of the feed, the same query as JSON, and the next (older) page, null on the last. */
  self: string;
  alternate: string;
  next: string | null;
  author: string;
  entries: FeedEntry[];
}

/** The authority of the tag: URIs (RFC 4151) naming feeds and entries; the year the scheme was chosen. */
export const TAG = 'tag:ice-287g-api,2026:';

const PAGE_PARAMETERS = ['limit', 'cursor', 'sort', 'include_total'];
// Says how the feed is written, not what it holds: not part of its title.
const PRESENTATION_PARAMETERS = ['lang'];

/** The feed of one page of a collection that offers feeds. */
export function feedOf<T>(collection: RenderedCollection<T>, rows: Rows<T>, { app }: RenderContext): Feed {
  // The feed is named by its filters: the same feed whatever the page or the page size.
  const self = new URL(rows.self ?? collection.path, 'http://feed.invalid');
  const filters = new URLSearchParams(self.searchParams);
  for (const name of PAGE_PARAMETERS) filters.delete(name);
  const query = filters.size > 0 ? `?${filters}` : '';
  const described = [...filters]
    .filter(([name]) => !PRESENTATION_PARAMETERS.includes(name))
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');
  // A feed in another language (lang=es) when the collection offers it.
  const written = collection.feed!.languages?.[filters.get('lang') ?? ''] ?? collection.feed!;
  const entries = rows.data.map((record) => written.entry(record));
  const newest = entries.reduce<string | undefined>(
    (latest, entry) => (latest === undefined || entry.updated > latest ? entry.updated : latest),
    undefined,
  );
  const jsonPath = self.pathname.replace(/\.[a-z]+$/, '');
  return {
    id: `${TAG}${jsonPath.replace(/^\/v1\//, '')}${query}`,
    title: described ? `${written.title} (${described})` : written.title,
    updated: newest ?? app.dataset.current().updatedAt.toISOString(),
    homePage: filters.get('lang') && written !== collection.feed ? `/?lang=${filters.get('lang')}` : '/',
    self: `${self.pathname}${self.search}`,
    alternate: `${jsonPath}${query}`,
    next: rows.next ?? null,
    author: "U.S. Immigration and Customs Enforcement's 287(g) lists, via the 287(g) agreements API",
    entries,
  };
}

/** A feed syntax as a renderer: one page of entries (onePage), written by `render`, documented by `words`. */
export function feedRenderer(syntax: {
  name: string;
  extension: string;
  operationSuffix?: string;
  mediaType: string;
  render(feed: Feed): string;
  words(summary: string, description: string): Omit<FormatDocs, 'content'>;
  content: FormatDocs['content'];
}): Renderer {
  const { render, words, content, ...identity } = syntax;
  return {
    ...identity,
    onePage: true,
    async body(collection, rows, context) {
      return render(feedOf(collection, rows, context));
    },
    docs(collection) {
      return formatDocs(collection, syntax.name, words(collection.docs.summary, collection.docs.description), content);
    },
  };
}
