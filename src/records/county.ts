// The county record: REST (/v1/counties, its CSV, the GeoJSON properties), the repositories and the release.
import { z } from 'zod';
import { FIPS_PATTERN, type RecordField, STATE_PATTERN } from './record.ts';
import { SUMMARY_FIELDS } from './summary.ts';

/** The county itself, as the reference table holds it (Census 2023 cartographic boundaries). */
// biome-ignore format: a table, one field per line
export const COUNTY_PLACE_FIELDS = [
  { name: 'fips', type: 'string', schema: z.string().regex(/^\d{5}$/), pattern: FIPS_PATTERN, description: '5-digit county FIPS code (Census GEOID), zero-padded.' },
  { name: 'name', type: 'string', schema: z.string(), description: 'Full county name (Harris County, Orleans Parish).' },
  { name: 'state', type: 'string', schema: z.string().length(2), pattern: STATE_PATTERN, description: 'USPS code of its state.' },
  { name: 'lat', type: 'number', schema: z.number(), description: 'Latitude of its centroid (WGS 84).' },
  { name: 'lon', type: 'number', schema: z.number(), description: 'Longitude of its centroid (WGS 84).' },
] as const satisfies readonly RecordField[];

/** A county with the summary of the agreements its agencies hold. */
export const COUNTY_FIELDS = [...COUNTY_PLACE_FIELDS, ...SUMMARY_FIELDS] as const satisfies readonly RecordField[];
