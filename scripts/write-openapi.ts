// `npm run openapi`: writes schema/openapi.json, the OpenAPI 3.1 document of
// the REST API generated from its Zod schemas. The test in
// test/routes/v1/openapi.test.ts fails when the committed copy drifts from
// what the code generates. No database is needed: only the routes' schemas
// are read, so the data plugins are stand-ins.
import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import Fastify from 'fastify';
import fp from 'fastify-plugin';
import { loadConfig } from '../src/config.ts';
import type { Database } from '../src/database/connect.ts';
import type { Dataset } from '../src/plugins/app/dataset-version.ts';
import { responseCachePlugin } from '../src/cache/plugin.ts';
import { swaggerPlugin } from '../src/plugins/external/swagger.ts';
import { v1Routes } from '../src/routes/v1/index.ts';

export const OPENAPI_PATH = 'schema/openapi.json';

/** The document as the service serves it at /openapi.json. */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const app = Fastify({ logger: false });
  app.decorate('config', loadConfig({ LOG_LEVEL: 'silent' }));
  app.decorate('db', { pool: null } as unknown as Database);
  await app.register(
    fp(
      async (instance) => {
        const none = {
          version: 0,
          latestListDate: null,
          updatedAt: new Date(0),
          firstListDate: null,
          historicalSources: [],
        };
        instance.decorate('dataset', {
          current: () => none,
          refresh: async () => none,
          onChange: () => {},
        } satisfies Dataset);
      },
      { name: 'dataset-version' },
    ),
  );
  await app.register(swaggerPlugin);
  await app.register(responseCachePlugin);
  await app.register(v1Routes, { prefix: '/v1' });
  await app.ready();
  const document = app.swagger() as unknown as Record<string, unknown>;
  await app.close();
  return document;
}

export function serialize(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await writeFile(OPENAPI_PATH, serialize(await openApiDocument()));
  console.log(`wrote ${OPENAPI_PATH}`);
}
