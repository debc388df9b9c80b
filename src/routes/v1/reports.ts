// /v1/reports and /v1/reports/{id}: oversight reports on 287(g).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { fieldColumns } from '../../http/csv.ts';
import { notFound } from '../../http/problem.ts';
import { canonicalKey, rejectUnknown } from '../../query/grammar.ts';
import { agenciesByReportIds, listReports, recommendationsByReportIds, type ReportRecord } from '../../repositories/reference.ts';
import { jsonResponse, querySchema } from '../../schemas/common.ts';
import { ReportListResponseSchema, ReportResponseSchema } from '../../schemas/reference.ts';
import { itemBody, rawQuery, smallCollection } from './common.ts';

export async function reportRoutes(app: FastifyInstance): Promise<void> {
  const pool = app.db.pool;
  smallCollection<ReportRecord, Record<string, never>>(app, {
    path: '/reports',
    tags: ['reference'],
    summary: 'Oversight reports',
    description: 'Government oversight reports on 287(g) (OIG, GAO, ...), oldest first.',
    querystring: querySchema([]),
    schema: ReportListResponseSchema,
    columns: fieldColumns<ReportRecord>(['id', 'issuer', 'title', 'published_on', 'released_on', 'url', 'recommendation_count', 'summary', 'models']),
    parse(raw) {
      rejectUnknown(raw, []);
      return {};
    },
    load: async () => ({ data: await listReports(pool), asOf: undefined }),
  });

  app.get(
    '/reports/:id',
    {
      schema: {
        tags: ['reference'],
        summary: 'One oversight report, with its recommendations and agencies',
        params: z.object({ id: z.string().max(200).describe('Report id (OIG-18-77).') }),
        response: jsonResponse(ReportResponseSchema, 'The report with its recommendations and agencies.', true),
      },
    },
    async (request, reply) => {
      rejectUnknown(rawQuery(request), []);
      const { id } = request.params as { id: string };
      return app.restCache.respond(request, reply, 'json', canonicalKey({ route: 'report', id }), async () => {
        const [report] = await listReports(pool, [id]);
        if (!report) throw notFound(`no report ${JSON.stringify(id)}`);
        const [recommendations, agencies] = await Promise.all([recommendationsByReportIds(pool, [id]), agenciesByReportIds(pool, [id])]);
        return itemBody(
          app,
          {
            ...report,
            recommendations: recommendations.map(({ report_id: _reportId, ...recommendation }) => recommendation),
            agencies: agencies.map(({ report_id: _reportId, ...agency }) => agency),
          },
          undefined,
        );
      });
    },
  );
}
