// One loader per relation. Each loader gets every use of its field within one
// tick of execution (all 100 agencies' `county`, say; see batchedResolvers), so
// each relation costs at most one batch query per level of the query, however
// many rows the level has. Queries that differ in arguments or asOf are grouped;
// each group is one query. Fewer still in practice: reference data comes from
// memory, events come with their agreements, and a page of agencies brings the
// agreements its agencies ask (agreementsAsked): the nested query
// agencies → agreements → events → source list is one statement.
import { getArgumentValues, type GraphQLObjectType, type GraphQLResolveInfo } from 'graphql';
import type { Db } from '../database/connect.ts';
import { canonicalKey, type Filters } from '../query/grammar.ts';
import { pageInMemory } from '../query/paging.ts';
import {
  agenciesByIds,
  agencyIdsByCounty,
  agreementsByAgencyIds,
  agreementsByIds,
  aliasesByAgencyIds,
  eventsByAgreementIds,
  historicalSourcesByIds,
  reportLinksByAgencyIds,
  sourceListsByIds,
  agenciesByReportIds,
  countiesByFips,
  countiesByState,
  countySummaries,
  emptySummary,
  listModels,
  listReports,
  listStates,
  modelSummaries,
  recommendationsByReportIds,
  stateSummaries,
  type AgreementSummary as SummaryRecord,
  type CountyRecord,
  type ModelRecord,
  type StateRecord,
} from '../repositories/index.ts';
import { nestedAgreementQuery, type CollectionArgs } from './args.ts';
import { run, type GraphqlContext } from './context.ts';
import { selectedFields, selects } from './selection.ts';
import {
  connection,
  toAgency,
  toAgreement,
  toAlias,
  toCounty,
  toEvent,
  toModel,
  toRecommendation,
  toReport,
  toReportAgency,
  toSourceList,
  toHistoricalSource,
  toState,
  toSummary,
  type Agency,
  type Agreement,
  type AgreementEvent,
  type Connection,
  type County,
  type OversightReport,
  type SourceList,
  type ReportAgency,
  type State,
  type SupportModel,
} from './types.ts';

/** One use of a field: its parent object, its arguments, and where it stands in the query (what is asked below it). */
type Query<O, P = Record<string, never>> = { obj: O; params: P; info: GraphQLResolveInfo };

/** Per type and field, the loader answering every use of the field in one batch, in order. */
type Loaders = Record<string, Record<string, (queries: Query<any, any>[], context: GraphqlContext) => Promise<unknown[]>>>; // any: each loader types its own

/** Groups the queries of a batch by a key (asOf, arguments), keeping their positions. */
function groupBy<Q>(queries: readonly Q[], keyOf: (query: Q) => string): Map<string, { queries: Q[]; positions: number[] }> {
  const groups = new Map<string, { queries: Q[]; positions: number[] }>();
  queries.forEach((query, position) => {
    const key = keyOf(query);
    const group = groups.get(key) ?? { queries: [], positions: [] };
    group.queries.push(query);
    group.positions.push(position);
    groups.set(key, group);
  });
  return groups;
}

/** Runs `load` once per asOf present in the batch and puts the answers back in order. */
async function perAsOf<O extends { asOf: string | null }, P, R>(
  queries: readonly Query<O, P>[],
  load: (asOf: string | undefined, group: Query<O, P>[]) => Promise<R[]>,
): Promise<R[]> {
  const results = new Array<R>(queries.length);
  await Promise.all(
    [...groupBy(queries, (query) => query.obj.asOf ?? '')].map(async ([asOf, group]) => {
      const answers = await load(asOf || undefined, group.queries);
      group.positions.forEach((position, index) => (results[position] = answers[index]!));
    }),
  );
  return results;
}

function indexBy<T, K>(rows: readonly T[], keyOf: (row: T) => K): Map<K, T> {
  return new Map(rows.map((row) => [keyOf(row), row]));
}

function groupRows<T, K>(rows: readonly T[], keyOf: (row: T) => K): Map<K, T[]> {
  const grouped = new Map<K, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = grouped.get(key);
    if (list) list.push(row);
    else grouped.set(key, [row]);
  }
  return grouped;
}

const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];

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

function tablesFor(context: GraphqlContext): ReferenceTables {
  const version = context.app.dataset.current().version;
  let tables = referenceTables.get(context.pool);
  if (!tables || tables.version !== version) {
    tables = { version, states: new Map(), models: new Map(), counties: new Map(), sourceLists: new Map() };
    referenceTables.set(context.pool, tables);
  }
  return tables;
}

/** The records of `keys` from a memory of reference data, reading those not there yet in one query. */
async function remembered<K, R>(
  context: GraphqlContext,
  memory: Map<K, R>,
  keys: readonly K[],
  fetch: (pool: Db, missing: K[]) => Promise<R[]>,
  keyOf: (record: R) => K,
): Promise<Map<K, R>> {
  const missing = unique(keys).filter((key) => !memory.has(key));
  if (missing.length > 0) for (const record of await run(context, (pool) => fetch(pool, missing))) memory.set(keyOf(record), record);
  return memory;
}

const statesByCode = (context: GraphqlContext, codes: readonly string[]) =>
  remembered(context, tablesFor(context).states, codes, (pool) => listStates(pool), (state) => state.code);
const modelsByCode = (context: GraphqlContext, codes: readonly string[]) =>
  remembered(context, tablesFor(context).models, codes, (pool) => listModels(pool), (model) => model.code);

/** The record of `key` converted, when the memory holds it. */
function known<K, R, T>(memory: Map<K, R>, key: K, convert: (record: R) => T): T | undefined {
  const record = memory.get(key);
  return record === undefined ? undefined : convert(record);
}

/**
 * The agreements(...) the agencies of a page ask, when the query asks them with one set of arguments: the page of
 * agencies reads them in its own statement (with their events when those are asked too), and Agency.agreements finds
 * them there. Undefined when not asked, asked with several sets, or with arguments Agency.agreements will reject.
 */
export function agreementsAsked(info: GraphQLResolveInfo, asOf: string | undefined): { filters: Filters; withEvents: boolean } | undefined {
  const fields = selectedFields(info, ['edges', 'node', 'agreements']);
  if (fields.length === 0) return undefined;
  const definition = (info.schema.getType('Agency') as GraphQLObjectType).getFields().agreements!;
  const asked = new Set(fields.map((field) => JSON.stringify(getArgumentValues(definition, field, info.variableValues))));
  if (asked.size > 1) return undefined;
  try {
    const { filters } = nestedAgreementQuery(JSON.parse([...asked][0]!) as AgreementsArgs, asOf);
    return { filters, withEvents: selectedFields(info, ['edges', 'node', 'events'], fields).length > 0 };
  } catch {
    return undefined;
  }
}

/** The summary of each parent (state, county, model): one query per asOf in the batch. */
function summaryLoader<O extends { asOf: string | null }>(
  keyOf: (obj: O) => string,
  load: (pool: Db, asOf: string | undefined, keys: string[]) => Promise<Map<string, SummaryRecord>>,
) {
  return (queries: Query<O>[], context: GraphqlContext) =>
    perAsOf(queries, async (asOf, group) => {
      const summaries = await run(context, (pool) => load(pool, asOf, unique(group.map(({ obj }) => keyOf(obj)))));
      return group.map(({ obj }) => toSummary(summaries.get(keyOf(obj)) ?? emptySummary()));
    });
}

type AgreementsArgs = Pick<CollectionArgs, 'filter' | 'first' | 'after'>;

export const loaders: Loaders = {
  Agency: {
    async agreements(queries: Query<Agency, AgreementsArgs>[], context) {
      const results = new Array<Connection<Agreement> | Error>(queries.length);
      const groups = new Map<
        string,
        { filters: ReturnType<typeof nestedAgreementQuery>['filters']; withEvents: boolean; pages: { position: number; agencyId: string; page: ReturnType<typeof nestedAgreementQuery>['page'] }[] }
      >();
      // The agencies of a page ask with the same arguments: parsed once per distinct arguments and asOf.
      const parsed = new Map<string, ReturnType<typeof nestedAgreementQuery> & { key: string }>();
      queries.forEach(({ obj, params, info }, position) => {
        try {
          const argsKey = `${obj.asOf ?? ''} ${JSON.stringify(params)}`;
          let query = parsed.get(argsKey);
          if (!query) {
            const { filters, page } = nestedAgreementQuery(params, obj.asOf ?? undefined);
            parsed.set(argsKey, (query = { filters, page, key: canonicalKey(filters) }));
          }
          const { filters, page, key } = query;
          if (obj.refAgreements?.key === key) {
            // Read with the page of agencies (see agreementsAsked): no SQL here.
            results[position] = connection(pageInMemory(obj.refAgreements.records, page), (record) => toAgreement(record, filters.as_of));
            return;
          }
          const group = groups.get(key) ?? { filters, withEvents: false, pages: [] };
          // Events asked below: fetched with the agreements (Agreement.events then sends no SQL).
          group.withEvents ||= selects(info, 'edges', 'node', 'events');
          group.pages.push({ position, agencyId: obj.id, page });
          groups.set(key, group);
        } catch (error) {
          // A bad argument fails this field only; GraphQL turns a returned Error into a field error.
          results[position] = error as Error;
        }
      });
      await Promise.all(
        [...groups.values()].map(async ({ filters, withEvents, pages }) => {
          const agencyIds = unique(pages.map((entry) => entry.agencyId));
          const records = await run(context, (pool) => agreementsByAgencyIds(pool, agencyIds, filters, { withEvents }));
          const byAgency = groupRows(records, (record) => record.agency_id);
          for (const { position, agencyId, page } of pages) {
            try {
              results[position] = connection(pageInMemory(byAgency.get(agencyId) ?? [], page), (record) => toAgreement(record, filters.as_of));
            } catch (error) {
              results[position] = error as Error;
            }
          }
        }),
      );
      return results;
    },
    async state(queries: Query<Agency>[], context) {
      const states = await statesByCode(context, queries.map(({ obj }) => obj.refState));
      return queries.map(({ obj }) => toState(states.get(obj.refState)!, obj.asOf));
    },
    async county(queries: Query<Agency>[], context) {
      const fips = queries.map(({ obj }) => obj.refCountyFips).filter((code): code is string => code !== null);
      const counties = await remembered(context, tablesFor(context).counties, fips, countiesByFips, (county) => county.fips);
      return queries.map(({ obj }) => {
        const county = obj.refCountyFips ? counties.get(obj.refCountyFips) : undefined;
        return county ? toCounty(county, obj.asOf) : null;
      });
    },
    async aliases(queries: Query<Agency>[], context) {
      const aliases = groupRows(await run(context, (pool) => aliasesByAgencyIds(pool, unique(queries.map(({ obj }) => obj.id)))), (alias) => alias.agency_id);
      return queries.map(({ obj }) => (aliases.get(obj.id) ?? []).map(toAlias));
    },
    async reports(queries: Query<Agency>[], context) {
      const links = await run(context, (pool) => reportLinksByAgencyIds(pool, unique(queries.map(({ obj }) => obj.id))));
      const reportIds = unique(links.map((link) => link.report_id));
      const reports = indexBy(reportIds.length > 0 ? await run(context, (pool) => listReports(pool, reportIds)) : [], (report) => report.id);
      const byAgency = groupRows(links, (link) => link.agency_id);
      return queries.map(({ obj }) =>
        unique((byAgency.get(obj.id) ?? []).map((link) => link.report_id))
          .map((id) => reports.get(id))
          .filter((report) => report !== undefined)
          .map(toReport),
      );
    },
  },
  Agreement: {
    async agency(queries: Query<Agreement>[], context) {
      return perAsOf(queries, async (asOf, group) => {
        const agencies = indexBy(await run(context, (pool) => agenciesByIds(pool, unique(group.map(({ obj }) => obj.refAgencyId)), asOf)), (agency) => agency.id);
        return group.map(({ obj }) => toAgency(agencies.get(obj.refAgencyId)!, asOf));
      });
    },
    async model(queries: Query<Agreement>[], context) {
      const models = await modelsByCode(context, queries.map(({ obj }) => obj.refModel));
      return queries.map(({ obj }) => toModel(models.get(obj.refModel)!, obj.asOf));
    },
    async events(queries: Query<Agreement>[], context) {
      // Agreements reached through Agency.agreements came with their events; the others' are read here.
      const ids = unique(queries.filter(({ obj }) => obj.refEvents === undefined).map(({ obj }) => obj.id));
      const events = groupRows(ids.length > 0 ? await run(context, (pool) => eventsByAgreementIds(pool, ids)) : [], (event) => event.agreement_id);
      return queries.map(({ obj }) => (obj.refEvents ?? events.get(obj.id) ?? []).map((event) => toEvent(event, obj.asOf)));
    },
    async supersedes(queries: Query<Agreement>[], context) {
      return perAsOf(queries, async (asOf, group) => {
        const ids = unique(group.map(({ obj }) => obj.refSupersedesId).filter((id): id is string => id !== null));
        const agreements = indexBy(ids.length > 0 ? await run(context, (pool) => agreementsByIds(pool, ids, asOf)) : [], (agreement) => agreement.id);
        return group.map(({ obj }) => {
          const record = obj.refSupersedesId ? agreements.get(obj.refSupersedesId) : undefined;
          return record ? toAgreement(record, asOf) : null;
        });
      });
    },
  },
  AgreementEvent: {
    async agreement(queries: Query<AgreementEvent>[], context) {
      return perAsOf(queries, async (asOf, group) => {
        const agreements = indexBy(await run(context, (pool) => agreementsByIds(pool, unique(group.map(({ obj }) => obj.refAgreementId)), asOf)), (agreement) => agreement.id);
        return group.map(({ obj }) => {
          const record = agreements.get(obj.refAgreementId);
          return record ? toAgreement(record, asOf) : null;
        });
      });
    },
    async sourceList(queries: Query<AgreementEvent>[], context) {
      const ids = queries.flatMap(({ obj }) => (obj.refSourceListId === null ? [] : [obj.refSourceListId]));
      const read = async (pool: Db, missing: number[]) => (await sourceListsByIds(pool, missing)).map(toSourceList);
      const lists = await remembered(context, tablesFor(context).sourceLists, ids, read, (list) => Number(list.id));
      return queries.map(({ obj }) => (obj.refSourceListId === null ? null : (lists.get(obj.refSourceListId) ?? null)));
    },
    async historicalSource(queries: Query<AgreementEvent>[], context) {
      const ids = unique(queries.flatMap(({ obj }) => (obj.refHistoricalSourceId ? [obj.refHistoricalSourceId] : [])));
      const sources = indexBy(ids.length > 0 ? await run(context, (pool) => historicalSourcesByIds(pool, ids)) : [], (source) => source.id);
      return queries.map(({ obj }) => {
        const source = obj.refHistoricalSourceId ? sources.get(obj.refHistoricalSourceId) : undefined;
        return source ? toHistoricalSource(source) : null;
      });
    },
  },
  State: {
    async counties(queries: Query<State>[], context) {
      const counties = groupRows(await run(context, (pool) => countiesByState(pool, unique(queries.map(({ obj }) => obj.code)))), (county) => county.state);
      return queries.map(({ obj }) => (counties.get(obj.code) ?? []).map((county) => toCounty(county, obj.asOf)));
    },
    summary: summaryLoader<State>((state) => state.code, stateSummaries),
  },
  County: {
    async state(queries: Query<County>[], context) {
      const states = await statesByCode(context, queries.map(({ obj }) => obj.refState));
      return queries.map(({ obj }) => toState(states.get(obj.refState)!, obj.asOf));
    },
    async agencies(queries: Query<County>[], context) {
      const links = await run(context, (pool) => agencyIdsByCounty(pool, unique(queries.map(({ obj }) => obj.fips))));
      const byCounty = groupRows(links, (link) => link.county_fips);
      return perAsOf(queries, async (asOf, group) => {
        const ids = unique(group.flatMap(({ obj }) => (byCounty.get(obj.fips) ?? []).map((link) => link.id)));
        const agencies = indexBy(ids.length > 0 ? await run(context, (pool) => agenciesByIds(pool, ids, asOf)) : [], (agency) => agency.id);
        return group.map(({ obj }) =>
          (byCounty.get(obj.fips) ?? []).map((link) => agencies.get(link.id)).filter((agency) => agency !== undefined).map((agency) => toAgency(agency, asOf)),
        );
      });
    },
    summary: summaryLoader<County>((county) => county.fips, countySummaries),
  },
  SupportModel: {
    summary: summaryLoader<SupportModel>((model) => model.refCode, (pool, asOf) => modelSummaries(pool, asOf)),
  },
  OversightReport: {
    async models(queries: Query<OversightReport>[], context) {
      const models = await modelsByCode(context, queries.flatMap(({ obj }) => obj.refModels));
      return queries.map(({ obj }) => obj.refModels.map((code) => models.get(code)).filter((model) => model !== undefined).map((model) => toModel(model, null)));
    },
    async recommendations(queries: Query<OversightReport>[], context) {
      const recommendations = groupRows(await run(context, (pool) => recommendationsByReportIds(pool, unique(queries.map(({ obj }) => obj.id)))), (row) => row.report_id);
      return queries.map(({ obj }) => (recommendations.get(obj.id) ?? []).map(toRecommendation));
    },
    async agencies(queries: Query<OversightReport>[], context) {
      const agencies = groupRows(await run(context, (pool) => agenciesByReportIds(pool, unique(queries.map(({ obj }) => obj.id)))), (row) => row.report_id);
      return queries.map(({ obj }) => (agencies.get(obj.id) ?? []).map(toReportAgency));
    },
  },
  ReportAgency: {
    async agency(queries: Query<ReportAgency>[], context) {
      const ids = unique(queries.map(({ obj }) => obj.refAgencyId).filter((id): id is string => id !== null));
      const agencies = indexBy(ids.length > 0 ? await run(context, (pool) => agenciesByIds(pool, ids)) : [], (agency) => agency.id);
      return queries.map(({ obj }) => {
        const agency = obj.refAgencyId ? agencies.get(obj.refAgencyId) : undefined;
        return agency ? toAgency(agency, undefined) : null;
      });
    },
  },
};

/**
 * Fields answered from the reference data in memory when it holds the answer: synchronously, without a batch or a
 * promise (a nested query asks them once per row). Undefined when it does not: the field's loader reads it.
 */
const inMemory: Record<string, Record<string, (obj: any, context: GraphqlContext) => unknown>> = { // any: each entry types its own parent
  Agency: {
    state: (obj: Agency, context) => known(tablesFor(context).states, obj.refState, (state) => toState(state, obj.asOf)),
    county: (obj: Agency, context) =>
      obj.refCountyFips === null ? null : known(tablesFor(context).counties, obj.refCountyFips, (county) => toCounty(county, obj.asOf)),
  },
  Agreement: {
    model: (obj: Agreement, context) => known(tablesFor(context).models, obj.refModel, (model) => toModel(model, obj.asOf)),
  },
  AgreementEvent: {
    sourceList: (obj: AgreementEvent, context) =>
      obj.refSourceListId === null ? null : tablesFor(context).sourceLists.get(obj.refSourceListId),
  },
  County: {
    state: (obj: County, context) => known(tablesFor(context).states, obj.refState, (state) => toState(state, obj.asOf)),
  },
};

type FieldResolver = (obj: unknown, params: unknown, context: GraphqlContext, info: GraphQLResolveInfo) => unknown;

/** The field loads of one request waiting for the next tick, per field. */
const pendingBatches = new WeakMap<GraphqlContext, Map<string, { queries: Query<unknown, unknown>[]; settle: ((result: unknown, error?: unknown) => void)[] }>>();

/**
 * The loaders above as field resolvers that batch the loads of one request: every load of a field asked in the same
 * tick goes to its loader in one call (unless the reference data in memory answers it, see inMemory). Written here rather than through Mercurius' `loaders`: those key every load
 * by a stable stringify of the parent object and its arguments (agreements with their event details…), even with
 * their cache off, and that cost a tenth of an uncached nested query; the loaders above de-duplicate ids themselves.
 */
export function batchedResolvers(all: Loaders): Record<string, Record<string, FieldResolver>> {
  return Object.fromEntries(
    Object.entries(all).map(([type, fields]) => [
      type,
      Object.fromEntries(
        Object.entries(fields).map(([field, loader]) => {
          const name = `${type}.${field}`;
          const fromMemory = inMemory[type]?.[field];
          const resolve: FieldResolver = (obj, params, context, info) => {
            const answer = fromMemory?.(obj, context);
            if (answer !== undefined) return answer;
            return new Promise((resolvePromise, reject) => {
              let batches = pendingBatches.get(context);
              if (!batches) pendingBatches.set(context, (batches = new Map()));
              let batch = batches.get(name);
              if (!batch) {
                const created = { queries: [] as Query<unknown, unknown>[], settle: [] as ((result: unknown, error?: unknown) => void)[] };
                batches.set(name, (batch = created));
                // After the current synchronous work and its promise jobs, as DataLoader does: siblings join first.
                process.nextTick(() => {
                  batches.delete(name);
                  loader(created.queries, context).then(
                    (results) => created.settle.forEach((settle, index) => settle(results[index])),
                    (error: unknown) => created.settle.forEach((settle) => settle(undefined, error ?? new Error('loader failed'))),
                  );
                });
              }
              batch.queries.push({ obj, params, info });
              batch.settle.push((result, error) => (error === undefined ? resolvePromise(result) : reject(error)));
            });
          };
          return [field, resolve];
        }),
      ),
    ]),
  );
}
