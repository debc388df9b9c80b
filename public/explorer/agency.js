// One agency: its names over time, its agreements, a timeline of their events (each citing the ICE list that
// revealed it) and the oversight reports that name it. Reads /v1/agencies/{id}, /v1/agreements/{id} and /v1/reports.
import { el, eventSentence, getJson, loadModels, modelName } from './api.js';

const AGENCY_TYPES = {
  sheriffs_office: "Sheriff's office",
  police_department: 'Police department',
  state_agency: 'State agency',
  corrections: 'Corrections',
  county_government: 'County government',
  other: 'Agency',
};

const id = decodeURIComponent(window.location.pathname.replace(/^\/agencies\//, '').replace(/\/$/, ''));

function table(caption, headers, rows) {
  return el(
    'div',
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    el(
      'table',
      {},
      el('caption', {}, caption),
      el('thead', {}, el('tr', {}, headers.map((header) => el('th', { scope: 'col' }, header)))),
      el('tbody', {}, rows.map((cells) => el('tr', {}, cells.map((cell, index) => el('td', { 'data-label': headers[index] }, cell ?? '—'))))),
    ),
  );
}

function sourceCitation(event, sources) {
  const source = sources.get(event.source_list_id);
  const label = `ICE list of ${event.source_list_date}${event.source_file_name ? ` (${event.source_file_name}${event.source_row ? `, row ${event.source_row}` : ''})` : ''}`;
  // A link to where ICE published the list; following it is the reader's choice (the page itself fetches nothing outside).
  return source?.url ? el('a', { href: source.url, rel: 'noopener' }, label) : label;
}

async function render() {
  const main = document.getElementById('agency');
  const [{ data: agency }, models, reports] = await Promise.all([getJson(`/v1/agencies/${encodeURIComponent(id)}`), loadModels(), getJson('/v1/reports')]);
  document.title = `${agency.name} · 287(g) agreements`;
  const details = await Promise.all(agency.agreements.map((agreement) => getJson(`/v1/agreements/${encodeURIComponent(agreement.id)}`)));
  const sources = new Map(details.flatMap(({ data }) => data.sources.map((source) => [source.id, source])));
  const events = details
    .flatMap(({ data }) => data.events.map((event) => ({ ...event, model: data.model })))
    .sort((a, b) => a.occurred_on.localeCompare(b.occurred_on) || a.id - b.id);
  const place = agency.county_name ? `${agency.county_name}, ${agency.state}` : `${agency.state} (statewide)`;
  const reportsById = new Map(reports.data.map((report) => [report.id, report]));
  const agencyReports = agency.reports ?? [];

  const parts = [
    el('h2', {}, agency.name),
    el(
      'p',
      {},
      `${AGENCY_TYPES[agency.type] ?? agency.type} · `,
      agency.county_fips ? el('a', { href: `/?state=${agency.state}&county=${agency.county_fips}` }, place) : el('a', { href: `/?state=${agency.state}` }, place),
      ` · ${agency.active_agreements} active, ${agency.pending_agreements} pending agreement${agency.pending_agreements === 1 ? '' : 's'} · id `,
      el('code', {}, agency.id),
    ),
    // The FBI's identifiers (issue 22): the ORI joins crime, jail and staffing data; or why there is none.
    el(
      'p',
      { 'data-testid': 'fbi' },
      agency.ori
        ? [
            'FBI ORI ',
            el('code', {}, agency.ori),
            ` · population served ${agency.fbi_population?.toLocaleString('en-US') ?? 'unknown'} · ${agency.fbi_officers ?? '?'} sworn officers (FBI, ${agency.fbi_data_year})`,
          ]
        : `No FBI ORI${agency.ori_match ? ` (${agency.ori_match.replace(/_/g, ' ')})` : ''}`,
    ),
    el('h3', {}, 'Names over time'),
    table(
      'Every name ICE’s lists used for the agency',
      ['Name', 'First seen', 'Last seen'],
      [...agency.aliases].sort((a, b) => a.first_seen_on.localeCompare(b.first_seen_on)).map((alias) => [alias.name, alias.first_seen_on, alias.last_seen_on]),
    ),
    el('h3', {}, 'Agreements'),
    table(
      'Its agreements, past and present',
      ['Model', 'Status', 'Signed', 'First listed', 'Ended'],
      agency.agreements.map((agreement) => [modelName(models, agreement.model), agreement.status, agreement.signed_on, agreement.first_listed_on, agreement.ended_on]),
    ),
    el('h3', { id: 'timeline-heading' }, 'Timeline'),
    el(
      'ol',
      { class: 'timeline', 'aria-labelledby': 'timeline-heading', 'data-testid': 'timeline' },
      events.map((event) =>
        el(
          'li',
          {},
          el('time', { datetime: event.occurred_on }, event.occurred_on),
          ` ${eventSentence(agency.name, event, modelName(models, event.model))}. `,
          el('small', {}, 'Source: ', sourceCitation(event, sources)),
        ),
      ),
    ),
    agencyReports.length === 0
      ? ''
      : [
          el('h3', {}, 'Oversight reports'),
          el(
            'ul',
            { 'data-testid': 'reports' },
            agencyReports.map((item) => {
              const report = reportsById.get(item.report_id);
              return el(
                'li',
                {},
                report?.url ? el('a', { href: report.url, rel: 'noopener' }, report.title) : (report?.title ?? item.report_id),
                ` — ${report?.issuer ?? ''}${report?.published_on ? `, ${report.published_on}` : ''} (names it “${item.agency_name}”)`,
              );
            }),
          ),
        ],
  ];
  main.replaceChildren(...parts.flat());
}

render().catch((error) => {
  document.getElementById('agency').replaceChildren(el('p', { role: 'alert', class: 'error' }, `Could not load this agency: ${error.message}`));
});
