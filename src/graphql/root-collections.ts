// Root fields that serve in GraphQL what REST serves as JSON beside agreements
// and agencies: the counties collection, the changes feed, the counts over
// time and the releases. Each parses its arguments with the REST resource's own
// parser (the same filters, the same errors, the same cursors) and reads through
// the same repository, so both APIs answer alike (test/graphql/parity.test.ts).
import type { IResolvers } from 'mercurius';
import { decodeCursor, encodeCursor } from '../query/paging.ts';
import { parsePage, type RawQuery } from '../query/grammar.ts';
import { getRelease, listReleases, type ReleaseRecord } from '../repositories/index.ts';
import { listChanges, type ChangeFilters, type ChangeRecord } from '../repositories/index.ts';
import { changes } from '../resources/changes.ts';
import { counties } from '../resources/counties.ts';
import { timeseriesCollection } from '../resources/stats.ts';
import { QueryError, toRawQuery, type CollectionArgs, type FilterInput } from './args.ts';
import { run, type GraphqlContext } from './context.ts';
import { connection, toCounty } from './types.ts';

const upper = (value: string): string => value.toUpperCase();
const lower = (values: string[] | null | undefined): string[] | undefined =>
  values?.map((value) => value.toLowerCase());

/** A raw REST query from GraphQL arguments: absent and null ones left out. */
function present(raw: RawQuery): RawQuery {
  return Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined && value !== null));
}

/** The filters of `filter` as REST's query string (without paging), for a resource's own parser. */
function filterQuery(args: Pick<CollectionArgs, 'filter' | 'asOf'>): RawQuery {
  const { limit: _limit, cursor: _cursor, sort: _sort, include_total: _total, ...raw } = toRawQuery(args);
  return raw;
}

interface ChangeFilterInput {
  since?: string | null;
  state?: string[] | null;
  countyFips?: string[] | null;
  model?: string[] | null;
  agencyId?: string[] | null;
  type?: string[] | null;
}

/** REST's parameter names in the messages of a GraphQL argument. */
const CHANGE_ARGUMENT: Record<string, string> = {
  since: 'filter.since',
  state: 'filter.state',
  county_fips: 'filter.countyFips',
  model: 'filter.model',
  agency_id: 'filter.agencyId',
  type: 'filter.type',
  limit: 'first',
  cursor: 'after',
};

function renamed<T>(names: Record<string, string>, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof QueryError)
      throw new QueryError(names[error.param] ?? error.param, error.reason, error.allowed);
    throw error;
  }
}

function toChange(record: ChangeRecord) {
  return {
    id: String(record.id),
    type: upper(record.type),
    occurredOn: record.occurred_on,
    recordedOn: record.recorded_on,
    agreementId: record.agreement_id,
    agencyId: record.agency_id,
    agencyName: record.agency_name,
    state: record.state,
    countyFips: record.county_fips,
    model: upper(record.model),
    details: record.details,
    sourceListId: String(record.source_list_id),
    sourceFileName: record.source_file_name,
    sourceUrl: record.source_url,
  };
}

function toRelease(record: ReleaseRecord) {
  return {
    version: record.version,
    listDate: record.list_date,
    createdAt: record.created_at,
    citation: record.citation,
    files: record.files.map((file) => ({
      name: file.name,
      url: `/v1/releases/${record.version}/${file.name}`,
      mediaType: file.media_type,
      bytes: file.bytes,
      sha256: file.sha256,
    })),
  };
}

export const rootCollections: IResolvers = {
  Query: {
    async counties(
      _root,
      args: { filter?: Pick<FilterInput, 'state' | 'countyFips'> | null; asOf?: string | null },
      context: GraphqlContext,
    ) {
      const raw = present({ state: args.filter?.state, county_fips: args.filter?.countyFips, as_of: args.asOf });
      const { filters } = renamed({ state: 'filter.state', county_fips: 'filter.countyFips', as_of: 'asOf' }, () =>
        counties.parse(raw),
      );
      const result = await run(context, (pool) => counties.fetch(pool, filters, undefined as never));
      return result.data.map((row) => toCounty(row, filters.as_of ?? null));
    },
    async changes(
      _root,
      args: { filter?: ChangeFilterInput | null; first?: number | null; after?: string | null },
      context: GraphqlContext,
    ) {
      const filter = args.filter ?? {};
      const raw = present({
        since: filter.since,
        state: filter.state,
        county_fips: filter.countyFips,
        model: lower(filter.model),
        agency_id: filter.agencyId,
        type: lower(filter.type),
        limit: args.first,
        cursor: args.after,
      });
      const { filters, page } = renamed(CHANGE_ARGUMENT, () => changes.parse(raw));
      const result = await run(context, (pool) => listChanges(pool, filters as ChangeFilters, page as never));
      return connection(result, toChange);
    },
    async statsTimeseries(
      _root,
      args: Pick<CollectionArgs, 'filter'> & { interval?: string | null },
      context: GraphqlContext,
    ) {
      const raw = present({ ...filterQuery({ filter: args.filter ?? null }), interval: args.interval?.toLowerCase() });
      const { filters } = renamed({ interval: 'interval' }, () => timeseriesCollection.parse(raw));
      const result = await run(context, (pool) => timeseriesCollection.fetch(pool, filters, undefined as never));
      return result.data.map((point) => ({
        date: point.date,
        activeAgreements: point.active_agreements,
        pendingAgreements: point.pending_agreements,
      }));
    },
    async releases(_root, args: { first?: number | null; after?: string | null }, context: GraphqlContext) {
      // Newest first, with the cursors of /v1/releases.
      const page = renamed({ limit: 'first', cursor: 'after' }, () =>
        parsePage(present({ limit: args.first, cursor: args.after }), ['version'], '-version'),
      );
      const before = page.cursor
        ? Number(renamed({ cursor: 'after' }, () => decodeCursor(page.cursor!, '-version')).value)
        : undefined;
      const rows = await run(context, (pool) =>
        listReleases(pool, { limit: page.limit, ...(before ? { before } : {}) }),
      );
      const edges = rows.slice(0, page.limit).map((row) => ({
        node: toRelease(row),
        cursor: encodeCursor({ sort: '-version', value: row.version, id: String(row.version) }),
      }));
      return { edges, pageInfo: { hasNextPage: rows.length > page.limit, endCursor: edges.at(-1)?.cursor ?? null } };
    },
    async release(_root, args: { version: number }, context: GraphqlContext) {
      const found = await run(context, (pool) => getRelease(pool, args.version));
      return found ? toRelease(found) : null;
    },
  },
};
