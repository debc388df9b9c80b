// /v1/stats (counts on a date) and /v1/stats/timeseries (counts over time).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { csvDocument, fieldColumns } from '../../http/csv.ts';
import { negotiate, type Format } from '../../plugins/app/rest-cache.ts';
import { ALL_FILTERS, canonicalKey, parseFilters, QueryError, rejectUnknown, type Filters } from '../../query/grammar.ts';
import { INTERVALS, stats, timeseries, type Interval, type TimeseriesPoint } from '../../repositories/stats.ts';
import { csvResponse, jsonOrCsvResponse, jsonResponse, querySchema, singleParameter } from '../../schemas/common.ts';
import { StatsResponseSchema, TimeseriesResponseSchema } from '../../schemas/stats.ts';
import { listBody, meta, rawQuery } from './common.ts';

// Counts are by status, so a status filter would only empty some of them.
const STATS_FILTERS = ALL_FILTERS.filter((name) => name !== 'status');
// The series spans every list date, so a single as_of has no meaning there.
const SERIES_FILTERS = STATS_FILTERS.filter((name) => name !== 'as_of');
const SERIES_PARAMS = [...SERIES_FILTERS, 'interval'];

function interval(value: unknown): Interval {
  if (value === undefined || value === '') return 'month';
  const text = String(Array.isArray(value) ? value[0] : value).toLowerCase();
  if (!(INTERVALS as readonly string[]).includes(text)) throw new QueryError('interval', `unknown value "${text}"`, INTERVALS);
  return text as Interval;
}

export async function statsRoutes(app: FastifyInstance): Promise<void> {
  const api = app;
  const pool = app.db.pool;

  api.get(
    '/stats',
    {
      schema: {
        tags: ['stats'],
        summary: 'Counts on a date',
        description: 'Active, pending and ended agreements on as_of (default: the latest list), active agreements by model and by state. Other filters narrow what is counted.',
        querystring: querySchema(STATS_FILTERS),
        response: jsonResponse(StatsResponseSchema, 'The counts.'),
      },
    },
    async (request, reply) => {
      const raw = rawQuery(request);
      rejectUnknown(raw, STATS_FILTERS);
      const filters = parseFilters(raw, STATS_FILTERS);
      return app.restCache.respond(request, reply, 'json', canonicalKey({ route: 'stats', filters }), async () => {
        const data = await stats(pool, filters);
        return { body: JSON.stringify({ ...data, meta: meta(app, data.as_of ?? undefined) }) };
      });
    },
  );

  async function series(request: FastifyRequest, reply: FastifyReply, format: Format): Promise<FastifyReply> {
    const raw = rawQuery(request);
    rejectUnknown(raw, SERIES_PARAMS);
    const { interval: rawInterval, ...rest } = raw;
    const filters: Filters = parseFilters(rest, SERIES_FILTERS);
    const every = interval(rawInterval);
    return app.restCache.respond(request, reply, format, canonicalKey({ route: 'timeseries', format, filters, every }), async () => {
      const points = await timeseries(pool, filters, every);
      if (format === 'csv') return { body: csvDocument(fieldColumns<TimeseriesPoint>(['date', 'active_agreements', 'pending_agreements']), points) };
      return listBody(app, points, null, undefined);
    });
  }
  const querystring = querySchema(SERIES_FILTERS, { interval: singleParameter(`Interval between points: ${INTERVALS.join(', ')} (default month).`) });
  const description =
    'Active and pending agreements at the end of each interval, from the first applied list to the latest (the last point is the latest list\'s date). Filters narrow what is counted (per state, per model, ...).';
  api.get(
    '/stats/timeseries',
    {
      schema: { tags: ['stats'], summary: 'Counts over time', description: `${description} JSON by default; CSV with Accept: text/csv.`, querystring, response: jsonOrCsvResponse(TimeseriesResponseSchema, 'The series.') },
    },
    (request, reply) => series(request, reply, negotiate(request.headers.accept, ['json', 'csv'])),
  );
  api.get(
    '/stats/timeseries.csv',
    { schema: { tags: ['stats'], summary: 'Counts over time as CSV', description, querystring, response: csvResponse('One row per interval.') } },
    (request, reply) => series(request, reply, 'csv'),
  );
}
