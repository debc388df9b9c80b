// Counts of agreements now or on any date, and their time series.
import type { Db } from '../database/connect.ts';
import { AGREEMENT_STATUSES } from '../domain/enums.ts';
import type { Filters } from '../query/grammar.ts';
import { agreementSource, Params, spanCovers, whereClause } from '../query/sql.ts';
import { memoized } from './aggregates.ts';
import { emptySummary } from './reference.ts';

export interface Stats {
  as_of: string | null;
  active_agreements: number;
  pending_agreements: number;
  ended_agreements: number;
  withdrawn_agreements: number;
  active_agencies: number;
  /** Active agreements by model and by state. */
  by_model: Record<string, number>;
  by_state: Record<string, number>;
  by_status: Record<string, number>;
  /** Applications signed: days from first application to signing. */
  pipeline: Pipeline;
}

export interface PipelineGroup {
  /** Agreements that began as an application and were signed by the date. */
  count: number;
  /** Median days from the first pending list that showed the application to the signing date. */
  median_days: number | null;
}

export interface Pipeline extends PipelineGroup {
  by_model: Record<string, PipelineGroup>;
  by_state: Record<string, PipelineGroup>;
}

/**
 * The pending-to-signed pipeline: for each agreement that began as an application (an `applied` event) and
 * was then signed (promoted: a `signed` event from pending) by a list dated on or before `asOf`, the days from
 * the first application to the signing date ICE gave. Medians need every value, so the database groups.
 */
async function pipeline(db: Db, filters: Filters, asOf: string | null): Promise<Pipeline> {
  const { status: _status, as_of: _asOf, ...rest } = filters;
  const params = new Params();
  const source = agreementSource(rest, params);
  const date = params.add(asOf);
  const rows = await db.query<{
    model: string | null;
    state: string | null;
    count: number;
    median_days: number | null;
  }>(
    `WITH signed AS (
       SELECT a.model_code AS model, g.state_code::text AS state, s.occurred_on - ap.occurred_on AS days
       FROM ${source.from}
       JOIN LATERAL (SELECT min(e.occurred_on) AS occurred_on FROM agreement_events e
                     WHERE e.agreement_id = a.id AND e.type = 'applied') ap ON ap.occurred_on IS NOT NULL
       JOIN LATERAL (SELECT e.occurred_on FROM agreement_events e JOIN source_lists l ON l.id = e.source_list_id
                     WHERE e.agreement_id = a.id AND e.type = 'signed' AND e.details->>'from_status' = 'pending'
                       AND (${date}::date IS NULL OR l.list_date <= ${date}::date)
                     ORDER BY l.list_date, e.id LIMIT 1) s ON true
       ${whereClause(source.where)})
     SELECT model, state, count(*)::int AS count, percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS median_days
     FROM signed GROUP BY GROUPING SETS ((), (model), (state))`,
    params.values,
  );
  const result: Pipeline = { count: 0, median_days: null, by_model: {}, by_state: {} };
  for (const row of rows.rows) {
    const group = { count: row.count, median_days: row.median_days === null ? null : Number(row.median_days) };
    if (row.model !== null) result.by_model[row.model] = group;
    else if (row.state !== null) result.by_state[row.state] = group;
    else Object.assign(result, group);
  }
  return result;
}

/** The date of the latest applied list (the "now" of the dataset). */
export async function latestListDate(db: Db): Promise<string | null> {
  const result = await db.query<{ list_date: string | null }>(
    `SELECT max(list_date) AS list_date FROM source_lists WHERE status = 'applied'`,
  );
  return result.rows[0]?.list_date ?? null;
}

/** Counts on a date (computed once per dataset version and filters). */
export function stats(db: Db, filters: Filters): Promise<Stats> {
  return memoized(db, 'stats', filters, () => computeStats(db, filters));
}

async function computeStats(db: Db, filters: Filters): Promise<Stats> {
  const { status: _status, ...rest } = filters;
  const params = new Params();
  const source = agreementSource(rest, params);
  // Counts per (status, model, state), summed below in JS, and the distinct active agencies: two hash
  // aggregates, measured cheaper than GROUPING SETS with a DISTINCT count per set.
  const rows = await db.query<{ status: string; model: string; state: string; agreements: number }>(
    `SELECT ${source.status}::text AS status, a.model_code AS model, g.state_code::text AS state, count(*)::int AS agreements
     FROM ${source.from} ${whereClause(source.where)}
     GROUP BY 1, 2, 3`,
    params.values,
  );
  const agencies = await db.query<{ agencies: number }>(
    `SELECT count(*)::int AS agencies FROM (SELECT DISTINCT a.agency_id
       FROM ${source.from} ${whereClause([...source.where, `${source.status} = 'active'`])}) active`,
    params.values,
  );
  const asOf = filters.as_of ?? (await latestListDate(db));
  const result: Stats = {
    as_of: asOf,
    ...emptySummary(),
    by_state: {},
    by_status: Object.fromEntries(AGREEMENT_STATUSES.map((status) => [status, 0])),
    pipeline: await pipeline(db, filters, filters.as_of ?? null),
  };
  for (const row of rows.rows) {
    result.by_status[row.status] = (result.by_status[row.status] ?? 0) + row.agreements;
    if (row.status !== 'active') continue;
    result.by_model[row.model] = (result.by_model[row.model] ?? 0) + row.agreements;
    result.by_state[row.state] = (result.by_state[row.state] ?? 0) + row.agreements;
  }
  result.active_agencies = agencies.rows[0]?.agencies ?? 0;
  result.active_agreements = result.by_status.active ?? 0;
  result.pending_agreements = result.by_status.pending ?? 0;
  result.ended_agreements = result.by_status.ended ?? 0;
  result.withdrawn_agreements = result.by_status.withdrawn ?? 0;
  return result;
}

export const INTERVALS = ['day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];

export interface TimeseriesPoint {
  date: string;
  active_agreements: number;
  pending_agreements: number;
}

/**
 * Counts at the end of every interval from the first applied list to the latest (the last point is the latest list's
 * date), computed once per dataset version, filters and interval.
 */
export function timeseries(db: Db, filters: Filters, interval: Interval): Promise<TimeseriesPoint[]> {
  return memoized(db, 'timeseries', { filters, interval }, () => computeTimeseries(db, filters, interval));
}

async function computeTimeseries(db: Db, filters: Filters, interval: Interval): Promise<TimeseriesPoint[]> {
  const { status: _status, as_of: _asOf, ...rest } = filters;
  const params = new Params();
  const source = agreementSource(rest, params);
  const unit = params.add(interval);
  const rows = await db.query<{ date: string; active: string; pending: string }>(
    `WITH bounds AS (SELECT min(list_date) AS first, max(list_date) AS last FROM source_lists WHERE status = 'applied'),
     points AS (
       SELECT DISTINCT LEAST((date_trunc(${unit}, d) + ('1 ' || ${unit})::interval - interval '1 day')::date, b.last) AS on_date
       FROM bounds b, generate_series(date_trunc(${unit}, b.first), b.last, ('1 ' || ${unit})::interval) d
       WHERE b.first IS NOT NULL),
     spans AS (
       SELECT s.status, s.from_on, s.to_on FROM agreement_status_spans s
       JOIN (SELECT a.id FROM ${source.from} ${whereClause(source.where)}) matching ON matching.id = s.agreement_id
       WHERE s.status IN ('active', 'pending'))
     SELECT p.on_date AS date,
       count(*) FILTER (WHERE x.status = 'active') AS active, count(*) FILTER (WHERE x.status = 'pending') AS pending
     FROM points p LEFT JOIN spans x ON ${spanCovers('x', 'p.on_date')}
     GROUP BY p.on_date ORDER BY p.on_date`,
    params.values,
  );
  return rows.rows.map((row) => ({
    date: row.date,
    active_agreements: Number(row.active),
    pending_agreements: Number(row.pending),
  }));
}
