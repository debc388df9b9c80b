// /v1/counties (JSON, CSV, GeoJSON polygons with agreement counts) and /v1/counties/{fips}.
import { z } from 'zod';
import { badParameter } from '../http/problem.ts';
import { parseFilters, rejectUnknown, type Filters } from '../query/grammar.ts';
import { countyGeometries } from '../reference/geography.ts';
import { agenciesByIds, agencyIdsByCounty, countiesByFips, countySummaries, emptySummary, type AgreementSummary, type CountyRecord } from '../repositories/index.ts';
import { csvRenderer, fieldColumns } from '../renderers/csv.ts';
import { feature, geojsonRenderer } from '../renderers/geojson.ts';
import { jsonRenderer } from '../renderers/json.ts';
import { querySchema } from '../schemas/common.ts';
import { CountyListResponseSchema, CountyResponseSchema } from '../schemas/geography.ts';
import { whole, type Collection, type Item } from './collection.ts';
import { summaryColumns } from './summaries.ts';

type CountyRow = CountyRecord & AgreementSummary;
const PARAMETERS = ['state', 'county_fips', 'as_of'] as const;

const COUNTY_GEOJSON_NOTE =
  'Census 2023 cartographic boundaries (1:10m). Only counties with agencies holding agreements are included; ' +
  'statewide agencies count in no county (see /v1/states).';

export const counties: Collection<CountyRow, Filters> = {
  path: '/counties',
  docs: {
    tags: ['geography'],
    summary: 'Counties with agreements',
    description: 'Counties whose agencies hold or held agreements (on as_of when given), with their summaries, in FIPS order.',
    formats: {
      geojson: {
        summary: 'Counties as GeoJSON polygons with agreement counts',
        description: `An RFC 7946 FeatureCollection for choropleths: one (Multi)Polygon per county, id and properties.fips its zero-padded 5-digit FIPS code. ${COUNTY_GEOJSON_NOTE}`,
        response: 'A FeatureCollection; properties as in /v1/counties.',
        featuresAre: 'One feature per county.',
      },
    },
  },
  querystring: querySchema(PARAMETERS),
  schema: CountyListResponseSchema,
  renderers: [jsonRenderer, csvRenderer, geojsonRenderer],
  paged: false,
  parse(raw) {
    rejectUnknown(raw, PARAMETERS);
    return { filters: parseFilters(raw, PARAMETERS) };
  },
  /** Counties whose agencies hold (or held) agreements on the date, with their summaries, in FIPS order. */
  async fetch(db, filters) {
    const summaries = await countySummaries(db, filters.as_of, filters.county_fips);
    const rows = await countiesByFips(db, [...summaries.keys()]);
    return whole(
      rows
        .filter((county) => !filters.state || filters.state.includes(county.state))
        .map((county) => ({ ...county, ...(summaries.get(county.fips) ?? emptySummary()) })),
    );
  },
  csv: { columns: [...fieldColumns<CountyRow>(['fips', 'name', 'state', 'lat', 'lon']), ...summaryColumns<CountyRow>()] },
  geojson: {
    note: COUNTY_GEOJSON_NOTE,
    async features(_db, rows) {
      const geometries = countyGeometries();
      return rows.map((row) => feature(row.fips, geometries.get(row.fips) ?? null, row));
    },
  },
};

export const county: Item<object> = {
  path: '/counties/:fips',
  tags: ['geography'],
  summary: 'One county, with its agencies',
  response: 'The county with its summary and agencies.',
  schema: CountyResponseSchema,
  param: { name: 'fips', schema: z.string().max(100).describe('5-digit county FIPS code, zero-padded (48201).') },
  asOf: true,
  id(fips) {
    if (!/^\d{5}$/.test(fips)) throw badParameter('fips', `"${fips}" is not a 5-digit FIPS code`);
    return fips;
  },
  async load(db, fips, asOf) {
    const [found] = await countiesByFips(db, [fips]);
    if (!found) return null;
    const [summaries, ids] = await Promise.all([countySummaries(db, asOf, [fips]), agencyIdsByCounty(db, [fips])]);
    const agencies = await agenciesByIds(db, ids.map((row) => row.id), asOf);
    agencies.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    return { ...found, ...(summaries.get(fips) ?? emptySummary()), agencies };
  },
  missing: (fips) => `no county with FIPS ${fips}`,
};
