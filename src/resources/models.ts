// /v1/models: the support models with a summary of their agreements.
import { listModels, modelSummaries, type ModelRecord } from '../repositories/index.ts';
import { fieldColumns } from '../renderers/csv.ts';
import { ModelListResponseSchema } from '../schemas/reference.ts';
import { countColumns, type SummaryCounts, summarizedCollection } from './summaries.ts';

type ModelRow = ModelRecord & SummaryCounts;

export const models = summarizedCollection<ModelRecord, ModelRow>({
  path: '/models',
  docs: {
    tags: ['reference'],
    summary: 'Support models',
    description: 'The 287(g) support models, each with a summary of its agreements (on as_of when given).',
  },
  schema: ModelListResponseSchema,
  rows: listModels,
  summaries: modelSummaries,
  // A model's own summary has no by_model.
  merge: (model, { by_model: _byModel, ...summary }) => ({ ...model, ...summary }),
  columns: [
    ...fieldColumns<ModelRow>([
      'code',
      'name',
      'abbreviation',
      'description',
      'introduced_on',
      'suspended_on',
      'reinstated_on',
      'source_url',
    ]),
    ...countColumns<ModelRow>(),
  ],
});
