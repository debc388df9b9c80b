// The historical layer (2007–2020): hand-made sources in the real format
// (test/fixtures/historical) over a real database and the real app, and the
// real sources when HISTORICAL_DIR points at them (docs/operations.md).
import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import t from 'tap';
import { ingestHistorical } from '../../src/ingestion/historical/load-historical.ts';
import { IngestInputError, ingestList } from '../../src/ingestion/ingest.ts';
import { loadReferenceData } from '../../src/reference/load.ts';
import { testApp } from '../helpers/app.ts';
import { buildList } from '../helpers/build-list.ts';
import { testDatabase } from '../helpers/database.ts';
import { PARTICIPATING_COLUMNS } from '../helpers/fixtures.ts';
import { contentDifferences, historyContents } from '../helpers/history-contents.ts';
import { realData } from '../helpers/real-data.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/historical/', import.meta.url));
// Skipped on a developer's machine without the sources; a failure in CI (helpers/real-data.ts).
const { dir: historicalDir, skip: skipHistorical } = realData('HISTORICAL_DIR');

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

/** ICE's first list in these tests: Collier's jail agreement of 2016 and one agency the sources never name. */
let firstListBytes: Promise<Buffer> | undefined;
async function firstList(pool: pg.Pool) {
  const listDate = '2021-01-13';
  // The same bytes every time (a built workbook carries its build time), so two databases hold the same list.
  firstListBytes ??= buildList({
    columns: PARTICIPATING_COLUMNS,
    rows: [
      [
        'FLORIDA',
        "Collier County Sheriff's Office",
        'County',
        'Collier County',
        'Jail Enforcement Model',
        day('2016-06-23'),
        null,
      ],
      [
        'TEXAS',
        "Lubbock County Sheriff's Office",
        'County',
        'Lubbock County',
        'Jail Enforcement Model',
        day('2019-02-28'),
        null,
      ],
    ],
  });
  const buffer = await firstListBytes;
  return ingestList(
    pool,
    {
      buffer,
      fileName: `participatingAgencies${listDate.slice(5, 7)}${listDate.slice(8)}${listDate.slice(0, 4)}.xlsx`,
    },
    { listDate },
  );
}

async function getJson(app: FastifyInstance, url: string) {
  await app.dataset.refresh();
  const response = await app.inject({ method: 'GET', url });
  return { status: response.statusCode, body: response.json() };
}

async function tableCounts(pool: pg.Pool): Promise<Record<string, number>> {
  const tables = [
    'agencies',
    'agreements',
    'agreement_events',
    'agreement_status_spans',
    'historical_sources',
    'oversight_report_agencies',
    'source_lists',
  ];
  const counts: Record<string, number> = {};
  for (const table of tables)
    counts[table] = Number((await pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  return counts;
}

t.test("the historical layer needs ICE's first list, and refuses bad input changing nothing", async (t) => {
  const db = await testDatabase(t);
  await t.rejects(ingestHistorical(db.pool, FIXTURES), IngestInputError, 'before any ICE list: refused');
  t.equal((await tableCounts(db.pool)).historical_sources, 0);

  await firstList(db.pool);
  const before = await tableCounts(db.pool);
  const bad = await tempDir(t, 'historical');
  await cp(FIXTURES, bad, { recursive: true });
  await writeFile(
    join(bad, 'oig-test-appendix-e.csv'),
    "source,as_of,state,agency,model,date_signed_original,status\nDHS OIG-10-63 (x),2009-10-28,Arizona,Pinal County Sheriff's Office,Hybrid,2008-13-10,signed\n",
  );
  await t.rejects(ingestHistorical(db.pool, bad), {
    name: 'IngestInputError',
    message: /line 2: "2008-13-10" is not a date/,
  });
  await writeFile(join(bad, 'oig-test-appendix-e.csv'), 'state,agency\nArizona,Somebody\n');
  await t.rejects(ingestHistorical(db.pool, bad), { message: /not a historical source/ });
  t.same(await tableCounts(db.pool), before, 'nothing changed');
});

t.test('agencies, agreements, windows, reports and as_of from the historical sources', async (t) => {
  const { app, database: db } = await testApp(t);
  await firstList(db.pool);
  const collierBefore = (await getJson(app, '/v1/agencies/fl-collier-county-sheriffs-office')).body.data;

  const report = await ingestHistorical(db.pool, FIXTURES);
  t.match(report, { outcome: 'loaded', endsAt: '2021-01-13', reportLinks: 4 });
  t.same(
    report.sources.map((source) => source.id),
    ['ice-list-2007-09-19', 'ice-list-2008-03-10', 'moa-archive-test', 'oig-test-appendix-e'],
    "one source per snapshot of ICE's page, one per other file",
  );

  // Identity: the Collier County Sheriff's Office of 2007 (also spelled "Collier Co.") is today's.
  const collier = (await getJson(app, '/v1/agencies/fl-collier-county-sheriffs-office')).body.data;
  t.equal(collier.name, collierBefore.name);
  const collierAgreements = (await getJson(app, '/v1/agreements?q=Collier&sort=signed_on&limit=10')).body.data;
  t.same(
    collierAgreements.map((a: { id: string; origin: string; status: string }) => [a.id, a.origin, a.status]),
    [
      ['fl-collier-county-sheriffs-office--hist-jtf-2007-08-06', 'historical', 'ended'],
      ['fl-collier-county-sheriffs-office--hist-jem-2016-06-23', 'historical', 'ended'],
      ['fl-collier-county-sheriffs-office--jem-2016-06-23', 'ice_lists', 'active'],
    ],
    "Collier's history starts in 2007",
  );
  const hybrid = (await getJson(app, '/v1/agreements/fl-collier-county-sheriffs-office--hist-jtf-2007-08-06')).body
    .data;
  t.same(
    hybrid.events.map(
      (event: {
        type: string;
        occurred_on: string;
        historical_source_id: string;
        details: { source_note: string };
      }) => [event.type, event.occurred_on, event.historical_source_id, event.details.source_note],
    ),
    [
      ['signed', '2007-08-06', 'oig-test-appendix-e', 'signed 2007-08-06 (OIG-10-63, App. E)'],
      ['listed', '2007-09-19', 'ice-list-2007-09-19', "on ICE's list of 2007-09-19"],
      ['listed', '2008-03-10', 'ice-list-2008-03-10', "on ICE's list of 2008-03-10"],
      ['listed', '2009-10-28', 'oig-test-appendix-e', 'in force on 2009-10-28 (OIG-10-63, App. E)'],
      [
        'ended',
        '2021-01-13',
        'oig-test-appendix-e',
        "last seen 2009-10-28; absent from ICE's list of 2021-01-13: ended within that window",
      ],
    ],
    'every event cites its source',
  );
  t.match(
    hybrid,
    { ended_on: null, ended_after: '2009-10-28', ended_before: '2021-01-13', sources: [] },
    'a window, never an invented day',
  );
  t.same(hybrid.historical_sources.map((source: { id: string }) => source.id).sort(), [
    'ice-list-2007-09-19',
    'ice-list-2008-03-10',
    'oig-test-appendix-e',
  ]);
  const jail = (await getJson(app, '/v1/agreements/fl-collier-county-sheriffs-office--hist-jem-2016-06-23')).body.data;
  t.match(
    jail.events.at(-1),
    { type: 'ended', details: { continued_as: 'fl-collier-county-sheriffs-office--jem-2016-06-23' } },
    'an MOA of 2016 on the first list continues there',
  );
  t.match(jail.events[0].details, {
    source_note: 'MOA signed 2016-06-23 (ICE MOA archive)',
    moa_file: '287gJEM_CollierCoFl2016-06-23.pdf',
  });
  t.match(jail, { ended_after: null, ended_before: null });

  // An agency that left before 2021: created with state and county, found by the query a reporter types.
  const maricopa = await getJson(app, '/v1/agencies?state=AZ&q=Maricopa');
  t.same(
    maricopa.body.data.map((agency: { id: string }) => agency.id),
    ['az-maricopa-county-sheriffs-office'],
    '"Maricopa County" of the MOA index is the same agency (reviewed override)',
  );
  t.match(maricopa.body.data[0], {
    name: "Maricopa County Sheriff's Office",
    county_fips: '04013',
    active_agreements: 0,
  });
  const maricopaDetail = (await getJson(app, '/v1/agencies/az-maricopa-county-sheriffs-office')).body.data;
  t.same(
    maricopaDetail.agreements.map((a: { id: string; model: string; signed_on: string }) => [
      a.id,
      a.model,
      a.signed_on,
    ]),
    [['az-maricopa-county-sheriffs-office--hist-jem-2007-02-07', 'jail_enforcement', '2007-02-07']],
  );
  t.same(
    maricopaDetail.reports.map((r: { report_id: string }) => r.report_id).sort(),
    ['DOJ-CRT-MARICOPA-2011', 'OIG-10-63'],
    'the 2011 Justice Department findings are linked',
  );

  // A pending application of 2009, gone by 2021: withdrawn, within the window.
  const harris = (await getJson(app, '/v1/agreements/tx-harris-county-sheriffs-office--hist-jem-2009-10-28')).body.data;
  t.same(
    harris.events.map((event: { type: string }) => event.type),
    ['applied', 'withdrawn'],
  );
  t.match(
    harris,
    { status: 'withdrawn', signed_on: null, ended_on: null, ended_before: '2021-01-13' },
    'an application never signed is withdrawn, not ended; its end a window',
  );
  // A source filed under the wrong state, and an MOA without a model.
  const whitfield = (await getJson(app, '/v1/agreements/ga-whitfield-county-sheriffs-office--hist-unstated-2008-02-04'))
    .body.data;
  t.match(
    whitfield,
    { state: 'GA', model: 'unstated', county_fips: '13313' },
    'Whitfield County, GA, filed under Texas in the MOA index',
  );

  // The report's own table, linked by agency id.
  const oig = (await getJson(app, '/v1/reports/OIG-10-63')).body.data;
  t.same(oig.agencies.map((agency: { agency_id: string }) => agency.agency_id).sort(), [
    'az-maricopa-county-sheriffs-office',
    'fl-collier-county-sheriffs-office',
    'nc-alamance-county-sheriffs-office',
    'tx-harris-county-sheriffs-office',
  ]);

  // as_of before ICE's first list: the sources, and a note saying what that means.
  const in2008 = await getJson(app, '/v1/agreements?as_of=2008-06-01&sort=id');
  t.same(
    in2008.body.data.map((a: { id: string; status: string }) => [a.id, a.status]),
    [
      ['az-maricopa-county-sheriffs-office--hist-jem-2007-02-07', 'active'],
      ['fl-collier-county-sheriffs-office--hist-jtf-2007-08-06', 'active'],
      ['ga-whitfield-county-sheriffs-office--hist-unstated-2008-02-04', 'active'],
      ['nc-alamance-county-sheriffs-office--hist-jem-2007-01-10', 'active'],
    ],
    'each agreement as the latest source on or before that day showed it',
  );
  t.same(
    in2008.body.meta.coverage.sources.map((source: { id: string }) => source.id),
    ['oig-test-appendix-e', 'ice-list-2007-09-19', 'moa-archive-test', 'ice-list-2008-03-10'],
    'the sources dated on or before as_of',
  );
  t.match(
    in2008.body.meta.coverage.note,
    /before 2021-01-13, the first of ICE's lists here: the answer comes from historical sources/,
  );
  const in2021 = await getJson(app, '/v1/agreements?as_of=2021-01-13&status=active,pending');
  t.same(
    in2021.body.data.map((a: { origin: string }) => a.origin),
    ['ice_lists', 'ice_lists'],
    "from the first list on, ICE's rows alone",
  );
  t.equal(in2021.body.meta.coverage, undefined);

  // Never one of ICE's lists.
  const lists = await getJson(app, '/v1/lists');
  t.equal(lists.body.data.length, 1);
  // The reference data, reloaded at every start, keeps the agencies the historical layer gave a report.
  await loadReferenceData(db.pool);
  const linked = await db.pool.query(
    "SELECT agency_id FROM oversight_report_agencies WHERE report_id = 'OIG-10-63' AND agency_id IS NOT NULL",
  );
  t.equal(linked.rowCount, 4, "a restart keeps the report's agencies");

  // GraphQL: the agency's reports, the event's source.
  await app.dataset.refresh();
  const graphql = await app.inject({
    method: 'POST',
    url: '/graphql',
    payload: {
      query: `{ agency(id: "az-maricopa-county-sheriffs-office") { reports { id } agreements { edges { node { origin endedAfter endedBefore events { type sourceList { id } historicalSource { id title } } } } } } }`,
    },
  });
  t.same(graphql.json().errors, undefined);
  const agency = graphql.json().data.agency;
  t.same(agency.reports.map((r: { id: string }) => r.id).sort(), ['DOJ-CRT-MARICOPA-2011', 'OIG-10-63']);
  const agreement = agency.agreements.edges[0].node;
  t.match(agreement, { origin: 'HISTORICAL', endedAfter: '2009-10-28', endedBefore: '2021-01-13' });
  t.match(agreement.events[1], { type: 'LISTED', sourceList: null, historicalSource: { id: 'ice-list-2007-09-19' } });
});

t.test('reloading is a no-op; later ICE lists never touch the historical layer', async (t) => {
  const db = await testDatabase(t);
  await firstList(db.pool);
  await ingestHistorical(db.pool, FIXTURES);
  const historical = async () =>
    (
      await db.pool.query(
        "SELECT a.*, (SELECT count(*) FROM agreement_events e WHERE e.agreement_id = a.id) AS events FROM agreements a WHERE origin = 'historical' ORDER BY id",
      )
    ).rows;
  const layer = await historical();
  const version = (await db.pool.query('SELECT version FROM dataset_version')).rows[0].version;

  t.match(await ingestHistorical(db.pool, FIXTURES), { outcome: 'unchanged' });
  t.equal(
    (await db.pool.query('SELECT version FROM dataset_version')).rows[0].version,
    version,
    'the same files: no new dataset version',
  );

  // A later list drops Collier: the ICE agreement ends, the historical ones stay as they were.
  const buffer = await buildList({
    columns: PARTICIPATING_COLUMNS,
    rows: [
      [
        'TEXAS',
        "Lubbock County Sheriff's Office",
        'County',
        'Lubbock County',
        'Jail Enforcement Model',
        day('2019-02-28'),
        null,
      ],
    ],
  });
  const later = await ingestList(
    db.pool,
    { buffer, fileName: 'participatingAgencies02012021.xlsx' },
    { listDate: '2021-02-01' },
  );
  t.match(later.counts, { ended: 1, added: 0 }, 'only the ICE agreement ends');
  t.same(await historical(), layer);
  // A list dated before the first one takes its place in history: the layer now ends where that list begins,
  // as loading the lists in order and then the sources would have it.
  const earlierList = await buildList({
    columns: PARTICIPATING_COLUMNS,
    rows: [
      [
        'FLORIDA',
        "Collier County Sheriff's Office",
        'County',
        'Collier County',
        'Jail Enforcement Model',
        day('2016-06-23'),
        null,
      ],
    ],
  });
  const earlier = await ingestList(
    db.pool,
    { buffer: earlierList, fileName: 'participatingAgencies12012020.xlsx' },
    { listDate: '2020-12-01' },
  );
  t.match(earlier, { outcome: 'applied' });
  const inOrder = await testDatabase(t);
  await ingestList(
    inOrder.pool,
    { buffer: earlierList, fileName: 'participatingAgencies12012020.xlsx' },
    { listDate: '2020-12-01' },
  );
  await firstList(inOrder.pool);
  await ingestList(
    inOrder.pool,
    { buffer, fileName: 'participatingAgencies02012021.xlsx' },
    { listDate: '2021-02-01' },
  );
  await ingestHistorical(inOrder.pool, FIXTURES);
  t.same(
    contentDifferences(await historyContents(db.pool), await historyContents(inOrder.pool)),
    {},
    'the history of loading the lists in order, then the sources',
  );
  t.ok((await historical()).length > 0, 'the historical layer is still there');
});

t.test('the real historical sources (HISTORICAL_DIR)', { skip: skipHistorical }, async (t) => {
  const { app, database: db } = await testApp(t);
  await firstList(db.pool);
  const report = await ingestHistorical(db.pool, historicalDir!);
  t.equal(report.sources.length, 4);

  const oig = (await getJson(app, '/v1/reports/OIG-10-63')).body.data;
  t.ok(oig.agencies.length >= 60, `OIG-10-63 names ${oig.agencies.length} agencies`);
  t.same(
    oig.agencies.filter((agency: { agency_id: string | null }) => !agency.agency_id),
    [],
    'each with an id',
  );

  const maricopa = (await getJson(app, '/v1/agencies?state=AZ&q=Maricopa')).body.data;
  t.same(
    maricopa.map((agency: { id: string }) => agency.id),
    ['az-maricopa-county-sheriffs-office'],
  );
  const detail = (await getJson(app, '/v1/agencies/az-maricopa-county-sheriffs-office')).body.data;
  t.match(
    detail.agreements,
    [{ model: 'jail_enforcement', signed_on: '2007-02-07', origin: 'historical' }],
    'its jail agreement, known since 2007',
  );
  t.ok(
    detail.reports.some((r: { report_id: string }) => r.report_id === 'DOJ-CRT-MARICOPA-2011'),
    'the 2011 Justice Department findings',
  );
  const alamance = (await getJson(app, '/v1/agencies/nc-alamance-county-sheriffs-office')).body.data;
  t.ok(
    alamance.reports.some((r: { report_id: string }) => r.report_id === 'DOJ-CRT-ALAMANCE-2012'),
    'the 2012 Alamance findings',
  );

  const collier = (await getJson(app, '/v1/agencies/fl-collier-county-sheriffs-office')).body.data;
  const earliest = collier.agreements.map((a: { first_listed_on: string }) => a.first_listed_on).sort()[0];
  t.match(earliest, /^2007-/, "Collier's history starts in 2007");
  const unplaced = await db.pool.query(
    "SELECT canonical_name FROM agencies WHERE county_fips IS NULL AND level <> 'state'",
  );
  t.same(unplaced.rows, [], 'every agency the sources created has a county (statewide ones aside)');
});
