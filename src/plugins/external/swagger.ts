// OpenAPI 3.1, generated from the Zod schemas of the REST routes (each field
// and parameter carries its .describe() text), served at /openapi.json and
// browsable at /docs. Only /v1 routes are documented: GraphQL documents itself,
// and Mercurius's routes make the Zod transform fail (see stack-facts).
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { createJsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { FORMATS, operationSuffix } from '../../renderers/index.ts';
import { VERSION } from '../../version.ts';

const zodTransform = createJsonSchemaTransform({ skipList: [] });

/**
 * Components no operation refers to (directly or through other components) are dropped: the Zod transform emits
 * an input and an output copy of every registered schema, and responses only use the output ones.
 */
export function pruneComponents<T extends { paths?: unknown; components?: { schemas?: Record<string, unknown> } }>(
  document: T,
): T {
  const schemas = document.components?.schemas;
  if (!schemas) return document;
  const used = new Set<string>();
  const pending: unknown[] = [document.paths];
  while (pending.length > 0) {
    const text = JSON.stringify(pending.pop());
    for (const match of text.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      const name = decodeURIComponent(match[1]!);
      if (!used.has(name) && schemas[name]) {
        used.add(name);
        pending.push(schemas[name]);
      }
    }
  }
  const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)));
  return { ...document, components: { ...document.components, schemas: kept } };
}

export const OPENAPI_INFO = {
  title: '287(g) agreements API',
  version: VERSION,
  description: [
    'Every 287(g) agreement between ICE and state and local law enforcement, with its history, from the lists ICE publishes.',
    '',
    'Collections answer `{ data, links: { next }, meta: { dataset_version, as_of, total_count? } }`; follow `links.next`',
    '(or the `Link: rel="next"` header; both are relative URLs) until it is null. `as_of=YYYY-MM-DD` on any collection',
    'shows the world as the latest applied ICE list on or before that date showed it.',
    '',
    'Formats: add `.csv` to a collection (or send `Accept: text/csv`) for CSV; `.geojson` on agreements, agencies and',
    'counties. Responses carry `ETag` and `Last-Modified` from the dataset version (a conditional request answers 304).',
    'Errors are RFC 9457 problem+json naming the parameter and its allowed values.',
  ].join('\n'),
  license: { name: 'MIT', identifier: 'MIT' },
};

/**
 * A stable operationId for every REST operation, keyed by its path: code generators name their functions after
 * these (openapi-typescript, openapi-generator), so they must not change when a route file is rewritten. Written
 * here, in one table, rather than on each route; a format's route (`/v1/agreements.csv`) is named after its base
 * path with the renderer's suffix (operationIdOf), so a new format adds no line. A route missing from it has no
 * operationId, which the Redocly lint in test/routes/v1/openapi-lint.test.ts reports.
 */
export const OPERATION_IDS: Record<string, string> = {
  '/v1/agreements': 'listAgreements',
  '/v1/agreements/:id': 'getAgreement',
  '/v1/agencies': 'listAgencies',
  '/v1/agencies/:id': 'getAgency',
  '/v1/states': 'listStates',
  '/v1/states/:code': 'getState',
  '/v1/counties': 'listCounties',
  '/v1/counties/:fips': 'getCounty',
  '/v1/models': 'listModels',
  '/v1/reports': 'listReports',
  '/v1/reports/:id': 'getReport',
  '/v1/lists': 'listLists',
  '/v1/lists/:id': 'getList',
  '/v1/lists/dates': 'listListDates',
  '/v1/changes': 'listChanges',
  '/v1/stats': 'getStats',
  '/v1/stats/timeseries': 'getStatsTimeseries',
  '/v1/bulk/agreements': 'getBulkAgreements',
  '/v1/releases': 'listReleases',
  '/v1/releases/latest': 'getLatestRelease',
  '/v1/releases/latest/:file': 'getLatestReleaseFile',
  '/v1/releases/:version': 'getRelease',
  '/v1/releases/:version/:file': 'getReleaseFile',
  '/v1/status': 'getStatus',
};

/** The operationId of a route: the table's, or for a format's route its base path's plus the format's suffix. */
export function operationIdOf(url: string): string | undefined {
  const named = OPERATION_IDS[url];
  if (named) return named;
  const format = FORMATS.find((renderer) => renderer.extension && url.endsWith(renderer.extension));
  if (!format?.extension) return undefined;
  const base = OPERATION_IDS[url.slice(0, -format.extension.length)];
  return base && base + operationSuffix(format);
}

export const swaggerPlugin = fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: OPENAPI_INFO,
        // Relative: the document describes whichever host serves it.
        servers: [{ url: '/', description: 'The service that serves this document' }],
        // Public data: no operation needs credentials.
        security: [],
        tags: [
          { name: 'agreements', description: '287(g) agreements: one per agency and support model' },
          { name: 'agencies', description: 'Law enforcement agencies that hold or held agreements' },
          { name: 'geography', description: 'States and counties with summaries of their agreements' },
          { name: 'reference', description: 'Support models and oversight reports' },
          { name: 'history', description: 'The ICE lists ingested and the changes they revealed' },
          { name: 'stats', description: 'Counts on any date and over time' },
          { name: 'bulk', description: 'The whole history in one file' },
          {
            name: 'releases',
            description: 'Citable, immutable dataset versions as CSV, Parquet and a Frictionless data package',
          },
          { name: 'status', description: 'How current the data is, and whether ICE is still reached' },
        ],
      },
      transform: (input) => {
        if (!input.url.startsWith('/v1/')) return { schema: { ...input.schema, hide: true }, url: input.url };
        const transformed = zodTransform(input);
        const operationId = operationIdOf(input.url);
        return operationId ? { ...transformed, schema: { ...transformed.schema, operationId } } : transformed;
      },
      transformObject: (input) =>
        pruneComponents(jsonSchemaTransformObject(input) as Parameters<typeof pruneComponents>[0]) as ReturnType<
          typeof jsonSchemaTransformObject
        >,
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'swagger' },
);
