// The FBI's identifiers of our agencies: the ORI (what crime, jail and staffing
// data are keyed by), the population served and the sworn officers, from the
// FBI's roster of law-enforcement agencies (its "Law Enforcement Employees"
// file, one row per ORI; data/fbi/README.md).
//
// A match must be sure: the FBI's short name ("Collier") equal to the place in
// ours, of the kind of agency ours is (County for a sheriff, City for a city's
// police...), and in the same county, the FBI's county name resolved to our
// county FIPS within the state, so one county's figures never land on another
// county's sheriff (a known failure of name-only matching). Anything else is
// left null with the reason in ori_match; what a person has checked is in
// fbi-overrides.json with its reason.
import { readFileSync } from 'node:fs';
import type pg from 'pg';
import { z } from 'zod';
import type { AgencyLevel, AgencyType, OriMatch } from '../../domain/enums.ts';
import { findState } from '../../domain/states.ts';
import { agencySearchKey } from '../../domain/agency-names.ts';

export interface RosterRow {
  ori: string;
  dataYear: number;
  name: string;
  stateCode: string;
  countyNames: string;
  countyFips: string[];
  agencyType: string;
  population: number | null;
  officers: number | null;
  civilians: number | null;
}

// ---------------------------------------------------------------------------
// Matching

// Words that say what kind of agency, not where: the rest of a name is its place. A loose comparison also drops
// the kind of place ("Mahanoy City" and "Mahanoy Township" are two places: only when no strict match exists).
const GENERIC = new Set([
  'POLICE',
  'DEPARTMENT',
  'SHERIFFS',
  'OFFICE',
  'OF',
  'THE',
  'COUNTY',
  'PARISH',
  'PUBLIC',
  'SAFETY',
  'AND',
  'SERVICES',
]);
const PLACE_KINDS = new Set(['CITY', 'TOWN', 'VILLAGE', 'TOWNSHIP', 'BOROUGH']);

/** The place words of a name: "City of Tampa Police Department" and the FBI's "Tampa" both give "TAMPA". */
export function placeCore(name: string, loose = false): string {
  return agencySearchKey(name)
    .split(' ')
    .filter((word) => word !== '' && !GENERIC.has(word) && !(loose && PLACE_KINDS.has(word)))
    .join(' ');
}

const STATE_TYPES = new Set(['State Police', 'Other State Agency']);

export interface AgencyToMatch {
  id: string;
  name: string;
  type: AgencyType;
  level: AgencyLevel;
  state: string;
  county_fips: string | null;
  /** Its county's name ("Berrien County"): a sheriff is the sheriff of its county, however ICE spelled the name. */
  county_name?: string | null;
}

export interface OriResult {
  ori: string | null;
  match: OriMatch;
  note: string | null;
}

const OverrideSchema = z.array(
  z.object({
    agency_id: z.string().min(1),
    ori: z
      .string()
      .regex(/^[A-Z0-9]{9}$/)
      .nullable(),
    reason: z.string().min(10),
  }),
);
export type OriOverride = z.infer<typeof OverrideSchema>[number];

let overrides: Map<string, OriOverride> | undefined;
export function oriOverrides(): Map<string, OriOverride> {
  overrides ??= new Map(
    OverrideSchema.parse(JSON.parse(readFileSync(new URL('./fbi-overrides.json', import.meta.url), 'utf8'))).map(
      (entry) => [entry.agency_id, entry],
    ),
  );
  return overrides;
}

/** The roster's rows, indexed by state and the place core of their names (strict and loose). */
export class RosterIndex {
  private readonly byCore = new Map<string, RosterRow[]>();
  private readonly byOri = new Map<string, RosterRow>();
  constructor(rows: readonly RosterRow[]) {
    for (const row of rows) {
      this.byOri.set(row.ori, row);
      for (const loose of [false, true]) {
        const key = `${loose}|${row.stateCode}|${placeCore(row.name, loose)}`;
        this.byCore.set(key, [...(this.byCore.get(key) ?? []), row]);
      }
    }
  }
  ori(ori: string): RosterRow | undefined {
    return this.byOri.get(ori);
  }
  named(stateCode: string, core: string, loose: boolean): RosterRow[] {
    return this.byCore.get(`${loose}|${stateCode}|${core}`) ?? [];
  }
}

/** Which of the roster's agency types can be this agency, and what its name must (not) say. */
function kindFits(agency: AgencyToMatch, row: RosterRow): boolean {
  const words = agencySearchKey(row.name).split(' ');
  switch (agency.type) {
    case 'sheriffs_office':
      // A county's sheriff, not its county police ("Baltimore County Police Department" is County too).
      return row.agencyType === 'County' && !words.includes('POLICE');
    case 'police_department':
      if (agency.level === 'state') return STATE_TYPES.has(row.agencyType);
      if (agency.level === 'county') return row.agencyType === 'County' && words.includes('POLICE');
      // A town's police, a university's, an airport's or a port's (the roster's City, University or College, Other).
      return ['City', 'University or College', 'Other'].includes(row.agencyType);
    case 'state_agency':
    case 'corrections':
      return agency.level === 'state' ? STATE_TYPES.has(row.agencyType) : row.agencyType !== 'Federal';
    default:
      return row.agencyType !== 'Federal';
  }
}

/** The ORI of one agency, or why none. */
export function matchAgency(agency: AgencyToMatch, roster: RosterIndex): OriResult {
  const override = oriOverrides().get(agency.id);
  if (override) {
    if (override.ori === null) return { ori: null, match: 'override_none', note: override.reason };
    // A reviewed ORI the loaded roster no longer has: say so rather than serve a stale one.
    if (!roster.ori(override.ori))
      return { ori: null, match: 'not_in_roster', note: `reviewed ORI ${override.ori} is not in the loaded roster` };
    return { ori: override.ori, match: 'override', note: override.reason };
  }
  const names = [agency.name, ...(agency.type === 'sheriffs_office' && agency.county_name ? [agency.county_name] : [])];
  let first: OriResult | null = null;
  for (const loose of [false, true]) {
    const cores = [
      ...new Set(
        names
          .map((name) => placeCore(name, loose))
          .flatMap((core) => [core, withoutState(core, agency)])
          .filter((core) => core !== ''),
      ),
    ];
    const named = [...new Set(cores.flatMap((core) => roster.named(agency.state, core, loose)))].filter((row) =>
      kindFits(agency, row),
    );
    if (named.length === 0) continue;
    const result = decide(agency, named);
    if (result.ori !== null) return result;
    first ??= result;
  }
  return first ?? { ori: null, match: 'not_in_roster', note: null };
}

/** A state agency's core without its state's name in front: the roster's "Highway Patrol:" is Florida's in FL. */
function withoutState(core: string, agency: AgencyToMatch): string {
  const state = findState(agency.state)?.name.toUpperCase();
  return agency.level === 'state' && state && core.startsWith(`${state} `) ? core.slice(state.length + 1) : '';
}

/** One roster row of the right name and kind: its county must be ours (a statewide agency has none to compare). */
function decide(agency: AgencyToMatch, named: RosterRow[]): OriResult {
  const list = (rows: RosterRow[]) =>
    rows.map((row) => `${row.ori} ${row.name} (${row.countyNames || 'no county'})`).join('; ');
  if (agency.level === 'state') {
    if (named.length > 1) return { ori: null, match: 'ambiguous', note: list(named) };
    return { ori: named[0]!.ori, match: 'state_agency_name', note: null };
  }
  if (!agency.county_fips) return { ori: null, match: 'county_unknown', note: list(named) };
  const inCounty = named.filter((row) => row.countyFips.includes(agency.county_fips!));
  if (inCounty.length === 0) return { ori: null, match: 'county_disagrees', note: list(named) };
  if (inCounty.length > 1) return { ori: null, match: 'ambiguous', note: list(inCounty) };
  return { ori: inCounty[0]!.ori, match: 'name_county_type', note: null };
}

/**
 * An ORI is one agency's: when rules give one ORI to several agencies (a county's police and its sheriff both
 * "Nassau"), a reviewed override keeps it and the others get none; without an override, none of them does.
 * `held`: ORIs other agencies already hold (matching only new agencies).
 */
export function oneAgencyPerOri<T extends OriResult & { id: string }>(
  results: T[],
  held: { id: string; ori: string }[] = [],
): T[] {
  const holders = new Map<string, string[]>();
  for (const { id, ori } of [...held, ...results]) if (ori) holders.set(ori, [...(holders.get(ori) ?? []), id]);
  return results.map((result) => {
    const others = result.ori ? holders.get(result.ori)!.filter((id) => id !== result.id) : [];
    if (others.length === 0 || result.match === 'override') return result;
    return { ...result, ori: null, match: 'ambiguous', note: `${result.ori} also matches ${others.join(', ')}` };
  });
}

// ---------------------------------------------------------------------------
// The database

/**
 * Matches agencies against the loaded roster, inside the caller's transaction: every agency (`all`, after a new
 * roster) or only those never matched (after a list created some). No roster loaded: nothing to do.
 */
export async function matchFbiIdentifiers(
  client: pg.ClientBase,
  options: { all: boolean },
): Promise<{ agencies: number; matched: number; changed: number }> {
  const agencies = await client.query<AgencyToMatch>(
    `SELECT g.id, g.canonical_name AS name, g.type::text AS type, g.level::text AS level, g.state_code::text AS state,
       g.county_fips::text AS county_fips, c.name AS county_name
     FROM agencies g LEFT JOIN counties c ON c.fips = g.county_fips ${options.all ? '' : 'WHERE g.ori_match IS NULL'}`,
  );
  if (agencies.rows.length === 0) return { agencies: 0, matched: 0, changed: 0 };
  const states = [...new Set(agencies.rows.map((agency) => agency.state))];
  const rows = await client.query<RosterRow>(
    `SELECT ori, data_year AS "dataYear", name, state_code::text AS "stateCode", county_names AS "countyNames", county_fips AS "countyFips",
       agency_type AS "agencyType", population, officers, civilians
     FROM fbi_agencies WHERE state_code = ANY($1::bpchar[])`,
    [states],
  );
  if (rows.rows.length === 0) return { agencies: agencies.rows.length, matched: 0, changed: 0 };
  const index = new RosterIndex(rows.rows);
  const held = options.all
    ? []
    : (
        await client.query<{ id: string; ori: string }>(
          'SELECT id, ori::text AS ori FROM agencies WHERE ori IS NOT NULL',
        )
      ).rows;
  const results = oneAgencyPerOri(
    agencies.rows.map((agency) => ({ id: agency.id, ...matchAgency(agency, index) })),
    held,
  );
  // Only rows whose values change are written (and get a new updated_at, so incremental sync sees them).
  const changed = await client.query(
    `UPDATE agencies g SET ori = r.ori, fbi_population = f.population, fbi_officers = f.officers, fbi_data_year = f.data_year,
       ori_match = r.match, ori_match_note = r.note, updated_at = now()
     FROM jsonb_to_recordset($1::jsonb) AS r(id text, ori text, match text, note text)
     LEFT JOIN fbi_agencies f ON f.ori = r.ori
     WHERE g.id = r.id AND (g.ori, g.fbi_population, g.fbi_officers, g.fbi_data_year, g.ori_match, g.ori_match_note)
       IS DISTINCT FROM (r.ori::bpchar, f.population, f.officers, f.data_year, r.match, r.note)`,
    [JSON.stringify(results)],
  );
  return {
    agencies: results.length,
    matched: results.filter((result) => result.ori !== null).length,
    changed: changed.rowCount ?? 0,
  };
}
