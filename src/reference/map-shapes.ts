// The explorer's county map, projected once here rather than in every reader's browser: the same Census shapes
// (geography.ts), the nation in an Albers projection with Alaska, Hawaii and the territories as insets
// (d3-composite-projections), one state or territory in a Mercator centred on it, fitted to the 960×600 frame.
// A phone then only draws finished outlines: no projection, no map library, and fewer bytes than the atlas.
//
// Outlines are SVG paths in half pixels (`unit`), each ring a move and then relative lines ("M12 40l3 -1 2 0z"):
// small numbers that compress well. Points closer than half a pixel are merged.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import vm from 'node:vm';
import * as d3Geo from 'd3-geo';
import type { GeoProjection, GeoStream } from 'd3-geo';
import * as d3Path from 'd3-path';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { STATES } from '../domain/states.ts';
import { countyFeatures, stateCentroids, stateFeatures } from './geography.ts';

const MAP_WIDTH = 960;
const MAP_HEIGHT = 600;
const MARGIN = 10;
/** Path coordinates are in units of half a pixel of the frame. */
const UNIT = 0.5;

export interface MapShapes {
  /** The frame, in pixels: the SVG's viewBox is `0 0 width height`. */
  width: number;
  height: number;
  /** The size of the paths' unit in pixels: draw them scaled by it. */
  unit: number;
  /** Each county's outline, [FIPS, path], in FIPS order. */
  counties: [string, string][];
  /** The state borders of the frame, one path (as the counties', in `unit`s). */
  borders: string;
  /** The frames around the national map's insets (empty for one state), in the paths' unit. */
  insets: string;
  /** Where the mark of each state's statewide agreements goes (its centroid), in pixels, by postal code. */
  marks: Record<string, [number, number]>;
}

const require = createRequire(import.meta.url);
type CompositeProjection = GeoProjection & { getCompositionBorders(): string };
let albersUsaTerritories: (() => CompositeProjection) | undefined;

/**
 * d3-composite-projections' Albers with the territories. Its ES module imports files without their extension, which
 * Node cannot load; its browser build (the file the explorer loaded until now) runs here on d3-geo and d3-path.
 */
function compositeProjection(): CompositeProjection {
  if (!albersUsaTerritories) {
    const source = readFileSync(require.resolve('d3-composite-projections/d3-composite-projections.min.js'), 'utf8');
    const context = { d3: { ...d3Geo, ...d3Path } } as { d3: Record<string, unknown> };
    vm.runInNewContext(source, context);
    albersUsaTerritories = context.d3.geoAlbersUsaTerritories as () => CompositeProjection;
  }
  return albersUsaTerritories();
}

/** A path writer for d3's projection stream: rings as a move and relative lines, in whole units. */
function relativePath(): { stream: GeoStream; result(): string } {
  let out = '';
  let ring: string[] = [];
  let x = 0;
  let y = 0;
  let polygon = false;
  let first = true;
  const point = (px: number, py: number) => {
    const ux = Math.round(px / UNIT);
    const uy = Math.round(py / UNIT);
    if (first) {
      ring.push(`M${ux} ${uy}l`);
      first = false;
    } else if (ux !== x || uy !== y) ring.push(`${ux - x} ${uy - y}`);
    x = ux;
    y = uy;
  };
  const stream: GeoStream = {
    point,
    lineStart() {
      ring = [];
      first = true;
    },
    lineEnd() {
      if (ring.length > 1) out += ring[0] + ring.slice(1).join(' ') + (polygon ? 'z' : '');
    },
    polygonStart() {
      polygon = true;
    },
    polygonEnd() {
      polygon = false;
    },
    sphere() {},
  };
  return { stream, result: () => out };
}

function pathOf(projection: GeoProjection, object: Feature | FeatureCollection): string {
  const writer = relativePath();
  d3Geo.geoStream(object, projection.stream(writer.stream));
  return writer.result();
}

/**
 * The map of `scope`: 'US' for the nation, or a state's postal code. Undefined for any other scope. Computed anew
 * on each call: the route that serves it keeps its bytes (src/routes/pages.ts).
 */
export function mapShapes(scope: string): MapShapes | undefined {
  const state = STATES.find((item) => item.code === scope);
  if (scope !== 'US' && !state) return undefined;
  const stateShapes = stateFeatures().filter((feature) => !state || feature.id === state.fips);
  const frame: FeatureCollection<Geometry> = { type: 'FeatureCollection', features: stateShapes };
  const extent: [[number, number], [number, number]] = [
    [MARGIN, MARGIN],
    [MAP_WIDTH - MARGIN, MAP_HEIGHT - MARGIN],
  ];
  let projection: GeoProjection;
  let insets = '';
  if (state) {
    // A Mercator centred on the state (rotated, so the Aleutians do not wrap around the antimeridian).
    const [lon] = d3Geo.geoCentroid(frame);
    projection = d3Geo.geoMercator().rotate([-lon, 0]).fitExtent(extent, frame);
  } else {
    const composite = compositeProjection().fitExtent(extent, frame) as CompositeProjection;
    insets = composite
      .getCompositionBorders()
      .replace(/-?\d+(\.\d+)?/g, (number) => String(Math.round(Number(number) / UNIT)));
    projection = composite;
  }
  const counties = countyFeatures()
    .filter((feature) => !state || String(feature.id).startsWith(state.fips))
    .map((feature): [string, string] => [String(feature.id), pathOf(projection, feature)])
    .filter(([, d]) => d !== '');
  const marks: Record<string, [number, number]> = {};
  for (const [code, centroid] of stateCentroids()) {
    if (state && code !== state.code) continue;
    const point = projection([centroid.lon, centroid.lat]);
    if (point) marks[code] = [Math.round(point[0] * 10) / 10, Math.round(point[1] * 10) / 10];
  }
  return {
    width: MAP_WIDTH,
    height: MAP_HEIGHT,
    unit: UNIT,
    counties,
    borders: pathOf(projection, frame),
    insets,
    marks,
  };
}

/** Every scope mapShapes answers: 'US' and each state's postal code. */
export const MAP_SCOPES: readonly string[] = ['US', ...STATES.map((state) => state.code)];
