// The REST API, v1: every resource of src/resources, served through the one
// pipeline (src/resources/collection.ts). The Zod compilers are set here, not
// on the root instance: Mercurius's routes cannot be compiled by them (see
// stack-facts). Repeats are answered in front of these routes by the response
// cache (src/cache/plugin.ts).
import type { FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { agencies, agency } from '../../resources/agencies.ts';
import { agreement, agreements } from '../../resources/agreements.ts';
import { bulkAgreements } from '../../resources/bulk.ts';
import { changes } from '../../resources/changes.ts';
import { serveCollection, serveItem } from '../../resources/collection.ts';
import { counties, county } from '../../resources/counties.ts';
import { listDates } from '../../resources/list-dates.ts';
import { list, lists } from '../../resources/lists.ts';
import { models } from '../../resources/models.ts';
import { report, reports } from '../../resources/reports.ts';
import { state, states } from '../../resources/states.ts';
import { statsRoute, timeseriesCollection } from '../../resources/stats.ts';
import { releaseRoutes } from './releases.ts';
import { statusRoute } from './status.ts';

export async function v1Routes(app: FastifyInstance): Promise<void> {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // In the order of the OpenAPI document: each collection, then its detail route.
  serveCollection(app, agreements);
  serveItem(app, agreement);
  serveCollection(app, agencies);
  serveItem(app, agency);
  serveCollection(app, states);
  serveItem(app, state);
  serveCollection(app, counties);
  serveItem(app, county);
  serveCollection(app, models);
  serveCollection(app, reports);
  serveItem(app, report);
  serveCollection(app, lists);
  serveCollection(app, listDates);
  serveItem(app, list);
  serveCollection(app, changes);
  statsRoute(app);
  serveCollection(app, timeseriesCollection);
  serveCollection(app, bulkAgreements);
  // Releases are stored files, not rendered per request, and they appear after the dataset version moved:
  // their routes stay out of the response cache (src/routes/v1/releases.ts).
  await app.register(releaseRoutes);
  statusRoute(app);
}
