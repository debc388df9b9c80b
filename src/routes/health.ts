// /healthz: the process answers. /readyz: the database answers and its schema
// has every committed migration; 503 otherwise (a load balancer stops sending).
// Its body also says how current the data is (`freshness`, as /v1/status).
import type { PoolClient } from 'pg';
import type { FastifyInstance } from 'fastify';
import { pendingMigrations, readMigrations } from '../database/migrate.ts';
import { sendProblem } from '../http/problem.ts';
import { sourceStatus } from '../repositories/status.ts';

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  const migrations = await readMigrations();

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (request, reply) => {
    let client: PoolClient | undefined;
    let broken: Error | undefined;
    try {
      client = await app.db.pool.connect();
      const pending = await pendingMigrations(client, migrations);
      if (pending.length > 0) {
        return sendProblem(reply, {
          type: '/problems/schema-outdated',
          title: 'Service Unavailable',
          status: 503,
          detail: `database schema is missing migrations: ${pending.join(', ')}`,
        });
      }
      // How current the data is (as /v1/status): informative only, stale data does not make the service unready.
      return {
        status: 'ready',
        migrations: migrations.length,
        freshness: await sourceStatus(app.db.pool, app.ingestSchedule),
      };
    } catch (error) {
      broken = error as Error;
      request.log.warn({ err: error }, 'readiness check failed');
      reply.header('retry-after', '5');
      return sendProblem(reply, {
        type: '/problems/database-unavailable',
        title: 'Service Unavailable',
        status: 503,
        detail: 'the database is not answering',
      });
    } finally {
      // A client whose connection failed is discarded, not returned to the pool.
      client?.release(broken);
    }
  });
}
