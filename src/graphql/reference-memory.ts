// Reference data (states, models, counties, source lists) for GraphQL's
// loaders, kept in memory per pool and dataset version, and the fields it
// answers without a batch (inMemory).
import type { Db } from '../database/connect.ts';
import {
  listModels,
  listStates,
  type CountyRecord,
  type ModelRecord,
  type StateRecord,
} from '../repositories/index.ts';
import type { InMemory } from './batching.ts';
import { unique } from './batching.ts';
import { run, type GraphqlContext } from './context.ts';
import {
  toCounty,
  toModel,
  toState,
  type Agency,
  type Agreement,
  type AgreementEvent,
  type County,
  type SourceList,
} from './types.ts';

// Reference data (states, models, counties, source lists) changes only with the
// dataset version, as every answer does: kept in memory per pool and version
// rather than queried by every request, each record read once per version (the
// memory is bounded by the tables' sizes). States and models are read whole,
// counties and source lists as they are asked for.
interface ReferenceTables {
  version: number;
  states: Map<string, StateRecord>;
  models: Map<string, ModelRecord>;
  counties: Map<string, CountyRecord>;
  /** As GraphQL serves them (they carry no asOf): converted once. */
  sourceLists: Map<number, SourceList>;
}
const referenceTables = new WeakMap<object, ReferenceTables>();

export function tablesFor(context: GraphqlContext): ReferenceTables {
  const version = context.app.dataset.current().version;
  let tables = referenceTables.get(context.pool);
  if (!tables || tables.version !== version) {
    tables = { version, states: new Map(), models: new Map(), counties: new Map(), sourceLists: new Map() };
    referenceTables.set(context.pool, tables);
  }
  return tables;
}

/** The records of `keys` from a memory of reference data, reading those not there yet in one query. */
export async function remembered<K, R>(
  context: GraphqlContext,
  memory: Map<K, R>,
  keys: readonly K[],
  fetch: (pool: Db, missing: K[]) => Promise<R[]>,
  keyOf: (record: R) => K,
): Promise<Map<K, R>> {
  const missing = unique(keys).filter((key) => !memory.has(key));
  if (missing.length > 0)
    for (const record of await run(context, (pool) => fetch(pool, missing))) memory.set(keyOf(record), record);
  return memory;
}

/** The records of some codes from a table read whole the first time any of it is asked (states, models). */
const readWhole =
  <R>(
    memoryOf: (tables: ReferenceTables) => Map<string, R>,
    read: (pool: Db) => Promise<R[]>,
    codeOf: (record: R) => string,
  ) =>
  (context: GraphqlContext, codes: readonly string[]) =>
    remembered(context, memoryOf(tablesFor(context)), codes, (pool) => read(pool), codeOf);

export const statesByCode = readWhole(
  (tables) => tables.states,
  listStates,
  (state) => state.code,
);
export const modelsByCode = readWhole(
  (tables) => tables.models,
  listModels,
  (model) => model.code,
);

/** The record of `key` converted, when the memory holds it. */
export function known<K, R, T>(memory: Map<K, R>, key: K, convert: (record: R) => T): T | undefined {
  const record = memory.get(key);
  return record === undefined ? undefined : convert(record);
}

const stateInMemory = (obj: Agency | County, context: GraphqlContext) =>
  known(tablesFor(context).states, obj.refState, (state) => toState(state, obj.asOf));

/**
 * Fields answered from the reference data in memory when it holds the answer: synchronously, without a batch or a
 * promise (a nested query asks them once per row). Undefined when it does not: the field's loader reads it.
 */
export const inMemory: InMemory = {
  Agency: {
    state: stateInMemory,
    county: (obj: Agency, context) =>
      obj.refCountyFips === null
        ? null
        : known(tablesFor(context).counties, obj.refCountyFips, (county) => toCounty(county, obj.asOf)),
  },
  Agreement: {
    model: (obj: Agreement, context) =>
      known(tablesFor(context).models, obj.refModel, (model) => toModel(model, obj.asOf)),
  },
  AgreementEvent: {
    sourceList: (obj: AgreementEvent, context) =>
      obj.refSourceListId === null ? null : tablesFor(context).sourceLists.get(obj.refSourceListId),
  },
  County: {
    state: stateInMemory,
  },
};
