// /v1/models: the support models with a summary of their agreements.
import { listModels, modelSummaries, type ModelRecord } from '../repositories/index.ts';
import { fieldColumns } from '../renderers/csv.ts';
import { ModelListResponseSchema } from '../schemas/reference.ts';
import { summarizedCollection } from './summaries.ts';

interface ModelRow extends ModelRecord {
  active_agreements: number;
  pending_agreements: number;
  ended_agreements: number;
  withdrawn_agreements: number;
  active_agencies: number;
}

export const models = summarizedCollection<ModelRecord, ModelRow>({
  path: '/models',
  docs: {
    tags: ['reference'],
    summary: 'Support models',
    description: 'The 287(g) support models, each with a summary of its agreements (on as_of when given).',
  },
  schema: ModelListResponseSchema,
  rows: listModels,
  summaries: (db, asOf) => modelSummaries(db, asOf),
  keyOf: (model) => model.code,
  // A model's own summary has no by_model.
  merge: (model, { by_model: _byModel, ...summary }) => ({ ...model, ...summary }),
  columns: fieldColumns<ModelRow>([
    'code',
    'name',
    'abbreviation',
    'description',
    'introduced_on',
    'suspended_on',
    'reinstated_on',
    'source_url',
    'active_agreements',
    'pending_agreements',
    'ended_agreements',
    'withdrawn_agreements',
    'active_agencies',
  ]),
});
