// CSV (parsed back: header, one row per item, injection neutralized) and
// GeoJSON (RFC 7946: FeatureCollection, [lon, lat] positions, FIPS as
// zero-padded strings, statewide agencies at the state centroid) and bulk.
import t from 'tap';
import { testApp } from '../../helpers/app.ts';
import { buildList } from '../../helpers/build-list.ts';
import { PARTICIPATING_COLUMNS, SEED_FACTS, SEED_LISTS, seedHistory } from '../../helpers/fixtures.ts';
import { ingestList } from '../../../src/ingestion/ingest.ts';

/** An RFC 4180 parser, strict enough to catch bad quoting. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') {
      if (cell !== '') throw new Error(`quote inside an unquoted cell at ${i}`);
      quoted = true;
    } else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += char;
  }
  if (quoted) throw new Error('unterminated quote');
  if (cell !== '' || row.length > 0) throw new Error('last line without CRLF');
  return rows;
}

function records(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  for (const row of rows)
    if (row.length !== header!.length) throw new Error(`row of ${row.length} cells under ${header!.length} columns`);
  return rows.map((row) => Object.fromEntries(header!.map((name, i) => [name, row[i]!])));
}

const date = (iso: string) => new Date(`${iso}T00:00:00Z`);
const moa = { text: 'link', hyperlink: 'https://www.ice.gov/doclib/about/offices/ero/287g/moa.pdf' };

t.test('formats', async (t) => {
  const { app, database } = await testApp(t);
  await seedHistory(database.pool);
  // A sixth list: what was on the fifth, plus agencies whose names a spreadsheet would execute, and one in
  // Alabama (FIPS 01: the leading zero must survive).
  const last = SEED_LISTS.at(-1)!;
  const hostile = [
    '=HYPERLINK("http://evil.example","x") Police Department',
    '@SUM(1+1) Police Department',
    '+1 Police Department',
    '-1 Police Department',
  ];
  const buffer = await buildList({
    columns: PARTICIPATING_COLUMNS,
    rows: [
      ...last.rows,
      ...hostile.map((name) => [
        'TEXAS',
        name,
        'Municipality',
        'Harris County',
        'Task Force Model',
        date('2025-05-20'),
        moa,
      ]),
      [
        'ALABAMA',
        "Baldwin County Sheriff's Office",
        'County',
        'Baldwin County',
        'Jail Enforcement Model',
        date('2025-05-20'),
        moa,
      ],
    ],
  });
  const report = await ingestList(database.pool, { buffer, fileName: 'participatingAgencies06012025pm.xlsx' });
  t.equal(report.outcome, 'applied', 'the extra list is applied');
  await app.dataset.refresh();
  const json = (await app.inject('/v1/agreements?limit=1000')).json().data as Record<string, unknown>[];
  const hostileNames = json.map((a) => String(a.agency_name)).filter((name) => /^[=@+-]/.test(name));

  t.test('CSV of agreements', async (t) => {
    const response = await app.inject('/v1/agreements.csv');
    t.equal(response.statusCode, 200);
    t.match(response.headers['content-type'], /^text\/csv; charset=utf-8/);
    t.match(response.headers['content-disposition'], /attachment; filename="agreements.csv"/);
    const rows = records(response.body);
    t.equal(rows.length, json.length, 'one row per agreement');
    t.same(Object.keys(rows[0]!), Object.keys(json[0]!), 'the header row is the JSON field names');
    t.same(
      rows.map((row) => row.id),
      json.map((a) => a.id),
      'same agreements, same order',
    );
    const baldwin = rows.find((row) => row.state === 'AL')!;
    t.equal(baldwin.county_fips, '01003', 'FIPS keeps its leading zero');
    t.ok(
      hostileNames.length > 0,
      `the ingested list kept names that start with a formula character: ${hostileNames.join(' | ')}`,
    );
    for (const row of rows) {
      t.notOk(/^[=+\-@\t\r]/.test(row.agency_name!), `${row.agency_name}: no cell starts a formula`);
    }
    for (const name of hostileNames) {
      t.ok(
        rows.some((row) => row.agency_name === `'${name}`),
        `${name} is kept, behind an apostrophe`,
      );
    }
    const accept = await app.inject({ url: '/v1/agreements?state=AL', headers: { accept: 'text/csv' } });
    t.match(accept.headers['content-type'], /^text\/csv/, 'Accept: text/csv on the collection');
    t.equal(records(accept.body).length, 1, 'with the same filters');
    const page = await app.inject('/v1/agreements.csv?limit=2');
    t.equal(records(page.body).length, 2, 'limit gives one page');
    t.match(page.headers.link, /rel="next"/, 'with a Link to the next');
    const filtered = records((await app.inject('/v1/agreements.csv?status=ended')).body);
    t.ok(filtered.length > 0 && filtered.every((row) => row.status === 'ended'), 'filters apply to the CSV');
  });

  t.test('CSV of every collection parses', async (t) => {
    for (const url of [
      '/v1/agencies.csv',
      '/v1/states.csv',
      '/v1/counties.csv',
      '/v1/models.csv',
      '/v1/reports.csv',
      '/v1/lists.csv',
      '/v1/changes.csv',
      '/v1/stats/timeseries.csv',
    ]) {
      const response = await app.inject(url);
      t.equal(response.statusCode, 200, url);
      t.match(response.headers['content-type'], /^text\/csv/, url);
      const rows = records(response.body);
      t.ok(rows.length > 0, `${url}: ${rows.length} rows under a header`);
      const jsonUrl = url.replace('.csv', '');
      const data = (
        await app.inject(
          `${jsonUrl}${jsonUrl.includes('?') ? '&' : '?'}${jsonUrl.startsWith('/v1/agencies') || jsonUrl.startsWith('/v1/changes') ? 'limit=1000' : ''}`,
        )
      ).json().data;
      t.equal(rows.length, data.length, `${url}: as many rows as the JSON has items`);
    }
    const agencies = records((await app.inject('/v1/agencies.csv')).body);
    const collier = agencies.find((row) => row.id === 'fl-collier-county-sheriffs-office')!;
    t.equal(collier.models, 'jail_enforcement;task_force', 'lists are ;-separated');
    const states = records((await app.inject('/v1/states.csv')).body);
    t.equal(states.find((row) => row.code === 'AL')!.fips, '01');
    t.equal(states.find((row) => row.code === 'FL')!.active_task_force, '2', 'by_model becomes one column per model');
  });

  t.test('GeoJSON', async (t) => {
    function checkCollection(
      body: {
        type: string;
        features: {
          type: string;
          id: unknown;
          geometry: { type: string; coordinates: unknown } | null;
          properties: Record<string, unknown>;
        }[];
      },
      name: string,
    ) {
      t.equal(body.type, 'FeatureCollection', `${name}: a FeatureCollection`);
      t.ok(Array.isArray(body.features), `${name}: features`);
      for (const feature of body.features) {
        t.equal(feature.type, 'Feature');
        t.ok(feature.properties && typeof feature.properties === 'object', 'properties is an object');
        t.ok(typeof feature.id === 'string' || typeof feature.id === 'number', 'id is a string or number');
      }
    }
    const inUs = ([lon, lat]: number[]) => lon! >= -180 && lon! <= -60 && lat! >= 15 && lat! <= 72;

    const agencies = await app.inject('/v1/agencies.geojson');
    t.match(agencies.headers['content-type'], /^application\/geo\+json/);
    const agencyBody = agencies.json();
    checkCollection(agencyBody, 'agencies');
    t.equal(
      agencyBody.features.length,
      (await app.inject('/v1/agencies?limit=1000')).json().data.length,
      'one feature per agency',
    );
    for (const feature of agencyBody.features) {
      t.equal(feature.geometry.type, 'Point');
      t.equal(feature.geometry.coordinates.length, 2);
      t.ok(inUs(feature.geometry.coordinates), `${feature.id}: [lon, lat] order, in the US`);
      if (feature.properties.county_fips !== null)
        t.match(feature.properties.county_fips, /^\d{5}$/, 'FIPS as a 5-digit string');
    }
    const patrol = agencyBody.features.find((feature: { id: string }) => feature.id === 'fl-florida-highway-patrol');
    t.equal(patrol.properties.statewide, true, 'a statewide agency says so');
    const florida = (await app.inject('/v1/states/FL')).json().data;
    t.same(
      patrol.geometry.coordinates.map((value: number) => value.toFixed(4)),
      [florida.lon.toFixed(4), florida.lat.toFixed(4)],
      "at its state's centroid",
    );

    const agreements = (await app.inject('/v1/agreements.geojson?state=FL')).json();
    checkCollection(agreements, 'agreements');
    t.equal(agreements.features.length, json.filter((a) => a.state === 'FL').length, 'filters apply');
    t.ok(agreements.features.every((feature: { properties: { state: string } }) => feature.properties.state === 'FL'));

    const counties = await app.inject('/v1/counties.geojson');
    const countyBody = counties.json();
    checkCollection(countyBody, 'counties');
    t.match(counties.headers['content-type'], /^application\/geo\+json/);
    const baldwin = countyBody.features.find((feature: { id: string }) => feature.id === '01003');
    t.ok(baldwin, 'Baldwin County as "01003": FIPS is a zero-padded string');
    t.equal(baldwin.properties.fips, '01003');
    t.equal(baldwin.properties.active_agreements, 1, 'with its agreement counts');
    t.ok(['Polygon', 'MultiPolygon'].includes(baldwin.geometry.type), 'an outline');
    const ring =
      baldwin.geometry.type === 'Polygon' ? baldwin.geometry.coordinates[0] : baldwin.geometry.coordinates[0][0];
    t.same(ring[0], ring.at(-1), 'rings are closed');
    t.ok(ring.every(inUs), 'positions are [lon, lat]');
    const harris = countyBody.features.find((feature: { id: string }) => feature.id === SEED_FACTS.harrisCountyFips);
    t.ok(harris.properties.active_agreements >= 1, 'Harris County counts Houston PD');
    const texas = (await app.inject('/v1/counties.geojson?state=TX')).json();
    t.ok(
      texas.features.length > 0 &&
        texas.features.every((feature: { properties: { state: string } }) => feature.properties.state === 'TX'),
      'state filter',
    );
    const past = (await app.inject('/v1/counties.geojson?as_of=2025-03-15')).json();
    t.notOk(
      past.features.some((feature: { id: string }) => feature.id === '01003'),
      'as_of: Baldwin had no agreement yet',
    );
  });

  t.test('bulk', async (t) => {
    const ndjson = await app.inject('/v1/bulk/agreements.ndjson');
    t.equal(ndjson.statusCode, 200);
    t.match(ndjson.headers['content-type'], /^application\/x-ndjson/);
    const version = app.dataset.current().version;
    t.match(
      ndjson.headers['content-disposition'],
      new RegExp(`287g-agreements-v${version}\\.ndjson`),
      'the file name says the dataset version',
    );
    const lines = ndjson.body
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    t.equal(lines.length, json.length, 'every agreement, whatever its status');
    t.ok(
      lines.every((line) => Array.isArray(line.events) && line.events.length > 0),
      'each with its events',
    );
    const events = lines.reduce((sum, line) => sum + line.events.length, 0);
    const csv = records((await app.inject('/v1/bulk/agreements.csv')).body);
    t.equal(csv.length, events, 'the CSV has one row per event');
    t.ok(
      csv.every((row) => row.event_type && row.id),
      'agreement and event columns',
    );
    const renewed = csv.find((row) => row.event_type === 'renewed')!;
    t.same(JSON.parse(renewed.event_details!).previous_signed_on, '2025-02-20', 'event details as JSON');
  });
});
