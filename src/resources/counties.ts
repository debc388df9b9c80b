// /v1/counties (JSON, CSV, GeoJSON polygons with agreement counts) and /v1/counties/{fips}.
import { z } from 'zod';
import { badParameter } from '../http/problem.ts';
import {
  bool,
  OPTIONAL_PAGE_PARAMS,
  optionalPage,
  parseFilters,
  rejectUnknown,
  type Filters,
} from '../query/grammar.ts';
import { pageInOrder } from '../query/paging.ts';
import { COUNTY_PLACE_FIELDS } from '../records/county.ts';
import { fieldNames } from '../records/record.ts';
import { countyGeometries } from '../reference/geography.ts';
import {
  agenciesByIds,
  agencyIdsByCounty,
  countiesByFips,
  countiesByState,
  countySummaries,
  emptySummary,
  listStates,
  type AgreementSummary,
  type CountyRecord,
} from '../repositories/index.ts';
import { csvRenderer, fieldColumns } from '../renderers/csv.ts';
import { feature, geojsonRenderer } from '../renderers/geojson.ts';
import { jsonRenderer } from '../renderers/json.ts';
import { querySchema, singleParameter } from '../schemas/common.ts';
import { CountyListResponseSchema, CountyResponseSchema } from '../schemas/geography.ts';
import type { Collection, Item } from './collection.ts';
import { summaryColumns } from './summaries.ts';

type CountyRow = CountyRecord & AgreementSummary;
const PARAMETERS = ['state', 'county_fips', 'as_of'] as const;
/** all=true: every county, zeros included (a choropleth needs them all). */
type CountyFilters = Filters & { all?: true };

const COUNTY_GEOJSON_NOTE =
  'Census 2023 cartographic boundaries (1:10m). Only counties with agencies holding agreements are included unless all=true, ' +
  'which gives every county (3,233), zeros included; statewide agencies count in no county (see /v1/states).';

export const counties: Collection<CountyRow, CountyFilters> = {
  path: '/counties',
  docs: {
    tags: ['geography'],
    summary: 'Counties with agreements',
    description:
      'Counties whose agencies hold or held agreements (on as_of when given), with their summaries, in FIPS order; with all=true every county, zeros included. Every county unless limit or cursor asks for a page.',
    formats: {
      geojson: {
        summary: 'Counties as GeoJSON polygons with agreement counts',
        description: `An RFC 7946 FeatureCollection for choropleths: one (Multi)Polygon per county, id and properties.fips its zero-padded 5-digit FIPS code. ${COUNTY_GEOJSON_NOTE}`,
        response: 'A FeatureCollection; properties as in /v1/counties.',
        featuresAre: 'One feature per county.',
      },
    },
  },
  querystring: querySchema([...PARAMETERS, ...OPTIONAL_PAGE_PARAMS], {
    all: singleParameter(
      "true: every county (3,233 with the territories' county equivalents), zeros included, for a choropleth; default false: the counties with agreements.",
    ),
  }),
  schema: CountyListResponseSchema,
  renderers: [jsonRenderer, csvRenderer, geojsonRenderer],
  paged: false,
  parse(raw) {
    rejectUnknown(raw, [...PARAMETERS, ...OPTIONAL_PAGE_PARAMS, 'all']);
    const page = optionalPage(raw);
    return {
      filters: { ...parseFilters(raw, PARAMETERS), ...(bool('all', raw.all) ? { all: true as const } : {}) },
      ...(page ? { page } : {}),
    };
  },
  /** Counties whose agencies hold (or held) agreements on the date (or every county), with their summaries, in FIPS order. */
  async fetch(db, filters, page) {
    const summaries = await countySummaries(db, filters.as_of, filters.county_fips);
    const rows = !filters.all
      ? await countiesByFips(db, [...summaries.keys()])
      : filters.county_fips
        ? await countiesByFips(db, filters.county_fips)
        : await countiesByState(db, filters.state ?? (await listStates(db)).map((state) => state.code));
    const records = rows
      .filter((county) => !filters.state || filters.state.includes(county.state))
      .map((county) => ({ ...county, ...(summaries.get(county.fips) ?? emptySummary()) }));
    return pageInOrder(records, page, (county) => county.fips);
  },
  csv: {
    columns: [...fieldColumns<CountyRow>(fieldNames(COUNTY_PLACE_FIELDS)), ...summaryColumns<CountyRow>()],
  },
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
    const agencies = await agenciesByIds(
      db,
      ids.map((row) => row.id),
      asOf,
    );
    agencies.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    return { ...found, ...(summaries.get(fips) ?? emptySummary()), agencies };
  },
  missing: (fips) => `no county with FIPS ${fips}`,
};
