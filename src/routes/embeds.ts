// The embeddable views and oEmbed. /embed/map and /embed/chart take the explorer's parameters; /embed/county/{fips},
// /embed/state/{code} and /embed/agency/{id} show one place or agency. They are one page (public/explorer/
// embed.html, its script reads the path), the only pages any site may frame (frame-ancestors *). /oembed turns the
// URL of an explorer view, an agency page or an embed into the <iframe> a content system inserts (oEmbed 1.0,
// "rich"); every page names it in a discovery <link>, so pasting the page's URL is enough.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { acceptedLanguage, PAGE_LANGUAGES, type PageLanguage } from '../http/language.ts';
import { badParameter, notFound, ProblemError } from '../http/problem.ts';
import { EMBED_HEADERS } from '../http/security-headers.ts';
import { catalogue, escapeHtml, pageTemplates } from './page-templates.ts';
import { PAGE_VALUES } from './pages.ts';

const EMBED_KINDS = ['map', 'chart', 'county', 'state', 'agency'] as const;
/** The frame's height per view (its width is its container's: 100%). */
const HEIGHTS: Record<(typeof EMBED_KINDS)[number], number> = {
  map: 560,
  chart: 480,
  county: 360,
  state: 560,
  agency: 360,
};
const OEMBED_MAX_WIDTH = 960;

/** The embed path for a URL of this service: an explorer view, an agency page, or an embed itself (else undefined). */
export function embedPathFor(url: URL): { path: string; kind: (typeof EMBED_KINDS)[number] } | undefined {
  const segments = url.pathname.replace(/\/+$/, '').split('/').slice(1);
  if (url.pathname === '/' || url.pathname === '') return { path: `/embed/map${url.search}`, kind: 'map' };
  if (segments[0] === 'agencies' && segments.length === 2 && segments[1])
    return { path: `/embed/agency/${segments[1]}${url.search}`, kind: 'agency' };
  if (segments[0] === 'embed') {
    const kind = EMBED_KINDS.find((item) => item === segments[1]);
    const takesId = kind !== 'map' && kind !== 'chart';
    if (kind && segments.length === (takesId ? 3 : 2)) return { path: `${url.pathname}${url.search}`, kind };
  }
  return undefined;
}

function origin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

type OembedQuery = { url?: string; format?: string; maxwidth?: string; maxheight?: string };

export async function embedRoutes(app: FastifyInstance): Promise<void> {
  const embed = pageTemplates('explorer', ['embed.html'], { headers: EMBED_HEADERS, values: PAGE_VALUES });
  const hidden = { schema: { hide: true } };
  app.get('/embed/:kind', hidden, (request: FastifyRequest<{ Params: { kind: string } }>, reply) => {
    if (request.params.kind !== 'map' && request.params.kind !== 'chart')
      throw notFound(`no embed ${request.params.kind}`);
    return embed(request, reply, 'embed.html');
  });
  app.get('/embed/:kind/:id', hidden, (request: FastifyRequest<{ Params: { kind: string } }>, reply) => {
    if (!['county', 'state', 'agency'].includes(request.params.kind)) throw notFound(`no embed ${request.params.kind}`);
    return embed(request, reply, 'embed.html');
  });

  app.get('/oembed', hidden, async (request: FastifyRequest<{ Querystring: OembedQuery }>, reply) => {
    const { url: raw, format = 'json', maxwidth, maxheight } = request.query;
    // oEmbed 1.0 §2.3.4: a format the provider does not offer is 501.
    if (format !== 'json')
      throw new ProblemError(501, 'format-not-implemented', `format: only json is offered, not ${format}`);
    if (!raw) throw badParameter('url', 'is required: the URL of an explorer view, an agency page or an embed');
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw badParameter('url', `"${raw}" is not an absolute URL`);
    }
    const here = origin(request);
    if (url.origin !== here && url.origin !== app.config.PUBLIC_URL)
      throw notFound(`${raw} is not a page of this service (${here})`);
    const target = embedPathFor(url);
    if (!target) throw notFound(`${url.pathname} has no embeddable view (the explorer, an agency page or /embed/…)`);
    const language: PageLanguage = (PAGE_LANGUAGES as readonly string[]).includes(url.searchParams.get('lang') ?? '')
      ? (url.searchParams.get('lang') as PageLanguage)
      : (acceptedLanguage(request.headers['accept-language']) ?? 'en');
    const strings = catalogue(language);
    const width = Math.min(OEMBED_MAX_WIDTH, Number(maxwidth) || OEMBED_MAX_WIDTH);
    const height = Math.min(HEIGHTS[target.kind], Number(maxheight) || HEIGHTS[target.kind]);
    const what =
      target.kind === 'chart'
        ? strings['embed.chartTitle']!
        : target.kind === 'map'
          ? strings['embed.mapTitle']!
          : decodeURIComponent(target.path.split('/')[3]!.split('?')[0]!);
    const title = strings['embed.frameTitle']!.replace('{what}', what);
    const src = `${url.origin}${target.path}`;
    reply.header('cache-control', 'public, max-age=3600');
    return {
      version: '1.0',
      type: 'rich',
      provider_name: '287(g) agreements API',
      provider_url: `${url.origin}/`,
      title,
      width,
      height,
      cache_age: 3600,
      html: `<iframe src="${escapeHtml(src)}" title="${escapeHtml(title)}" width="${width}" height="${height}" style="border:0;max-width:100%" loading="lazy"></iframe>`,
    };
  });
}
