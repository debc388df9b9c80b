// The county map: the Census 2023 shapes the service uses (served from its npm package), drawn with d3-geo as SVG.
// The nation uses an Albers projection with Alaska, Hawaii, Puerto Rico, the Virgin Islands, Guam, the Northern
// Mariana Islands and American Samoa as insets (d3-composite-projections), so no territory falls off the map; one
// state or territory is drawn on its own, fitted to the frame. No tiles: the shapes are the map.
/* global d3, topojson */
import { el, getJson, queryString } from './api.js';
import { formatNumber, t } from './i18n.js';

const WIDTH = 960;
const HEIGHT = 600;
const SVG = 'http://www.w3.org/2000/svg';

/** Colour classes by number of active agreements in a county; the legend reads them too. */
export const BUCKETS = [
  { min: 1, max: 1, label: '1', className: 'b1' },
  { min: 2, max: 2, label: '2', className: 'b2' },
  { min: 3, max: 5, label: '3–5', className: 'b3' },
  { min: 6, max: Infinity, label: '6+', className: 'b4' },
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
  // The atlas's URL carries its content hash (the server names it; the page preloads it): kept by browsers for good.
  const response = await fetch(document.querySelector('link[rel="preload"][as="fetch"]').getAttribute('href'));
  if (!response.ok) throw new Error(`county shapes: ${response.status}`);
  const atlas = await response.json();
  return {
    counties: topojson.feature(atlas, atlas.objects.counties).features.map((feature) => ({ ...feature, id: String(feature.id).padStart(5, '0') })),
    states: topojson.feature(atlas, atlas.objects.states).features.map((feature) => ({ ...feature, id: String(feature.id).padStart(2, '0') })),
  };
}

/**
 * What the map shows for a view, from one aggregate per county and one per state (not every agreement): active
 * agreements per county (under the view's model when it has one), county names, and per state the statewide
 * agreements (a state's count less its counties': statewide agencies belong to no county).
 */
export async function loadCounts({ as_of: asOf, model, state }) {
  const [counties, states] = await Promise.all([
    getJson(`/v1/counties${queryString({ as_of: asOf, state })}`),
    getJson(`/v1/states${queryString({ as_of: asOf })}`),
  ]);
  const activeOf = (summary) => (model ? (summary.by_model?.[model] ?? 0) : summary.active_agreements);
  const inCounties = new Map();
  for (const county of counties.data) inCounties.set(county.state, (inCounties.get(county.state) ?? 0) + activeOf(county));
  const statewide = new Map(
    states.data
      .filter((item) => !state || item.code === state)
      .map((item) => [item.code, activeOf(item) - (inCounties.get(item.code) ?? 0)])
      .filter(([, count]) => count > 0),
  );
  return {
    counts: new Map(counties.data.map((county) => [county.fips, activeOf(county)])),
    countyNames: new Map(counties.data.map((county) => [county.fips, `${county.name}, ${county.state}`])),
    statewide,
  };
}

/**
 * Draws the map into `container`: counties shaded by `counts` (FIPS → active agreements), statewide agreements as a
 * numbered circle on their state (`statewide`: state code → agreements), `selected` outlined. `onSelect(fips)` runs when a county is clicked or chosen
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

  const map = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'group', 'aria-label': t('map.label') });
  const countyLayer = svg('g', { class: 'counties' });
  for (const county of counties) {
    const d = path(county);
    if (!d) continue;
    const count = counts.get(county.id) ?? 0;
    const name = countyNames.get(county.id) ?? county.properties.name;
    const shape = svg('path', { d, class: `county ${bucket(count)}${county.id === selected ? ' selected' : ''}`, 'data-fips': county.id });
    if (count > 0) {
      // Shaded counties are named and reachable with the keyboard too (Tab, then Enter); the table lists them all.
      // Empty ones stay bare: a title on each of 3,000 shapes would double the page's elements.
      const title = svg('title');
      title.textContent = t('map.countyTitle', { name, count: formatNumber(count) });
      shape.append(title);
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
    const count = statewide.get(state.code) ?? 0;
    if (count === 0 || state.lon === null || (stateFips && state.fips !== stateFips)) continue;
    const point = projection([state.lon, state.lat]);
    if (!point) continue;
    const mark = svg('g', { class: 'statewide-mark', transform: `translate(${point[0].toFixed(1)},${point[1].toFixed(1)})` });
    const title = svg('title');
    title.textContent = t('map.statewideTitle', { name: state.name, count: formatNumber(count) });
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
    { class: 'legend', 'aria-label': t('legend.label') },
    el('li', {}, el('span', { class: 'swatch b0' }), t('legend.none')),
    BUCKETS.map((item) => el('li', {}, el('span', { class: `swatch ${item.className}` }), item.className === 'b4' ? t('legend.six') : item.label)),
    el('li', {}, el('span', { class: 'swatch statewide-swatch' }), t('legend.statewide')),
  );
}
