// Every row of a list accounted for (/v1/lists/{id}, GraphQL list), every
// spelling ICE printed findable (q, name), display names a reader would use, and
// the pending-to-signed pipeline in /v1/stats: real lists through the real
// ingestion, requests through the real app.
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { ingestList } from '../../../src/ingestion/ingest.ts';
import { ListReconciliationResponseSchema } from '../../../src/schemas/history.ts';
import { StatsResponseSchema } from '../../../src/schemas/stats.ts';
import { buildList, type ListCell } from '../../helpers/build-list.ts';
import { testApp } from '../../helpers/app.ts';
import { PARTICIPATING_COLUMNS, PENDING_COLUMNS } from '../../helpers/fixtures.ts';

const utc = (iso: string) => new Date(`${iso}T00:00:00Z`);
const moa = (name: string) => ({ text: 'link', hyperlink: `https://www.ice.gov/doclib/287g/moa${name}.pdf` });
const fl = (name: string, county: string, model: string, signed: string): ListCell[] => [
  'FLORIDA',
  name,
  'Municipality',
  county,
  model,
  utc(signed),
  moa(name.replace(/\W/g, '')),
];

// March: the agencies under their full names. April: ICE's abbreviations and typos, St. Cloud listed twice
// (as on 2025-06-06), a row with a state no one knows; its pending list still shows Tampa, already signed.
const MARCH = [
  fl('Tampa Police Department', 'Hillsborough County', 'Task Force Model', '2025-02-10'),
  fl('Panama City Police Dept.', 'Bay County', 'Task Force Model', '2025-02-11'),
  fl('New Port Richey Police Department', 'Pasco County', 'Task Force Model', '2025-02-12'),
  fl(
    'Gulf County Board of County Commissioners /Detention Facility ',
    'Gulf County',
    'Jail Enforcement Model',
    '2025-02-13',
  ),
  fl("Hillsborough County Sheriff's Office", 'Hillsborough County', 'Task Force Model', '2025-02-14'),
  fl('Port Tampa Bay Police Department', 'Hillsborough County', 'Task Force Model', '2025-02-15'),
  fl('Tampa International Airport Police Department', 'Hillsborough County', 'Task Force Model', '2025-02-16'),
];
const APRIL = [
  fl('Tampa PD', 'Hillsborough County', 'Task Force Model', '2025-02-10'),
  fl('Panama City Police Department', 'Bay County', 'Task Force Model', '2025-02-11'),
  fl('New Port Richey Polce Department', 'Pasco County', 'Task Force Model', '2025-02-12'),
  fl(
    'Gulf County Board of County Commissioners /Detention Facility ',
    'Gulf County',
    'Jail Enforcement Model',
    '2025-02-13',
  ),
  fl("Hillsborough County Sheriff's Office", 'Hillsborough County', 'Task Force Model', '2025-02-14'),
  fl('Port Tampa Bay Police Department', 'Hillsborough County', 'Task Force Model', '2025-02-15'),
  fl('Tampa International Airport Police Department', 'Hillsborough County', 'Task Force Model', '2025-02-16'),
  fl('City of St. Cloud Police Department', 'Osceola County', 'Task Force Model', '2025-04-15'),
  fl('St. Cloud Police Department', 'Osceola County', 'Task Force Model', '2025-04-14'),
  [
    'ATLANTIS',
    'Lost City Police Department',
    'Municipality',
    '#N/A',
    'Task Force Model',
    utc('2025-03-01'),
    moa('lost'),
  ],
];

async function ingest(app: FastifyInstance, fileName: string, columns: string[], rows: ListCell[][]) {
  const report = await ingestList(app.db.pool, { buffer: await buildList({ columns, rows }), fileName });
  if (report.outcome !== 'applied') throw new Error(`${fileName} was ${report.outcome}: ${report.reason}`);
  return report;
}

async function gql(app: FastifyInstance, query: string) {
  const response = await app.inject({ method: 'POST', url: '/graphql', payload: { query } });
  return response.json();
}

const { app } = await testApp(t);
await ingest(app, 'pendingAgencies02012025pm.xlsx', PENDING_COLUMNS, [
  ['FLORIDA', 'Tampa Police Department', 'Municipality', 'Hillsborough County', 'Task Force Model'],
]);
await ingest(app, 'participatingAgencies03032025pm.xlsx', PARTICIPATING_COLUMNS, MARCH);
const april = await ingest(app, 'participatingAgencies04202025pm.xlsx', PARTICIPATING_COLUMNS, APRIL);
const aprilPending = await ingest(app, 'pendingAgencies04202025pm.xlsx', PENDING_COLUMNS, [
  ['FLORIDA', 'Tampa PD', 'Municipality', 'Hillsborough County', 'Task Force Model'],
  ['FLORIDA', 'Miami Police Department', 'Municipality', 'Miami-Dade County', 'Task Force Model'],
]);
await app.dataset.refresh();

const get = async (url: string) => {
  const response = await app.inject(url);
  return {
    status: response.statusCode,
    body: String(response.headers['content-type']).includes('json') ? response.json() : response.body,
  };
};

t.test('/v1/lists/{id}: every row that did not become or confirm one agreement, with its cells and why', async (t) => {
  const { status, body } = await get(`/v1/lists/${april.sourceListId}`);
  t.equal(status, 200);
  t.ok(ListReconciliationResponseSchema.safeParse(body).success, 'matches its OpenAPI schema');
  const list = body.data;
  t.match(list, { id: april.sourceListId, row_count: 10, agreements_confirmed: 8, rows_skipped: 2 });
  t.equal(list.row_count, list.agreements_confirmed + list.rows_skipped, 'rows = agreements confirmed + rows skipped');
  const [stCloud, atlantis] = list.skipped_rows;
  t.match(
    stCloud,
    {
      row_number: 10,
      reason:
        /^duplicate of agreement fl-city-of-st-cloud-police-department--tfm-2025-04-15 in the same list \(row 9\)$/,
      agreement_id: 'fl-city-of-st-cloud-police-department--tfm-2025-04-15',
    },
    'the earlier St. Cloud signing is the duplicate of the agreement the later one became',
  );
  t.equal(stCloud.cells['LAW ENFORCEMENT AGENCY'], 'St. Cloud Police Department', 'its cells as ICE wrote them');
  t.match(atlantis, { row_number: 11, reason: 'unrecognised state "ATLANTIS"', agreement_id: null });

  const pending = (await get(`/v1/lists/${aprilPending.sourceListId}`)).body.data;
  t.match(pending, { row_count: 2, agreements_confirmed: 1, rows_skipped: 1 });
  t.match(pending.skipped_rows, [
    {
      row_number: 2,
      reason: /^pending row for agreement fl-tampa-police-department--\S+, already active$/,
      agreement_id: /^fl-tampa-police-department--/,
    },
  ]);

  const csv = (await get('/v1/lists.csv')).body as string;
  const [header, ...lines] = csv.trim().split('\n');
  const columns = header!.split(',');
  t.ok(columns.includes('agreements_confirmed') && columns.includes('rows_skipped'), 'lists.csv has the counts');
  const aprilLine = lines.find((line) => line.startsWith(`${april.sourceListId},`))!.split(',');
  t.same(
    [
      aprilLine[columns.indexOf('row_count')],
      aprilLine[columns.indexOf('agreements_confirmed')],
      aprilLine[columns.indexOf('rows_skipped')],
    ],
    ['10', '8', '2'],
  );

  const graphql = await gql(
    app,
    `{ list(id: "${april.sourceListId}") { sourceList { rowCount agreementsConfirmed rowsSkipped } skippedRows { rowNumber reason agreementId cells } } }`,
  );
  t.same(graphql.data.list.sourceList, { rowCount: 10, agreementsConfirmed: 8, rowsSkipped: 2 });
  t.same(
    graphql.data.list.skippedRows.map((row: { rowNumber: number }) => row.rowNumber),
    [10, 11],
  );
  t.equal(graphql.data.list.skippedRows[0].cells.STATE, 'FLORIDA');

  t.equal((await get('/v1/lists/99999')).status, 404, 'an unknown list is a 404');
  t.equal((await get('/v1/lists/abc')).status, 400, 'a malformed id is a 400');
});

const ids = async (url: string) => ((await get(url)).body.data as { id: string }[]).map((agency) => agency.id);

t.test('q finds any spelling; name finds the agency that bore it; best match first', async (t) => {
  const searches: [string, string][] = [
    [
      'Gulf County Board of County Commissioners /Detention Facility',
      'fl-gulf-county-board-of-county-commissioners-detention-facility',
    ],
    ['gulf county bocc / detention facility', 'fl-gulf-county-board-of-county-commissioners-detention-facility'],
    ['Tampa PD', 'fl-tampa-police-department'],
    ['tampa police dept.', 'fl-tampa-police-department'],
    ['Panama City Police Dept.', 'fl-panama-city-police-dept'],
    ['New Port Richey Polce Department', 'fl-new-port-richey-police-department'],
    ['Hillsborough Co. SO', 'fl-hillsborough-county-sheriffs-office'],
    ['hillsborough county sheriffs office', 'fl-hillsborough-county-sheriffs-office'],
    ['Hillsborugh County Sheriff', 'fl-hillsborough-county-sheriffs-office'],
  ];
  for (const [q, id] of searches) {
    t.equal((await ids(`/v1/agencies?q=${encodeURIComponent(q)}`))[0], id, `q=${q}`);
  }
  const byName: [string, string][] = [
    ['Tampa PD', 'fl-tampa-police-department'],
    ['Tampa Police Department', 'fl-tampa-police-department'],
    [
      'Gulf County Board of County Commissioners /Detention Facility',
      'fl-gulf-county-board-of-county-commissioners-detention-facility',
    ],
    ['new port richey polce department', 'fl-new-port-richey-police-department'],
    ['Panama City Police Dept.', 'fl-panama-city-police-dept'],
  ];
  for (const [name, id] of byName)
    t.same(
      await ids(`/v1/agencies?name=${encodeURIComponent(name)}`),
      [id],
      `name=${name}: the one agency that bore it`,
    );
  t.same(await ids('/v1/agencies?name=Tampa'), [], 'name is exact: no prefix');
  t.same(await ids('/v1/agencies?name=Tampa%20Police'), [], 'name is exact: a name never printed finds nothing');

  // Ranked: the name itself, then names starting with it (closest first), then names containing it.
  t.same(await ids('/v1/agencies?q=Tampa'), [
    'fl-tampa-police-department',
    'fl-tampa-international-airport-police-department',
    'fl-port-tampa-bay-police-department',
  ]);
  t.same(
    (await ids('/v1/agencies?q=Tampa%20Police%20Dept')).slice(0, 1),
    ['fl-tampa-police-department'],
    'the exact name first',
  );
  t.same(
    await ids('/v1/agencies?q=Tampa&sort=id'),
    [
      'fl-port-tampa-bay-police-department',
      'fl-tampa-international-airport-police-department',
      'fl-tampa-police-department',
    ],
    'another sort on request',
  );
  const page = await get('/v1/agencies?q=Tampa&limit=2');
  t.same(
    page.body.data.map((agency: { id: string }) => agency.id),
    ['fl-tampa-police-department', 'fl-tampa-international-airport-police-department'],
  );
  t.same(
    await ids(page.body.links.next),
    ['fl-port-tampa-bay-police-department'],
    'ranked pages follow on with the next link',
  );
  const refused = await get('/v1/agencies?sort=relevance');
  t.equal(refused.status, 400);
  t.match(refused.body.invalid_params, [{ name: 'sort', reason: /give q/ }]);

  const graphql = await gql(
    app,
    '{ byQ: agencies(filter: { q: "Tampa PD" }) { edges { node { id name } } } byName: agencies(filter: { name: "Tampa PD" }) { edges { node { id } } } }',
  );
  t.same(
    graphql.data.byQ.edges.map((edge: { node: { id: string } }) => edge.node.id),
    [
      'fl-tampa-police-department',
      'fl-port-tampa-bay-police-department',
      'fl-tampa-international-airport-police-department',
    ],
    'the name itself, then names holding every word typed (TAMPA, POLICE), the closer first',
  );
  t.same(
    graphql.data.byName.edges.map((edge: { node: { id: string } }) => edge.node.id),
    ['fl-tampa-police-department'],
  );
});

t.test(
  'display names: the latest spelling unless a fuller one of the same name exists; ids never change',
  async (t) => {
    const names = Object.fromEntries(
      ((await get('/v1/agencies?state=FL&limit=100')).body.data as { id: string; name: string }[]).map((agency) => [
        agency.id,
        agency.name,
      ]),
    );
    t.equal(
      names['fl-tampa-police-department'],
      'Tampa Police Department',
      '"Tampa PD" came last, but the full name is an alias',
    );
    t.equal(
      names['fl-new-port-richey-police-department'],
      'New Port Richey Police Department',
      'the typo "Polce" is not chosen',
    );
    t.equal(
      names['fl-panama-city-police-dept'],
      'Panama City Police Department',
      'the abbreviation gives way to the full name; the id stays',
    );
    t.equal(
      names['fl-city-of-st-cloud-police-department'],
      'City of St. Cloud Police Department',
      'no shorthand: the most recent (first) spelling',
    );

    const detail = (await get('/v1/agencies/fl-gulf-county-board-of-county-commissioners-detention-facility')).body
      .data;
    t.match(
      detail.aliases,
      [
        {
          name: 'Gulf County Board of County Commissioners / Detention Facility',
          spellings: [
            {
              spelling: 'Gulf County Board of County Commissioners /Detention Facility ',
              first_seen_on: '2025-03-03',
              last_seen_on: '2025-04-20',
            },
          ],
        },
      ],
      'the raw spelling, trailing space and all, beside the normalized alias',
    );
    const events = await app.db.pool.query("SELECT count(*)::int AS n FROM agreement_events WHERE type = 'renamed'");
    t.equal(events.rows[0].n, 0, 'a respelling is not a rename');
  },
);

t.test('the pending-to-signed pipeline in /v1/stats and GraphQL, for any as_of', async (t) => {
  // Tampa applied on the pending list of 2025-02-01 and came signed (2025-02-10) on the list of 2025-03-03.
  const now = (await get('/v1/stats')).body;
  t.ok(StatsResponseSchema.safeParse(now).success, 'matches its OpenAPI schema');
  t.same(
    now.pipeline,
    {
      count: 1,
      median_days: 9,
      by_model: { task_force: { count: 1, median_days: 9 } },
      by_state: { FL: { count: 1, median_days: 9 } },
    },
    'days from the first application to the signing date ICE gave',
  );
  t.match(
    (await get('/v1/stats?as_of=2025-03-02')).body.pipeline,
    { count: 0, median_days: null },
    'not signed yet on that date',
  );
  t.match((await get('/v1/stats?state=TX')).body.pipeline, { count: 0 }, 'filters narrow it');
  const graphql = await gql(
    app,
    '{ stats { pipeline { count medianDays byModel { model count medianDays } byState { state count } } } }',
  );
  t.same(graphql.data.stats.pipeline, {
    count: 1,
    medianDays: 9,
    byModel: [{ model: 'TASK_FORCE', count: 1, medianDays: 9 }],
    byState: [{ state: 'FL', count: 1 }],
  });
});
