// The county map: the Census 2023 shapes the service uses, projected by the service (src/reference/map-shapes.ts:
// the nation in an Albers projection with Alaska, Hawaii and the territories as insets, one state or territory
// fitted on its own) and served as finished SVG outlines, one file per scope. The page only draws them: no map
// library; the counties without agreements are a few merged shapes, and everything arrives in batches, the
// drawing yielding to the browser between them, so that the page stays responsive. No tiles: the shapes are the map.
import { el, getJson, nextFrame, queryString } from './api.js';
import { formatNumber, t } from './i18n.js';

const SVG = 'http://www.w3.org/2000/svg';
/**
 * Characters of outlines drawn between two yields to the browser: the browser's work (reading the outlines, laying
 * out and painting them) grows with their length. A batch takes under 10 ms on a laptop, so it stays under the 50 ms
 * that makes a phone lag on a phone four times slower (Lighthouse's mobile CPU).
 */
const BATCH_CHARACTERS = 10_000;

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

/** `counties` ([FIPS, path]) cut into runs of about BATCH_CHARACTERS of outline. */
function inBatches(counties) {
  const batches = [];
  let size = BATCH_CHARACTERS;
  for (const county of counties) {
    if (size >= BATCH_CHARACTERS) {
      batches.push([]);
      size = 0;
    }
    batches.at(-1).push(county);
    size += county[1].length;
  }
  return batches;
}

/** The projected map of a state (its postal code), or of the nation when `state` is empty. */
export async function loadShapes(state) {
  // The folder's name carries the content's hash (the page names it; the page preloads the view's file).
  const folder = document.querySelector('meta[name="map-shapes"]').getAttribute('content');
  const response = await fetch(`${folder}${(state || 'US').toUpperCase()}.json`);
  if (!response.ok) throw new Error(`county shapes: ${response.status}`);
  return response.json();
}

/**
 * What the map shows for a view, from one aggregate per county and one per state (not every agreement): active
 * agreements per county (under the view's model when it has one), county names, and per state the statewide
 * agreements (a state's count less its counties': statewide agencies belong to no county). `latestStates`: the
 * answer of /v1/states (no date), or its promise, when the page asks for it anyway.
 */
export async function loadCounts({ as_of: asOf, model, state }, latestStates) {
  const [counties, states] = await Promise.all([
    getJson(`/v1/counties${queryString({ as_of: asOf, state })}`),
    // The states of the latest list are the page's reference data already (not asked for twice).
    asOf || !latestStates ? getJson(`/v1/states${queryString({ as_of: asOf })}`) : latestStates,
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

/** Each county's outline as a Path2D, for finding the county under a point; made on the first click, once per map. */
const hitPaths = new WeakMap();
let hitContext;

/** The FIPS of the county of `shapes` at `point` (in the outlines' units), or undefined. */
function countyAt(shapes, point) {
  if (!hitPaths.has(shapes)) hitPaths.set(shapes, shapes.counties.map(([fips, d]) => [fips, new Path2D(d)]));
  hitContext ??= document.createElement('canvas').getContext('2d');
  return hitPaths.get(shapes).find(([, path]) => hitContext.isPointInPath(path, point.x, point.y))?.[0];
}

/**
 * Draws `shapes` (loadShapes) into `container`: counties shaded by `counts` (FIPS → active agreements), statewide
 * agreements as a numbered circle on their state (`statewide`: state code → agreements; `states`: their names),
 * `selected` outlined.
 * `onSelect(fips)` runs when a county is clicked or chosen with the keyboard. Resolves when the map is in place;
 * `isCurrent()` false (a newer view was asked for meanwhile) stops it early.
 *
 * The counties without agreements (most of the 3,233) are a few merged shapes, so that a phone lays out a few
 * hundred elements rather than thousands: a click on one finds its county by the outlines (countyAt). The shaded
 * counties and the selected one are shapes of their own, named and reachable with the keyboard (Tab, then Enter).
 */
export async function drawMap(container, shapes, { counts, countyNames, statewide, states, selected, onSelect, isCurrent = () => true }) {
  const map = svg('svg', { viewBox: `0 0 ${shapes.width} ${shapes.height}`, role: 'group', 'aria-label': t('map.label') });
  // The outlines are in units of `shapes.unit` pixels.
  const outlines = svg('g', { transform: `scale(${shapes.unit})` });
  const countyLayer = svg('g', { class: 'counties' });
  countyLayer.addEventListener('click', (event) => {
    const fips =
      event.target.getAttribute?.('data-fips') ??
      countyAt(shapes, new DOMPoint(event.clientX, event.clientY).matrixTransform(outlines.getScreenCTM().inverse()));
    if (fips) onSelect(fips);
  });
  countyLayer.addEventListener('keydown', (event) => {
    const fips = event.target.getAttribute?.('data-fips');
    if (fips && (event.key === 'Enter' || event.key === ' ')) {
      event.preventDefault();
      onSelect(fips);
    }
  });
  // A pointer over a shaded county shows its name and count: the tooltip is made when first asked for, not for
  // every county up front.
  countyLayer.addEventListener('pointerover', (event) => {
    const label = event.target.getAttribute?.('aria-label');
    if (!label || event.target.firstChild) return;
    const title = svg('title');
    title.textContent = label;
    event.target.append(title);
  });
  // Two layers, so that the shaded counties (drawn first: they are the news) lie over the empty ones.
  const emptyLayer = svg('g');
  const shadedLayer = svg('g');
  countyLayer.append(emptyLayer, shadedLayer);
  outlines.append(countyLayer);
  map.append(outlines);

  const shaded = shapes.counties.filter(([fips]) => (counts.get(fips) ?? 0) > 0 || fips === selected);
  const drawn = new Set(shaded.map(([fips]) => fips));
  const empty = shapes.counties.filter(([fips]) => !drawn.has(fips));
  const countyShape = ([fips, d]) => {
    const count = counts.get(fips) ?? 0;
    const shape = svg('path', { d, class: `county ${bucket(count)}${fips === selected ? ' selected' : ''}`, 'data-fips': fips });
    if (count > 0) {
      shape.setAttribute('tabindex', '0');
      shape.setAttribute('role', 'button');
      shape.setAttribute('aria-label', t('map.countyTitle', { name: countyNames.get(fips) ?? fips, count: formatNumber(count) }));
    }
    return shape;
  };
  const batches = [
    ...inBatches(shaded).map((batch) => () => shadedLayer.append(...batch.map(countyShape))),
    ...inBatches(empty).map((batch) => () => emptyLayer.append(svg('path', { d: batch.map(([, d]) => d).join(''), class: 'county b0 empty' }))),
  ];
  for (const [index, draw] of batches.entries()) {
    await nextFrame();
    if (!isCurrent()) return;
    draw();
    // The old map stays until the new one has its first batch (no blank frame when the date changes).
    if (index === 0) container.replaceChildren(map);
  }
  outlines.append(svg('path', { class: 'state-borders', d: shapes.borders }));
  if (shapes.insets) outlines.append(svg('path', { class: 'insets', d: shapes.insets }));

  // Statewide agencies belong to no county: one circle per state, at its centroid, with their agreement count.
  const single = Object.keys(shapes.marks).length === 1;
  const marks = svg('g', { class: 'statewide' });
  for (const [code, count] of statewide) {
    const point = shapes.marks[code];
    if (!point || count === 0) continue;
    const mark = svg('g', { class: 'statewide-mark', transform: `translate(${point[0]},${point[1]})` });
    const title = svg('title');
    title.textContent = t('map.statewideTitle', { name: states.find((state) => state.code === code)?.name ?? code, count: formatNumber(count) });
    const label = svg('text', { 'text-anchor': 'middle', dy: '0.35em' });
    label.textContent = String(count);
    mark.append(title, svg('circle', { r: single ? 16 : 9 }), label);
    marks.append(mark);
  }
  map.append(marks);
  if (!map.isConnected) container.replaceChildren(map);
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
