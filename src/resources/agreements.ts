// /v1/agreements (JSON, CSV, GeoJSON) and /v1/agreements/{id}.
import { z } from 'zod';
import { AGREEMENT_SORTS, type AgreementSort } from '../query/grammar.ts';
import {
  agencyPointsByIds,
  getAgreement,
  listAgreements,
  type AgreementDetail,
  type AgreementRecord,
} from '../repositories/index.ts';
import { fieldColumns } from '../renderers/csv.ts';
import { feature, point } from '../renderers/geojson.ts';
import { AGREEMENT_COLUMNS, AgreementListResponseSchema, AgreementResponseSchema } from '../schemas/agreements.ts';
import { keysetCollection, type Item } from './collection.ts';

const DESCRIPTION =
  'Agreements matching every filter given (filters of different names combine with AND, repeated values with OR).';

const GEOJSON_NOTE =
  "Agencies are points at their county's (or city's) centroid; statewide agencies (state police, corrections departments) " +
  'are placed at their state\'s centroid with location_method "statewide"; agencies no rule could place have "geometry": null.';

export const agreements = keysetCollection<AgreementRecord, AgreementSort>({
  path: '/agreements',
  docs: {
    tags: ['agreements'],
    summary: 'Agreements',
    description: DESCRIPTION,
    formats: {
      csv: {
        description: `${DESCRIPTION} Streams every matching agreement unless limit or cursor is given (then one page, with a Link header).`,
      },
      geojson: {
        summary: 'Agreements as GeoJSON',
        description: `${DESCRIPTION} An RFC 7946 FeatureCollection of every matching agreement (or one page with limit/cursor). ${GEOJSON_NOTE}`,
        response: "A FeatureCollection: one Point feature per agreement, its properties the agreement's fields.",
        featuresAre: 'One feature per agreement.',
      },
    },
  },
  schema: AgreementListResponseSchema,
  sorts: AGREEMENT_SORTS,
  sortExample: '-signed_on: newest first',
  fetch: listAgreements,
  columns: fieldColumns<AgreementRecord>(AGREEMENT_COLUMNS),
  geojson: {
    note: GEOJSON_NOTE,
    // One Point per agreement, at its agency's place.
    async features(db, records) {
      const points = new Map(
        (await agencyPointsByIds(db, [...new Set(records.map((record) => record.agency_id))])).map((place) => [
          place.id,
          place,
        ]),
      );
      return records.map((record) => {
        const place = points.get(record.agency_id);
        return feature(record.id, point(place?.lon ?? null, place?.lat ?? null), {
          ...record,
          location_method: place?.location_method ?? 'unresolved',
        });
      });
    },
  },
});

export const agreement: Item<AgreementDetail> = {
  path: '/agreements/:id',
  tags: ['agreements'],
  summary: 'One agreement, with its events and sources',
  response: 'The agreement with its events and sources.',
  schema: AgreementResponseSchema,
  param: { name: 'id', schema: z.string().max(200).describe('Agreement id, as in /v1/agreements.') },
  asOf: true,
  load: (db, id, asOf) => getAgreement(db, id, asOf),
  redirects: 'agreement',
  missing: (id, asOf) => `no agreement ${JSON.stringify(id)}${asOf ? ` as of ${asOf}` : ''}`,
};
