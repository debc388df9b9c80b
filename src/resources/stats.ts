// /v1/stats (counts on a date) and /v1/stats/timeseries (counts over time).
import type { FastifyInstance } from 'fastify';
import { meta } from '../http/envelope.ts';
import { rawQuery } from '../http/request.ts';
import {
  canonicalKey,
  STATS_FILTERS,
  enumList,
  parseFilters,
  QueryError,
  rejectUnknown,
  type Filters,
} from '../query/grammar.ts';
import { INTERVALS, stats, timeseries, type Interval, type TimeseriesPoint } from '../repositories/index.ts';
import { csvRenderer, fieldColumns } from '../renderers/csv.ts';
import { jsonRenderer } from '../renderers/json.ts';
import { jsonResponse, querySchema, singleParameter } from '../schemas/common.ts';
import { StatsResponseSchema, TimeseriesResponseSchema } from '../schemas/stats.ts';
import { whole, type Collection } from './collection.ts';

// The series spans every list date, so a single as_of has no meaning there.
const SERIES_FILTERS = STATS_FILTERS.filter((name) => name !== 'as_of');

type SeriesQuery = Filters & { interval: Interval };

export const timeseriesCollection: Collection<TimeseriesPoint, SeriesQuery> = {
  path: '/stats/timeseries',
  docs: {
    tags: ['stats'],
    summary: 'Counts over time',
    description:
      "Active and pending agreements at the end of each interval, from the first applied list to the latest (the last point is the latest list's date). Filters narrow what is counted (per state, per model, ...).",
    formats: { json: { response: 'The series.' }, csv: { response: 'One row per interval.' } },
  },
  querystring: querySchema(SERIES_FILTERS, {
    interval: singleParameter(`Interval between points: ${INTERVALS.join(', ')} (default month).`),
  }),
  schema: TimeseriesResponseSchema,
  renderers: [jsonRenderer, csvRenderer],
  paged: false,
  parse(raw) {
    rejectUnknown(raw, [...SERIES_FILTERS, 'interval']);
    const { interval, ...rest } = raw;
    const [every = 'month', ...more] = enumList('interval', interval, INTERVALS) ?? [];
    if (more.length > 0) throw new QueryError('interval', 'takes one value', INTERVALS);
    return { filters: { ...parseFilters(rest, SERIES_FILTERS), interval: every } };
  },
  fetch: async (db, { interval, ...filters }) => whole(await timeseries(db, filters, interval)),
  csv: { columns: fieldColumns<TimeseriesPoint>(['date', 'active_agreements', 'pending_agreements']) },
};

export function statsRoute(app: FastifyInstance): void {
  app.get(
    '/stats',
    {
      schema: {
        tags: ['stats'],
        summary: 'Counts on a date',
        description:
          'Active, pending, ended and withdrawn agreements on as_of (default: the latest list), active agreements by model and by state. Other filters narrow what is counted.',
        querystring: querySchema(STATS_FILTERS),
        response: jsonResponse(StatsResponseSchema, 'The counts.'),
      },
    },
    async (request, reply) => {
      const raw = rawQuery(request);
      rejectUnknown(raw, STATS_FILTERS);
      const filters = parseFilters(raw, STATS_FILTERS);
      return app.responseCache.respond(
        request,
        reply,
        jsonRenderer,
        canonicalKey({ path: '/stats', filters }),
        async () => {
          const data = await stats(app.db.pool, filters);
          return { body: JSON.stringify({ ...data, meta: meta(app.dataset.current(), data.as_of ?? undefined) }) };
        },
      );
    },
  );
}
