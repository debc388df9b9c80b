// /v1/counties (JSON, CSV, GeoJSON polygons with agreement counts) and /v1/counties/{fips}.
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { z } from 'zod';
import { fieldColumns } from '../../http/csv.ts';
import { feature, featureCollection } from '../../http/geojson.ts';
import { badParameter, notFound } from '../../http/problem.ts';
import { canonicalKey, parseFilters, rejectUnknown, type Filters, type RawQuery } from '../../query/grammar.ts';
import { countyGeometries } from '../../reference/geography.ts';
import { agenciesByIds, agencyIdsByCounty } from '../../repositories/agencies.ts';
import { countiesByFips, countySummaries, emptySummary, type AgreementSummary, type CountyRecord } from '../../repositories/reference.ts';
import { geojsonResponse, jsonResponse, QUERY_PARAMETERS, querySchema } from '../../schemas/common.ts';
import { CountyListResponseSchema, CountyResponseSchema } from '../../schemas/geography.ts';
import { itemBody, rawQuery, smallCollection } from './common.ts';
import { summaryColumns } from './summaries.ts';

type CountyRow = CountyRecord & AgreementSummary;
const PARAMETERS = ['state', 'county_fips', 'as_of'] as const;

function parse(raw: RawQuery): Filters {
  rejectUnknown(raw, PARAMETERS);
  return parseFilters(raw, PARAMETERS);
}

/** Counties whose agencies hold (or held) agreements on the date, with their summaries, in FIPS order. */
async function countyRows(pool: pg.Pool, filters: Filters): Promise<CountyRow[]> {
  const summaries = await countySummaries(pool, filters.as_of, filters.county_fips);
  const counties = await countiesByFips(pool, [...summaries.keys()]);
  return counties
    .filter((county) => !filters.state || filters.state.includes(county.state))
    .map((county) => ({ ...county, ...(summaries.get(county.fips) ?? emptySummary()) }));
}

export const COUNTY_GEOJSON_NOTE =
  'Census 2023 cartographic boundaries (1:10m). Only counties with agencies holding agreements are included; ' +
  'statewide agencies count in no county (see /v1/states).';

export async function countyRoutes(app: FastifyInstance): Promise<void> {
  const pool = app.db.pool;
  const querystring = querySchema(PARAMETERS);
  smallCollection<CountyRow, Filters>(app, {
    path: '/counties',
    tags: ['geography'],
    summary: 'Counties with agreements',
    description: 'Counties whose agencies hold or held agreements (on as_of when given), with their summaries, in FIPS order.',
    querystring,
    schema: CountyListResponseSchema,
    columns: [...fieldColumns<CountyRow>(['fips', 'name', 'state', 'lat', 'lon']), ...summaryColumns<CountyRow>()],
    parse,
    load: async (filters) => ({ data: await countyRows(pool, filters), asOf: filters.as_of }),
  });

  const api = app;
  api.get(
    '/counties.geojson',
    {
      schema: {
        tags: ['geography'],
        summary: 'Counties as GeoJSON polygons with agreement counts',
        description: `An RFC 7946 FeatureCollection for choropleths: one (Multi)Polygon per county, id and properties.fips its zero-padded 5-digit FIPS code. ${COUNTY_GEOJSON_NOTE}`,
        querystring,
        response: geojsonResponse('A FeatureCollection; properties as in /v1/counties.', 'One feature per county.'),
      },
    },
    async (request, reply) => {
      const filters = parse(rawQuery(request));
      return app.restCache.respond(request, reply, 'geojson', canonicalKey({ route: 'counties.geojson', filters }), async () => {
        const geometries = countyGeometries();
        const rows = await countyRows(pool, filters);
        const features = rows.map((row) => feature(row.fips, geometries.get(row.fips) ?? null, row));
        return { body: JSON.stringify(featureCollection(features, { dataset_version: app.dataset.current().version, note: COUNTY_GEOJSON_NOTE })) };
      });
    },
  );

  api.get(
    '/counties/:fips',
    {
      schema: {
        tags: ['geography'],
        summary: 'One county, with its agencies',
        params: z.object({ fips: z.string().max(100).describe('5-digit county FIPS code, zero-padded (48201).') }),
        querystring: z.object({ as_of: QUERY_PARAMETERS.as_of }),
        response: jsonResponse(CountyResponseSchema, 'The county with its summary and agencies.', true),
      },
    },
    async (request, reply) => {
      const raw = rawQuery(request);
      rejectUnknown(raw, ['as_of']);
      const { as_of: asOf } = parseFilters(raw, ['as_of']);
      const { fips } = request.params as { fips: string };
      if (!/^\d{5}$/.test(fips)) throw badParameter('fips', `"${fips}" is not a 5-digit FIPS code`);
      return app.restCache.respond(request, reply, 'json', canonicalKey({ route: 'county', fips, asOf }), async () => {
        const [county] = await countiesByFips(pool, [fips]);
        if (!county) throw notFound(`no county with FIPS ${fips}`);
        const [summaries, ids] = await Promise.all([countySummaries(pool, asOf, [fips]), agencyIdsByCounty(pool, [fips])]);
        const agencies = await agenciesByIds(pool, ids.map((row) => row.id), asOf);
        agencies.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
        return itemBody(app, { ...county, ...(summaries.get(fips) ?? emptySummary()), agencies }, asOf);
      });
    },
  );
}
