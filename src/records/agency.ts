// The agency record, as REST (/v1/agencies, its CSV and GeoJSON properties), the repositories and the release see it.
import { z } from 'zod';
import {
  AgencyLevelSchema,
  AgencyTypeSchema,
  LocationMethodSchema,
  ModelCodeSchema,
  OriMatchSchema,
} from '../domain/enums.ts';
import { FIPS_PATTERN, ORI_PATTERN, type RecordField, STATE_PATTERN, UPDATED_AT_FIELD } from './record.ts';

// biome-ignore format: a table, one field per line
export const AGENCY_FIELDS = [
  { name: 'id', type: 'string', schema: z.string(), description: 'Stable agency id.' },
  { name: 'name', type: 'string', schema: z.string(), description: "The agency's name (aliases in /v1/agencies/{id} list every spelling the lists used)." },
  { name: 'type', type: 'string', schema: AgencyTypeSchema, description: 'Kind of agency.' },
  { name: 'level', type: 'string', schema: AgencyLevelSchema, description: 'Level of government.' },
  { name: 'state', type: 'string', schema: z.string().length(2), pattern: STATE_PATTERN, description: 'USPS code of its state or territory.' },
  { name: 'county_fips', type: 'string', schema: z.string().regex(/^\d{5}$/), nullable: true, pattern: FIPS_PATTERN, description: '5-digit FIPS code of its county (null for statewide or unplaced agencies).' },
  { name: 'county_name', type: 'string', schema: z.string(), nullable: true, description: 'Name of that county.' },
  { name: 'lat', type: 'number', schema: z.number(), nullable: true, description: "Latitude of its map point (WGS 84): its county's or city's centroid; the state's for statewide agencies." },
  { name: 'lon', type: 'number', schema: z.number(), nullable: true, description: 'Longitude of its map point (WGS 84).' },
  { name: 'location_method', type: 'string', schema: LocationMethodSchema, description: 'How its place was found: county_column, county_in_name, city, override, statewide (state centroid) or unresolved (no point).' },
  { name: 'ori', type: 'string', schema: z.string().length(9), nullable: true, pattern: ORI_PATTERN, description: "Its FBI ORI code, the key of the FBI's crime, staffing and jail data, where the match to the FBI's roster is sure (see ori_match); else null." },
  { name: 'fbi_population', type: 'integer', schema: z.number().int(), nullable: true, description: 'Population it serves, per the FBI roster (0 where the FBI counts that population under other agencies); null without an ORI.' },
  { name: 'fbi_officers', type: 'integer', schema: z.number().int(), nullable: true, description: 'Its sworn officers, per the FBI roster; null without an ORI.' },
  { name: 'fbi_data_year', type: 'integer', schema: z.number().int(), nullable: true, description: 'The year of those FBI figures (the latest the agency reported); null without an ORI.' },
  { name: 'ori_match', type: 'string', schema: OriMatchSchema, nullable: true, description: 'How its ORI was found: name_county_type (the FBI name, agency type and county all agree, one roster row), state_agency_name (a statewide agency, one row of that name), override (reviewed; reason in ori_match_note); or why it has none: ambiguous, county_disagrees, county_unknown, not_in_roster, override_none (reviewed). Null when no roster was loaded.' },
  { name: 'ori_match_note', type: 'string', schema: z.string(), nullable: true, description: 'The reviewed reason of an override, or the roster rows that were ambiguous or in another county.' },
  { name: 'active_agreements', type: 'integer', schema: z.number().int(), description: 'Its active agreements (on as_of when given).' },
  { name: 'pending_agreements', type: 'integer', schema: z.number().int(), description: 'Its pending agreements (on as_of when given).' },
  { name: 'models', type: 'array', schema: z.array(ModelCodeSchema), description: 'Support models of its active agreements.' },
  UPDATED_AT_FIELD,
] as const satisfies readonly RecordField[];
