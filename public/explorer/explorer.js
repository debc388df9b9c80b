// The explorer: the agreements active on a date, as a county map and as a table, with what changed lately. The
// view (date, model, state, county) lives in the page's URL, so a link reproduces it. Every number comes from the
// public API: the count from /v1/stats, the map and table from /v1/agreements, the panels from /v1/counties/{fips}
// and /v1/changes.
import { el, eventSentence, getAll, getJson, loadModels, modelName, queryString } from './api.js';
import { drawMap, legend, loadAtlas } from './map.js';

const $ = (id) => document.getElementById(id);
const VIEW_PARAMETERS = ['as_of', 'model', 'state', 'county'];

function readView() {
  const search = new URLSearchParams(window.location.search);
  return Object.fromEntries(VIEW_PARAMETERS.map((name) => [name, search.get(name) ?? '']));
}

let view = readView();
let reference; // { models, states, listDates, atlas }
let current; // what the latest render loaded: { agreements, countyNames, asOf }
let renderCount = 0;

function setView(changes, { replace = false } = {}) {
  view = { ...view, ...changes };
  const url = `/${queryString(view)}`;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  render();
}

function showError(error) {
  $('error').hidden = false;
  $('error').textContent = `Could not load the data: ${error.message}`;
}

async function loadReference() {
  const [models, states, lists, atlas] = await Promise.all([
    loadModels(),
    getJson('/v1/states'),
    getJson('/v1/lists?status=applied&kind=participating'),
    loadAtlas(),
  ]);
  const listDates = [...new Set(lists.data.map((list) => list.list_date))].sort();
  return { models, states: states.data, listDates, atlas };
}

function fillControls() {
  $('model').append(...[...reference.models.values()].map((model) => el('option', { value: model.code }, model.name)));
  const statesByKind = [
    ['States', reference.states.filter((state) => !state.is_territory)],
    ['Territories', reference.states.filter((state) => state.is_territory)],
  ];
  for (const [label, states] of statesByKind) {
    $('state').append(el('optgroup', { label }, states.map((state) => el('option', { value: state.code }, state.name))));
  }
  $('list-dates').append(...reference.listDates.map((date) => el('option', { value: date })));
  $('as_of').min = reference.listDates[0] ?? '';
  $('controls').addEventListener('change', (event) => {
    const { name, value } = event.target;
    if (name === 'as_of' && value && !/^\d{4}-\d{2}-\d{2}$/.test(value)) return;
    setView({ [name]: value, county: name === 'state' && value && !view.county.startsWith(fipsOf(value)) ? '' : view.county });
  });
  $('previous-list').addEventListener('click', () => stepList(-1));
  $('next-list').addEventListener('click', () => stepList(1));
  window.addEventListener('popstate', () => {
    view = readView();
    render();
  });
}

/** Moves the date to the previous or next ICE list. */
function stepList(direction) {
  const date = $('as_of').value;
  const dates = reference.listDates;
  const target = direction < 0 ? dates.filter((item) => item < date).at(-1) : dates.find((item) => item > date);
  if (target) setView({ as_of: target });
}

function fipsOf(code) {
  return reference.states.find((state) => state.code === code)?.fips ?? '';
}

function groupBy(items, key) {
  const groups = new Map();
  for (const item of items) {
    const value = key(item);
    if (value === null || value === undefined) continue;
    groups.set(value, [...(groups.get(value) ?? []), item]);
  }
  return groups;
}

async function render() {
  const token = ++renderCount;
  $('error').hidden = true;
  $('model').value = view.model;
  $('state').value = view.state;
  if (view.as_of) $('as_of').value = view.as_of;
  document.body.setAttribute('aria-busy', 'true');
  try {
    const filters = { as_of: view.as_of, model: view.model, state: view.state };
    const [stats, agreements, counties, changes] = await Promise.all([
      getJson(`/v1/stats${queryString(filters)}`),
      getAll(`/v1/agreements${queryString({ ...filters, status: 'active', limit: '1000' })}`),
      getJson(`/v1/counties${queryString({ as_of: view.as_of, state: view.state })}`),
      getJson(`/v1/changes${queryString({ model: view.model, state: view.state, limit: '12' })}`),
    ]);
    if (token !== renderCount) return; // a newer view was asked for meanwhile
    const asOf = stats.as_of ?? '';
    const countyNames = new Map(counties.data.map((county) => [county.fips, `${county.name}, ${county.state}`]));
    current = { agreements, countyNames, asOf };
    $('as_of').value = view.as_of || asOf;
    $('previous-list').disabled = !reference.listDates.some((date) => date < $('as_of').value);
    $('next-list').disabled = !reference.listDates.some((date) => date > $('as_of').value);
    renderSummary(stats);
    const statewide = groupBy(agreements.filter((agreement) => agreement.county_fips === null), (agreement) => agreement.state);
    drawMap($('map'), reference.atlas, {
      stateFips: view.state ? fipsOf(view.state) : '',
      counts: new Map([...groupBy(agreements, (agreement) => agreement.county_fips)].map(([fips, items]) => [fips, items.length])),
      countyNames,
      statewide,
      states: reference.states,
      selected: view.county,
      onSelect: (fips) => setView({ county: fips }, { replace: true }),
    });
    renderStatewide(statewide);
    renderChanges(changes.data);
    renderTable(agreements, countyNames, filters);
    await renderCounty(token);
  } catch (error) {
    showError(error);
  } finally {
    if (token === renderCount) document.body.removeAttribute('aria-busy');
  }
}

function renderSummary(stats) {
  $('active-count').textContent = String(stats.active_agreements);
  const where = view.state ? ` in ${reference.states.find((state) => state.code === view.state)?.name ?? view.state}` : '';
  const model = view.model ? ` under the ${modelName(reference.models, view.model)}` : '';
  $('summary-detail').textContent =
    `${model}${where} on ${stats.as_of ?? 'no date (no list loaded yet)'}, held by ${stats.active_agencies} agencies; ` +
    `${stats.pending_agreements} pending, ${stats.ended_agreements} ended by then.`;
}

function agreementLine(agreement) {
  return `${modelName(reference.models, agreement.model)}${agreement.signed_on ? `, signed ${agreement.signed_on}` : ''}`;
}

function renderStatewide(statewide) {
  const states = [...statewide.keys()].sort();
  $('statewide-list').replaceChildren(
    states.length === 0
      ? el('p', {}, 'No statewide agency holds an active agreement in this view.')
      : el(
          'dl',
          { class: 'statewide-list' },
          states.map((code) => [
            el('dt', {}, `${reference.states.find((state) => state.code === code)?.name ?? code} (${statewide.get(code).length})`),
            statewide.get(code).map((agreement) =>
              el('dd', {}, el('a', { href: `/agencies/${encodeURIComponent(agreement.agency_id)}` }, agreement.agency_name), ` — ${agreementLine(agreement)}`),
            ),
          ]),
        ),
  );
}

function renderChanges(events) {
  $('changes-list').replaceChildren(
    ...(events.length === 0
      ? [el('li', {}, 'No change recorded yet.')]
      : events.map((event) =>
          el(
            'li',
            {},
            el('time', { datetime: event.occurred_on }, event.occurred_on),
            ' ',
            el('a', { href: `/agencies/${encodeURIComponent(event.agency_id)}` }, `${eventSentence(event.agency_name, event, modelName(reference.models, event.model))} (${event.state})`),
            el('small', {}, ` · ICE list of ${event.recorded_on}${event.source_file_name ? ` (${event.source_file_name})` : ''}`),
          ),
        )),
  );
}

function renderTable(agreements, countyNames, filters) {
  const rows = [...agreements].sort((a, b) => a.state.localeCompare(b.state) || a.agency_name.localeCompare(b.agency_name) || a.model.localeCompare(b.model));
  const cell = (label, ...content) => el('td', { 'data-label': label }, ...content);
  $('table-body').replaceChildren(
    ...rows.map((agreement) =>
      el(
        'tr',
        {},
        el('th', { scope: 'row', 'data-label': 'Agency' }, el('a', { href: `/agencies/${encodeURIComponent(agreement.agency_id)}` }, agreement.agency_name)),
        cell('State', agreement.state),
        cell('County', agreement.county_fips ? (countyNames.get(agreement.county_fips) ?? agreement.county_fips) : 'statewide'),
        cell('Model', modelName(reference.models, agreement.model)),
        cell('Signed', agreement.signed_on ?? '—'),
      ),
    ),
  );
  $('table-caption').textContent = `${rows.length} active agreements on ${current.asOf || 'the latest list'}`;
  $('csv-link').href = `/v1/agreements.csv${queryString({ ...filters, status: 'active' })}`;
}

async function renderCounty(token) {
  const panel = $('county-panel');
  if (!view.county) {
    panel.replaceChildren(el('p', {}, 'Choose a shaded county on the map to see its agencies and agreements.'));
    return;
  }
  const county = (await getJson(`/v1/counties/${encodeURIComponent(view.county)}${queryString({ as_of: view.as_of })}`)).data;
  if (token !== renderCount) return;
  const active = groupBy(current.agreements.filter((agreement) => agreement.county_fips === view.county), (agreement) => agreement.agency_id);
  const agencies = [...county.agencies].sort((a, b) => (active.has(b.id) ? 1 : 0) - (active.has(a.id) ? 1 : 0) || a.name.localeCompare(b.name));
  panel.replaceChildren(
    el('h3', {}, `${county.name}, ${county.state}`),
    el('p', {}, `${county.active_agreements} active, ${county.pending_agreements} pending, ${county.ended_agreements} ended agreements on ${current.asOf}${view.model ? ' (all models)' : ''}.`),
    agencies.length === 0
      ? el('p', {}, 'No agency here has held a 287(g) agreement.')
      : el(
          'ul',
          { class: 'county-agencies' },
          agencies.map((agency) =>
            el(
              'li',
              {},
              el('a', { href: `/agencies/${encodeURIComponent(agency.id)}` }, agency.name),
              active.has(agency.id)
                ? el('ul', {}, active.get(agency.id).map((agreement) => el('li', {}, agreementLine(agreement))))
                : el('p', { class: 'muted' }, agency.pending_agreements > 0 ? 'Applied; pending.' : 'No active agreement in this view.'),
            ),
          ),
        ),
  );
}

async function start() {
  $('legend').replaceChildren(legend());
  try {
    reference = await loadReference();
  } catch (error) {
    showError(error);
    return;
  }
  fillControls();
  await render();
}

start();
