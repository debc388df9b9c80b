// /v1/agreements (JSON, CSV, GeoJSON) and /v1/agreements/{id}.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { csvStream, csvDocument, fieldColumns } from '../../http/csv.ts';
import { feature, featureCollection, point } from '../../http/geojson.ts';
import { notFound } from '../../http/problem.ts';
import { negotiate, type Format } from '../../plugins/app/rest-cache.ts';
import {
  AGREEMENT_SORTS,
  ALL_FILTERS,
  canonicalKey,
  LIMIT_DEFAULT,
  PAGE_PARAMS,
  parseFilters,
  parsePage,
  rejectUnknown,
  type AgreementSort,
  type Filters,
  type Page,
} from '../../query/grammar.ts';
import { agencyPointsByIds } from '../../repositories/agencies.ts';
import { getAgreement, listAgreements, type AgreementRecord } from '../../repositories/agreements.ts';
import { AGREEMENT_COLUMNS, AgreementListResponseSchema, AgreementResponseSchema } from '../../schemas/agreements.ts';
import { csvResponse, geojsonResponse, jsonOrCsvResponse, jsonResponse, QUERY_PARAMETERS, querySchema } from '../../schemas/common.ts';
import { allPages, primed, collect, EXPORT_BATCH, inSnapshot, itemBody, listBody, nextLink, rawQuery, requestPath, wantsPage } from './common.ts';

const KNOWN = [...ALL_FILTERS, ...PAGE_PARAMS];
const DEFAULT_SORT = 'id';
const SORT_DOC = `Sort field (${AGREEMENT_SORTS.join(', ')}), prefixed with - for descending (-signed_on: newest first); default id. Ties are broken by id.`;
const COLUMNS = fieldColumns<AgreementRecord>(AGREEMENT_COLUMNS);

export const GEOJSON_NOTE =
  'Agencies are points at their county\'s (or city\'s) centroid; statewide agencies (state police, corrections departments) ' +
  'are placed at their state\'s centroid with location_method "statewide"; agencies no rule could place have "geometry": null.';

interface Parsed {
  raw: Record<string, unknown>;
  filters: Filters;
  page: Page<AgreementSort>;
}

function parseQuery(request: FastifyRequest): Parsed {
  const raw = rawQuery(request);
  rejectUnknown(raw, KNOWN);
  return { raw, filters: parseFilters(raw), page: parsePage(raw, AGREEMENT_SORTS, DEFAULT_SORT) };
}

async function toFeatures(app: FastifyInstance, records: AgreementRecord[]) {
  const points = new Map((await agencyPointsByIds(app.db.pool, [...new Set(records.map((record) => record.agency_id))])).map((p) => [p.id, p]));
  return records.map((record) => {
    const place = points.get(record.agency_id);
    return feature(record.id, point(place?.lon ?? null, place?.lat ?? null), {
      ...record,
      location_method: place?.location_method ?? 'unresolved',
    });
  });
}

export async function agreementRoutes(app: FastifyInstance): Promise<void> {
  const api = app;
  const querystring = querySchema(KNOWN, {}, SORT_DOC);
  const pool = app.db.pool;

  async function list(request: FastifyRequest, reply: FastifyReply, format: Format): Promise<FastifyReply> {
    const { raw, filters, page } = parseQuery(request);
    const path = requestPath(request);
    const paged = format === 'json' || wantsPage(raw);
    const key = canonicalKey({ route: 'agreements', format, filters, page: paged ? page : { sort: page.sort } });
    const fetch = (db: typeof pool) => (cursor: string | undefined) =>
      listAgreements(db, filters, { ...page, limit: EXPORT_BATCH, include_total: false, ...(cursor ? { cursor } : {}) });

    if (format === 'csv' && !paged) {
      return app.restCache.stream(request, reply, 'csv', async () => csvStream(COLUMNS, await primed(inSnapshot(pool, (db) => allPages(fetch(db))))), {
        'content-disposition': 'attachment; filename="agreements.csv"',
      });
    }
    return app.restCache.respond(request, reply, format, key, async () => {
      if (!paged) {
        const records = await collect(inSnapshot(pool, (db) => allPages(fetch(db))));
        return { body: JSON.stringify(featureCollection(await toFeatures(app, records), { dataset_version: app.dataset.current().version, note: GEOJSON_NOTE })) };
      }
      const result = await listAgreements(pool, filters, page);
      const next = nextLink(path, filters, page, result.next_cursor, { limit: LIMIT_DEFAULT, sort: DEFAULT_SORT });
      const headers: Record<string, string> = next ? { link: `<${next}>; rel="next"` } : {};
      if (format === 'csv') return { body: csvDocument(COLUMNS, result.data), headers };
      if (format === 'geojson') {
        return { body: JSON.stringify(featureCollection(await toFeatures(app, result.data), { next, dataset_version: app.dataset.current().version, note: GEOJSON_NOTE })), headers };
      }
      return listBody(app, result.data, next, filters.as_of, result.total_count);
    });
  }

  const tags = ['agreements'];
  const description = 'Agreements matching every filter given (filters of different names combine with AND, repeated values with OR).';
  api.get(
    '/agreements',
    {
      schema: {
        tags,
        summary: 'Agreements',
        description: `${description} JSON by default; CSV with Accept: text/csv.`,
        querystring,
        response: jsonOrCsvResponse(AgreementListResponseSchema, 'A page of agreements.'),
      },
    },
    (request, reply) => list(request, reply, negotiate(request.headers.accept, ['json', 'csv'])),
  );
  api.get(
    '/agreements.csv',
    {
      schema: {
        tags,
        summary: 'Agreements as CSV',
        description: `${description} Streams every matching agreement unless limit or cursor is given (then one page, with a Link header).`,
        querystring,
        response: csvResponse('Agreements, one per row, with a header row.'),
      },
    },
    (request, reply) => list(request, reply, 'csv'),
  );
  api.get(
    '/agreements.geojson',
    {
      schema: {
        tags,
        summary: 'Agreements as GeoJSON',
        description: `${description} An RFC 7946 FeatureCollection of every matching agreement (or one page with limit/cursor). ${GEOJSON_NOTE}`,
        querystring,
        response: geojsonResponse('A FeatureCollection: one Point feature per agreement, its properties the agreement\'s fields.', 'One feature per agreement.'),
      },
    },
    (request, reply) => list(request, reply, 'geojson'),
  );

  api.get(
    '/agreements/:id',
    {
      schema: {
        tags,
        summary: 'One agreement, with its events and sources',
        params: z.object({ id: z.string().max(200).describe('Agreement id, as in /v1/agreements.') }),
        querystring: z.object({ as_of: QUERY_PARAMETERS.as_of }),
        response: jsonResponse(AgreementResponseSchema, 'The agreement with its events and sources.', true),
      },
    },
    async (request, reply) => {
      const raw = rawQuery(request);
      rejectUnknown(raw, ['as_of']);
      const { as_of: asOf } = parseFilters(raw, ['as_of']);
      const { id } = request.params as { id: string };
      return app.restCache.respond(request, reply, 'json', canonicalKey({ route: 'agreement', id, asOf }), async () => {
        const agreement = await getAgreement(pool, id, asOf);
        if (!agreement) throw notFound(`no agreement ${JSON.stringify(id)}${asOf ? ` as of ${asOf}` : ''}`);
        return itemBody(app, agreement, asOf);
      });
    },
  );
}
