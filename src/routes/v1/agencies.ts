// /v1/agencies (JSON, CSV, GeoJSON) and /v1/agencies/{id}.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { csvDocument, csvStream, fieldColumns } from '../../http/csv.ts';
import { feature, featureCollection, point } from '../../http/geojson.ts';
import { notFound } from '../../http/problem.ts';
import { negotiate, type Format } from '../../plugins/app/rest-cache.ts';
import {
  agencyDefaultSort,
  AGENCY_SORTS,
  ALL_FILTERS,
  canonicalKey,
  LIMIT_DEFAULT,
  PAGE_PARAMS,
  parseFilters,
  parsePage,
  rejectUnknown,
} from '../../query/grammar.ts';
import {
  agenciesByIds,
  aliasesByAgencyIds,
  listAgencies,
  reportLinksByAgencyIds,
  type AgencyRecord,
} from '../../repositories/agencies.ts';
import { agreementsByAgencyIds } from '../../repositories/agreements.ts';
import { AGENCY_COLUMNS, AgencyListResponseSchema, AgencyResponseSchema } from '../../schemas/agencies.ts';
import { csvResponse, geojsonResponse, jsonOrCsvResponse, jsonResponse, QUERY_PARAMETERS, querySchema } from '../../schemas/common.ts';
import { allPages, primed, collect, EXPORT_BATCH, inSnapshot, itemBody, listBody, nextLink, rawQuery, requestPath, wantsPage } from './common.ts';

const KNOWN = [...ALL_FILTERS, ...PAGE_PARAMS];
const DEFAULT_SORT = 'id';
const SORT_DOC = `Sort field (${AGENCY_SORTS.join(', ')}), prefixed with - for descending; default relevance with q (best match first), else id. Ties are broken by id.`;
const COLUMNS = fieldColumns<AgencyRecord>(AGENCY_COLUMNS);

export const AGENCY_GEOJSON_NOTE =
  'One Point per agency at its county\'s (or city\'s) centroid; statewide agencies are placed at their state\'s centroid ' +
  'with "statewide": true; agencies no rule could place have "geometry": null.';

function toFeatures(records: AgencyRecord[]) {
  return records.map((record) =>
    feature(record.id, point(record.lon, record.lat), { ...record, statewide: record.location_method === 'statewide' }),
  );
}

export async function agencyRoutes(app: FastifyInstance): Promise<void> {
  const api = app;
  const querystring = querySchema(KNOWN, {}, SORT_DOC);
  const pool = app.db.pool;

  async function list(request: FastifyRequest, reply: FastifyReply, format: Format): Promise<FastifyReply> {
    const raw = rawQuery(request);
    rejectUnknown(raw, KNOWN);
    const filters = parseFilters(raw);
    const defaultSort = agencyDefaultSort(raw, DEFAULT_SORT);
    const page = parsePage(raw, AGENCY_SORTS, defaultSort);
    const path = requestPath(request);
    const paged = format === 'json' || wantsPage(raw);
    const key = canonicalKey({ route: 'agencies', format, filters, page: paged ? page : { sort: page.sort } });
    const fetch = (db: typeof pool) => (cursor: string | undefined) =>
      listAgencies(db, filters, { ...page, limit: EXPORT_BATCH, include_total: false, ...(cursor ? { cursor } : {}) });

    if (format === 'csv' && !paged) {
      return app.restCache.stream(request, reply, 'csv', async () => csvStream(COLUMNS, await primed(inSnapshot(pool, (db) => allPages(fetch(db))))), {
        'content-disposition': 'attachment; filename="agencies.csv"',
      });
    }
    return app.restCache.respond(request, reply, format, key, async () => {
      const version = app.dataset.current().version;
      if (!paged) {
        const records = await collect(inSnapshot(pool, (db) => allPages(fetch(db))));
        return { body: JSON.stringify(featureCollection(toFeatures(records), { dataset_version: version, note: AGENCY_GEOJSON_NOTE })) };
      }
      const result = await listAgencies(pool, filters, page);
      const next = nextLink(path, filters, page, result.next_cursor, { limit: LIMIT_DEFAULT, sort: defaultSort });
      const headers: Record<string, string> = next ? { link: `<${next}>; rel="next"` } : {};
      if (format === 'csv') return { body: csvDocument(COLUMNS, result.data), headers };
      if (format === 'geojson') {
        return { body: JSON.stringify(featureCollection(toFeatures(result.data), { next, dataset_version: version, note: AGENCY_GEOJSON_NOTE })), headers };
      }
      return listBody(app, result.data, next, filters.as_of, result.total_count);
    });
  }

  const tags = ['agencies'];
  const description =
    'Agencies matching every filter given. Agreement filters (model, status, signed_from/to, as_of) keep agencies holding at least one matching agreement.';
  api.get(
    '/agencies',
    {
      schema: {
        tags,
        summary: 'Agencies',
        description: `${description} JSON by default; CSV with Accept: text/csv.`,
        querystring,
        response: jsonOrCsvResponse(AgencyListResponseSchema, 'A page of agencies.'),
      },
    },
    (request, reply) => list(request, reply, negotiate(request.headers.accept, ['json', 'csv'])),
  );
  api.get(
    '/agencies.csv',
    {
      schema: {
        tags,
        summary: 'Agencies as CSV',
        description: `${description} Streams every matching agency unless limit or cursor is given. models is ;-separated.`,
        querystring,
        response: csvResponse('Agencies, one per row, with a header row.'),
      },
    },
    (request, reply) => list(request, reply, 'csv'),
  );
  api.get(
    '/agencies.geojson',
    {
      schema: {
        tags,
        summary: 'Agencies as GeoJSON points',
        description: `${description} ${AGENCY_GEOJSON_NOTE}`,
        querystring,
        response: geojsonResponse('An RFC 7946 FeatureCollection of Point features, properties as in /v1/agencies plus statewide.', 'One feature per agency.'),
      },
    },
    (request, reply) => list(request, reply, 'geojson'),
  );

  api.get(
    '/agencies/:id',
    {
      schema: {
        tags,
        summary: 'One agency, with its names, agreements and oversight reports',
        params: z.object({ id: z.string().max(200).describe('Agency id, as in /v1/agencies.') }),
        querystring: z.object({ as_of: QUERY_PARAMETERS.as_of }),
        response: jsonResponse(AgencyResponseSchema, 'The agency with its names, agreements and reports.', true),
      },
    },
    async (request, reply) => {
      const raw = rawQuery(request);
      rejectUnknown(raw, ['as_of']);
      const { as_of: asOf } = parseFilters(raw, ['as_of']);
      const { id } = request.params as { id: string };
      return app.restCache.respond(request, reply, 'json', canonicalKey({ route: 'agency', id, asOf }), async () => {
        const [agency] = await agenciesByIds(pool, [id], asOf);
        if (!agency) throw notFound(`no agency ${JSON.stringify(id)}`);
        const [aliases, agreements, reports] = await Promise.all([
          aliasesByAgencyIds(pool, [id]),
          agreementsByAgencyIds(pool, [id], asOf ? { as_of: asOf } : {}),
          reportLinksByAgencyIds(pool, [id]),
        ]);
        return itemBody(
          app,
          {
            ...agency,
            aliases: aliases.map(({ agency_id: _agencyId, ...alias }) => alias),
            agreements,
            reports: reports.map(({ report_id, agency_name }) => ({ report_id, agency_name })),
          },
          asOf,
        );
      });
    },
  );
}
