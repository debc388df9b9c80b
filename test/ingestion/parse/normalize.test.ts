import t from 'tap';
import {
  normalizeAgencyType,
  normalizeState,
  normalizeSupportModel,
  unwrapUrl,
} from '../../../src/ingestion/lists/parse/index.ts';

t.test('states: names in any case, spacing, territories; typos are read with an issue', async (t) => {
  t.same(normalizeState('TEXAS '), { code: 'TX' });
  t.same(normalizeState('AlABAMA'), { code: 'AL' });
  t.same(normalizeState('UTAh'), { code: 'UT' });
  t.same(normalizeState('GUAM'), { code: 'GU' });
  t.same(normalizeState('NORTHERN MARIANA ISLANDS'), { code: 'MP' });
  t.same(normalizeState('West\u00a0Virginia'), { code: 'WV' });
  t.same(normalizeState('fl'), { code: 'FL' });
  for (const [typo, code] of [
    ['PENNSLYVANIA', 'PA'],
    ['WEST VIRIGINIA', 'WV'],
    ['WEST VIRIGINA', 'WV'],
    ['MCHIGAN', 'MI'],
    ['UTAHJ', 'UT'],
    ['Lousiana', 'LA'],
  ] as const) {
    const read = normalizeState(typo);
    t.equal(read.code, code, `${typo} -> ${code}`);
    t.match(read.issue, /typo/, `${typo}: the guess is reported`);
  }
  const unknown = normalizeState('ATLANTIS');
  t.equal(unknown.code, null);
  t.match(unknown.issue, /unrecognised state "ATLANTIS"/);
  t.equal(normalizeState('').code, null);
  t.equal(normalizeState('KANSAS').code, 'KS', 'an exact name is never fuzzed into a neighbour (ARKANSAS)');
  t.equal(normalizeState('IOWA').code, 'IA');
});

t.test('support models, misspellings included', async (t) => {
  const cases: [string, string | null][] = [
    ['Jail Enforcement Model', 'jail_enforcement'],
    ['Jail Enforcement Model ', 'jail_enforcement'],
    ['Jail Enforcment Model ', 'jail_enforcement'],
    ['Jail Enforcement', 'jail_enforcement'],
    ['JEM', 'jail_enforcement'],
    ['Task Force Model', 'task_force'],
    ['Task Force Officer ', 'task_force'],
    ['task force', 'task_force'],
    ['Warrant Service Officer', 'warrant_service_officer'],
    ['Warrant Service Office', 'warrant_service_officer'],
    ['Warrant Services Officer ', 'warrant_service_officer'],
    ['WSO', 'warrant_service_officer'],
    ['Jail & Task Force', 'jail_and_task_force'],
    ['Jail and Task Force', 'jail_and_task_force'],
    ['Jail Enforcement Model / Task Force Model', 'jail_and_task_force'],
    ['', null],
    ['Consultation', null],
  ];
  for (const [raw, code] of cases) t.equal(normalizeSupportModel(raw), code, JSON.stringify(raw));
});

t.test('agency types: closed set, typos flagged as guesses', async (t) => {
  t.same(normalizeAgencyType('County '), { kind: 'county', guessed: false });
  t.same(normalizeAgencyType('State Agency'), { kind: 'state_agency', guessed: false });
  t.same(normalizeAgencyType('State'), { kind: 'state', guessed: false });
  t.same(normalizeAgencyType('Muncipality '), { kind: 'municipality', guessed: true });
  t.same(normalizeAgencyType('Municipal'), { kind: 'municipality', guessed: true });
  t.same(normalizeAgencyType('Tribal'), { kind: null, guessed: false });
});

t.test('URLs: web-archive, Outlook safe links and Chrome PDF viewer links are unwrapped', async (t) => {
  const pdf = 'https://www.ice.gov/doclib/287gMOA/287gWSO_KodiakAk2020-07-20.pdf';
  t.equal(unwrapUrl(` ${pdf} `), pdf, 'trimmed');
  t.equal(unwrapUrl(`https://web.archive.org/web/20210113002027/${pdf}`), pdf);
  t.equal(unwrapUrl(`http://web.archive.org/web/20210113002027id_/${pdf}`), pdf);
  t.equal(
    unwrapUrl(`https://web.archive.org/web/2021/https:/www.ice.gov/a.pdf`),
    'https://www.ice.gov/a.pdf',
    'single slash repaired',
  );
  const safelink =
    'https://gcc02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.ice.gov%2Fdoclib%2F287gMOA%2FSatelliteBeachPoliceDeptFL_TFM_MOA_06052025.pdf&data=05%7C02%7CERO287g%40ice.dhs.gov%7C0&sdata=d2kp4N%3D&reserved=0';
  t.equal(unwrapUrl(safelink), 'https://www.ice.gov/doclib/287gMOA/SatelliteBeachPoliceDeptFL_TFM_MOA_06052025.pdf');
  t.equal(
    unwrapUrl(`https://web.archive.org/web/20250601000000/${safelink}`),
    'https://www.ice.gov/doclib/287gMOA/SatelliteBeachPoliceDeptFL_TFM_MOA_06052025.pdf',
    'nested wrappers',
  );
  t.equal(
    unwrapUrl(
      'chrome-extension://efaidnbmnnnibpcajpcglclefindmkaj/https:/www.ice.gov/doclib/287gMOA/UnivFLPDFL_TFM_MOA_041525.pdf',
    ),
    'https://www.ice.gov/doclib/287gMOA/UnivFLPDFL_TFM_MOA_041525.pdf',
  );
  t.equal(
    unwrapUrl('https://www.ice.gov/doclib/287gMOA/287gJEM_%20etowahCoAL_06-09-2020.pdf'),
    'https://www.ice.gov/doclib/287gMOA/287gJEM_%20etowahCoAL_06-09-2020.pdf',
    'plain links untouched',
  );
});
