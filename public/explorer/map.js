// The county map: the Census 2023 shapes the service uses (served from its npm package), drawn with d3-geo as SVG.
// The nation uses an Albers projection with Alaska, Hawaii, Puerto Rico, the Virgin Islands, Guam, the Northern
// Mariana Islands and American Samoa as insets (d3-composite-projections), so no territory falls off the map; one
// state or territory is drawn on its own, fitted to the frame. No tiles: the shapes are the map.
/* global d3, topojson */
import { el } from './api.js';

const WIDTH = 960;
const HEIGHT = 600;
const SVG = 'http://www.w3.org/2000/svg';

/** Colour classes by number of active agreements in a county; the legend reads them too. */
export const BUCKETS = [
  { min: 1, max: 1, label: '1', className: 'b1' },
  { min: 2, max: 2, label: '2', className: 'b2' },
  { min: 3, max: 5, label: '3–5', className: 'b3' },
  { min: 6, max: Infinity, label: '6 or more', className: 'b4' },
];

function bucket(count) {
  return BUCKETS.find((item) => count >= item.min && count <= item.max)?.className ?? 'b0';
}

function svg(tag, attributes = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return node;
}

export async function loadAtlas() {
  const response = await fetch('/vendor/counties-10m.json');
  if (!response.ok) throw new Error(`county shapes: ${response.status}`);
  const atlas = await response.json();
  return {
    counties: topojson.feature(atlas, atlas.objects.counties).features.map((feature) => ({ ...feature, id: String(feature.id).padStart(5, '0') })),
    states: topojson.feature(atlas, atlas.objects.states).features.map((feature) => ({ ...feature, id: String(feature.id).padStart(2, '0') })),
  };
}

/**
 * Draws the map into `container`: counties shaded by `counts` (FIPS → active agreements), statewide agreements as a
 * numbered circle on their state, `selected` outlined. `onSelect(fips)` runs when a county is clicked or chosen
 * with the keyboard.
 */
export function drawMap(container, atlas, { stateFips, counts, countyNames, statewide, states, selected, onSelect }) {
  const counties = stateFips ? atlas.counties.filter((county) => county.id.startsWith(stateFips)) : atlas.counties;
  const stateShapes = stateFips ? atlas.states.filter((state) => state.id === stateFips) : atlas.states;
  const frame = { type: 'FeatureCollection', features: stateShapes };
  let projection;
  if (stateFips) {
    // One state: a Mercator centred on it (rotated, so the Aleutians do not wrap around the antimeridian).
    const [lon] = d3.geoCentroid(frame);
    projection = d3.geoMercator().rotate([-lon, 0]).fitExtent([[10, 10], [WIDTH - 10, HEIGHT - 10]], frame);
  } else {
    projection = d3.geoAlbersUsaTerritories().fitExtent([[10, 10], [WIDTH - 10, HEIGHT - 10]], frame);
  }
  const path = d3.geoPath(projection);

  const map = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'group', 'aria-label': 'Map of counties shaded by active agreements' });
  const countyLayer = svg('g', { class: 'counties' });
  for (const county of counties) {
    const d = path(county);
    if (!d) continue;
    const count = counts.get(county.id) ?? 0;
    const name = countyNames.get(county.id) ?? county.properties.name;
    const shape = svg('path', { d, class: `county ${bucket(count)}${county.id === selected ? ' selected' : ''}`, 'data-fips': county.id });
    const title = svg('title');
    title.textContent = `${name}: ${count} active agreement${count === 1 ? '' : 's'}`;
    shape.append(title);
    if (count > 0) {
      // Shaded counties are reachable with the keyboard too (Tab, then Enter); the table lists them all.
      shape.setAttribute('tabindex', '0');
      shape.setAttribute('role', 'button');
      shape.setAttribute('aria-label', title.textContent);
    }
    countyLayer.append(shape);
  }
  countyLayer.addEventListener('click', (event) => {
    const fips = event.target.getAttribute?.('data-fips');
    if (fips) onSelect(fips);
  });
  countyLayer.addEventListener('keydown', (event) => {
    const fips = event.target.getAttribute?.('data-fips');
    if (fips && (event.key === 'Enter' || event.key === ' ')) {
      event.preventDefault();
      onSelect(fips);
    }
  });
  map.append(countyLayer);

  map.append(svg('path', { class: 'state-borders', d: path(frame) ?? '' }));
  if (!stateFips && projection.getCompositionBorders) map.append(svg('path', { class: 'insets', d: projection.getCompositionBorders() }));

  // Statewide agencies belong to no county: one circle per state, at its centroid, with their agreement count.
  const marks = svg('g', { class: 'statewide' });
  for (const state of states) {
    const count = statewide.get(state.code)?.length ?? 0;
    if (count === 0 || state.lon === null || (stateFips && state.fips !== stateFips)) continue;
    const point = projection([state.lon, state.lat]);
    if (!point) continue;
    const mark = svg('g', { class: 'statewide-mark', transform: `translate(${point[0].toFixed(1)},${point[1].toFixed(1)})` });
    const title = svg('title');
    title.textContent = `${state.name}: ${count} statewide agreement${count === 1 ? '' : 's'}`;
    const label = svg('text', { 'text-anchor': 'middle', dy: '0.35em' });
    label.textContent = String(count);
    mark.append(title, svg('circle', { r: stateFips ? 16 : 9 }), label);
    marks.append(mark);
  }
  map.append(marks);
  container.replaceChildren(map);
}

/** The legend's items, for the page to place. */
export function legend() {
  return el(
    'ul',
    { class: 'legend', 'aria-label': 'Active agreements per county' },
    el('li', {}, el('span', { class: 'swatch b0' }), 'none'),
    BUCKETS.map((item) => el('li', {}, el('span', { class: `swatch ${item.className}` }), item.label)),
    el('li', {}, el('span', { class: 'swatch statewide-swatch' }), 'statewide agencies'),
  );
}
