// The explorer: the agreements active on a date, as a county map, a chart over time and a table, with what changed
// lately. The view (date, model, state, county, and the language when chosen) lives in the page's URL, so a link
// reproduces it. Every number comes from the public API, and only what is shown is loaded: the count from
// /v1/stats, the map from one aggregate per county (/v1/counties) and per state (/v1/states), the table a page at a
// time (/v1/agreements), the chart from /v1/stats/timeseries, the list dates from /v1/lists/dates.
import { el, getJson, inOwnTask, nextFrame, queryString } from './api.js';
import { drawChart, loadChartPoints } from './chart.js';
import { wireEmbedButton } from './embed-snippet.js';
import { eventSentence, formatDate, formatNumber, lang, modelName, t, withLang } from './i18n.js';
import { drawMap, legend, loadCounts, loadShapes } from './map.js';

const $ = (id) => document.getElementById(id);
const VIEW_PARAMETERS = ['as_of', 'model', 'state', 'county', 'lang'];
const TABLE_PAGE = 50;

function readView() {
  const search = new URLSearchParams(window.location.search);
  return Object.fromEntries(VIEW_PARAMETERS.map((name) => [name, search.get(name) ?? '']));
}

let view = readView();
let reference; // { models, states, listDates }
const shapes = new Map(); // the projected maps asked for so far, by scope (a state's code, or '' for the nation)
let renderCount = 0;
let table; // { asOf, total, cursors: [cursor of each page shown so far], page }

function setView(changes, { replace = false } = {}) {
  view = { ...view, ...changes };
  const url = `/${queryString(view)}`;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  render();
}

function showError(error) {
  $('error').hidden = false;
  $('error').textContent = t('error.load', { message: error.message });
}

async function loadReference() {
  const [models, states, dates] = await Promise.all([getJson('/v1/models'), getJson('/v1/states'), getJson('/v1/lists/dates?kind=participating')]);
  return { models: models.data.map((model) => model.code), states: states.data, listDates: dates.data };
}

function fillControls() {
  $('model').append(...reference.models.map((code) => el('option', { value: code }, modelName(code))));
  const statesByKind = [
    [t('controls.states'), reference.states.filter((state) => !state.is_territory)],
    [t('controls.territories'), reference.states.filter((state) => state.is_territory)],
  ];
  for (const [label, states] of statesByKind) {
    $('state').append(el('optgroup', { label }, states.map((state) => el('option', { value: state.code }, state.name))));
  }
  $('as_of').min = reference.listDates[0] ?? '';
  $('controls').addEventListener('submit', (event) => event.preventDefault());
  $('controls').addEventListener('change', (event) => {
    const { name, value } = event.target;
    if (!VIEW_PARAMETERS.includes(name)) return;
    if (name === 'as_of' && value && !/^\d{4}-\d{2}-\d{2}$/.test(value)) return;
    setView({ [name]: value, county: name === 'state' && value && !view.county.startsWith(fipsOf(value)) ? '' : view.county });
  });
  $('previous-list').addEventListener('click', () => stepList(-1));
  $('next-list').addEventListener('click', () => stepList(1));
  $('table-previous').addEventListener('click', () => turnTablePage(-1));
  $('table-next').addEventListener('click', () => turnTablePage(1));
  window.addEventListener('popstate', () => {
    view = readView();
    render();
  });
  wireEmbedButton($('embed-button'), $('embed-panel'), $('embed-snippet'), $('embed-copy'), () => ({
    path: `/embed/map${queryString(view)}`,
    title: t('embed.frameTitle', { what: t('embed.mapTitle') }),
    height: 560,
  }));
}

/** Moves the date to the previous or next ICE list. */
function stepList(direction) {
  const date = $('as_of').value;
  const dates = reference.listDates;
  const target = direction < 0 ? dates.filter((item) => item < date).at(-1) : dates.find((item) => item > date);
  if (target) setView({ as_of: target });
}

/** The projected map of a state (or of the nation), loaded once. */
function shapesOf(state) {
  const scope = state.toUpperCase();
  if (!shapes.has(scope)) {
    shapes.set(
      scope,
      loadShapes(scope).catch((error) => {
        shapes.delete(scope);
        throw error;
      }),
    );
  }
  return shapes.get(scope);
}

function fipsOf(code) {
  return reference.states.find((state) => state.code === code)?.fips ?? '';
}

const agencyLink = (id, text) => el('a', { href: withLang(`/agencies/${encodeURIComponent(id)}`) }, text);

async function render() {
  const token = ++renderCount;
  $('error').hidden = true;
  $('model').value = view.model;
  $('state').value = view.state;
  if (view.as_of) $('as_of').value = view.as_of;
  document.body.setAttribute('aria-busy', 'true');
  try {
    const filters = { as_of: view.as_of, model: view.model, state: view.state };
    // The work below comes in steps with a frame between them (nextFrame), so a phone never waits long. After the
    // first frame the page's layout is fresh, and the chart's width costs nothing to read (drawChart). The map, the
    // table, the statewide agencies, the county and the chart then each start in a task of their own (inOwnTask).
    const [[stats, counts, changes, mapShapes], chartWidth] = await Promise.all([
      Promise.all([
        getJson(`/v1/stats${queryString(filters)}`),
        // The first view reuses the states the page has just loaded; a later one asks again (a list may have come).
        loadCounts(filters, token === 1 ? { data: reference.states } : undefined),
        getJson(`/v1/changes${queryString({ model: view.model, state: view.state, limit: '12' })}`),
        shapesOf(view.state),
      ]),
      nextFrame().then(() => $('chart').clientWidth),
    ]);
    if (token !== renderCount) return; // a newer view was asked for meanwhile
    const asOf = stats.as_of ?? '';
    $('as_of').value = view.as_of || asOf;
    $('previous-list').disabled = !reference.listDates.some((date) => date < $('as_of').value);
    $('next-list').disabled = !reference.listDates.some((date) => date > $('as_of').value);
    renderSummary(stats);
    renderChanges(changes.data);
    await nextFrame();
    if (token !== renderCount) return;
    table = { asOf, total: stats.active_agreements, cursors: [''], page: 0, countyNames: counts.countyNames };
    await Promise.all([
      drawMap($('map'), mapShapes, {
        ...counts,
        states: reference.states,
        selected: view.county,
        onSelect: (fips) => setView({ county: fips }, { replace: true }),
        isCurrent: () => token === renderCount,
      }),
      inOwnTask(() => renderTablePage(token)),
      inOwnTask(() => renderStatewide(counts.statewide, token)),
      inOwnTask(() => renderCounty(token, asOf)),
      inOwnTask(() => renderChart(token, asOf, chartWidth)),
    ]);
  } catch (error) {
    showError(error);
  } finally {
    if (token === renderCount) document.body.removeAttribute('aria-busy');
  }
}

function renderSummary(stats) {
  $('active-count').textContent = formatNumber(stats.active_agreements);
  $('active-count').dataset.count = String(stats.active_agreements);
  const where = view.state ? t('summary.inPlace', { place: reference.states.find((state) => state.code === view.state)?.name ?? view.state }) : '';
  const model = view.model ? t('summary.underModel', { model: modelName(view.model) }) : '';
  $('summary-detail').textContent = t('summary.detail', {
    model,
    where,
    date: stats.as_of ? formatDate(stats.as_of) : t('summary.noDate'),
    agencies: formatNumber(stats.active_agencies),
    pending: formatNumber(stats.pending_agreements),
    ended: formatNumber(stats.ended_agreements),
    withdrawn: formatNumber(stats.withdrawn_agreements),
  });
}

function agreementLine(agreement) {
  return `${modelName(agreement.model)}${agreement.signed_on ? `, ${t('table.signed').toLowerCase()} ${formatDate(agreement.signed_on)}` : ''}`;
}

/** The statewide agencies of the states that have some: few, so loaded whole (state agencies and corrections). */
async function renderStatewide(statewide, token) {
  const codes = [...statewide.keys()].sort();
  let agreements = [];
  if (codes.length > 0) {
    const query = { as_of: view.as_of, model: view.model, state: codes.join(','), status: 'active', agency_type: 'state_agency,corrections,other', limit: '200' };
    agreements = (await getJson(`/v1/agreements${queryString(query)}`)).data.filter((agreement) => agreement.county_fips === null);
  }
  if (token !== renderCount) return;
  const stateName = (code) => reference.states.find((state) => state.code === code)?.name ?? code;
  $('statewide-list').replaceChildren(
    codes.length === 0
      ? el('p', {}, t('statewide.none'))
      : el(
          'dl',
          { class: 'statewide-list' },
          codes.map((code) => [
            el('dt', {}, `${stateName(code)} (${formatNumber(statewide.get(code))})`),
            agreements.filter((agreement) => agreement.state === code).map((agreement) => el('dd', {}, agencyLink(agreement.agency_id, agreement.agency_name), ` — ${agreementLine(agreement)}`)),
          ]),
        ),
  );
}

function renderChanges(events) {
  $('changes-list').replaceChildren(
    ...(events.length === 0
      ? [el('li', {}, t('changes.none'))]
      : events.map((event) =>
          el(
            'li',
            {},
            el('time', { datetime: event.occurred_on }, formatDate(event.occurred_on)),
            ' ',
            agencyLink(event.agency_id, `${eventSentence(event.agency_name, event, event.model)} (${event.state})`),
            el('small', {}, t('changes.source', { date: formatDate(event.recorded_on), file: event.source_file_name ? ` (${event.source_file_name})` : '' })),
          ),
        )),
  );
}

function turnTablePage(direction) {
  const page = table.page + direction;
  if (page < 0 || page >= table.cursors.length) return;
  table.page = page;
  renderTablePage(renderCount);
}

/** One page of the table: the view's active agreements, by agency name, TABLE_PAGE at a time. */
async function renderTablePage(token) {
  const filters = { as_of: view.as_of, model: view.model, state: view.state };
  const query = { ...filters, status: 'active', sort: 'agency_name', limit: String(TABLE_PAGE), cursor: table.cursors[table.page] };
  const page = await getJson(`/v1/agreements${queryString(query)}`);
  if (token !== renderCount) return;
  const next = page.links?.next ? new URL(page.links.next, window.location.origin).searchParams.get('cursor') : null;
  if (next && table.cursors.length === table.page + 1) table.cursors.push(next);
  const cell = (label, ...content) => el('td', { 'data-label': label }, ...content);
  $('table-body').replaceChildren(
    ...page.data.map((agreement) =>
      el(
        'tr',
        {},
        el('th', { scope: 'row', 'data-label': t('table.agency') }, agencyLink(agreement.agency_id, agreement.agency_name)),
        cell(t('table.state'), agreement.state),
        cell(t('table.county'), agreement.county_fips ? (table.countyNames.get(agreement.county_fips) ?? agreement.county_fips) : t('table.statewide')),
        cell(t('table.model'), modelName(agreement.model)),
        cell(t('table.signed'), formatDate(agreement.signed_on)),
      ),
    ),
  );
  const from = table.page * TABLE_PAGE + 1;
  $('table-caption').textContent = t('table.caption', { count: formatNumber(table.total), date: table.asOf ? formatDate(table.asOf) : t('table.latest') });
  $('table-range').textContent = page.data.length === 0 ? '' : t('table.page', { from: formatNumber(from), to: formatNumber(from + page.data.length - 1), count: formatNumber(table.total) });
  $('table-previous').disabled = table.page === 0;
  $('table-next').disabled = !next;
  $('csv-link').href = `/v1/agreements.csv${queryString({ ...filters, status: 'active' })}`;
}

/** The chart for the view's filters (state, county, model), the chosen date marked. */
async function renderChart(token, asOf, width) {
  const { points, models } = await loadChartPoints(view, reference.models, reference.listDates[0]);
  if (token !== renderCount) return;
  drawChart($('chart'), $('chart-table'), { points, models, chosen: asOf, width, onChoose: (date) => setView({ as_of: date }) });
}

async function renderCounty(token, asOf) {
  const panel = $('county-panel');
  if (!view.county) {
    panel.replaceChildren(el('p', {}, t('county.choose')));
    return;
  }
  const [county, agreements] = await Promise.all([
    getJson(`/v1/counties/${encodeURIComponent(view.county)}${queryString({ as_of: view.as_of })}`).then((answer) => answer.data),
    getJson(`/v1/agreements${queryString({ as_of: view.as_of, model: view.model, county_fips: view.county, status: 'active', limit: '200' })}`).then((answer) => answer.data),
  ]);
  if (token !== renderCount) return;
  const active = new Map();
  for (const agreement of agreements) active.set(agreement.agency_id, [...(active.get(agreement.agency_id) ?? []), agreement]);
  const agencies = [...county.agencies].sort((a, b) => (active.has(b.id) ? 1 : 0) - (active.has(a.id) ? 1 : 0) || a.name.localeCompare(b.name, lang));
  panel.replaceChildren(
    el('h3', {}, `${county.name}, ${county.state}`),
    el(
      'p',
      {},
      t('county.summary', { active: formatNumber(county.active_agreements), pending: formatNumber(county.pending_agreements), ended: formatNumber(county.ended_agreements), withdrawn: formatNumber(county.withdrawn_agreements), date: formatDate(asOf) }),
      view.model ? t('county.allModels') : '',
    ),
    agencies.length === 0
      ? el('p', {}, t('county.none'))
      : el(
          'ul',
          { class: 'county-agencies' },
          agencies.map((agency) =>
            el(
              'li',
              {},
              agencyLink(agency.id, agency.name),
              active.has(agency.id)
                ? el('ul', {}, active.get(agency.id).map((agreement) => el('li', {}, agreementLine(agreement))))
                : el('p', { class: 'muted' }, agency.pending_agreements > 0 ? t('county.pending') : t('county.inactive')),
            ),
          ),
        ),
  );
}

async function start() {
  $('legend').replaceChildren(legend());
  try {
    // The view's map is asked for at once, beside the reference data (the page preloads it).
    shapesOf(view.state);
    reference = await loadReference();
  } catch (error) {
    showError(error);
    return;
  }
  fillControls();
  // The controls are drawn in a frame of their own: the view's first step (render) then starts a short task.
  await nextFrame();
  await render();
}

// In a task of its own: the modules' evaluation and the page's first steps are two short tasks, not one long one.
inOwnTask(start);
