// Reading and loading the FBI's roster of law-enforcement agencies (its LEE
// file: data/fbi/README.md), a dated source like the others: a newer roster is
// loaded the same way (`npm run ingest -- --fbi-roster FILE`) and replaces the
// old one, and every agency is matched again (src/ingestion/fbi-identifiers.ts).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type pg from 'pg';
import { findState } from '../../domain/states.ts';
import { matchFbiIdentifiers, type RosterRow } from './fbi-identifiers.ts';
import { parseCsv } from '../historical/load-historical.ts';
import { findCounty } from './place.ts';
import { IngestInputError } from '../lists/read-list.ts';

const COLUMNS = [
  'ori',
  'data_year',
  'pub_agency_name',
  'state_abbr',
  'county_name',
  'agency_type_name',
  'population',
  'officer_ct',
  'civilian_ct',
];

function count(value: string, where: string): number | null {
  if (value === '' || value === 'NULL') return null;
  if (!/^\d+$/.test(value)) throw new IngestInputError(`${where}: "${value}" is not a whole number`);
  return Number(value);
}

/** The roster's rows; a file that is not the FBI's LEE roster is refused with the line at fault. */
export function readRoster(text: string): RosterRow[] {
  const [header, ...rows] = parseCsv(text.replace(/^\uFEFF/, ''));
  const missing = COLUMNS.filter((column) => !header?.includes(column));
  if (!header || missing.length > 0)
    throw new IngestInputError(`not an FBI LEE roster: no column ${missing.join(', ')}`);
  const at = (row: string[], column: string) => (row[header.indexOf(column)] ?? '').trim();
  const seen = new Set<string>();
  const result: RosterRow[] = [];
  rows.forEach((row, i) => {
    const where = `line ${i + 2}`;
    const ori = at(row, 'ori').toUpperCase();
    if (!/^[A-Z0-9]{9}$/.test(ori)) throw new IngestInputError(`${where}: "${ori}" is not a 9-character ORI`);
    if (seen.has(ori)) throw new IngestInputError(`${where}: ORI ${ori} appears twice`);
    seen.add(ori);
    const dataYear = count(at(row, 'data_year'), where);
    if (dataYear === null || dataYear < 1960) throw new IngestInputError(`${where}: no data_year`);
    const stateCode = findState(at(row, 'state_abbr'))?.code;
    const countyNames = at(row, 'county_name');
    result.push({
      ori,
      dataYear,
      name: at(row, 'pub_agency_name'),
      // A few rows carry no state we know (federal agencies): kept, never matched.
      stateCode: stateCode ?? at(row, 'state_abbr').slice(0, 2).toUpperCase(),
      countyNames,
      countyFips: stateCode ? resolveCounties(stateCode, countyNames) : [],
      agencyType: at(row, 'agency_type_name'),
      population: count(at(row, 'population'), where),
      officers: count(at(row, 'officer_ct'), where),
      civilians: count(at(row, 'civilian_ct'), where),
    });
  });
  if (result.length === 0) throw new IngestInputError('the roster has no rows');
  return result;
}

/** "JEFFERSON, SHELBY" -> their FIPS within the state; names that resolve to no county are left out. */
export function resolveCounties(stateCode: string, countyNames: string): string[] {
  const fips = new Set<string>();
  for (const name of countyNames.split(',')) {
    const trimmed = name.trim();
    if (trimmed === '' || trimmed === 'NOT SPECIFIED') continue;
    const found = findCounty(stateCode, trimmed);
    if (found) fips.add(found.fips);
  }
  return [...fips];
}

export interface RosterReport {
  file: string;
  sha256: string;
  rows: number;
  latestDataYear: number;
  agencies: number;
  matched: number;
  changed: number;
}

/** Reads a roster file (.csv or .csv.gz). */
export async function readRosterFile(path: string): Promise<{ rows: RosterRow[]; sha256: string; fileName: string }> {
  let bytes: Buffer = await readFile(path);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  return {
    rows: readRoster(bytes.toString('utf8')),
    sha256: createHash('sha256').update(bytes).digest('hex'),
    fileName: basename(path).replace(/\.gz$/, ''),
  };
}

/** Replaces the roster in one transaction and matches every agency against it: a bad file changes nothing. */
export async function loadRoster(
  client: pg.ClientBase,
  roster: { rows: RosterRow[]; sha256: string; fileName: string },
): Promise<RosterReport> {
  const latestDataYear = Math.max(...roster.rows.map((row) => row.dataYear));
  await client.query('BEGIN');
  try {
    await client.query('DELETE FROM fbi_agencies');
    await client.query(
      `INSERT INTO fbi_agencies (ori, data_year, name, state_code, county_names, county_fips, agency_type, population, officers, civilians)
       SELECT ori, "dataYear", name, "stateCode", "countyNames", ARRAY(SELECT jsonb_array_elements_text("countyFips")), "agencyType",
         population, officers, civilians
       FROM jsonb_to_recordset($1::jsonb) AS r(ori text, "dataYear" int, name text, "stateCode" text, "countyNames" text,
         "countyFips" jsonb, "agencyType" text, population int, officers int, civilians int)`,
      [JSON.stringify(roster.rows)],
    );
    await client.query(
      `INSERT INTO fbi_rosters (sha256, file_name, row_count, latest_data_year) VALUES ($1, $2, $3, $4)
       ON CONFLICT (sha256) DO UPDATE SET loaded_at = now(), file_name = EXCLUDED.file_name`,
      [roster.sha256, roster.fileName, roster.rows.length, latestDataYear],
    );
    const result = await matchFbiIdentifiers(client, { all: true });
    await client.query('UPDATE dataset_version SET version = version + 1, updated_at = now() WHERE id = 1');
    // The running service drops its response cache when it hears this (src/plugins/app/dataset-version.ts).
    await client.query("SELECT pg_notify('dataset_changed', 'fbi-roster')");
    await client.query('COMMIT');
    return { file: roster.fileName, sha256: roster.sha256, rows: roster.rows.length, latestDataYear, ...result };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
