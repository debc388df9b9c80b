// CSV columns for records that carry an agreement summary: the counts, then one
// column of active agreements per support model (a spreadsheet cannot hold by_model).
import type { CsvColumn } from '../renderers/csv.ts';
import { MODEL_CODES } from '../enums.ts';
import type { AgreementSummary } from '../repositories/index.ts';

export function summaryColumns<T extends AgreementSummary>(): CsvColumn<T>[] {
  return [
    { name: 'active_agreements', value: (record) => record.active_agreements },
    { name: 'pending_agreements', value: (record) => record.pending_agreements },
    { name: 'ended_agreements', value: (record) => record.ended_agreements },
    { name: 'active_agencies', value: (record) => record.active_agencies },
    ...MODEL_CODES.map((model) => ({ name: `active_${model}`, value: (record: T) => record.by_model[model] ?? 0 })),
  ];
}
