// The OpenAPI document: generated from the Zod schemas, every parameter and
// response described, and the committed copy in schema/openapi.json equal to
// what the code generates (drift fails here, in review, not in a client).
import { readFile } from 'node:fs/promises';
import t from 'tap';
import { testApp } from '../../helpers/app.ts';
import { OPENAPI_PATH, openApiDocument, serialize } from '../../../scripts/write-openapi.ts';

const REGENERATE =
  'the committed OpenAPI document is out of date: run `npm run openapi` and commit schema/openapi.json';

t.test('schema/openapi.json is what the code generates', async (t) => {
  const committed = await readFile(OPENAPI_PATH, 'utf8');
  const generated = serialize(await openApiDocument());
  t.ok(committed === generated, REGENERATE);
  if (committed !== generated) t.same(JSON.parse(committed), JSON.parse(generated), REGENERATE);
});

t.test('the service serves the same document, and the docs page', async (t) => {
  const { app } = await testApp(t);
  const response = await app.inject('/openapi.json');
  t.equal(response.statusCode, 200);
  const served = response.json();
  t.same(served, JSON.parse(await readFile(OPENAPI_PATH, 'utf8')), 'GET /openapi.json is the committed document');
  const docs = await app.inject('/docs/');
  t.equal(docs.statusCode, 200);
  t.match(docs.body, /swagger-ui/i, '/docs is the browsable UI');
});

t.test('every operation, parameter and response is described', async (t) => {
  const document = (await openApiDocument()) as {
    openapi: string;
    paths: Record<
      string,
      Record<
        string,
        {
          summary?: string;
          parameters?: { name: string; in: string; description?: string }[];
          responses: Record<string, { description?: string }>;
        }
      >
    >;
  };
  t.equal(document.openapi, '3.1.0');
  const required = [
    '/v1/agreements',
    '/v1/agreements/{id}',
    '/v1/agencies',
    '/v1/agencies/{id}',
    '/v1/models',
    '/v1/states',
    '/v1/states/{code}',
    '/v1/counties',
    '/v1/counties/{fips}',
    '/v1/reports',
    '/v1/reports/{id}',
    '/v1/lists',
    '/v1/changes',
    '/v1/stats',
    '/v1/stats/timeseries',
    '/v1/agreements.csv',
    '/v1/agencies.csv',
    '/v1/agreements.geojson',
    '/v1/agencies.geojson',
    '/v1/counties.geojson',
    '/v1/bulk/agreements.csv',
    '/v1/bulk/agreements.ndjson',
  ];
  for (const path of required) t.ok(document.paths[path]?.get, `${path} is documented`);
  t.notOk(
    Object.keys(document.paths).some((path) => !path.startsWith('/v1/')),
    'only the REST API (GraphQL documents itself)',
  );
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      t.ok(operation.summary, `${method} ${path} has a summary`);
      for (const parameter of operation.parameters ?? []) {
        t.ok(
          parameter.description && parameter.description.length > 10,
          `${method} ${path} ${parameter.in} ${parameter.name} is described`,
        );
      }
      for (const [status, response] of Object.entries(operation.responses)) {
        t.ok(
          response.description && response.description !== 'Default Response',
          `${method} ${path} ${status} is described`,
        );
      }
      t.ok(operation.responses['400'] && operation.responses['429'], `${method} ${path} documents 400 and 429`);
    }
  }
  const undescribed: string[] = [];
  (function walk(node: unknown, where: string): void {
    if (!node || typeof node !== 'object') return;
    const properties = (node as { properties?: Record<string, Record<string, unknown>> }).properties;
    if (properties && typeof properties === 'object') {
      for (const [name, schema] of Object.entries(properties)) {
        if (!schema.description && !schema.$ref) undescribed.push(`${where}.${name}`);
      }
    }
    for (const [key, value] of Object.entries(node)) walk(value, `${where}/${key}`);
  })(document, '');
  t.same(undescribed, [], 'every field of every schema has a description');
});

t.test('schema/fields.md documents every field of every response schema', async (t) => {
  const dictionary = await readFile('schema/fields.md', 'utf8');
  const documented = new Set([...dictionary.matchAll(/^\| `([a-z0-9_]+)` \|/gm)].map((match) => match[1]));
  const document = (await openApiDocument()) as {
    components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
  };
  const missing: string[] = [];
  for (const [name, schema] of Object.entries(document.components.schemas)) {
    for (const field of Object.keys(schema.properties ?? {})) {
      if (!['data', 'links', 'meta'].includes(field) && !documented.has(field)) missing.push(`${name}.${field}`);
    }
  }
  t.same(missing, [], 'fields missing from schema/fields.md');
});
