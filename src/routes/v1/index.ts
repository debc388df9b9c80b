// The REST API, v1. The Zod compilers are set here, not on the root instance:
// Mercurius's routes cannot be compiled by them (see stack-facts). Each GET
// route gets the cache fast path as a route-level onRequest hook, which runs
// after the root's (the rate limiter's among them): cached answers are counted too.
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { agencyRoutes } from './agencies.ts';
import { agreementRoutes } from './agreements.ts';
import { bulkRoutes } from './bulk.ts';
import { changeRoutes } from './changes.ts';
import { countyRoutes } from './counties.ts';
import { listRoutes } from './lists.ts';
import { modelRoutes } from './models.ts';
import { reportRoutes } from './reports.ts';
import { stateRoutes } from './states.ts';
import { statsRoutes } from './stats.ts';
import { statusRoutes } from './status.ts';

export async function v1Routes(app: FastifyInstance): Promise<void> {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const fastPath = app.restCache.fastPath as unknown as onRequestHookHandler;
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.every((method) => method === 'GET' || method === 'HEAD')) return;
    const hooks = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
    // Fastify derives the HEAD route from the GET route's options: add the hook once.
    if (!hooks.includes(fastPath)) route.onRequest = [...hooks, fastPath];
  });

  await app.register(agreementRoutes);
  await app.register(agencyRoutes);
  await app.register(stateRoutes);
  await app.register(countyRoutes);
  await app.register(modelRoutes);
  await app.register(reportRoutes);
  await app.register(listRoutes);
  await app.register(changeRoutes);
  await app.register(statsRoutes);
  await app.register(bulkRoutes);
  await app.register(statusRoutes);
}
