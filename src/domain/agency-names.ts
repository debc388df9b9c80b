// Who an agency is, across lists that spell it differently. ICE has no agency
// ids; between two lists the same sheriff can gain a curly apostrophe, lose a
// trailing space, turn "Department" into "Office" or get its state's name put
// in front. Identity here is (state, match key): a deterministic folding of the
// name that erases those drifts and nothing else, so that "Sheriff" and
// "Police" of one place never meet. What no rule can fold (an agency renamed,
// a typo in a place name that leaves it unlocatable) is listed, with a reason,
// in agency-overrides.json.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { STATES, findState } from './states.ts';

import type { AgencyLevel, AgencyType } from './enums.ts';
export type { AgencyLevel, AgencyType };

// ---------------------------------------------------------------------------
// Display name

const INVISIBLES = /[\u200b-\u200d\u2060\ufeff\u00ad]/g;

/** Display name: whitespace collapsed, straight quotes, consistent case kept as ICE wrote it otherwise. */
export function canonicalAgencyName(raw: string): string {
  return (
    raw
      .normalize('NFKC')
      .replace(INVISIBLES, '')
      .replace(/[\u2018\u2019\u201a\u201b\u2032\u0060\u00b4]/g, "'")
      .replace(/[\u201c\u201d\u201e\u201f\u2033]/g, '"')
      .replace(/[\u2010-\u2015]/g, '-')
      .replace(/\s+/g, ' ')
      .trim()
      // "Services , Criminal Investigation Division," -> "Services, Criminal Investigation Division"
      .replace(/\s+([,;:])/g, '$1')
      .replace(/([,;])(?=\S)/g, '$1 ')
      .replace(/^[,;:\s]+|[,;:\s]+$/g, '')
      // "Commissioners/ Department", "Safety- Criminal": one spacing for separators ICE types loosely.
      .replace(/\s*\/\s*/g, ' / ')
      .replace(/\s+-\s*|\s*-\s+/g, ' - ')
      // Stray capitals from a held Shift key ("COunty", "Attorney'S"); "DeKalb", "McMinn" and acronyms are left alone.
      .replace(/\b([A-Z])([A-Z])([a-z]{2,})\b/g, (_, a: string, b: string, rest: string) => a + b.toLowerCase() + rest)
      .replace(/([a-z])'S\b/g, "$1's")
  );
}

// ---------------------------------------------------------------------------
// Tokens shared by the match key and the similarity test

/** Uppercase ASCII words: accents, apostrophes and punctuation gone, '&' read as AND. */
function words(name: string): string[] {
  const text = canonicalAgencyName(name)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    // Notes ICE puts in brackets ("(Addendum)") are not part of the name.
    .replace(/\([^)]*\)/g, ' ')
    .replace(/&/g, ' AND ')
    // "S.O." before the dots go: afterwards it is indistinguishable from "So(uth)".
    .replace(/\bS\.\s?O\.?(?=\s|$)/g, ' SHERIFFS OFFICE ')
    .replace(/'/g, '')
    .replace(/[^A-Z0-9]+/g, ' ')
    // "Pct.1", "District1": the number is a word of its own.
    .replace(/([A-Z])(\d)/g, '$1 $2')
    .trim();
  return text === '' ? [] : text.split(' ');
}

const ORDINALS: Record<string, string> = {
  FIRST: '1',
  SECOND: '2',
  THIRD: '3',
  FOURTH: '4',
  FIFTH: '5',
  SIXTH: '6',
  SEVENTH: '7',
  EIGHTH: '8',
  NINTH: '9',
  TENTH: '10',
  ELEVENTH: '11',
  TWELFTH: '12',
  THIRTEENTH: '13',
  FOURTEENTH: '14',
  FIFTEENTH: '15',
  SIXTEENTH: '16',
  SEVENTEENTH: '17',
  EIGHTEENTH: '18',
  NINETEENTH: '19',
  TWENTIETH: '20',
};

// Abbreviations and misspellings of the generic words (never of place names: a
// place typo is a different place until a person says otherwise).
const WORD_FOLDS: Record<string, string> = {
  FT: 'FORT',
  ST: 'SAINT',
  STE: 'SAINTE',
  MT: 'MOUNT',
  CO: 'COUNTY',
  CNTY: 'COUNTY',
  CTY: 'COUNTY',
  COUNY: 'COUNTY',
  CONTY: 'COUNTY',
  COUNRY: 'COUNTY',
  COUTNY: 'COUNTY',
  COUNTYS: 'COUNTY',
  DEPT: 'DEPARTMENT',
  DEPARTENT: 'DEPARTMENT',
  DEPARTEMENT: 'DEPARTMENT',
  DEPARMENT: 'DEPARTMENT',
  DEPARTMET: 'DEPARTMENT',
  DEPATMENT: 'DEPARTMENT',
  SHERIFF: 'SHERIFFS',
  SHERRIF: 'SHERIFFS',
  SHERRIFS: 'SHERIFFS',
  SHERIFS: 'SHERIFFS',
  SHERRIFFS: 'SHERIFFS',
  SHERIF: 'SHERIFFS',
  OFFIC: 'OFFICE',
  OFFICES: 'OFFICE',
  OFC: 'OFFICE',
  POLCE: 'POLICE',
  PLICE: 'POLICE',
  POILCE: 'POLICE',
  CONSTABLES: 'CONSTABLE',
  CONSTABLESS: 'CONSTABLE',
  CONSTBALES: 'CONSTABLE',
  CONSTBALE: 'CONSTABLE',
  MARSHALS: 'MARSHAL',
  MARSHALL: 'MARSHAL',
  MARSHALLS: 'MARSHAL',
  ATTORNEYS: 'ATTORNEY',
  ATTY: 'ATTORNEY',
  TWP: 'TOWNSHIP',
  TWSP: 'TOWNSHIP',
  PCT: 'PRECINCT',
  DIST: 'DISTRICT',
  DISTRIC: 'DISTRICT',
  DISTICT: 'DISTRICT',
  DIV: 'DIVISION',
  HWY: 'HIGHWAY',
  NATL: 'NATIONAL',
  SVCS: 'SERVICES',
  UNIV: 'UNIVERSITY',
  CORR: 'CORRECTIONS',
  CORRECTION: 'CORRECTIONS',
  JUDICAL: 'JUDICIAL',
  AGGRICULTURAL: 'AGRICULTURAL',
};
const PHRASE_FOLDS: Record<string, string[]> = {
  PD: ['POLICE', 'DEPARTMENT'],
  DPS: ['DEPARTMENT', 'OF', 'PUBLIC', 'SAFETY'],
  DOC: ['DEPARTMENT', 'OF', 'CORRECTIONS'],
  BOCC: ['BOARD', 'OF', 'COUNTY', 'COMMISSIONERS'],
  DA: ['DISTRICT', 'ATTORNEY'],
};

/** A generic word's usual spelling ("POLCE" -> "POLICE", "DEPT" -> "DEPARTMENT"); other words unchanged. */
export function foldGenericWord(word: string): string {
  return WORD_FOLDS[word] ?? word;
}

function foldWord(word: string): string[] {
  if (/^\d+(ST|ND|RD|TH)$/.test(word)) return [word.replace(/\D/g, '').replace(/^0+(?=\d)/, '')];
  if (/^\d+$/.test(word)) return [word.replace(/^0+(?=\d)/, '')];
  return PHRASE_FOLDS[word] ?? [ORDINALS[word] ?? WORD_FOLDS[word] ?? word];
}

// What may follow a state's name for the name to be a prefix ("Texas Department
// of Public Safety") rather than a place ("Texas County", "Virginia Beach").
const STATE_AGENCY_WORDS = new Set([
  'DEPARTMENT',
  'DEPT',
  'DIVISION',
  'DIV',
  'OFFICE',
  'BUREAU',
  'STATE',
  'HIGHWAY',
  'NATIONAL',
  'ATTORNEY',
  'ATTORNEYS',
  'MILITARY',
  'GAMING',
  'COMMISSION',
  'BOARD',
  'AGENCY',
  'FISH',
  'WILDLIFE',
  'GAME',
  'ALCOHOL',
  'MARINE',
  'DOC',
  'DPS',
  'CAPITOL',
  'PARKS',
  'HOMELAND',
  'AUDITOR',
  'CORRECTIONS',
  'CORRECTIONAL',
  'PUBLIC',
  'LOTTERY',
  'INSPECTOR',
  'SECRETARY',
]);

interface StateWords {
  prefixes: string[][];
  suffixes: string[][];
}
const STATE_WORDS = new Map<string, StateWords>();
for (const state of STATES) {
  const name = state.name
    .toUpperCase()
    .replace(/[^A-Z ]/g, '')
    .split(' ');
  const prefixes = [name, [state.code], ['STATE', 'OF', ...name]];
  if (state.code === 'MP') prefixes.push(['CNMI'], ['COMMONWEALTH', 'OF', 'THE', 'NORTHERN', 'MARIANA', 'ISLANDS']);
  if (state.code === 'VI') prefixes.push(['VIRGIN', 'ISLANDS'], ['USVI']);
  if (state.code === 'DC') prefixes.push(['DC'], ['WASHINGTON', 'DC']);
  STATE_WORDS.set(state.code, {
    prefixes: prefixes.sort((a, b) => b.length - a.length),
    suffixes: [name, [state.code]],
  });
}

const startsWith = (tokens: string[], prefix: string[]): boolean =>
  prefix.length <= tokens.length && prefix.every((word, i) => tokens[i] === word);

/** Drops the state's own name in front ("Texas Office of the Attorney General") or after a comma ("…, LA"). */
function stripState(name: string, stateCode: string): string[] {
  const state = STATE_WORDS.get(stateCode.toUpperCase());
  let tokens = words(name);
  if (!state) return tokens;
  // A trailing ", PA" / ", Louisiana" only counts after a comma: "Gaines Township PA State Constable" keeps its PA.
  const comma = canonicalAgencyName(name).match(/,\s*([^,]+)$/);
  if (comma) {
    const tail = words(comma[1]!);
    if (state.suffixes.some((suffix) => suffix.length === tail.length && startsWith(tail, suffix))) {
      tokens = tokens.slice(0, tokens.length - tail.length);
    }
  }
  for (const prefix of state.prefixes) {
    const next = tokens[prefix.length];
    if (startsWith(tokens, prefix) && next !== undefined && STATE_AGENCY_WORDS.has(next)) {
      tokens = tokens.slice(prefix.length);
      break;
    }
  }
  return tokens;
}

function foldTokens(tokens: string[], stateCode: string): string[] {
  let out = tokens.flatMap(foldWord);
  // "City of Hialeah Police Department" is Hialeah's police.
  while (out.length > 2 && ['CITY', 'TOWN', 'VILLAGE', 'BOROUGH'].includes(out[0]!) && out[1] === 'OF')
    out = out.slice(2);
  const text = ` ${out.join(' ')} `
    // "Precinct No. 3" -> "Precinct 3"
    .replace(/ (NO|NUMBER) (?=\d)/g, ' ')
    // Sheriff's Office, Sheriffs Office, Sheriff Office, Sheriff's Department: one office per county.
    .replace(/ SHERIFFS (DEPARTMENT|OFFICE)(?= )/g, ' SHERIFFS OFFICE')
    .replace(/ SHERIFFS(?= $)/g, ' SHERIFFS OFFICE')
    // "Police" and "Police Department" are the same force ("State Police" / "State Police Department").
    .replace(/ POLICE DEPARTMENT(?= )/g, ' POLICE')
    .replace(/ (CONSTABLE OFFICE|OFFICE OF CONSTABLE)(?= )/g, ' CONSTABLE')
    .replace(/ MARSHAL OFFICE(?= )/g, ' MARSHAL')
    .replace(/ SO $/, ' SHERIFFS OFFICE ');
  out = text
    .trim()
    .split(' ')
    .filter((word) => word !== '');
  // "Quarryville Borough Police Department" = "Quarryville Police Department"; a leading BOROUGH is a name.
  out = out.filter((word, i) => word !== 'BOROUGH' || i === 0);
  // Louisiana has parishes; ICE sometimes writes "Lafourche County".
  if (stateCode.toUpperCase() === 'LA') out = out.map((word) => (word === 'COUNTY' ? 'PARISH' : word));
  return out;
}

/** The key without overrides. */
function baseKey(name: string, stateCode: string): string {
  return foldTokens(stripState(name, stateCode), stateCode).join(' ');
}

// ---------------------------------------------------------------------------
// Search key and display name

const searchKeys = new Map<string, string>();
/**
 * What `q` and `name` compare: the name folded like the identity key (case, accents,
 * punctuation, apostrophes, spacing around "/" and ",", PD, SO, Dept., Co., BOCC…)
 * but without the state, which a search does not know. Memoized: lists repeat names.
 */
export function agencySearchKey(name: string): string {
  let key = searchKeys.get(name);
  if (key === undefined) {
    key = foldTokens(words(name), '').join(' ');
    searchKeys.set(name, key);
  }
  return key;
}

// How places are written ("St. Cloud", "Ft. Myers"): not shorthand to expand in a display name.
const PLACE_ABBREVIATIONS = new Set(['FT', 'ST', 'STE', 'MT']);

/** Abbreviations (PD, Dept., S.O.) and known typos ("Polce") in a spelling: fewer makes a fuller name. */
function shorthandCount(name: string): number {
  const tokens = words(name);
  let count = /\bS\.\s?O\b/.test(name) ? 1 : 0;
  tokens.forEach((word, i) => {
    if (PHRASE_FOLDS[word] || (WORD_FOLDS[word] && !PLACE_ABBREVIATIONS.has(word))) count++;
    else if (word === 'SO' && i === tokens.length - 1) count++;
  });
  return count;
}

/**
 * The display name (README "Display names"): the most recent spelling, unless an
 * alias with the same identity key (the same name, spelled otherwise) has fewer
 * abbreviations and typos; the first such alias wins a tie.
 */
export function displayName(mostRecent: string, aliases: Iterable<string>, stateCode: string): string {
  const key = baseKey(mostRecent, stateCode);
  let best = mostRecent;
  let bestCount = shorthandCount(mostRecent);
  if (bestCount === 0) return best;
  for (const alias of aliases) {
    if (alias === mostRecent || baseKey(alias, stateCode) !== key) continue;
    const count = shorthandCount(alias);
    if (count < bestCount) {
      best = alias;
      bestCount = count;
    }
  }
  return best;
}

// ---------------------------------------------------------------------------
// Overrides (agency-overrides.json)

const StateCodeSchema = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be a 2-letter postal code')
  .refine((code) => findState(code)?.code === code, 'is not a known state or territory');
const ReasonSchema = z.string().trim().min(15, 'must say why (15 characters at least)');

export const AgencyOverrideSchema = z.strictObject({
  stateCode: StateCodeSchema,
  name: z.string().trim().min(1),
  sameAs: z.string().trim().min(1),
  reason: ReasonSchema,
});
export type AgencyOverride = z.infer<typeof AgencyOverrideSchema>;

export const LocationOverrideSchema = z
  .strictObject({
    stateCode: StateCodeSchema,
    name: z.string().trim().min(1),
    /** null: reviewed, and no county is right (e.g. a regional body over several). */
    countyFips: z
      .string()
      .regex(/^\d{5}$/, 'must be a 5-digit county FIPS code')
      .nullable(),
    /** A GeoNames place (src/reference/us-places.json) in the county's state whose point stands for the agency (a campus town). */
    city: z.string().trim().min(1).optional(),
    /** Map point when neither the county centroid nor a place is right (an airport across a county line). */
    lat: z.number().min(-90).max(90).optional(),
    lon: z.number().min(-180).max(180).optional(),
    reason: ReasonSchema,
  })
  .refine((value) => (value.lat === undefined) === (value.lon === undefined), 'lat and lon go together');
export type LocationOverride = z.infer<typeof LocationOverrideSchema>;

export const AgencyOverridesFileSchema = z.strictObject({
  $comment: z.string().optional(),
  agencies: z.array(AgencyOverrideSchema),
  locations: z.array(LocationOverrideSchema),
});
export type AgencyOverridesFile = z.infer<typeof AgencyOverridesFileSchema>;

// AGENCY_OVERRIDES_FILE: a reviewed copy to try before committing it (then `npm run ingest -- --rederive --dry-run`).
const OVERRIDES_FILE = process.env.AGENCY_OVERRIDES_FILE || new URL('./agency-overrides.json', import.meta.url);

/** The override file's text, as read: part of the rules version (rules-version.ts). */
export function agencyOverridesText(): string {
  return readFileSync(OVERRIDES_FILE, 'utf8');
}

let overridesFile: AgencyOverridesFile | undefined;
/** The override file, validated; a bad entry stops the caller with the entry's path in the message. */
export function loadAgencyOverridesFile(): AgencyOverridesFile {
  if (overridesFile) return overridesFile;
  const parsed = AgencyOverridesFileSchema.safeParse(JSON.parse(agencyOverridesText()));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`agency-overrides.json is invalid: ${issues}`);
  }
  overridesFile = parsed.data;
  return overridesFile;
}

export function agencyOverrides(): AgencyOverride[] {
  return loadAgencyOverridesFile().agencies;
}

export function locationOverrides(): LocationOverride[] {
  return loadAgencyOverridesFile().locations;
}

interface ResolvedOverride {
  key: string;
  name: string;
}
let overrideIndex: Map<string, ResolvedOverride> | undefined;
/** state|base key of a drifted name -> the key and name it stands for, chains followed. */
function overridesByKey(): Map<string, ResolvedOverride> {
  if (overrideIndex) return overrideIndex;
  const direct = new Map<string, AgencyOverride>();
  for (const entry of agencyOverrides())
    direct.set(`${entry.stateCode}|${baseKey(entry.name, entry.stateCode)}`, entry);
  const index = new Map<string, ResolvedOverride>();
  for (const [from, entry] of direct) {
    let target = entry;
    // An override may point at a name that was itself renamed later; the guard stops a cycle.
    for (let hops = 0; hops < 10; hops++) {
      const next = direct.get(`${target.stateCode}|${baseKey(target.sameAs, target.stateCode)}`);
      if (!next || next === entry) break;
      target = next;
    }
    index.set(from, { key: baseKey(target.sameAs, target.stateCode), name: canonicalAgencyName(target.sameAs) });
  }
  overrideIndex = index;
  return index;
}

/** Deterministic identity key within a state (see the module comment); overrides applied. */
export function agencyMatchKey(name: string, stateCode: string): string {
  const code = stateCode.trim().toUpperCase();
  const key = baseKey(name, code);
  return overridesByKey().get(`${code}|${key}`)?.key ?? key;
}

/** The name an override points a drifted name to, or the name itself: the spelling to locate and display by. */
export function resolvedAgencyName(name: string, stateCode: string): string {
  const code = stateCode.trim().toUpperCase();
  return overridesByKey().get(`${code}|${baseKey(name, code)}`)?.name ?? canonicalAgencyName(name);
}

/** The key an override file entry was written against, for checks that every entry still does something. */
export function agencyMatchKeyWithoutOverrides(name: string, stateCode: string): string {
  return baseKey(name, stateCode.trim().toUpperCase());
}

// ---------------------------------------------------------------------------
// Classification

function has(tokens: string[], phrase: string): boolean {
  return ` ${tokens.join(' ')} `.includes(` ${phrase} `);
}

const STATE_LEVEL_PHRASES = [
  'STATE POLICE',
  'STATE PATROL',
  'HIGHWAY PATROL',
  'NATIONAL GUARD',
  'STATE GUARD',
  'ATTORNEY GENERAL',
  'BUREAU OF INVESTIGATION',
  'BUREAU OF NARCOTICS',
  'STATE ATTORNEY',
  'STATE AUDITOR',
  'STATE FIRE MARSHAL',
  'DEPARTMENT OF PUBLIC SAFETY',
  'DEPARTMENT OF CORRECTIONS',
  'DEPARTMENT OF CORRECTIONAL SERVICES',
  'DEPARTMENT OF STATE POLICE',
  'DEPARTMENT OF JUSTICE',
  'DIVISION OF CORRECTIONS',
];

function normalizedTypeColumn(typeColumn: string | null): AgencyLevel | null {
  const text = (typeColumn ?? '').toLowerCase().replace(/[^a-z]/g, '');
  if (text.startsWith('state')) return 'state';
  if (text.startsWith('count')) return 'county';
  if (/^mu\w*ic/.test(text) || text === 'city' || text === 'town') return 'municipal';
  return null;
}

function levelOf(tokens: string[], folded: string[], typeColumn: string | null): AgencyLevel {
  const text = ` ${folded.join(' ')} `;
  // Sheriffs run county jails, whatever TYPE says ("Washington County Sheriff's Office" once came as Municipality).
  if (folded.includes('SHERIFFS')) return 'county';
  if (/^(CITY|TOWN|VILLAGE|BOROUGH|TOWNSHIP) OF /.test(tokens.join(' '))) return 'municipal';
  // "<Place> County/Parish …": constables, prosecutors, county police, jails, commissions.
  if (/ [A-Z0-9]+ (COUNTY|PARISH) /.test(text) || /^ (COUNTY|PARISH) OF /.test(text)) return 'county';
  // Campus police forces: local in place even where the university is the state's (ICE says Municipality).
  if (folded.includes('UNIVERSITY') || folded.includes('COLLEGE')) return 'municipal';
  // Constables are elected per township or precinct, "Pennsylvania State Constable" included.
  if (folded.includes('CONSTABLE')) return 'municipal';
  if (/ (REGIONAL )?JAIL( AUTHORITY)? | DETENTION /.test(text)) return 'county';
  // A state's own name in front of an agency word ("Idaho State Police", "Virginia DOC …").
  const statePrefixed = [...STATE_WORDS.values()].some(({ prefixes }) =>
    prefixes.some((prefix) => startsWith(tokens, prefix) && STATE_AGENCY_WORDS.has(tokens[prefix.length] ?? '')),
  );
  if (statePrefixed) return 'state';
  if (
    STATE_LEVEL_PHRASES.some((phrase) => has(folded, phrase)) &&
    !/ \w+ (DEPARTMENT|DIVISION) OF PUBLIC SAFETY /.test(text)
  ) {
    return 'state';
  }
  if (/ (POLICE|MARSHAL|TOWNSHIP|VILLAGE|PUBLIC SAFETY) /.test(text)) return 'municipal';
  const fromColumn = normalizedTypeColumn(typeColumn);
  if (fromColumn) return fromColumn;
  // No TYPE (lists before February 2025): a department or office named after no place is the state's.
  if (/^ (DEPARTMENT|DIVISION|OFFICE|BUREAU|COMMISSION)\b| (DEPARTMENT|DIVISION|BUREAU) OF /.test(text)) return 'state';
  return 'county';
}

function typeOf(folded: string[], level: AgencyLevel): AgencyType {
  const text = ` ${folded.join(' ')} `;
  if (folded.includes('SHERIFFS')) return 'sheriffs_office';
  if (/ (BOARD OF COUNTY COMMISSIONERS|COUNTY COMMISSION|BOARD OF SUPERVISORS|FISCAL COURT) |^ COUNTY OF /.test(text)) {
    return 'county_government';
  }
  if (/ (CORRECTIONS|CORRECTIONAL|JAIL|DETENTION|PRISON|REHABILITATION|CRIMINAL JUSTICE AUTHORITY) /.test(text))
    return 'corrections';
  if (level === 'state') return 'state_agency';
  if (/ (POLICE|PUBLIC SAFETY|MARSHAL) /.test(text)) return 'police_department';
  return 'other';
}

/** Type and level from the name and ICE's TYPE column ('County' | 'Municipality' | 'State Agency' | 'State' | null).
 *  The name wins where it is unambiguous, because ICE's TYPE flips between lists for the same agency. */
export function classifyAgency(name: string, typeColumn: string | null): { type: AgencyType; level: AgencyLevel } {
  const tokens = words(name);
  const folded = foldTokens(tokens, '');
  const level = levelOf(tokens, folded, typeColumn);
  return { type: typeOf(folded, level), level };
}

// ---------------------------------------------------------------------------
// Second-stage similarity

/** Optimal string alignment distance: Levenshtein plus adjacent transpositions ("Dogulas", "Mantiowoc"). */
export function editDistance(a: string, b: string): number {
  const cols = b.length + 1;
  const d = new Array<number>((a.length + 1) * cols).fill(0);
  for (let i = 0; i <= a.length; i++) d[i * cols] = i;
  for (let j = 0; j <= b.length; j++) d[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = best;
    }
  }
  return d[a.length * cols + b.length]!;
}

/** Edits a word of this length may carry and still be the same word: short words must match exactly. */
export function typoAllowance(length: number): number {
  if (length >= 9) return 2;
  if (length >= 4) return 1;
  return 0;
}

// Words that say what kind of body it is: two names must agree on these exactly.
const ROLE_WORDS = new Set([
  'SHERIFFS',
  'POLICE',
  'CONSTABLE',
  'MARSHAL',
  'CORRECTIONS',
  'CORRECTIONAL',
  'JAIL',
  'DETENTION',
  'PRISON',
  'ATTORNEY',
  'PROSECUTOR',
  'COMMISSIONERS',
  'PATROL',
  'GUARD',
  'TRUSTEES',
  'SAFETY',
  'AIRPORT',
  'PORT',
  'UNIVERSITY',
  'COLLEGE',
  'TASK',
  'INVESTIGATION',
  'CITY',
  'TOWNSHIP',
  'VILLAGE',
  'TOWN',
  'PRECINCT',
  'WARD',
  'DISTRICT',
  'REGIONAL',
]);
// Words that carry no identity of their own.
const GENERIC_WORDS = new Set([
  'COUNTY',
  'PARISH',
  'OFFICE',
  'DEPARTMENT',
  'OF',
  'THE',
  'AND',
  'AT',
  'FOR',
  'IN',
  'DIVISION',
  'BUREAU',
]);

/** "Unity Township Constable, PA" without its ", PA" (any state: the similarity test has no state to go by). */
function withoutTrailingState(name: string): string {
  const canonical = canonicalAgencyName(name);
  const comma = canonical.match(/^(.*),\s*([^,]+)$/);
  return comma && findState(comma[2]!) ? comma[1]! : canonical;
}

/** Second-stage matching, for names whose keys differ: true when the two names very probably denote the same
 *  agency. Callers use it only among agencies of the same state + county + type. It requires the same kind words
 *  (sheriff, police, constable, precinct…) and the same numbers, then a fuzzy token-set similarity of the rest
 *  of at least 3/4, each distinctive word matching exactly or within a typo or two. */
export function isLikelySameAgency(a: string, b: string): boolean {
  const ta = foldTokens(words(withoutTrailingState(a)), '');
  const tb = foldTokens(words(withoutTrailingState(b)), '');
  if (ta.join(' ') === tb.join(' ')) return true;
  const roles = (tokens: string[]) => [...new Set(tokens.filter((word) => ROLE_WORDS.has(word)))].sort().join(' ');
  const numbers = (tokens: string[]) => [...new Set(tokens.filter((word) => /^\d+$/.test(word)))].sort().join(' ');
  if (roles(ta) !== roles(tb) || numbers(ta) !== numbers(tb)) return false;
  const distinct = (tokens: string[]) => [
    ...new Set(tokens.filter((word) => !ROLE_WORDS.has(word) && !GENERIC_WORDS.has(word) && !/^\d+$/.test(word))),
  ];
  const da = distinct(ta);
  const db = distinct(tb);
  if (da.length === 0 || db.length === 0) return false;
  // Greedy is enough here: names have a handful of words.
  const unused = [...db];
  let matched = 0;
  for (const word of da) {
    let best = -1;
    let bestDistance = Infinity;
    unused.forEach((other, i) => {
      const distance = word === other ? 0 : editDistance(word, other);
      if (distance <= typoAllowance(Math.min(word.length, other.length)) && distance < bestDistance) {
        best = i;
        bestDistance = distance;
      }
    });
    if (best >= 0) {
      unused.splice(best, 1);
      matched++;
    }
  }
  return matched / Math.max(da.length, db.length) >= 0.75;
}
