// One loader per relation. Each loader gets every use of its field within one
// tick of execution (all 100 agencies' `county`, say; see batchedResolvers), so
// each relation costs at most one batch query per level of the query, however
// many rows the level has. Queries that differ in arguments or asOf are grouped;
// each group is one query. Fewer still in practice: reference data comes from
// memory, events come with their agreements, and a page of agencies brings the
// agreements its agencies ask (agreementsAsked): the nested query
// agencies → agreements → events → source list is one statement.
import { type FieldNode, getArgumentValues, type GraphQLObjectType, type GraphQLResolveInfo } from 'graphql';
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
  type AgreementsAsked,
  historicalSourcesByIds,
  reportLinksByAgencyIds,
  sourceListsByIds,
  agenciesByReportIds,
  countiesByFips,
  countiesByState,
  countySummaries,
  emptySummary,
  listReports,
  modelSummaries,
  recommendationsByReportIds,
  stateSummaries,
  type AgreementSummary as SummaryRecord,
} from '../repositories/index.ts';
import { nestedAgreementQuery, type CollectionArgs } from './args.ts';
import { groupRows, indexBy, type Loaders, perAsOf, type Query, unique } from './batching.ts';
import { run, type GraphqlContext } from './context.ts';
import { modelsByCode, remembered, statesByCode, tablesFor } from './reference-memory.ts';
import { AGREEMENT_READS, EVENT_READS, fieldsRead } from './fields-read.ts';
import { selectedFields } from './selection.ts';
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
  type ReportAgency,
  type State,
  type SupportModel,
} from './types.ts';

/**
 * The agreements(...) the agencies of a page ask, when the query asks them with one set of arguments: the page of
 * agencies reads them in its own statement, with the fields asked (and their events' when those are asked too), and
 * Agency.agreements finds them there. Undefined when not asked, asked with several sets, or with arguments
 * Agency.agreements will reject.
 */
export function agreementsAsked(
  info: GraphQLResolveInfo,
  asOf: string | undefined,
): (AgreementsAsked & { filters: Filters }) | undefined {
  const fields = selectedFields(info, ['edges', 'node', 'agreements']);
  if (fields.length === 0) return undefined;
  const definition = (info.schema.getType('Agency') as GraphQLObjectType).getFields().agreements!;
  const asked = new Set(
    fields.map((field) => JSON.stringify(getArgumentValues(definition, field, info.variableValues))),
  );
  if (asked.size > 1) return undefined;
  try {
    const { filters } = nestedAgreementQuery(JSON.parse([...asked][0]!) as AgreementsArgs, asOf);
    const nodes = selectedFields(info, ['edges', 'node'], fields);
    const events = eventsAsked(info, selectedFields(info, ['events'], nodes));
    return { filters, fields: fieldsRead(AGREEMENT_READS, info, nodes), ...(events ? { events } : {}) };
  } catch {
    return undefined;
  }
}

/** The fields these `events` fields ask of the events: undefined when none is asked. */
function eventsAsked(info: GraphQLResolveInfo, eventsFields: readonly FieldNode[]): AgreementsAsked['events'] {
  return eventsFields.length === 0 ? undefined : { fields: fieldsRead(EVENT_READS, info, eventsFields) };
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

/** The reference record (state, support model) each parent names by its code, from memory (reference-memory.ts). */
function referenceLoader<O extends { asOf: string | null }, R, T>(
  codeOf: (obj: O) => string,
  byCode: (context: GraphqlContext, codes: readonly string[]) => Promise<Map<string, R>>,
  convert: (record: R, asOf: string | null) => T,
) {
  return async (queries: Query<O>[], context: GraphqlContext) => {
    const records = await byCode(
      context,
      queries.map(({ obj }) => codeOf(obj)),
    );
    return queries.map(({ obj }) => convert(records.get(codeOf(obj))!, obj.asOf));
  };
}

/** The rows that belong to each parent (an agency's aliases, a report's recommendations), read by the parents' ids. */
function rowsOfEachLoader<R, T>(
  read: (pool: Db, ids: readonly string[]) => Promise<R[]>,
  parentOf: (row: R) => string,
  convert: (row: R) => T,
) {
  return async (queries: Query<{ id: string }>[], context: GraphqlContext) => {
    const rows = groupRows(
      await run(context, (pool) => read(pool, unique(queries.map(({ obj }) => obj.id)))),
      parentOf,
    );
    return queries.map(({ obj }) => (rows.get(obj.id) ?? []).map(convert));
  };
}

/**
 * The record each parent names by its id (an agreement's agency, the agreement it supersedes, an event's agreement),
 * as of the parent's asOf: one query per asOf in the batch. Null where the parent names none or it is not there.
 */
function byIdLoader<O extends { asOf: string | null }, R extends { id: string }, T>(
  idOf: (obj: O) => string | null,
  read: (pool: Db, ids: string[], asOf: string | undefined) => Promise<R[]>,
  convert: (record: R, asOf: string | undefined) => T,
) {
  return (queries: Query<O>[], context: GraphqlContext) =>
    perAsOf(queries, async (asOf, group) => {
      const ids = unique(group.map(({ obj }) => idOf(obj)).filter((id): id is string => id !== null));
      const records = indexBy(
        ids.length > 0 ? await run(context, (pool) => read(pool, ids, asOf)) : [],
        (record) => record.id,
      );
      return group.map(({ obj }) => {
        const id = idOf(obj);
        const record = id === null ? undefined : records.get(id);
        return record ? convert(record, asOf) : null;
      });
    });
}

type AgreementsArgs = Pick<CollectionArgs, 'filter' | 'first' | 'after'>;

export const loaders: Loaders = {
  Agency: {
    async agreements(queries: Query<Agency, AgreementsArgs>[], context) {
      const results = new Array<Connection<Agreement> | Error>(queries.length);
      const groups = new Map<
        string,
        {
          filters: ReturnType<typeof nestedAgreementQuery>['filters'];
          events?: AgreementsAsked['events'];
          pages: { position: number; agencyId: string; page: ReturnType<typeof nestedAgreementQuery>['page'] }[];
        }
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
            results[position] = connection(pageInMemory(obj.refAgreements.records, page), (record) =>
              toAgreement(record, filters.as_of),
            );
            return;
          }
          const group: NonNullable<ReturnType<typeof groups.get>> = groups.get(key) ?? { filters, pages: [] };
          // Events asked below: fetched with the agreements (Agreement.events then sends no SQL).
          const events = eventsAsked(info, selectedFields(info, ['edges', 'node', 'events']));
          if (events) group.events = { fields: unique([...(group.events?.fields ?? []), ...events.fields]) };
          group.pages.push({ position, agencyId: obj.id, page });
          groups.set(key, group);
        } catch (error) {
          // A bad argument fails this field only; GraphQL turns a returned Error into a field error.
          results[position] = error as Error;
        }
      });
      await Promise.all(
        [...groups.values()].map(async ({ filters, events, pages }) => {
          const agencyIds = unique(pages.map((entry) => entry.agencyId));
          const records = await run(context, (pool) =>
            agreementsByAgencyIds(pool, agencyIds, filters, events ? { events } : {}),
          );
          const byAgency = groupRows(records, (record) => record.agency_id);
          for (const { position, agencyId, page } of pages) {
            try {
              results[position] = connection(pageInMemory(byAgency.get(agencyId) ?? [], page), (record) =>
                toAgreement(record, filters.as_of),
              );
            } catch (error) {
              results[position] = error as Error;
            }
          }
        }),
      );
      return results;
    },
    state: referenceLoader((agency: Agency) => agency.refState, statesByCode, toState),
    async county(queries: Query<Agency>[], context) {
      const fips = queries.map(({ obj }) => obj.refCountyFips).filter((code): code is string => code !== null);
      const counties = await remembered(
        context,
        tablesFor(context).counties,
        fips,
        countiesByFips,
        (county) => county.fips,
      );
      return queries.map(({ obj }) => {
        const county = obj.refCountyFips ? counties.get(obj.refCountyFips) : undefined;
        return county ? toCounty(county, obj.asOf) : null;
      });
    },
    aliases: rowsOfEachLoader(aliasesByAgencyIds, (alias) => alias.agency_id, toAlias),
    async reports(queries: Query<Agency>[], context) {
      const links = await run(context, (pool) =>
        reportLinksByAgencyIds(pool, unique(queries.map(({ obj }) => obj.id))),
      );
      const reportIds = unique(links.map((link) => link.report_id));
      const reports = indexBy(
        reportIds.length > 0 ? await run(context, (pool) => listReports(pool, reportIds)) : [],
        (report) => report.id,
      );
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
    agency: byIdLoader((agreement: Agreement) => agreement.refAgencyId, agenciesByIds, toAgency),
    model: referenceLoader((agreement: Agreement) => agreement.refModel, modelsByCode, toModel),
    async events(queries: Query<Agreement>[], context) {
      // Agreements reached through Agency.agreements came with their events; the others' are read here.
      const ids = unique(queries.filter(({ obj }) => obj.refEvents === undefined).map(({ obj }) => obj.id));
      const events = groupRows(
        ids.length > 0 ? await run(context, (pool) => eventsByAgreementIds(pool, ids)) : [],
        (event) => event.agreement_id,
      );
      return queries.map(({ obj }) =>
        (obj.refEvents ?? events.get(obj.id) ?? []).map((event) => toEvent(event, obj.id, obj.asOf)),
      );
    },
    supersedes: byIdLoader((agreement: Agreement) => agreement.refSupersedesId, agreementsByIds, toAgreement),
  },
  AgreementEvent: {
    agreement: byIdLoader((event: AgreementEvent) => event.refAgreementId, agreementsByIds, toAgreement),
    async sourceList(queries: Query<AgreementEvent>[], context) {
      const ids = queries.flatMap(({ obj }) => (obj.refSourceListId === null ? [] : [obj.refSourceListId]));
      const read = async (pool: Db, missing: number[]) => (await sourceListsByIds(pool, missing)).map(toSourceList);
      const lists = await remembered(context, tablesFor(context).sourceLists, ids, read, (list) => Number(list.id));
      return queries.map(({ obj }) => (obj.refSourceListId === null ? null : (lists.get(obj.refSourceListId) ?? null)));
    },
    async historicalSource(queries: Query<AgreementEvent>[], context) {
      const ids = unique(queries.flatMap(({ obj }) => (obj.refHistoricalSourceId ? [obj.refHistoricalSourceId] : [])));
      const sources = indexBy(
        ids.length > 0 ? await run(context, (pool) => historicalSourcesByIds(pool, ids)) : [],
        (source) => source.id,
      );
      return queries.map(({ obj }) => {
        const source = obj.refHistoricalSourceId ? sources.get(obj.refHistoricalSourceId) : undefined;
        return source ? toHistoricalSource(source) : null;
      });
    },
  },
  State: {
    async counties(queries: Query<State>[], context) {
      const counties = groupRows(
        await run(context, (pool) => countiesByState(pool, unique(queries.map(({ obj }) => obj.code)))),
        (county) => county.state,
      );
      return queries.map(({ obj }) => (counties.get(obj.code) ?? []).map((county) => toCounty(county, obj.asOf)));
    },
    summary: summaryLoader<State>((state) => state.code, stateSummaries),
  },
  County: {
    state: referenceLoader((county: County) => county.refState, statesByCode, toState),
    async agencies(queries: Query<County>[], context) {
      const links = await run(context, (pool) => agencyIdsByCounty(pool, unique(queries.map(({ obj }) => obj.fips))));
      const byCounty = groupRows(links, (link) => link.county_fips);
      return perAsOf(queries, async (asOf, group) => {
        const ids = unique(group.flatMap(({ obj }) => (byCounty.get(obj.fips) ?? []).map((link) => link.id)));
        const agencies = indexBy(
          ids.length > 0 ? await run(context, (pool) => agenciesByIds(pool, ids, asOf)) : [],
          (agency) => agency.id,
        );
        return group.map(({ obj }) =>
          (byCounty.get(obj.fips) ?? [])
            .map((link) => agencies.get(link.id))
            .filter((agency) => agency !== undefined)
            .map((agency) => toAgency(agency, asOf)),
        );
      });
    },
    summary: summaryLoader<County>((county) => county.fips, countySummaries),
  },
  SupportModel: {
    summary: summaryLoader<SupportModel>(
      (model) => model.refCode,
      (pool, asOf) => modelSummaries(pool, asOf),
    ),
  },
  OversightReport: {
    async models(queries: Query<OversightReport>[], context) {
      const models = await modelsByCode(
        context,
        queries.flatMap(({ obj }) => obj.refModels),
      );
      return queries.map(({ obj }) =>
        obj.refModels
          .map((code) => models.get(code))
          .filter((model) => model !== undefined)
          .map((model) => toModel(model, null)),
      );
    },
    recommendations: rowsOfEachLoader(recommendationsByReportIds, (row) => row.report_id, toRecommendation),
    agencies: rowsOfEachLoader(agenciesByReportIds, (row) => row.report_id, toReportAgency),
  },
  ReportAgency: {
    async agency(queries: Query<ReportAgency>[], context) {
      const ids = unique(queries.map(({ obj }) => obj.refAgencyId).filter((id): id is string => id !== null));
      const agencies = indexBy(
        ids.length > 0 ? await run(context, (pool) => agenciesByIds(pool, ids)) : [],
        (agency) => agency.id,
      );
      return queries.map(({ obj }) => {
        const agency = obj.refAgencyId ? agencies.get(obj.refAgencyId) : undefined;
        return agency ? toAgency(agency, undefined) : null;
      });
    },
  },
};
