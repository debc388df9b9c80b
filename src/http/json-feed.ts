// The JSON Feed 1.1 renderer (https://www.jsonfeed.org/version/1.1/): the same
// Feed as src/http/atom.ts writes, for readers and scripts that prefer JSON.
import type { Feed } from './feed.ts';

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
      url: entry.agencyPage.href,
      ...(entry.source ? { external_url: entry.source.href } : {}),
      title: entry.title,
      content_text: entry.summary,
      date_published: entry.published,
      date_modified: entry.updated,
      tags: entry.categories,
      // JSON Feed has one url per item (the agency's page) and one external_url (the ICE list): the agreement in
      // the API goes in an extension object (a name starting with _).
      _ice_287g: { agreement: entry.resource.href },
    })),
  });
}
