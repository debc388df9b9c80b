// Atom 1.0 (RFC 4287), for collections that offer feeds (`feed`): one page
// (the latest entries, older ones behind rel="next", RFC 5005), cached like
// every other response. renderAtom is a pure function of the feed.
import { z } from 'zod';
import { feedRenderer, type Feed, type FeedEntry, type FeedLink } from './feed.ts';

/** Escapes text and attribute values; drops characters XML 1.0 cannot hold at all (C0 controls). */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function link(rel: string, target: FeedLink): string {
  const type = target.type ? ` type="${escapeXml(target.type)}"` : '';
  const title = target.title ? ` title="${escapeXml(target.title)}"` : '';
  return `<link rel="${rel}" href="${escapeXml(target.href)}"${type}${title}/>`;
}

function entry(item: FeedEntry): string {
  return [
    '  <entry>',
    `    <id>${escapeXml(item.id)}</id>`,
    `    <title type="text">${escapeXml(item.title)}</title>`,
    `    <updated>${item.updated}</updated>`,
    `    <published>${item.published}</published>`,
    `    ${link('alternate', item.page)}`,
    `    ${link('related', item.resource)}`,
    ...(item.source ? [`    ${link('via', item.source)}`] : []),
    ...item.categories.map((term) => `    <category term="${escapeXml(term)}"/>`),
    `    <summary type="text">${escapeXml(item.summary)}</summary>`,
    '  </entry>',
  ].join('\n');
}

export function renderAtom(feed: Feed): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>${escapeXml(feed.id)}</id>`,
    `  <title type="text">${escapeXml(feed.title)}</title>`,
    `  <updated>${feed.updated}</updated>`,
    `  <author><name>${escapeXml(feed.author)}</name></author>`,
    `  ${link('self', { href: feed.self, type: 'application/atom+xml' })}`,
    `  ${link('alternate', { href: feed.homePage, type: 'text/html' })}`,
    `  ${link('alternate', { href: feed.alternate, type: 'application/json' })}`,
    ...(feed.next ? [`  ${link('next', { href: feed.next, type: 'application/atom+xml' })}`] : []),
    ...feed.entries.map(entry),
    '</feed>',
    '',
  ].join('\n');
}

export const atomRenderer = feedRenderer({
  name: 'atom',
  extension: '.atom',
  mediaType: 'application/atom+xml; charset=utf-8',
  render: renderAtom,
  words: (summary, description) => ({
    summary: `${summary} as Atom`,
    description: `${description} An Atom 1.0 feed (RFC 4287).`,
    response: 'An Atom 1.0 feed of the latest matching entries.',
  }),
  content: { 'application/atom+xml': { schema: z.string().describe('An Atom 1.0 document (RFC 4287).') } },
});
