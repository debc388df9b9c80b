// /v1/agencies (JSON, CSV, GeoJSON) and /v1/agencies/{id}.
import { z } from 'zod';
import { agencyDefaultSort, AGENCY_SORTS, type AgencySort } from '../query/grammar.ts';
import {
  agenciesByIds,
  agreementsByAgencyIds,
  aliasesByAgencyIds,
  listAgencies,
  reportLinksByAgencyIds,
  type AgencyRecord,
} from '../repositories/index.ts';
import { fieldColumns } from '../renderers/csv.ts';
import { feature, point } from '../renderers/geojson.ts';
import { AGENCY_COLUMNS, AgencyListResponseSchema, AgencyResponseSchema } from '../schemas/agencies.ts';
import { keysetCollection, type Item } from './collection.ts';

const DESCRIPTION =
  'Agencies matching every filter given. Agreement filters (model, status, signed_from/to, as_of) keep agencies holding at least one matching agreement.';

const AGENCY_GEOJSON_NOTE =
  "One Point per agency at its county's (or city's) centroid; statewide agencies are placed at their state's centroid " +
  'with "statewide": true; agencies no rule could place have "geometry": null.';

export const agencies = keysetCollection<AgencyRecord, AgencySort>({
  path: '/agencies',
  docs: {
    tags: ['agencies'],
    summary: 'Agencies',
    description: DESCRIPTION,
    formats: {
      csv: {
        description: `${DESCRIPTION} Streams every matching agency unless limit or cursor is given. models is ;-separated.`,
      },
      geojson: {
        summary: 'Agencies as GeoJSON points',
        description: `${DESCRIPTION} ${AGENCY_GEOJSON_NOTE}`,
        response: 'An RFC 7946 FeatureCollection of Point features, properties as in /v1/agencies plus statewide.',
        featuresAre: 'One feature per agency.',
      },
    },
  },
  schema: AgencyListResponseSchema,
  sorts: AGENCY_SORTS,
  defaultSort: { of: (raw) => agencyDefaultSort(raw, 'id'), doc: 'relevance with q (best match first), else id' },
  fetch: listAgencies,
  columns: fieldColumns<AgencyRecord>(AGENCY_COLUMNS),
  geojson: {
    note: AGENCY_GEOJSON_NOTE,
    features: async (_db, records) =>
      records.map((record) =>
        feature(record.id, point(record.lon, record.lat), {
          ...record,
          statewide: record.location_method === 'statewide',
        }),
      ),
  },
});

export const agency: Item<object> = {
  path: '/agencies/:id',
  tags: ['agencies'],
  summary: 'One agency, with its names, agreements and oversight reports',
  response: 'The agency with its names, agreements and reports.',
  schema: AgencyResponseSchema,
  param: { name: 'id', schema: z.string().max(200).describe('Agency id, as in /v1/agencies.') },
  asOf: true,
  async load(db, id, asOf) {
    const [found] = await agenciesByIds(db, [id], asOf);
    if (!found) return null;
    const [aliases, agreements, reports] = await Promise.all([
      aliasesByAgencyIds(db, [id]),
      agreementsByAgencyIds(db, [id], asOf ? { as_of: asOf } : {}),
      reportLinksByAgencyIds(db, [id]),
    ]);
    return {
      ...found,
      aliases: aliases.map(({ agency_id: _agencyId, ...alias }) => alias),
      agreements,
      reports: reports.map(({ report_id, agency_name }) => ({ report_id, agency_name })),
    };
  },
  redirects: 'agency',
  missing: (id) => `no agency ${JSON.stringify(id)}`,
};
