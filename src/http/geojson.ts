// RFC 7946 GeoJSON: positions are [longitude, latitude] in WGS 84, and a
// feature whose place is unknown keeps `"geometry": null` (allowed by §3.2)
// rather than a made-up point, so it still counts in the collection.
import type { Feature, FeatureCollection, Geometry, Point } from 'geojson';

/** Six decimals is about 10 cm: more digits only make the file larger. */
function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

export function point(lon: number | null, lat: number | null): Point | null {
  if (lon === null || lat === null || !Number.isFinite(lon) || !Number.isFinite(lat)) return null;
  return { type: 'Point', coordinates: [round(lon), round(lat)] };
}

export function feature<P extends object>(id: string | number, geometry: Geometry | null, properties: P): Feature<Geometry | null, P> {
  return { type: 'Feature', id, geometry, properties };
}

/** A FeatureCollection; `members` are foreign members (RFC 7946 §6.1) such as the dataset version. */
export function featureCollection<P extends object>(
  features: Feature<Geometry | null, P>[],
  members: Record<string, unknown> = {},
): FeatureCollection<Geometry | null, P> & Record<string, unknown> {
  return { type: 'FeatureCollection', ...members, features };
}
