// Root fields. Arguments go through the shared grammar (args.ts), SQL through
// the repositories; relations below the root are loaders (loaders.ts).
import type { GraphQLResolveInfo } from 'graphql';
import type { IResolvers } from 'mercurius';
import { LIST_KINDS, LIST_STATUSES } from '../domain/enums.ts';
import type { Db } from '../database/connect.ts';
import { canonicalKey, enumList, STATS_FILTERS, type Filters } from '../query/grammar.ts';
import {
  type PageResult,
  agenciesByIds,
  agreementsByIds,
  countiesByFips,
  listAgencies,
  listAgreements,
  listModels,
  listReports,
  listSourceLists,
  skippedRowsByListIds,
  listStates,
  sourceListsByIds,
  stats,
} from '../repositories/index.ts';
import { agencyQuery, agreementQuery, asOfOf, filtersOf, QueryError, type CollectionArgs } from './args.ts';
import { run, type GraphqlContext } from './context.ts';
import { redirectOf, type RedirectKind } from '../repositories/redirects.ts';
import { AGENCY_READS, fieldsRead } from './fields-read.ts';
import { agreementsAsked } from './loaders.ts';
import { selectedFields, selects } from './selection.ts';
import {
  connection,
  toAgency,
  toAgreement,
  toCounty,
  toModel,
  toReport,
  toSourceList,
  toState,
  toStats,
} from './types.ts';

/** Validates one argument with the grammar, reporting it under the name the client used. */
function renamed<T>(param: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof QueryError) throw new QueryError(param, error.reason, error.allowed);
    throw error;
  }
}

type Ctx = GraphqlContext;

/** A root connection (agreements, agencies): the grammar's query, one page from the repository, as nodes. */
function collectionField<P, R, N>(
  queryOf: (args: CollectionArgs, includeTotal: boolean) => { filters: Filters; page: P },
  list: (db: Db, filters: Filters, page: P) => Promise<PageResult<R>>,
  toNode: (record: R, asOf: string | undefined) => N,
) {
  return async (_root: unknown, args: CollectionArgs, context: Ctx, info: GraphQLResolveInfo) => {
    const { filters, page } = queryOf(args, selects(info, 'totalCount'));
    const result = await run(context, (pool) => list(pool, filters, page));
    return connection(result, (record) => toNode(record, filters.as_of));
  };
}

/** One object by id (agreement, agency), on asOf when given. */
function itemField<R, N>(
  kind: RedirectKind,
  byIds: (db: Db, ids: string[], asOf?: string) => Promise<R[]>,
  toNode: (record: R, asOf: string | undefined) => N,
) {
  return async (_root: unknown, args: { id: string; asOf?: string | null }, context: Ctx) => {
    const asOf = asOfOf(args.asOf);
    // An id a re-derivation merged into another resolves to the surviving one (REST answers 301).
    const [record] = await run(context, async (pool) => {
      const found = await byIds(pool, [args.id], asOf);
      if (found.length > 0) return found;
      const to = await redirectOf(pool, kind, args.id);
      return to ? byIds(pool, [to], asOf) : [];
    });
    return record ? toNode(record, asOf) : null;
  };
}

export const resolvers: IResolvers = {
  Query: {
    agreements: collectionField(agreementQuery, listAgreements, toAgreement),
    agreement: itemField('agreement', agreementsByIds, toAgreement),
    async agencies(_root, args: CollectionArgs, context: Ctx, info: GraphQLResolveInfo) {
      const { filters, page } = agencyQuery(args, selects(info, 'totalCount'));
      // Only the fields the query asks (fields-read.ts), and the agreements it asks in the same statement.
      const fields = fieldsRead(AGENCY_READS, info, selectedFields(info, ['edges', 'node']));
      const agreements = agreementsAsked(info, filters.as_of);
      const result = await run(context, (pool) =>
        listAgencies(pool, filters, page, { fields, ...(agreements ? { agreements } : {}) }),
      );
      const key = agreements && canonicalKey(agreements.filters);
      return connection(result, (record) => {
        const agency = toAgency(record, filters.as_of);
        if (key && record.agreements) agency.refAgreements = { key, records: record.agreements };
        return agency;
      });
    },
    agency: itemField('agency', agenciesByIds, toAgency),
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
      const status = enumList('status', args.status, LIST_STATUSES);
      const kind = enumList('kind', args.kind, LIST_KINDS);
      const lists = await run(context, (pool) =>
        listSourceLists(pool, { ...(status ? { status } : {}), ...(kind ? { kind } : {}) }),
      );
      return lists.map(toSourceList);
    },
    async listDates(_root, args: { kind?: string[] | null }, context: Ctx) {
      const kind = enumList('kind', args.kind, LIST_KINDS);
      const lists = await run(context, (pool) =>
        listSourceLists(pool, { status: ['applied'], ...(kind ? { kind } : {}) }),
      );
      return [...new Set(lists.map((list) => list.list_date))].sort();
    },
    async sourceList(_root, args: { id: string }, context: Ctx) {
      if (!/^\d{1,9}$/.test(args.id)) throw new QueryError('id', `"${args.id}" is not a source list id`);
      const [list] = await run(context, (pool) => sourceListsByIds(pool, [Number(args.id)]));
      return list ? toSourceList(list) : null;
    },
    async list(_root, args: { id: string }, context: Ctx) {
      if (!/^\d{1,9}$/.test(args.id)) throw new QueryError('id', `"${args.id}" is not a list id`);
      const [list] = await run(context, (pool) => sourceListsByIds(pool, [Number(args.id)]));
      if (!list) return null;
      const skipped = await run(context, (pool) => skippedRowsByListIds(pool, [list.id]));
      return {
        sourceList: toSourceList(list),
        skippedRows: skipped.map((row) => ({
          rowNumber: row.row_number,
          cells: row.cells,
          reason: row.reason,
          agreementId: row.agreement_id,
        })),
      };
    },
    async stats(_root, args: Pick<CollectionArgs, 'filter' | 'asOf'>, context: Ctx) {
      const filters = filtersOf(args, STATS_FILTERS);
      return toStats(await run(context, (pool) => stats(pool, filters)));
    },
  },
};
