// One agency: its names over time, its agreements (an end known only as a window reads as the window), a timeline
// of their events each citing its real source (the ICE list with file and row, or the historical source with its
// title and line), and the oversight reports that name it with what they found. Reads /v1/agencies/{id},
// /v1/agreements/{id} and /v1/reports/{id}.
import { compareDays, el, getJson } from './api.js';
import { wireEmbedButton } from './embed-snippet.js';
import { eventSentence, formatDate, formatNumber, modelName, t, withLang } from './i18n.js';

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

/** Where an event comes from, as a citation a reader can follow. */
function sourceCitation(event, sources, historicalSources) {
  if (event.source_list_id !== null && event.source_list_id !== undefined) {
    const source = sources.get(event.source_list_id);
    const file = event.source_file_name
      ? event.source_row
        ? t('agency.sourceFileRow', { file: event.source_file_name, row: event.source_row })
        : t('agency.sourceFile', { file: event.source_file_name })
      : '';
    const label = `${t('agency.sourceList', { date: formatDate(event.source_list_date) })}${file}`;
    // A link to where ICE published the list; following it is the reader's choice (the page itself fetches nothing outside).
    return source?.url ? el('a', { href: source.url, rel: 'noopener' }, label) : label;
  }
  const historical = historicalSources.get(event.historical_source_id);
  if (historical) {
    const label = `${t('agency.sourceHistorical', { title: historical.title })}${event.source_row ? t('agency.sourceLine', { row: event.source_row }) : ''}`;
    // A source drawn from an oversight report points at the report, listed further down the page.
    return historical.report_id ? el('a', { href: `#report-${historical.report_id}` }, label) : label;
  }
  return t('agency.sourceUnknown');
}

/** When an agreement ended: a day, or the window an end known only between two sightings lies in. */
function endedText(agreement) {
  if (agreement.ended_on) return formatDate(agreement.ended_on);
  if (agreement.ended_after && agreement.ended_before) {
    return t('agency.endedWindow', { after: formatDate(agreement.ended_after), before: formatDate(agreement.ended_before) });
  }
  return null;
}

function reportItem(item, report) {
  const title = report?.url ? el('a', { href: report.url, rel: 'noopener' }, report.title) : (report?.title ?? item.report_id);
  const issued = [report?.issuer, report?.published_on ? formatDate(report.published_on) : ''].filter(Boolean).join(', ');
  return el(
    'li',
    { id: `report-${item.report_id}` },
    title,
    ` — ${issued} (${t('agency.reportNames', { name: item.agency_name })})`,
    report?.summary ? el('p', { class: 'report-summary' }, t('agency.reportSays', { text: report.summary })) : '',
  );
}

async function render() {
  const main = document.getElementById('agency');
  const { data: agency } = await getJson(`/v1/agencies/${encodeURIComponent(id)}`);
  document.title = t('agency.title', { name: agency.name });
  const agencyReports = agency.reports ?? [];
  const [details, reports] = await Promise.all([
    Promise.all(agency.agreements.map((agreement) => getJson(`/v1/agreements/${encodeURIComponent(agreement.id)}`))),
    Promise.all([...new Set(agencyReports.map((item) => item.report_id))].map((reportId) => getJson(`/v1/reports/${encodeURIComponent(reportId)}`))),
  ]);
  const sources = new Map(details.flatMap(({ data }) => data.sources.map((source) => [source.id, source])));
  const historicalSources = new Map(details.flatMap(({ data }) => (data.historical_sources ?? []).map((source) => [source.id, source])));
  const events = details
    .flatMap(({ data }) => data.events.map((event) => ({ ...event, model: data.model })))
    .sort((a, b) => compareDays(a.occurred_on, b.occurred_on) || a.id - b.id);
  const place = agency.county_name ? `${agency.county_name}, ${agency.state}` : t('agency.statewide', { state: agency.state });
  const reportsById = new Map(reports.map(({ data }) => [data.id, data]));
  const placeLink = withLang(agency.county_fips ? `/?state=${agency.state}&county=${agency.county_fips}` : `/?state=${agency.state}`);

  const parts = [
    el('h2', {}, agency.name),
    el(
      'p',
      {},
      `${t(`type.${agency.type}`)} · `,
      el('a', { href: placeLink }, place),
      t('agency.counts', { active: formatNumber(agency.active_agreements), pending: formatNumber(agency.pending_agreements) }),
      el('code', {}, agency.id),
    ),
    el(
      'p',
      { class: 'embed-field' },
      el('button', { type: 'button', id: 'embed-button', 'aria-expanded': 'false', 'aria-controls': 'embed-panel' }, t('embed.button')),
    ),
    el(
      'section',
      { id: 'embed-panel', class: 'embed-panel', 'aria-labelledby': 'embed-heading', hidden: true },
      el('h3', { id: 'embed-heading' }, t('embed.heading')),
      el('p', { class: 'muted' }, t('embed.note')),
      el('label', { for: 'embed-snippet', class: 'visually-hidden' }, t('embed.snippetLabel')),
      el('textarea', { id: 'embed-snippet', readonly: true, rows: '3', 'data-testid': 'embed-snippet' }),
      el('button', { type: 'button', id: 'embed-copy' }, t('embed.copy')),
    ),
    el('h3', {}, t('agency.names')),
    table(
      t('agency.namesCaption'),
      [t('agency.name'), t('agency.firstSeen'), t('agency.lastSeen')],
      [...agency.aliases].sort((a, b) => compareDays(a.first_seen_on, b.first_seen_on)).map((alias) => [alias.name, formatDate(alias.first_seen_on), formatDate(alias.last_seen_on)]),
    ),
    el('h3', {}, t('agency.agreements')),
    table(
      t('agency.agreementsCaption'),
      [t('table.model'), t('agency.status'), t('table.signed'), t('agency.firstListed'), t('agency.ended')],
      agency.agreements.map((agreement) => [
        modelName(agreement.model),
        t(`status.${agreement.status}`),
        agreement.signed_on ? formatDate(agreement.signed_on) : null,
        agreement.first_listed_on ? formatDate(agreement.first_listed_on) : null,
        endedText(agreement),
      ]),
    ),
    el('h3', { id: 'timeline-heading' }, t('agency.timeline')),
    el(
      'ol',
      { class: 'timeline', 'aria-labelledby': 'timeline-heading', 'data-testid': 'timeline' },
      events.map((event) =>
        el(
          'li',
          {},
          el('time', { datetime: event.occurred_on }, formatDate(event.occurred_on)),
          ` ${eventSentence(agency.name, event, event.model)}. `,
          el('small', {}, t('agency.source'), sourceCitation(event, sources, historicalSources)),
        ),
      ),
    ),
    agencyReports.length === 0
      ? ''
      : [
          el('h3', {}, t('agency.reports')),
          el('ul', { 'data-testid': 'reports', class: 'reports' }, agencyReports.map((item) => reportItem(item, reportsById.get(item.report_id)))),
        ],
    // The FBI's identifiers (issue 22): the ORI joins crime, jail and staffing data; or why there is none.
    el('h3', {}, t('agency.identifiers')),
    el(
      'p',
      { 'data-testid': 'fbi' },
      agency.ori
        ? [
            'FBI ORI ',
            el('code', {}, agency.ori),
            ` · ${t('agency.fbiPopulation', { population: agency.fbi_population != null ? formatNumber(agency.fbi_population) : '?' })}`,
            ` · ${t('agency.fbiOfficers', { officers: agency.fbi_officers != null ? formatNumber(agency.fbi_officers) : '?', year: agency.fbi_data_year ?? '?' })}`,
          ]
        : t('agency.noOri', { reason: agency.ori_match ? agency.ori_match.replace(/_/g, ' ') : '?' }),
    ),
  ];
  main.replaceChildren(...parts.flat());
  wireEmbedButton(document.getElementById('embed-button'), document.getElementById('embed-panel'), document.getElementById('embed-snippet'), document.getElementById('embed-copy'), () => ({
    path: `/embed/agency/${encodeURIComponent(agency.id)}${window.location.search}`,
    title: t('embed.frameTitle', { what: agency.name }),
    height: 420,
  }));
}

render().catch((error) => {
  document.getElementById('agency').replaceChildren(el('p', { role: 'alert', class: 'error' }, t('agency.error', { message: error.message })));
});
