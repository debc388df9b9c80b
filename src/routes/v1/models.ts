// /v1/models: the support models with a summary of their agreements.
import type { FastifyInstance } from 'fastify';
import { fieldColumns } from '../../http/csv.ts';
import { parseFilters, rejectUnknown } from '../../query/grammar.ts';
import { emptySummary, listModels, modelSummaries, type ModelRecord } from '../../repositories/reference.ts';
import { querySchema } from '../../schemas/common.ts';
import { ModelListResponseSchema } from '../../schemas/reference.ts';
import { smallCollection } from './common.ts';

interface ModelRow extends ModelRecord {
  active_agreements: number;
  pending_agreements: number;
  ended_agreements: number;
  active_agencies: number;
}

export async function modelRoutes(app: FastifyInstance): Promise<void> {
  const pool = app.db.pool;
  smallCollection<ModelRow, { as_of?: string }>(app, {
    path: '/models',
    tags: ['reference'],
    summary: 'Support models',
    description: 'The 287(g) support models, each with a summary of its agreements (on as_of when given).',
    querystring: querySchema(['as_of']),
    schema: ModelListResponseSchema,
    columns: fieldColumns<ModelRow>([
      'code', 'name', 'abbreviation', 'description', 'introduced_on', 'suspended_on', 'reinstated_on', 'source_url',
      'active_agreements', 'pending_agreements', 'ended_agreements', 'active_agencies',
    ]),
    parse(raw) {
      rejectUnknown(raw, ['as_of']);
      return parseFilters(raw, ['as_of']);
    },
    async load({ as_of: asOf }) {
      const [models, summaries] = await Promise.all([listModels(pool), modelSummaries(pool, asOf)]);
      const data = models.map((model) => {
        const { by_model: _byModel, ...summary } = summaries.get(model.code) ?? emptySummary();
        return { ...model, ...summary };
      });
      return { data, asOf };
    },
  });
}
