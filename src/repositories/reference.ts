// States, counties, support models and oversight reports, each with a summary
// of the agreements they hold (now or on as_of).
import type { Db } from '../database/connect.ts';
import type { ModelCode } from '../domain/enums.ts';
import type { COUNTY_PLACE_FIELDS } from '../records/county.ts';
import type { RecordOf } from '../records/record.ts';
import type { SUMMARY_FIELDS } from '../records/summary.ts';
import { agreementSource, Params, select } from '../query/sql.ts';
import { memoized } from './aggregates.ts';

/** What a state, county or model holds: the summary's fields. */
export type AgreementSummary = RecordOf<typeof SUMMARY_FIELDS>;

/**
 * Summaries of agreements grouped by `groupColumn` ('g.state_code', 'g.county_fips' or 'a.model_code'), for `keys`
 * or all. Every group's is computed at once, once per dataset version and date, and the asked ones picked from it.
 */
async function summaries(
  db: Db,
  groupColumn: string,
  asOf: string | undefined,
  keys?: readonly string[],
): Promise<Map<string, AgreementSummary>> {
  const all = await memoized(db, 'summaries', { groupColumn, asOf }, async () => [
    ...(await computeSummaries(db, groupColumn, asOf)),
  ]);
  const wanted = keys ? new Set(keys) : undefined;
  return new Map(all.filter(([key]) => !wanted || wanted.has(key)));
}

async function computeSummaries(
  db: Db,
  groupColumn: string,
  asOf: string | undefined,
): Promise<Map<string, AgreementSummary>> {
  const params = new Params();
  const { from, status } = agreementSource(asOf ? { as_of: asOf } : {}, params);
  const rows = await db.query<{ key: string; status: string; model: ModelCode; agreements: string }>(
    `SELECT ${groupColumn}::text AS key, ${status}::text AS status, a.model_code AS model, count(*) AS agreements
     FROM ${from} GROUP BY 1, 2, 3`,
    params.values,
  );
  const result = new Map<string, AgreementSummary>();
  for (const row of rows.rows) {
    if (row.key === null) continue;
    const summary = result.get(row.key) ?? emptySummary();
    const count = Number(row.agreements);
    if (row.status === 'active') {
      summary.active_agreements += count;
      summary.by_model[row.model] = count;
    } else if (row.status === 'pending') summary.pending_agreements += count;
    else if (row.status === 'withdrawn') summary.withdrawn_agreements += count;
    else summary.ended_agreements += count;
    result.set(row.key, summary);
  }
  // Distinct active agencies need their own count (an agency holds up to three models).
  const agencies = await db.query<{ key: string; agencies: string }>(
    `SELECT ${groupColumn}::text AS key, count(DISTINCT a.agency_id) AS agencies FROM ${from}
     WHERE ${status} = 'active' GROUP BY 1`,
    params.values,
  );
  for (const row of agencies.rows) {
    const summary = result.get(row.key);
    if (summary) summary.active_agencies = Number(row.agencies);
  }
  return result;
}

export function emptySummary(): AgreementSummary {
  return {
    active_agreements: 0,
    pending_agreements: 0,
    ended_agreements: 0,
    withdrawn_agreements: 0,
    active_agencies: 0,
    by_model: {},
  };
}

export interface StateRecord {
  code: string;
  name: string;
  fips: string;
  is_territory: boolean;
  lat: number | null;
  lon: number | null;
}

export async function listStates(db: Db): Promise<StateRecord[]> {
  return select<StateRecord>(
    db,
    'SELECT code::text AS code, name, fips::text AS fips, is_territory, lat, lon FROM states ORDER BY code',
  );
}

export const stateSummaries = (db: Db, asOf?: string, codes?: readonly string[]) =>
  summaries(db, 'g.state_code', asOf, codes);
export const countySummaries = (db: Db, asOf?: string, fips?: readonly string[]) =>
  summaries(db, 'g.county_fips', asOf, fips);
export const modelSummaries = (db: Db, asOf?: string) => summaries(db, 'a.model_code', asOf);

/** A county without its summary: the county record's own fields. */
export type CountyRecord = RecordOf<typeof COUNTY_PLACE_FIELDS>;

const COUNTY_RECORDS = 'SELECT fips::text AS fips, name, state_code::text AS state, lat, lon FROM counties';

/** Counties by FIPS code or by state, in FIPS order. */
function countiesWhere(column: 'fips' | 'state_code') {
  return (db: Db, codes: readonly string[]): Promise<CountyRecord[]> =>
    select<CountyRecord>(db, `${COUNTY_RECORDS} WHERE ${column} = ANY($1::bpchar[]) ORDER BY fips`, [codes]);
}

export const countiesByFips = countiesWhere('fips');
export const countiesByState = countiesWhere('state_code');

/** Every county, in FIPS order (a release's counties table). */
export const everyCounty = (db: Db): Promise<CountyRecord[]> =>
  select<CountyRecord>(db, `${COUNTY_RECORDS} ORDER BY fips`);

export interface ModelRecord {
  code: string;
  name: string;
  abbreviation: string | null;
  description: string;
  introduced_on: string | null;
  suspended_on: string | null;
  reinstated_on: string | null;
  source_url: string | null;
}

export async function listModels(db: Db): Promise<ModelRecord[]> {
  return select<ModelRecord>(
    db,
    `SELECT code, name, abbreviation, description, introduced_on, suspended_on, reinstated_on, source_url
     FROM support_models ORDER BY code`,
  );
}

export interface ReportRecord {
  id: string;
  issuer: string;
  title: string;
  published_on: string | null;
  released_on: string | null;
  url: string | null;
  recommendation_count: number | null;
  summary: string;
  sources: { fact: string; url: string }[];
  models: string[];
}

export interface RecommendationRecord {
  report_id: string;
  number: number;
  text: string;
  status: string | null;
}

export interface ReportAgencyRecord {
  report_id: string;
  agency_name: string;
  state: string;
  agency_id: string | null;
}

export async function listReports(db: Db, ids?: readonly string[]): Promise<ReportRecord[]> {
  return select<ReportRecord>(
    db,
    `SELECT r.id, r.issuer, r.title, r.published_on, r.released_on, r.url, r.recommendation_count, r.summary, r.sources,
       COALESCE((SELECT array_agg(m.model_code ORDER BY m.model_code) FROM oversight_report_models m WHERE m.report_id = r.id), '{}') AS models
     FROM oversight_reports r ${ids ? 'WHERE r.id = ANY($1::text[])' : ''}
     ORDER BY r.published_on NULLS LAST, r.id`,
    ids ? [ids] : [],
  );
}

const RECOMMENDATIONS =
  'SELECT report_id, number, text, status FROM recommendations WHERE report_id = ANY($1::text[]) ORDER BY report_id, number';
const REPORT_AGENCIES = `SELECT report_id, agency_name, state_code::text AS state, agency_id FROM oversight_report_agencies
  WHERE report_id = ANY($1::text[]) ORDER BY report_id, agency_name`;

export const recommendationsByReportIds = (db: Db, ids: readonly string[]) =>
  select<RecommendationRecord>(db, RECOMMENDATIONS, [ids]);
export const agenciesByReportIds = (db: Db, ids: readonly string[]) =>
  select<ReportAgencyRecord>(db, REPORT_AGENCIES, [ids]);
