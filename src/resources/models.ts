// /v1/models: the support models with a summary of their agreements.
import { parseFilters, rejectUnknown } from '../query/grammar.ts';
import { emptySummary, listModels, modelSummaries, type ModelRecord } from '../repositories/index.ts';
import { csvRenderer, fieldColumns } from '../renderers/csv.ts';
import { jsonRenderer } from '../renderers/json.ts';
import { querySchema } from '../schemas/common.ts';
import { ModelListResponseSchema } from '../schemas/reference.ts';
import { whole, type Collection } from './collection.ts';

interface ModelRow extends ModelRecord {
  active_agreements: number;
  pending_agreements: number;
  ended_agreements: number;
  active_agencies: number;
}

export const models: Collection<ModelRow, { as_of?: string }> = {
  path: '/models',
  docs: {
    tags: ['reference'],
    summary: 'Support models',
    description: 'The 287(g) support models, each with a summary of its agreements (on as_of when given).',
  },
  querystring: querySchema(['as_of']),
  schema: ModelListResponseSchema,
  renderers: [jsonRenderer, csvRenderer],
  paged: false,
  parse(raw) {
    rejectUnknown(raw, ['as_of']);
    return { filters: parseFilters(raw, ['as_of']) };
  },
  async fetch(db, { as_of: asOf }) {
    const [rows, summaries] = await Promise.all([listModels(db), modelSummaries(db, asOf)]);
    return whole(
      rows.map((model) => {
        const { by_model: _byModel, ...summary } = summaries.get(model.code) ?? emptySummary();
        return { ...model, ...summary };
      }),
    );
  },
  csv: {
    columns: fieldColumns<ModelRow>([
      'code', 'name', 'abbreviation', 'description', 'introduced_on', 'suspended_on', 'reinstated_on', 'source_url',
      'active_agreements', 'pending_agreements', 'ended_agreements', 'active_agencies',
    ]),
  },
};
