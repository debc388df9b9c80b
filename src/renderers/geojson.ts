// RFC 7946 GeoJSON: positions are [longitude, latitude] in WGS 84, and a
// feature whose place is unknown keeps `"geometry": null` (allowed by §3.2)
// rather than a made-up point, so it still counts in the collection.
// A collection offers GeoJSON with `geojson.features` (its rows as features,
// which may need a query: agreements take their agency's point) and a note.
import type { Feature, FeatureCollection, Geometry, Point } from 'geojson';
import { z } from 'zod';
import type { Renderer } from './renderer.ts';

/** Six decimals is about 10 cm: more digits only make the file larger. */
function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

export function point(lon: number | null, lat: number | null): Point | null {
  if (lon === null || lat === null || !Number.isFinite(lon) || !Number.isFinite(lat)) return null;
  return { type: 'Point', coordinates: [round(lon), round(lat)] };
}

export function feature<P extends object>(
  id: string | number,
  geometry: Geometry | null,
  properties: P,
): Feature<Geometry | null, P> {
  return { type: 'Feature', id, geometry, properties };
}

/** A FeatureCollection; `members` are foreign members (RFC 7946 §6.1) such as the dataset version. */
export function featureCollection<P extends object>(
  features: Feature<Geometry | null, P>[],
  members: Record<string, unknown> = {},
): FeatureCollection<Geometry | null, P> & Record<string, unknown> {
  return { type: 'FeatureCollection', ...members, features };
}

export const geojsonRenderer: Renderer = {
  name: 'geojson',
  extension: '.geojson',
  mediaType: 'application/geo+json; charset=utf-8',
  async body(collection, rows, { app, db }) {
    const { features, note } = collection.geojson!;
    const paging = rows.next === undefined ? {} : { next: rows.next };
    return JSON.stringify(
      featureCollection(await features(db, rows.data), {
        ...paging,
        dataset_version: app.dataset.current().version,
        note,
      }),
    );
  },
  docs(collection) {
    const docs = collection.docs.formats!.geojson!;
    const FeatureCollectionSchema = z.object({
      type: z.literal('FeatureCollection').describe('Always FeatureCollection.'),
      features: z.array(z.unknown()).describe(docs.featuresAre!),
    });
    return {
      summary: docs.summary!,
      description: docs.description!,
      response: docs.response!,
      content: { 'application/geo+json': { schema: FeatureCollectionSchema } },
    };
  },
};
