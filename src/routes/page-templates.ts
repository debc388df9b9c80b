// Pages in the reader's language. Each HTML page of public/explorer holds {{key}} placeholders, filled from the
// catalogue of its language (public/explorer/i18n/<lang>.json, one per language, the same keys in each: a test
// checks) once per page and language. The catalogue also goes into the page as a JSON data block (#strings) for
// its scripts: a data block is not a script, so the Content-Security-Policy (no inline script) allows it, and the
// words arrive with the page, without a request of their own. Per request only the URL-dependent parts are added
// (the oEmbed discovery link and the other language's link).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { catalogue, pageLanguage, PAGE_LANGUAGES, type PageLanguage } from '../http/language.ts';
import { PUBLIC_DIR } from '../http/static-files.ts';
import { MAP_SCOPES } from '../reference/map-shapes.ts';

export { catalogue } from '../http/language.ts';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (character) => ESCAPES[character]!);

const PLACEHOLDER = /\{\{([a-zA-Z0-9_.]+)\}\}/g;
// Filled per request, not from the catalogue.
const PER_REQUEST = new Set(['oembed', 'switchHref', 'mapFile']);
// Filled from the server's values (PageTemplateOptions.values).
const VALUES = new Set(['mapShapes']);

/**
 * The page `name` with the catalogue's strings and `values` (URLs the server decides, e.g. the map's) in place.
 * Unknown keys throw: a page never shows a raw key.
 */
export function fillTemplate(
  html: string,
  language: PageLanguage,
  name = 'page',
  values: Record<string, string> = {},
): string {
  const strings = catalogue(language);
  return html.replace(PLACEHOLDER, (whole, key: string) => {
    if (PER_REQUEST.has(key)) return whole;
    if (key === 'lang') return language;
    if (Object.hasOwn(values, key)) return escapeHtml(values[key]!);
    // JSON in a data block: only "</" could end it early, and \u003c keeps it JSON.
    if (key === 'strings') return JSON.stringify(strings).replace(/</g, '\\u003c');
    const text = strings[key];
    if (text === undefined) throw new Error(`${name}: no string "${key}" in the ${language} catalogue`);
    return escapeHtml(text);
  });
}

/** The placeholders of a page (for the test that every one of them is in every catalogue). */
export function placeholders(html: string): string[] {
  return [...html.matchAll(PLACEHOLDER)]
    .map((match) => match[1]!)
    .filter((key) => !PER_REQUEST.has(key) && !VALUES.has(key) && key !== 'lang' && key !== 'strings');
}

/** The same URL in the other language (the switch's link): the view's parameters kept, lang set. */
function switchHref(request: FastifyRequest, language: PageLanguage): string {
  const url = new URL(request.url, 'http://page.invalid');
  url.searchParams.set('lang', catalogue(language)['lang.switchHref']!);
  return `${url.pathname}${url.search}`;
}

/** The projected map the view shows (`?state=FL`: Florida's; otherwise the nation's), in the folder `mapShapes`. */
function mapFile(request: FastifyRequest, mapShapes: string): string {
  const state = new URL(request.url, 'http://page.invalid').searchParams.get('state')?.toUpperCase() ?? '';
  return `${mapShapes}${MAP_SCOPES.includes(state) ? state : 'US'}.json`;
}

/** The oEmbed endpoint for this page's URL (discovery: content systems find the embed from the URL alone). */
function oembedHref(request: FastifyRequest): string {
  const pageUrl = `${request.protocol}://${request.host}${request.url}`;
  return `/oembed?url=${encodeURIComponent(pageUrl)}&format=json`;
}

export interface PageTemplateOptions {
  /** The security headers of this kind of page (src/http/security-headers.ts). */
  headers: Record<string, string>;
  /** URLs the server decides ({{mapShapes}}: the folder of the projected maps, named by their content's hash). */
  values: Record<string, string>;
}

/** A handler that answers the HTML pages of public/<folder> in the reader's language. */
export function pageTemplates(folder: string, names: string[], options: PageTemplateOptions) {
  const filled = new Map<string, string>();
  for (const language of PAGE_LANGUAGES) catalogue(language);
  function page(name: string, language: PageLanguage): string {
    const key = `${name}:${language}`;
    let html = filled.get(key);
    if (html === undefined) {
      html = fillTemplate(readFileSync(join(PUBLIC_DIR, folder, name), 'utf8'), language, name, options.values);
      filled.set(key, html);
    }
    return html;
  }
  return function send(request: FastifyRequest, reply: FastifyReply, name: string): FastifyReply {
    if (!names.includes(name)) throw new Error(`${name} is not a page of ${folder}`);
    const language = pageLanguage(request);
    const body = page(name, language)
      .replaceAll('{{oembed}}', escapeHtml(oembedHref(request)))
      .replaceAll('{{switchHref}}', escapeHtml(switchHref(request, language)))
      .replaceAll('{{mapFile}}', escapeHtml(mapFile(request, options.values.mapShapes ?? '')));
    const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
    reply
      .headers(options.headers)
      .header('vary', 'accept, accept-language')
      .header('etag', etag)
      .header('cache-control', 'no-cache');
    reply.header('content-language', language);
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type('text/html; charset=utf-8').send(body);
  };
}
