// The embeddable views (/embed/map, /embed/chart, /embed/county/{fips}, /embed/state/{code}, /embed/agency/{id}):
// no site chrome, sized by their container (the <iframe>), live on each visit (read from the public API when
// shown), with a line naming the date and the source and a link back to the full view. The map and the chart take
// the explorer's URL parameters (as_of, model, state, county, lang).
import { el, getJson, queryString } from './api.js';
import { drawChart, loadChartPoints } from './chart.js';
import { formatDate, formatNumber, modelName, t, withLang } from './i18n.js';
import { drawMap, legend, loadCounts, loadShapes } from './map.js';

const $ = (id) => document.getElementById(id);
const search = new URLSearchParams(window.location.search);
const view = Object.fromEntries(['as_of', 'model', 'state', 'county'].map((name) => [name, search.get(name) ?? '']));
const [, , kind = '', rawId = ''] = window.location.pathname.split('/');
const id = decodeURIComponent(rawId);

/** The credit line: the list's date and the service, linking to the full view (outside the frame). */
function credit(asOf, fullView) {
  const site = t('site.title');
  const link = $('embed-credit');
  link.textContent = asOf ? t('embed.credit', { date: formatDate(asOf), site }) : t('embed.creditNoDate', { site });
  link.href = new URL(withLang(fullView), window.location.origin).href;
  link.title = t('embed.openFull');
}

function showCount(count) {
  $('embed-count').textContent = formatNumber(count);
  $('embed-count').dataset.count = String(count);
}

async function embedMap(stateCode = view.state) {
  const filters = { as_of: view.as_of, model: view.model, state: stateCode };
  const latestStates = getJson('/v1/states');
  const [stats, counts, { data: states }, shapes] = await Promise.all([getJson(`/v1/stats${queryString(filters)}`), loadCounts(filters, latestStates), latestStates, loadShapes(stateCode)]);
  showCount(stats.active_agreements);
  const place = stateCode ? states.find((state) => state.code === stateCode)?.name ?? stateCode : '';
  $('embed-title').textContent = [place, view.model ? modelName(view.model) : '', t('embed.mapTitle')].filter(Boolean).join(' · ');
  const map = el('div', { class: 'map-frame' });
  $('embed-view').replaceChildren(map, el('div', {}, legend()));
  await drawMap(map, shapes, {
    ...counts,
    states,
    selected: view.county,
    // In a frame the reader goes to the full explorer for a county's details.
    onSelect: (county) => window.open(new URL(withLang(`/${queryString({ ...filters, county })}`), window.location.origin).href, '_blank', 'noopener'),
  });
  credit(stats.as_of, `/${queryString({ ...filters, county: view.county })}`);
}

async function embedChart() {
  const filters = { as_of: view.as_of, model: view.model, state: view.state };
  const [stats, models, dates] = await Promise.all([getJson(`/v1/stats${queryString(filters)}`), getJson('/v1/models'), getJson('/v1/lists/dates?kind=participating')]);
  showCount(stats.active_agreements);
  $('embed-title').textContent = t('chart.heading');
  const { points, models: drawn } = await loadChartPoints(view, models.data.map((model) => model.code), dates.data[0]);
  const chart = el('div', { class: 'chart-frame' });
  const table = el('div');
  $('embed-view').replaceChildren(chart, table);
  const full = `/${queryString({ ...filters, county: view.county })}`;
  drawChart(chart, table, {
    points,
    models: drawn,
    chosen: stats.as_of,
    onChoose: (date) => window.open(new URL(withLang(`/${queryString({ ...filters, county: view.county, as_of: date })}`), window.location.origin).href, '_blank', 'noopener'),
  });
  credit(stats.as_of, full);
}

async function embedCounty() {
  const { data: county } = await getJson(`/v1/counties/${encodeURIComponent(id)}${queryString({ as_of: view.as_of })}`);
  const [stats, agreements] = await Promise.all([
    getJson(`/v1/stats${queryString({ as_of: view.as_of })}`),
    getJson(`/v1/agreements${queryString({ as_of: view.as_of, county_fips: id, status: 'active', limit: '200' })}`),
  ]);
  showCount(county.active_agreements);
  $('embed-title').textContent = `${county.name}, ${county.state}`;
  $('embed-view').replaceChildren(agreementList(agreements.data));
  credit(stats.as_of, `/${queryString({ as_of: view.as_of, state: county.state, county: county.fips })}`);
}

async function embedAgency() {
  const { data: agency } = await getJson(`/v1/agencies/${encodeURIComponent(id)}${queryString({ as_of: view.as_of })}`);
  const stats = await getJson(`/v1/stats${queryString({ as_of: view.as_of })}`);
  showCount(agency.active_agreements);
  $('embed-title').textContent = agency.name;
  $('embed-view').replaceChildren(
    el(
      'ul',
      { class: 'embed-list' },
      agency.agreements.map((agreement) =>
        el('li', {}, `${modelName(agreement.model)} · ${t(`status.${agreement.status}`)}${agreement.signed_on ? ` · ${t('table.signed').toLowerCase()} ${formatDate(agreement.signed_on)}` : ''}`),
      ),
    ),
  );
  credit(stats.as_of, `/agencies/${encodeURIComponent(agency.id)}`);
}

function agreementList(agreements) {
  return el(
    'ul',
    { class: 'embed-list' },
    agreements.map((agreement) =>
      el('li', {}, el('a', { href: new URL(withLang(`/agencies/${encodeURIComponent(agreement.agency_id)}`), window.location.origin).href, target: '_blank', rel: 'noopener' }, agreement.agency_name), ` — ${modelName(agreement.model)}`),
    ),
  );
}

const VIEWS = { map: () => embedMap(), chart: embedChart, county: embedCounty, state: () => embedMap(id.toUpperCase()), agency: embedAgency };

(VIEWS[kind] ?? (() => Promise.reject(new Error(window.location.pathname))))().catch((error) => {
  $('error').hidden = false;
  $('error').textContent = t('embed.notFound', { message: error.message });
  credit('', '/');
});
