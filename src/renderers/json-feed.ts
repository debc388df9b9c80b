// JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/): the same feed as the
// Atom renderer writes, for readers and scripts that prefer JSON.
import { z } from 'zod';
import { feedOf, type Feed } from './feed.ts';
import type { Renderer } from './renderer.ts';

export function renderJsonFeed(feed: Feed): string {
  return JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    title: feed.title,
    home_page_url: feed.homePage,
    feed_url: feed.self,
    ...(feed.next ? { next_url: feed.next } : {}),
    authors: [{ name: feed.author }],
    items: feed.entries.map((entry) => ({
      id: entry.id,
      url: entry.page.href,
      ...(entry.source ? { external_url: entry.source.href } : {}),
      title: entry.title,
      content_text: entry.summary,
      date_published: entry.published,
      date_modified: entry.updated,
      tags: entry.categories,
      // JSON Feed has one url per item (the page for people) and one external_url (the source): the record in
      // the API goes in an extension object (a name starting with _).
      _ice_287g: { resource: entry.resource.href },
    })),
  });
}

const JsonFeedSchema = z.object({
  version: z.literal('https://jsonfeed.org/version/1.1').describe('The JSON Feed version.'),
  title: z.string().describe("The feed's title, naming its filters."),
  items: z.array(z.unknown()).describe('The entries, newest first (JSON Feed items).'),
});

// Served at .jsonfeed, not .json: /v1/changes.json would read as the JSON of /v1/changes.
export const jsonFeedRenderer: Renderer = {
  name: 'jsonfeed',
  extension: '.jsonfeed',
  operationSuffix: 'JsonFeed',
  mediaType: 'application/feed+json; charset=utf-8',
  onePage: true,
  async body(collection, rows, context) {
    return renderJsonFeed(feedOf(collection, rows, context));
  },
  docs(collection) {
    const { summary, description, formats } = collection.docs;
    return {
      summary: formats?.jsonfeed?.summary ?? `${summary} as JSON Feed`,
      description: formats?.jsonfeed?.description ?? `${description} A JSON Feed 1.1.`,
      response: formats?.jsonfeed?.response ?? 'A JSON Feed 1.1 of the latest matching entries.',
      content: { 'application/feed+json': { schema: JsonFeedSchema } },
    };
  },
};
