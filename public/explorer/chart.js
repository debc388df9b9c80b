// The chart of active agreements over time, by model, for the explorer's filters: plain SVG (no library), the
// chosen date marked, a click (or Enter) on a point
// moving the date. From ICE's first list of 2021 the counts are known at every list, so they are lines (one point a
// month); before it the sources are snapshots years apart, so they are drawn as dots, never joined. The same numbers
// are in a table for screen readers and for copying.
import { compareDays, el, getJson, queryString } from './api.js';
import { formatDate, formatNumber, formatYear, modelName, t } from './i18n.js';

// The chart is drawn at its container's width (labels keep their size on a phone), 960 at most; on a phone it is
// taller (3:2), as explorer.css reserves it.
const MAX_WIDTH = 960;
const MARGIN = { top: 16, right: 16, bottom: 28, left: 48 };
const SVG = 'http://www.w3.org/2000/svg';
const FIRST_YEAR = '2002-01-01';
/** One colour per model, and the total. */
export const MODEL_CLASSES = { jail_enforcement: 'm1', task_force: 'm2', warrant_service_officer: 'm3', jail_and_task_force: 'm4', unstated: 'm5' };

function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The dates of the sources before ICE's lists (ingest --historical): the chart's snapshots. */
// The first agreement (Florida, 2002-07-02, in ICE's index of agreements), ICE's lists of 2007-09-19 and 2008-03-10, and the
// OIG's count of 2009-10-28 (report OIG-10-63): between them nothing says how many were in force.
const SNAPSHOT_DATES = ['2002-07-02', '2007-09-19', '2008-03-10', '2009-10-28'];

/**
 * The chart's points for a view ({ state, county, model }): a monthly series per model from ICE's first list
 * (/v1/stats/timeseries), and the snapshots before it (/v1/stats on each source's date).
 */
export async function loadChartPoints(view, allModels, firstListDate) {
  const where = { state: view.state, county_fips: view.county };
  const models = view.model ? [view.model] : allModels.filter((code) => code !== 'unstated');
  const [series, snapshots] = await Promise.all([
    Promise.all(models.map((model) => getJson(`/v1/stats/timeseries${queryString({ ...where, model, interval: 'month' })}`))),
    Promise.all(
      SNAPSHOT_DATES.filter((date) => !firstListDate || date < firstListDate).map((date) => getJson(`/v1/stats${queryString({ ...where, model: view.model, as_of: date })}`)),
    ),
  ]);
  const byDate = new Map();
  series.forEach((answer, index) => {
    for (const point of answer.data) {
      const entry = byDate.get(point.date) ?? { date: point.date, total: 0, byModel: {}, snapshot: false };
      entry.byModel[models[index]] = point.active_agreements;
      entry.total += point.active_agreements;
      byDate.set(point.date, entry);
    }
  });
  const before = snapshots
    .filter((stats) => stats.as_of)
    .map((stats) => ({ date: stats.as_of, total: stats.active_agreements, byModel: stats.by_model, snapshot: true }));
  const points = [...new Map([...before, ...byDate.values()].map((point) => [point.date, point])).values()].sort((a, b) => compareDays(a.date, b.date));
  return { points, models };
}

const dayValue = (day) => Date.parse(`${day}T00:00:00Z`);

/**
 * Draws the chart into `container` and its table into `tableContainer`. `points`: [{ date, total, byModel, snapshot }]
 * in date order (snapshot: a pre-2021 source's date); `models`: the model codes to draw; `chosen`: the date marked.
 * `width`: the container's width when the caller measured it (reading it here, while the page is still being drawn,
 * would make the browser lay out the whole page in this task).
 */
export function drawChart(container, tableContainer, { points, models, chosen, onChoose, width = container.clientWidth }) {
  const WIDTH = Math.round(Math.min(MAX_WIDTH, Math.max(300, width || MAX_WIDTH)));
  const HEIGHT = WIDTH < 700 ? Math.round((WIDTH * 2) / 3) : Math.round((WIDTH * 300) / 960);
  const last = points.at(-1)?.date ?? chosen ?? FIRST_YEAR;
  const x0 = dayValue(FIRST_YEAR);
  const x1 = dayValue(last);
  const top = Math.max(1, ...points.map((point) => point.total));
  const x = (day) => MARGIN.left + ((dayValue(day) - x0) / Math.max(1, x1 - x0)) * (WIDTH - MARGIN.left - MARGIN.right);
  const y = (count) => HEIGHT - MARGIN.bottom - (count / top) * (HEIGHT - MARGIN.top - MARGIN.bottom);

  const chart = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': t('chart.label') });
  // Axes: a line a year on the x axis, labelled every few years; four steps up the y axis.
  const axes = svg('g', { class: 'axes', 'aria-hidden': 'true' });
  for (let step = 0; step <= 4; step++) {
    const value = Math.round((top * step) / 4);
    axes.append(svg('line', { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: y(value), y2: y(value), class: 'grid' }));
    axes.append(svg('text', { x: MARGIN.left - 6, y: y(value), dy: '0.32em', 'text-anchor': 'end' }, formatNumber(value)));
  }
  const lastYear = Number(last.slice(0, 4));
  for (let year = 2002; year <= lastYear; year += 4) {
    const day = `${year}-01-01`;
    axes.append(svg('text', { x: x(day), y: HEIGHT - 8, 'text-anchor': 'middle' }, formatYear(day)));
  }
  chart.append(axes);

  const listed = points.filter((point) => !point.snapshot);
  const series = [...models.map((code) => ({ code, value: (point) => point.byModel[code] ?? 0, className: MODEL_CLASSES[code] ?? 'm5' })), { code: 'total', value: (point) => point.total, className: 'total' }];
  for (const item of series) {
    if (listed.length > 1) {
      const line = listed.map((point, index) => `${index === 0 ? 'M' : 'L'}${x(point.date)},${y(item.value(point))}`).join('');
      chart.append(svg('path', { d: line, class: `series ${item.className}`, 'aria-hidden': 'true' }));
    }
    // The snapshots before 2021: dots only.
    for (const point of points.filter((candidate) => candidate.snapshot)) {
      chart.append(svg('circle', { cx: x(point.date), cy: y(item.value(point)), r: 3.5, class: `snapshot ${item.className}`, 'aria-hidden': 'true' }));
    }
  }

  if (chosen) {
    const at = x(chosen);
    chart.append(svg('line', { x1: at, x2: at, y1: MARGIN.top, y2: HEIGHT - MARGIN.bottom, class: 'chosen', 'data-testid': 'chart-chosen' }));
  }
  // The points a reader can choose: every date of the chart, on the total.
  const targets = svg('g', { class: 'targets' });
  for (const point of points) {
    const target = svg('circle', { cx: x(point.date), cy: y(point.total), r: 6, class: 'target', 'data-date': point.date });
    target.append(svg('title', {}, t('chart.pointTitle', { date: formatDate(point.date), count: formatNumber(point.total) })));
    targets.append(target);
  }
  targets.addEventListener('click', (event) => {
    const date = event.target.closest?.('[data-date]')?.getAttribute('data-date');
    if (date) onChoose(date);
  });
  chart.append(targets);
  container.replaceChildren(chart);

  const legend = el(
    'ul',
    { class: 'legend chart-legend' },
    series.map((item) => el('li', {}, el('span', { class: `swatch line ${item.className}` }), item.code === 'total' ? t('chart.total') : modelName(item.code))),
    el('li', {}, el('span', { class: 'swatch line chosen' }), t('chart.chosen')),
  );
  const headers = [t('chart.date'), ...models.map((code) => modelName(code)), t('chart.total')];
  // The table's rows are made when a reader opens it (hundreds of cells a phone need not lay out before).
  const rows = () =>
    points.map((point) =>
      el(
        'tr',
        { class: point.date === chosen ? 'chosen-row' : undefined },
        el('th', { scope: 'row', 'data-label': headers[0] }, el('button', { type: 'button', class: 'link', 'data-date': point.date }, formatDate(point.date))),
        models.map((code, index) => el('td', { 'data-label': headers[index + 1] }, formatNumber(point.byModel[code] ?? 0))),
        el('td', { 'data-label': headers.at(-1) }, formatNumber(point.total)),
      ),
    );
  const body = el('tbody', {});
  const table = el(
    'details',
    { class: 'chart-table' },
    el('summary', {}, t('chart.showTable')),
    el(
      'div',
      { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('chart.tableCaption') },
      el('table', { 'data-testid': 'chart-table' }, el('caption', {}, t('chart.tableCaption')), el('thead', {}, el('tr', {}, headers.map((header) => el('th', { scope: 'col' }, header)))), body),
    ),
  );
  table.addEventListener('toggle', () => {
    if (table.open && !body.firstChild) body.append(...rows());
  });
  table.addEventListener('click', (event) => {
    const date = event.target.closest?.('button[data-date]')?.getAttribute('data-date');
    if (date) onChoose(date);
  });
  tableContainer.replaceChildren(legend, table);
}
