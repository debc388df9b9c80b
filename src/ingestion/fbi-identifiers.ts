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
import type { AgencyLevel, AgencyType, OriMatch } from '../enums.ts';
import { agencySearchKey } from './agency-identity.ts';



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

// Words that say what kind of agency, not where: the rest of a name is its place.
const GENERIC = new Set([
  'POLICE', 'DEPARTMENT', 'SHERIFFS', 'OFFICE', 'OF', 'THE', 'CITY', 'TOWN', 'VILLAGE', 'TOWNSHIP', 'BOROUGH', 'COUNTY',
  'PARISH', 'PUBLIC', 'SAFETY', 'AND',
]);

/** The place words of a name: "City of Tampa Police Department" and the FBI's "Tampa" both give "TAMPA". */
export function placeCore(name: string): string {
  return agencySearchKey(name)
    .split(' ')
    .filter((word) => word !== '' && !GENERIC.has(word))
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
}

export interface OriResult {
  ori: string | null;
  match: OriMatch;
  note: string | null;
}

const OverrideSchema = z.array(
  z.object({
    agency_id: z.string().min(1),
    ori: z.string().regex(/^[A-Z0-9]{9}$/).nullable(),
    reason: z.string().min(10),
  }),
);
export type OriOverride = z.infer<typeof OverrideSchema>[number];

let overrides: Map<string, OriOverride> | undefined;
export function oriOverrides(): Map<string, OriOverride> {
  overrides ??= new Map(
    OverrideSchema.parse(JSON.parse(readFileSync(new URL('./fbi-overrides.json', import.meta.url), 'utf8'))).map((entry) => [entry.agency_id, entry]),
  );
  return overrides;
}

/** The roster's rows of one state, indexed by the place core of their names. */
export class RosterIndex {
  private readonly byStateCore = new Map<string, RosterRow[]>();
  private readonly byOri = new Map<string, RosterRow>();
  constructor(rows: readonly RosterRow[]) {
    for (const row of rows) {
      this.byOri.set(row.ori, row);
      const key = `${row.stateCode}|${placeCore(row.name)}`;
      this.byStateCore.set(key, [...(this.byStateCore.get(key) ?? []), row]);
    }
  }
  ori(ori: string): RosterRow | undefined {
    return this.byOri.get(ori);
  }
  named(stateCode: string, core: string): RosterRow[] {
    return this.byStateCore.get(`${stateCode}|${core}`) ?? [];
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
      return row.agencyType === 'City';
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
    if (!roster.ori(override.ori)) return { ori: null, match: 'not_in_roster', note: `reviewed ORI ${override.ori} is not in the loaded roster` };
    return { ori: override.ori, match: 'override', note: override.reason };
  }
  const core = placeCore(agency.name);
  if (core === '') return { ori: null, match: 'not_in_roster', note: null };
  const named = roster.named(agency.state, core).filter((row) => kindFits(agency, row));
  if (named.length === 0) return { ori: null, match: 'not_in_roster', note: null };
  if (agency.level === 'state') {
    if (named.length > 1) return { ori: null, match: 'ambiguous', note: named.map((row) => `${row.ori} ${row.name}`).join('; ') };
    return { ori: named[0]!.ori, match: 'state_agency_name', note: null };
  }
  if (!agency.county_fips) return { ori: null, match: 'county_unknown', note: named.map((row) => `${row.ori} ${row.name} (${row.countyNames})`).join('; ') };
  const inCounty = named.filter((row) => row.countyFips.includes(agency.county_fips!));
  if (inCounty.length === 0) {
    return { ori: null, match: 'county_disagrees', note: named.map((row) => `${row.ori} ${row.name} (${row.countyNames || 'no county'})`).join('; ') };
  }
  if (inCounty.length > 1) return { ori: null, match: 'ambiguous', note: inCounty.map((row) => `${row.ori} ${row.name}`).join('; ') };
  return { ori: inCounty[0]!.ori, match: 'name_county_type', note: null };
}

// ---------------------------------------------------------------------------
// The database

/**
 * Matches agencies against the loaded roster, inside the caller's transaction: every agency (`all`, after a new
 * roster) or only those never matched (after a list created some). No roster loaded: nothing to do.
 */
export async function matchFbiIdentifiers(client: pg.ClientBase, options: { all: boolean }): Promise<{ agencies: number; matched: number; changed: number }> {
  const agencies = await client.query<AgencyToMatch>(
    `SELECT id, canonical_name AS name, type::text AS type, level::text AS level, state_code::text AS state, county_fips::text AS county_fips
     FROM agencies ${options.all ? '' : 'WHERE ori_match IS NULL'}`,
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
  const results = agencies.rows.map((agency) => ({ id: agency.id, ...matchAgency(agency, index) }));
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
  return { agencies: results.length, matched: results.filter((result) => result.ori !== null).length, changed: changed.rowCount ?? 0 };
}
