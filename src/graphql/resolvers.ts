// Root fields. Arguments go through the shared grammar (args.ts), SQL through
// the repositories; relations below the root are loaders (loaders.ts).
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import type { IResolvers } from 'mercurius';
import { listAgencies, agenciesByIds } from '../repositories/agencies.ts';
import { agreementsByIds, listAgreements, type PageResult } from '../repositories/agreements.ts';
import { LIST_KINDS, LIST_STATUSES } from '../enums.ts';
import { listSourceLists, sourceListsByIds } from '../repositories/lists.ts';
import { countiesByFips, listModels, listReports, listStates } from '../repositories/reference.ts';
import { stats } from '../repositories/stats.ts';
import { agencyQuery, agreementQuery, asOfOf, filtersOf, QueryError, STATS_FILTERS, type CollectionArgs } from './args.ts';
import { run, type GraphqlContext } from './context.ts';
import { toAgency, toAgreement, toCounty, toModel, toReport, toSourceList, toState, toStats, type Connection } from './types.ts';

/** True when the query selects `name` directly under this field (through fragments too): totalCount costs a query. */
function selects(info: GraphQLResolveInfo, name: string): boolean {
  const seen = new Set<string>();
  const search = (selectionSet: SelectionSetNode | undefined): boolean =>
    (selectionSet?.selections ?? []).some((selection) => {
      if (selection.kind === Kind.FIELD) return selection.name.value === name;
      if (selection.kind === Kind.INLINE_FRAGMENT) return search(selection.selectionSet);
      if (seen.has(selection.name.value)) return false;
      seen.add(selection.name.value);
      return search(info.fragments[selection.name.value]?.selectionSet);
    });
  return info.fieldNodes.some((node) => search(node.selectionSet));
}

function connection<R, N>(result: PageResult<R>, toNode: (record: R) => N): Connection<N> {
  const edges = result.data.map((record, index) => ({ node: toNode(record), cursor: result.cursors[index]! }));
  return {
    totalCount: result.total_count ?? null,
    edges,
    pageInfo: { hasNextPage: result.next_cursor !== null, endCursor: edges.at(-1)?.cursor ?? null },
  };
}

/** Validates one argument with the grammar, reporting it under the name the client used. */
function renamed<T>(param: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof QueryError) throw new QueryError(param, error.reason, error.allowed);
    throw error;
  }
}

function enumValues(param: string, values: string[] | null | undefined, allowed: readonly string[]): string[] | undefined {
  if (!values) return undefined;
  return values.map((value) => {
    const lower = value.toLowerCase();
    if (!allowed.includes(lower)) throw new QueryError(param, `unknown value "${value}"`, allowed);
    return lower;
  });
}

type Ctx = GraphqlContext;

export const resolvers: IResolvers = {
  Query: {
    async agreements(_root, args: CollectionArgs, context: Ctx, info) {
      const { filters, page } = agreementQuery(args, selects(info, 'totalCount'));
      const result = await run(context, (pool) => listAgreements(pool, filters, page));
      return connection(result, (record) => toAgreement(record, filters.as_of));
    },
    async agreement(_root, args: { id: string; asOf?: string | null }, context: Ctx) {
      const asOf = asOfOf(args.asOf);
      const [record] = await run(context, (pool) => agreementsByIds(pool, [args.id], asOf));
      return record ? toAgreement(record, asOf) : null;
    },
    async agencies(_root, args: CollectionArgs, context: Ctx, info) {
      const { filters, page } = agencyQuery(args, selects(info, 'totalCount'));
      const result = await run(context, (pool) => listAgencies(pool, filters, page));
      return connection(result, (record) => toAgency(record, filters.as_of));
    },
    async agency(_root, args: { id: string; asOf?: string | null }, context: Ctx) {
      const asOf = asOfOf(args.asOf);
      const [record] = await run(context, (pool) => agenciesByIds(pool, [args.id], asOf));
      return record ? toAgency(record, asOf) : null;
    },
    async states(_root, args: { asOf?: string | null }, context: Ctx) {
      const asOf = asOfOf(args.asOf) ?? null;
      return (await run(context, (pool) => listStates(pool))).map((state) => toState(state, asOf));
    },
    async state(_root, args: { code: string; asOf?: string | null }, context: Ctx) {
      const asOf = asOfOf(args.asOf) ?? null;
      const [code] = renamed('code', () => filtersOf({ filter: { state: [args.code] } }).state ?? []);
      if (!code) throw new QueryError('code', 'is empty');
      const state = (await run(context, (pool) => listStates(pool))).find((candidate) => candidate.code === code);
      return state ? toState(state, asOf) : null;
    },
    async county(_root, args: { fips: string; asOf?: string | null }, context: Ctx) {
      const asOf = asOfOf(args.asOf) ?? null;
      const [fips] = renamed('fips', () => filtersOf({ filter: { countyFips: [args.fips] } }).county_fips ?? []);
      if (!fips) throw new QueryError('fips', 'is empty');
      const [county] = await run(context, (pool) => countiesByFips(pool, [fips]));
      return county ? toCounty(county, asOf) : null;
    },
    async supportModels(_root, args: { asOf?: string | null }, context: Ctx) {
      const asOf = asOfOf(args.asOf) ?? null;
      return (await run(context, (pool) => listModels(pool))).map((model) => toModel(model, asOf));
    },
    async oversightReports(_root, _args, context: Ctx) {
      return (await run(context, (pool) => listReports(pool))).map(toReport);
    },
    async oversightReport(_root, args: { id: string }, context: Ctx) {
      const [report] = await run(context, (pool) => listReports(pool, [args.id]));
      return report ? toReport(report) : null;
    },
    async sourceLists(_root, args: { status?: string[] | null; kind?: string[] | null }, context: Ctx) {
      const status = enumValues('status', args.status, LIST_STATUSES);
      const kind = enumValues('kind', args.kind, LIST_KINDS);
      const lists = await run(context, (pool) => listSourceLists(pool, { ...(status ? { status } : {}), ...(kind ? { kind } : {}) }));
      return lists.map(toSourceList);
    },
    async sourceList(_root, args: { id: string }, context: Ctx) {
      if (!/^\d{1,9}$/.test(args.id)) throw new QueryError('id', `"${args.id}" is not a source list id`);
      const [list] = await run(context, (pool) => sourceListsByIds(pool, [Number(args.id)]));
      return list ? toSourceList(list) : null;
    },
    async stats(_root, args: Pick<CollectionArgs, 'filter' | 'asOf'>, context: Ctx) {
      const filters = filtersOf(args, STATS_FILTERS);
      return toStats(await run(context, (pool) => stats(pool, filters)));
    },
  },
};
