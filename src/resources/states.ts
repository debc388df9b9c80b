// /v1/states and /v1/states/{code} (postal code, name or FIPS).
import { z } from 'zod';
import { notFound } from '../http/problem.ts';
import { findState } from '../domain/states.ts';
import {
  countiesByState,
  countySummaries,
  emptySummary,
  listStates,
  stateSummaries,
  type AgreementSummary,
  type StateRecord,
} from '../repositories/index.ts';
import { fieldColumns } from '../renderers/csv.ts';
import { StateListResponseSchema, StateResponseSchema } from '../schemas/geography.ts';
import type { Item } from './collection.ts';
import { summarizedCollection, summaryColumns } from './summaries.ts';

type StateRow = StateRecord & AgreementSummary;

export const states = summarizedCollection<StateRecord, StateRow>({
  path: '/states',
  docs: {
    tags: ['geography'],
    summary: 'States and territories',
    description: 'Every state and territory with a summary of the agreements its agencies hold (on as_of when given).',
  },
  schema: StateListResponseSchema,
  rows: listStates,
  summaries: stateSummaries,
  merge: (state, summary) => ({ ...state, ...summary }),
  columns: [
    ...fieldColumns<StateRow>(['code', 'name', 'fips', 'is_territory', 'lat', 'lon']),
    ...summaryColumns<StateRow>(),
  ],
});

export const state: Item<object> = {
  path: '/states/:code',
  tags: ['geography'],
  summary: 'One state, with its counties',
  response: 'The state with its summary and counties.',
  schema: StateResponseSchema,
  param: {
    name: 'code',
    schema: z.string().max(100).describe('Postal code (TX), name (Texas) or FIPS (48), in any case.'),
  },
  asOf: true,
  id(code) {
    const known = findState(code);
    if (!known) throw notFound(`no state or territory ${JSON.stringify(code)} (use a postal code, name or FIPS code)`);
    return known.code;
  },
  async load(db, code, asOf) {
    const [rows, summaries, counties] = await Promise.all([
      listStates(db),
      stateSummaries(db, asOf, [code]),
      countiesByState(db, [code]),
    ]);
    const found = rows.find((candidate) => candidate.code === code);
    if (!found) return null;
    const countyTotals = await countySummaries(
      db,
      asOf,
      counties.map((county) => county.fips),
    );
    return {
      ...found,
      ...(summaries.get(code) ?? emptySummary()),
      counties: counties
        .filter((county) => countyTotals.has(county.fips))
        .map((county) => ({ ...county, ...countyTotals.get(county.fips)! })),
    };
  },
  missing: (code) => `no state ${code}`,
};
