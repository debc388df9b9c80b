// The objects resolvers hand to GraphQL, typed after schema/schema.graphql,
// and the one mapping from the repositories' snake_case records to them.
// Fields a type resolves through a loader are absent here; what the loaders
// need travels as `ref*` fields (not in the SDL, so never served), and every
// object carries the `asOf` of the query that reached it, so relations below
// it answer for the same date. A record read for a nested query holds only the
// fields the query asks (fields-read.ts): the others are absent, and GraphQL
// never resolves them.
import type {
  AgencyRecord,
  AgreementWithEvents,
  AgreementSummary as SummaryRecord,
  AliasRecord,
  CountyRecord,
  NestedEvent,
  HistoricalSourceRecord,
  ModelRecord,
  PageResult,
  RecommendationRecord,
  ReportAgencyRecord,
  ReportRecord,
  SourceListRecord,
  StateRecord,
  Stats as StatsRecord,
} from '../repositories/index.ts';
import type { AgreementDatesAndDocuments } from '../records/agreement.ts';

/** SDL enums are the grammar's values in upper case (task_force ↔ TASK_FORCE); a field not read stays absent. */
const upper = (value: string): string => value?.toUpperCase();

interface Dated {
  asOf: string | null;
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface Connection<T> {
  totalCount: number | null;
  edges: { node: T; cursor: string }[];
  pageInfo: PageInfo;
}

/** An edge of a connection: its node, and its cursor made when asked (most queries never ask it). */
class Edge<N> {
  node: N;
  page: PageResult<unknown>;
  index: number;
  constructor(node: N, page: PageResult<unknown>, index: number) {
    this.node = node;
    this.page = page;
    this.index = index;
  }
  get cursor(): string {
    return this.page.cursorAt(this.index);
  }
}

/** A page of records (src/query/paging.ts) as a Relay connection of nodes. */
export function connection<R, N>(result: PageResult<R>, toNode: (record: R) => N): Connection<N> {
  const edges = result.data.map((record, index) => new Edge(toNode(record), result, index));
  return {
    totalCount: result.total_count ?? null,
    edges,
    // Cursors are made when asked (most queries never ask them).
    pageInfo: {
      hasNextPage: result.next_cursor !== null,
      get endCursor() {
        return edges.at(-1)?.cursor ?? null;
      },
    },
  };
}

export interface Agency extends Dated {
  id: string;
  name: string;
  type: string;
  level: string;
  lat: number | null;
  lon: number | null;
  locationMethod: string;
  ori: string | null;
  fbiPopulation: number | null;
  fbiOfficers: number | null;
  fbiDataYear: number | null;
  oriMatch: string | null;
  oriMatchNote: string | null;
  activeAgreements: number;
  pendingAgreements: number;
  models: string[];
  updatedAt: string;
  refState: string;
  refCountyFips: string | null;
  /** Its agreements when they were read with it, and the canonical key of the filters they were read with. */
  refAgreements?: { key: string; records: AgreementWithEvents[] };
}

export function toAgency(record: AgencyRecord, asOf: string | undefined): Agency {
  return {
    id: record.id,
    name: record.name,
    type: upper(record.type),
    level: upper(record.level),
    lat: record.lat,
    lon: record.lon,
    locationMethod: record.location_method,
    ori: record.ori,
    fbiPopulation: record.fbi_population,
    fbiOfficers: record.fbi_officers,
    fbiDataYear: record.fbi_data_year,
    oriMatch: record.ori_match === null ? null : upper(record.ori_match),
    oriMatchNote: record.ori_match_note,
    activeAgreements: record.active_agreements,
    pendingAgreements: record.pending_agreements,
    models: record.models?.map(upper),
    updatedAt: record.updated_at,
    refState: record.state,
    refCountyFips: record.county_fips,
    asOf: asOf ?? null,
  };
}

export interface AgencySpelling {
  spelling: string;
  firstSeenOn: string;
  lastSeenOn: string;
  firstListId: string;
  lastListId: string;
}

export interface AgencyAlias {
  name: string;
  firstSeenOn: string;
  lastSeenOn: string;
  spellings: AgencySpelling[];
}

export function toAlias(record: AliasRecord): AgencyAlias {
  return {
    name: record.name,
    firstSeenOn: record.first_seen_on,
    lastSeenOn: record.last_seen_on,
    spellings: record.spellings.map((spelling) => ({
      spelling: spelling.spelling,
      firstSeenOn: spelling.first_seen_on,
      lastSeenOn: spelling.last_seen_on,
      firstListId: String(spelling.first_list_id),
      lastListId: String(spelling.last_list_id),
    })),
  };
}

export interface Agreement extends Dated, AgreementDatesAndDocuments {
  id: string;
  status: string;
  updatedAt: string;
  origin: string;
  endedAfter: string | null;
  endedBefore: string | null;
  refAgencyId: string;
  refModel: string;
  refSupersedesId: string | null;
  /** Its events, when they were read with the agreement. */
  refEvents?: NestedEvent[];
}

export function toAgreement(record: AgreementWithEvents, asOf: string | undefined): Agreement {
  return {
    id: record.id,
    status: upper(record.status),
    signedOn: record.signed_on,
    firstListedOn: record.first_listed_on,
    lastListedOn: record.last_listed_on,
    endedOn: record.ended_on,
    moaUrl: record.moa_url,
    addendumUrl: record.addendum_url,
    updatedAt: record.updated_at,
    origin: upper(record.origin),
    endedAfter: record.ended_after,
    endedBefore: record.ended_before,
    refAgencyId: record.agency_id,
    refModel: record.model,
    refSupersedesId: record.supersedes_id,
    ...(record.events ? { refEvents: record.events } : {}),
    asOf: asOf ?? null,
  };
}

export interface AgreementEvent extends Dated {
  id: string;
  type: string;
  occurredOn: string;
  details: Record<string, unknown>;
  sourceRow: number | null;
  refAgreementId: string;
  refSourceListId: number | null;
  refHistoricalSourceId: string | null;
}

/** An event of the agreement `agreementId`. */
export function toEvent(record: NestedEvent, agreementId: string, asOf: string | null): AgreementEvent {
  return {
    id: String(record.id),
    type: upper(record.type),
    occurredOn: record.occurred_on,
    details: record.details ?? {},
    sourceRow: record.source_row,
    refAgreementId: agreementId,
    refSourceListId: record.source_list_id,
    refHistoricalSourceId: record.historical_source_id,
    asOf,
  };
}

export interface ModelCount {
  model: string;
  count: number;
}

const counts = <K extends string>(byKey: Record<string, number>, name: K, map: (key: string) => string) =>
  Object.entries(byKey)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, count]) => ({ [name]: map(key), count }) as { [P in K]: string } & { count: number });

export interface AgreementSummary {
  activeAgreements: number;
  pendingAgreements: number;
  endedAgreements: number;
  withdrawnAgreements: number;
  activeAgencies: number;
  byModel: ModelCount[];
}

export function toSummary(record: SummaryRecord): AgreementSummary {
  return {
    activeAgreements: record.active_agreements,
    pendingAgreements: record.pending_agreements,
    endedAgreements: record.ended_agreements,
    withdrawnAgreements: record.withdrawn_agreements,
    activeAgencies: record.active_agencies,
    byModel: counts(record.by_model, 'model', upper),
  };
}

export interface SupportModel extends Dated {
  code: string;
  name: string;
  abbreviation: string | null;
  description: string;
  introducedOn: string | null;
  suspendedOn: string | null;
  reinstatedOn: string | null;
  sourceUrl: string | null;
  refCode: string;
}

export function toModel(record: ModelRecord, asOf: string | null): SupportModel {
  return {
    code: upper(record.code),
    name: record.name,
    abbreviation: record.abbreviation,
    description: record.description,
    introducedOn: record.introduced_on,
    suspendedOn: record.suspended_on,
    reinstatedOn: record.reinstated_on,
    sourceUrl: record.source_url,
    refCode: record.code,
    asOf,
  };
}

export interface State extends Dated {
  code: string;
  name: string;
  fips: string;
  isTerritory: boolean;
  lat: number | null;
  lon: number | null;
}

export function toState(record: StateRecord, asOf: string | null): State {
  return {
    code: record.code,
    name: record.name,
    fips: record.fips,
    isTerritory: record.is_territory,
    lat: record.lat,
    lon: record.lon,
    asOf,
  };
}

export interface County extends Dated {
  fips: string;
  name: string;
  lat: number;
  lon: number;
  refState: string;
}

export function toCounty(record: CountyRecord, asOf: string | null): County {
  return { fips: record.fips, name: record.name, lat: record.lat, lon: record.lon, refState: record.state, asOf };
}

export interface OversightReport {
  id: string;
  issuer: string;
  title: string;
  publishedOn: string | null;
  releasedOn: string | null;
  url: string | null;
  recommendationCount: number | null;
  summary: string;
  sources: { fact: string; url: string }[];
  refModels: string[];
}

export function toReport(record: ReportRecord): OversightReport {
  return {
    id: record.id,
    issuer: record.issuer,
    title: record.title,
    publishedOn: record.published_on,
    releasedOn: record.released_on,
    url: record.url,
    recommendationCount: record.recommendation_count,
    summary: record.summary,
    sources: record.sources ?? [],
    refModels: record.models,
  };
}

export interface Recommendation {
  number: number;
  text: string;
  status: string | null;
}

export function toRecommendation(record: RecommendationRecord): Recommendation {
  return { number: record.number, text: record.text, status: record.status };
}

export interface ReportAgency {
  name: string;
  state: string;
  refAgencyId: string | null;
}

export function toReportAgency(record: ReportAgencyRecord): ReportAgency {
  return { name: record.agency_name, state: record.state, refAgencyId: record.agency_id };
}

export interface SourceList {
  id: string;
  kind: string;
  listDate: string;
  listDateSource: string;
  edition: number;
  fileName: string | null;
  url: string | null;
  sha256: string;
  byteSize: number;
  rowCount: number;
  agreementsConfirmed: number | null;
  rowsSkipped: number;
  status: string;
  statusReason: string | null;
  warnings: string[];
  ingestedAt: string;
  appliedAt: string | null;
}

export interface HistoricalSource {
  id: string;
  title: string;
  fileName: string;
  sha256: string;
  firstOn: string | null;
  lastOn: string | null;
  reportId: string | null;
}

export function toHistoricalSource(record: HistoricalSourceRecord): HistoricalSource {
  return {
    id: record.id,
    title: record.title,
    fileName: record.file_name,
    sha256: record.sha256,
    firstOn: record.first_on,
    lastOn: record.last_on,
    reportId: record.report_id,
  };
}

export function toSourceList(record: SourceListRecord): SourceList {
  return {
    id: String(record.id),
    kind: upper(record.kind),
    listDate: record.list_date,
    listDateSource: record.list_date_source,
    edition: record.edition,
    fileName: record.file_name,
    url: record.url,
    sha256: record.sha256,
    byteSize: record.byte_size,
    rowCount: record.row_count,
    agreementsConfirmed: record.agreements_confirmed,
    rowsSkipped: record.rows_skipped,
    status: upper(record.status),
    statusReason: record.status_reason,
    warnings: (record.warnings ?? []).map(String),
    ingestedAt: record.ingested_at,
    appliedAt: record.applied_at,
  };
}

export interface Stats extends AgreementSummary {
  asOf: string | null;
  byState: { state: string; count: number }[];
  pipeline: Pipeline;
}

export interface PipelineGroup {
  count: number;
  medianDays: number | null;
}

export interface Pipeline extends PipelineGroup {
  byModel: (PipelineGroup & { model: string })[];
  byState: (PipelineGroup & { state: string })[];
}

function toPipeline(record: StatsRecord['pipeline']): Pipeline {
  const groups = <K extends string>(
    byKey: Record<string, { count: number; median_days: number | null }>,
    name: K,
    map: (key: string) => string,
  ) =>
    Object.entries(byKey)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([key, group]) =>
          ({ [name]: map(key), count: group.count, medianDays: group.median_days }) as {
            [P in K]: string;
          } & PipelineGroup,
      );
  return {
    count: record.count,
    medianDays: record.median_days,
    byModel: groups(record.by_model, 'model', upper),
    byState: groups(record.by_state, 'state', (key) => key),
  };
}

export function toStats(record: StatsRecord): Stats {
  return {
    asOf: record.as_of,
    ...toSummary(record),
    byState: counts(record.by_state, 'state', (key) => key),
    pipeline: toPipeline(record.pipeline),
  };
}
