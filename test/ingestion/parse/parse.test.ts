import t from 'tap';
import { buildList, type ListCell } from '../../helpers/build-list.ts';
import { parseListBuffer, type ParsedRow } from '../../../src/ingestion/lists/parse/index.ts';

const utc = (iso: string): Date => new Date(`${iso}T00:00:00Z`);
const link = (path: string) => ({ text: 'link', hyperlink: `https://www.ice.gov/doclib/287gMOA/${path}` });
const PENDING = ['STATE', 'LAW ENFORCEMENT AGENCY', 'TYPE', 'COUNTY', 'SUPPORT TYPE'];

const lubbock: ListCell[] = [
  'TEXAS',
  "Lubbock County Sheriff's Office",
  'County',
  'Lubbock County',
  'Task Force Model',
  utc('2025-03-20'),
  link('lubbock.pdf'),
  null,
];
const collier: ListCell[] = [
  'FLORIDA',
  "Collier County Sheriff's Office",
  'County',
  'Collier County',
  'Jail Enforcement Model',
  utc('2019-06-01'),
  link('collier.pdf'),
  null,
];

const issueFields = (row: ParsedRow): string[] => row.issues.map((issue) => issue.field);

t.test('an ICE list of today: every field read, provenance kept', async (t) => {
  const buffer = await buildList({ rows: [lubbock, collier] });
  const list = await parseListBuffer(buffer, { fileName: 'participatingAgencies03212025pm.xlsx' });
  t.equal(list.kind, 'participating');
  t.equal(list.contentKind, 'participating');
  t.equal(list.listDate, '2025-03-21');
  t.equal(list.listTime, 'pm');
  t.equal(list.headerRow, 1);
  t.same(list.columns, ['state', 'agency', 'type', 'county', 'model', 'signed', 'moa', 'addendum']);
  t.equal(list.rows.length, 2);
  t.equal(list.latestSignedOn, '2025-03-20');
  t.match(list.sha256, /^[0-9a-f]{64}$/);
  t.same(list.warnings, []);
  const [row] = list.rows;
  t.match(row, {
    rowNumber: 2,
    state: 'TX',
    stateRaw: 'TEXAS',
    agencyName: "Lubbock County Sheriff's Office",
    agencyType: 'County',
    agencyKind: 'county',
    county: 'Lubbock County',
    model: 'task_force',
    modelRaw: 'Task Force Model',
    signedOn: '2025-03-20',
    moaUrl: 'https://www.ice.gov/doclib/287gMOA/lubbock.pdf',
    moaPending: false,
    addendumUrl: null,
    issues: [],
  });
  t.equal(
    row!.raw.MOA,
    'link <https://www.ice.gov/doclib/287gMOA/lubbock.pdf>',
    'hyperlink cells keep text and URL in raw',
  );
  t.equal(row!.raw.SIGNED, '2025-03-20');
  t.equal(row!.raw.STATE, 'TEXAS');
});

t.test('header not on row 1, columns reordered, stray spaces and case in the header', async (t) => {
  const buffer = await buildList({
    preamble: [['287(g) Participating Agencies'], ['As of March 21, 2025']],
    headerRowIndex: 4,
    columns: [' Support Type ', 'signed', 'State', 'LAW  ENFORCEMENT AGENCY', 'MOA ', 'COUNTY', 'TYPE'],
    rows: [
      [
        'Warrant Service Officer',
        utc('2025-02-27'),
        'ARIZONA',
        "La Paz County Sheriff's Office",
        link('lapaz.pdf'),
        'La Paz County',
        'County',
      ],
    ],
  });
  const list = await parseListBuffer(buffer);
  t.equal(list.headerRow, 4);
  t.same(list.columns, ['model', 'signed', 'state', 'agency', 'moa', 'county', 'type']);
  t.match(list.rows[0], {
    rowNumber: 5,
    state: 'AZ',
    agencyName: "La Paz County Sheriff's Office",
    model: 'warrant_service_officer',
    signedOn: '2025-02-27',
    county: 'La Paz County',
  });
  t.equal(list.kind, null, 'no file name, no kind from it');
  t.equal(list.listDate, null);
});

t.test('pending lists: first columns only, judged pending from content', async (t) => {
  const buffer = await buildList({
    columns: PENDING,
    rows: [['GEORGIA', "Cobb County Sheriff's Office", 'County', 'Cobb County', 'Jail Enforcement Model']],
  });
  const list = await parseListBuffer(buffer, { fileName: 'pendingAgencies03012025am.xlsx' });
  t.equal(list.kind, 'pending');
  t.equal(list.contentKind, 'pending');
  t.match(list.rows[0], {
    state: 'GA',
    model: 'jail_enforcement',
    signedOn: null,
    moaUrl: null,
    moaPending: false,
    issues: [],
  });
  t.equal(list.latestSignedOn, null);
});

t.test('swapped files: a participating name over pending columns is warned about', async (t) => {
  const buffer = await buildList({
    columns: PENDING,
    rows: [['GEORGIA', "Cobb County Sheriff's Office", 'County', 'Cobb County', 'Jail Enforcement Model']],
  });
  const list = await parseListBuffer(buffer, { fileName: 'participatingAgencies09222025pm.xlsx' });
  t.equal(list.kind, 'participating');
  t.equal(list.contentKind, 'pending');
  t.match(list.warnings.join('\n'), /says participating .* pending list/);
});

t.test('MOA and ADDENDUM cells: hyperlinks, link pending, wrapped URLs, links without a target', async (t) => {
  const safelink =
    'https://gcc02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.ice.gov%2Fdoclib%2F287gMOA%2Fedgewater.pdf&data=05%7C02&reserved=0';
  const archived = 'https://web.archive.org/web/20210113002027/https://www.ice.gov/doclib/287gMOA/etowah.pdf';
  const row = (moa: ListCell, addendum: ListCell = null): ListCell[] => [
    'FLORIDA',
    'Edgewater Police Department',
    'Municipality',
    'Volusia County',
    'Task Force Model',
    utc('2025-07-02'),
    moa,
    addendum,
  ];
  const buffer = await buildList({
    rows: [
      row({ text: 'link', hyperlink: safelink }),
      row('link pending ', 'Link Pending'),
      row(archived),
      row(
        { text: 'link ', hyperlink: ` ${archived} ` },
        { text: 'link', hyperlink: 'https://www.ice.gov/doclib/287gMOA/add.pdf' },
      ),
      row('link'),
      row('\u00a0'),
      row('Link Pending'),
      row(
        'https://web.archive.org/web/20220305091122/https://www.ice.gov/doclib/287gMOA/287gJEM_ etowahCoAL_06-09-2020.pdf',
      ),
    ],
  });
  const { rows } = await parseListBuffer(buffer);
  t.equal(rows[0]!.moaUrl, 'https://www.ice.gov/doclib/287gMOA/edgewater.pdf', 'Outlook safe link unwrapped');
  t.match(rows[1], { moaUrl: null, moaPending: true, addendumUrl: null, addendumPending: true, issues: [] });
  t.equal(
    rows[2]!.moaUrl,
    'https://www.ice.gov/doclib/287gMOA/etowah.pdf',
    'web-archive URL written in the cell, unwrapped',
  );
  t.equal(
    rows[3]!.moaUrl,
    'https://www.ice.gov/doclib/287gMOA/etowah.pdf',
    'web-archive hyperlink unwrapped and trimmed',
  );
  t.equal(rows[3]!.addendumUrl, 'https://www.ice.gov/doclib/287gMOA/add.pdf');
  t.match(rows[4], { moaUrl: null, moaPending: false });
  t.same(issueFields(rows[4]!), ['moa'], '"link" with no hyperlink behind it is an issue');
  t.match(rows[5], { moaUrl: null, moaPending: false, issues: [] }, 'a lone NBSP is an empty cell');
  t.match(rows[6], { moaPending: true });
  t.match(
    rows[7],
    { moaUrl: 'https://www.ice.gov/doclib/287gMOA/287gJEM_%20etowahCoAL_06-09-2020.pdf', issues: [] },
    'a space inside a written URL is encoded',
  );
});

t.test('SIGNED: date cells, serials, ISO and US text, typos flagged, impossible dates null', async (t) => {
  const row = (signed: ListCell): ListCell[] => [
    'ALABAMA',
    "Colbert County Sheriff's Office",
    'County',
    'Colbert County',
    'Warrant Service Officer',
    signed,
    'link pending',
    null,
  ];
  const buffer = await buildList({
    rows: [
      row(utc('2025-05-08')),
      row(45785),
      row('2025-05-08'),
      row('5/8/2025'),
      row('05/082025'),
      row('02/30/2025'),
      row(null),
    ],
  });
  const list = await parseListBuffer(buffer, { fileName: 'participatingAgencies06062025am.xlsx' });
  const dates = list.rows.map((r) => r.signedOn);
  t.same(dates, ['2025-05-08', '2025-05-08', '2025-05-08', '2025-05-08', '2025-05-08', null, null]);
  t.same(issueFields(list.rows[0]!), []);
  t.same(issueFields(list.rows[3]!), [], 'a plain US date is no guess');
  t.same(issueFields(list.rows[4]!), ['signed'], 'the typo is read, and reported');
  t.match(list.rows[4]!.issues[0]!.raw, '05/082025');
  t.same(issueFields(list.rows[5]!), ['signed'], 'an impossible date is null, and reported');
  t.same(issueFields(list.rows[6]!), [], 'an empty SIGNED is no issue');
  t.equal(list.latestSignedOn, '2025-05-08');
});

t.test('states, models, types, counties and names as ICE types them', async (t) => {
  const buffer = await buildList({
    rows: [
      [
        'AlABAMA',
        '  Autauga  County Sheriff\u2019s\u00a0Office ',
        'County ',
        'Autauga County ',
        'Jail Enforcement Model ',
        utc('2025-09-22'),
        'link pending',
        null,
      ],
      [
        'PENNSLYVANIA',
        'Manheim Borough Police Department',
        'Muncipality ',
        'Lancaster County',
        'Task Force Officer ',
        utc('2025-06-18'),
        'link pending',
        null,
      ],
      [
        'GUAM',
        'Guam Customs and Quarantine Agency',
        'State Agency',
        'Kattan District ',
        'Warrant Services Officer',
        utc('2025-06-01'),
        'link pending',
        null,
      ],
      [
        'FLORIDA',
        'Florida Highway Patrol',
        'State Agency',
        '#N/A',
        'Task Force Model',
        utc('2025-02-26'),
        'link pending',
        null,
      ],
      [
        'FLORIDA',
        'Florida Department of Corrections',
        'State',
        '#NA',
        'Jail & Task Force',
        utc('2025-02-26'),
        'link pending',
        null,
      ],
      [
        'TEXAS',
        'Texas Department of Public Safety',
        'State Agency',
        'N/A',
        'Task Force Model',
        utc('2025-02-26'),
        'link pending',
        null,
      ],
      ['ATLANTIS', 'Poseidon Police', 'Municipality', null, 'Consultation', utc('2025-02-26'), 'link pending', null],
    ],
  });
  const { rows, warnings } = await parseListBuffer(buffer);
  t.match(rows[0], {
    state: 'AL',
    agencyName: "Autauga County Sheriff's Office",
    agencyType: 'County',
    county: 'Autauga County',
    model: 'jail_enforcement',
    issues: [],
  });
  t.match(rows[1], { state: 'PA', agencyType: 'Muncipality', agencyKind: 'municipality', model: 'task_force' });
  t.same(
    issueFields(rows[1]!).sort(),
    ['model', 'state', 'type'],
    'state typo, TYPE typo and model misspelling all reported',
  );
  t.match(rows[2], { state: 'GU', county: 'Kattan District', model: 'warrant_service_officer' });
  t.equal(rows[3]!.county, null, '#N/A county');
  t.equal(rows[4]!.county, null, '#NA county');
  t.equal(rows[4]!.model, 'jail_and_task_force');
  t.equal(rows[5]!.county, null, 'N/A county');
  t.match(rows[6], { state: null, stateRaw: 'ATLANTIS', model: null, modelRaw: 'Consultation', county: null });
  t.same(issueFields(rows[6]!).sort(), ['model', 'state']);
  t.match(warnings.join('\n'), /1 row with an unrecognised state or support type/);
});

t.test('trailing formatted-but-empty rows are dropped; empty rows inside are skipped with a warning', async (t) => {
  const blank: ListCell[] = [null, null, null, null, null, null, null, null];
  const buffer = await buildList({
    rows: [lubbock, blank, collier, blank, blank, blank, ['\u00a0', ' ', null, null, null, null, null, null]],
  });
  const list = await parseListBuffer(buffer);
  t.same(
    list.rows.map((r) => r.rowNumber),
    [2, 4],
  );
  t.match(list.warnings.join('\n'), /1 empty row between data rows skipped/);
});

t.test('list-level warnings: duplicates, missing COUNTY, unknown columns, misdated file', async (t) => {
  const buffer = await buildList({
    columns: ['STATE', 'LAW ENFORCEMENT AGENCY', 'TYPE', 'SUPPORT TYPE', 'SIGNED', 'MOA', 'NOTES'],
    rows: [
      ['TEXAS', "Lubbock County Sheriff's Office", 'County', 'Task Force Model', utc('2025-12-20'), link('a.pdf'), 'x'],
      [
        'TEXAS',
        'Lubbock County Sheriff\u2019s Office ',
        'County',
        'Task Force Model ',
        utc('2025-03-20'),
        link('a.pdf'),
        null,
      ],
    ],
  });
  const list = await parseListBuffer(buffer, { fileName: 'participatingAgencies01052025pm.xlsx' });
  const text = list.warnings.join('\n');
  t.match(text, /no COUNTY column/);
  t.match(text, /ignored unknown columns: "NOTES"/);
  t.match(text, /1 agreement listed more than once .*rows 2, 3/);
  t.match(text, /2 rows signed after the list date 2025-01-05 \(latest 2025-12-20\)/);
  t.equal(list.rows[0]!.raw.NOTES, 'x', 'unknown columns stay in raw');
});

t.test('the first worksheet with a recognisable header is used', async (t) => {
  const ExcelJS = (await import('exceljs')).default;
  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet('Notes').addRow(['Read me first']);
  const sheet = workbook.addWorksheet('Agencies');
  sheet.addRow(['STATE', 'LAW ENFORCEMENT AGENCY', 'COUNTY', 'SUPPORT TYPE']);
  // ICE's statewide agencies carry a real #N/A error value in COUNTY (a failed lookup).
  sheet.addRow(['OHIO', 'Ohio State Highway Patrol', { error: '#N/A' }, 'Task Force Model']);
  // Formula and rich-text cells: the result and the joined runs are what counts.
  sheet.addRow([
    { formula: 'UPPER("ohio")', result: 'OHIO' },
    { richText: [{ text: 'Warren County ' }, { text: "Sheriff's Office", font: { bold: true } }] },
    'Warren County',
    'Task Force Model',
  ]);
  const buffer = Buffer.from((await workbook.xlsx.writeBuffer()) as ArrayBuffer);
  const list = await parseListBuffer(buffer);
  t.equal(list.sheetName, 'Agencies');
  t.equal(list.rows.length, 2);
  t.match(list.rows[0], { state: 'OH', county: null, issues: [] });
  t.equal(list.rows[0]!.raw.COUNTY, '#N/A');
  t.match(list.rows[1], {
    state: 'OH',
    agencyName: "Warren County Sheriff's Office",
    county: 'Warren County',
    model: 'task_force',
  });
});
