// /v1/status: how current the data is, and whether the service still reaches ICE.
import type { FastifyInstance } from 'fastify';
import { sourceStatus } from '../../repositories/status.ts';
import { jsonResponse } from '../../schemas/common.ts';
import { StatusSchema } from '../../schemas/status.ts';

export function statusRoute(app: FastifyInstance): void {
  app.get(
    '/status',
    {
      schema: {
        tags: ['status'],
        summary: 'Freshness of the data',
        description:
          "The latest applied list's date; the last check of ICE's page and its outcome, the last error, the next scheduled check; " +
          'and whether the data is stale (no successful check within twice the schedule). Not cached: it changes without the dataset changing.',
        response: jsonResponse(StatusSchema, 'The freshness of the data.'),
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      return sourceStatus(app.db.pool, app.ingestSchedule);
    },
  );
}
