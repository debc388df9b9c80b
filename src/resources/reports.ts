// /v1/reports and /v1/reports/{id}: oversight reports on 287(g).
import { z } from 'zod';
import { OPTIONAL_PAGE_PARAMS, optionalPage, rejectUnknown } from '../query/grammar.ts';
import { pageInOrder } from '../query/paging.ts';
import {
  agenciesByReportIds,
  listReports,
  recommendationsByReportIds,
  type ReportRecord,
} from '../repositories/index.ts';
import { csvRenderer, fieldColumns } from '../renderers/csv.ts';
import { jsonRenderer } from '../renderers/json.ts';
import { ReportListResponseSchema, ReportResponseSchema } from '../schemas/reference.ts';
import { QUERY_PARAMETERS } from '../schemas/common.ts';
import type { Collection, Item } from './collection.ts';

export const reports: Collection<ReportRecord> = {
  path: '/reports',
  docs: {
    tags: ['reference'],
    summary: 'Oversight reports',
    description: 'Government oversight reports on 287(g) (OIG, GAO, ...), oldest first.',
  },
  querystring: z.object({ limit: QUERY_PARAMETERS.limit, cursor: QUERY_PARAMETERS.cursor }),
  schema: ReportListResponseSchema,
  renderers: [jsonRenderer, csvRenderer],
  paged: false,
  parse(raw) {
    rejectUnknown(raw, OPTIONAL_PAGE_PARAMS);
    const page = optionalPage(raw);
    return { filters: {}, ...(page ? { page } : {}) };
  },
  fetch: async (db, _filters, page) => pageInOrder(await listReports(db), page, (report) => report.id),
  csv: {
    columns: fieldColumns<ReportRecord>([
      'id',
      'issuer',
      'title',
      'published_on',
      'released_on',
      'url',
      'recommendation_count',
      'summary',
      'models',
    ]),
  },
};

export const report: Item<object> = {
  path: '/reports/:id',
  tags: ['reference'],
  summary: 'One oversight report, with its recommendations and agencies',
  response: 'The report with its recommendations and agencies.',
  schema: ReportResponseSchema,
  param: { name: 'id', schema: z.string().max(200).describe('Report id (OIG-18-77).') },
  asOf: false,
  async load(db, id) {
    const [found] = await listReports(db, [id]);
    if (!found) return null;
    const [recommendations, agencies] = await Promise.all([
      recommendationsByReportIds(db, [id]),
      agenciesByReportIds(db, [id]),
    ]);
    return {
      ...found,
      recommendations: recommendations.map(({ report_id: _reportId, ...recommendation }) => recommendation),
      agencies: agencies.map(({ report_id: _reportId, ...agency }) => agency),
    };
  },
  missing: (id) => `no report ${JSON.stringify(id)}`,
};
