// The tables of a release: their fields (Table Schema type, DuckDB type for
// Parquet, description from schema/fields.md), keys, and how to read their rows
// from the database. Each is written as CSV and as Parquet.
import type { Db } from '../database/connect.ts';
import type { Page } from '../query/grammar.ts';
import { type PageResult, walkPages } from '../query/paging.ts';
import { AGENCY_FIELDS } from '../records/agency.ts';
import { AGREEMENT_FIELDS } from '../records/agreement.ts';
import { COUNTY_FIELDS } from '../records/county.ts';
import { EVENT_FIELDS } from '../records/event.ts';
import { LIST_FIELDS } from '../records/list.ts';
import { enumValues, type FieldType, type RecordFields } from '../records/record.ts';
import {
  aliasesByAgencyIds,
  countySummaries,
  emptySummary,
  everyCounty,
  everyEvent,
  listAgencies,
  listAgreements,
  listSourceLists,
} from '../repositories/index.ts';
import { describeField } from './field-descriptions.ts';

export type { FieldType };

/**
 * The release format: what tables and fields a release holds, named in its datapackage.json (`format_version`).
 * 2: agreements gained origin, ended_after and ended_before; events gained historical_source_id, and the events of
 * historical agreements (no ICE list: source_list_id empty) are included.
 * 3: lists gained edition, agreements_confirmed and rows_skipped (the table now holds the ICE list record's fields).
 * 4: an agreement's status may be withdrawn (an application that left the pending list unsigned; it was ended
 * before); counties gained withdrawn_agreements, and their ended_agreements no longer count withdrawn applications.
 */
export const RELEASE_FORMAT_VERSION = 4;

export interface ReleaseField {
  name: string;
  type: FieldType;
  /** Section of schema/fields.md holding its description. */
  section: string;
  /** A description of its own, where the dictionary's (written for the API) would mislead. */
  description?: string;
  required?: boolean;
  enum?: readonly string[];
  pattern?: string;
}

export interface ForeignKey {
  fields: string;
  /** The resource referenced; omitted for a reference to the same resource. */
  resource?: string;
  referenceFields: string;
}

export type Row = Record<string, unknown>;

export interface ReleaseResource {
  name: string;
  title: string;
  description: string;
  fields: ReleaseField[];
  primaryKey: string;
  foreignKeys: ForeignKey[];
  /** Every row, in primary-key order, read inside the release's snapshot. */
  load(db: Db): Promise<Row[]>;
}

/** The agency table's one field beyond the record: every name the lists used for it. */
const ALIASES_FIELD: ReleaseField = {
  name: 'aliases',
  type: 'array',
  section: 'Detail extras',
  required: true,
  description: 'Every name the lists used for the agency, exactly as spelled, in the order first seen.',
};

/** A table's fields from a record's definition (src/records/): one definition, no copy to drift. */
function recordFields(section: string, record: RecordFields): ReleaseField[] {
  return record.map((field) => {
    const values = enumValues(field);
    return {
      name: field.name,
      type: field.type,
      section,
      ...(field.nullable ? {} : { required: true }),
      ...(values ? { enum: values } : {}),
      ...(field.pattern ? { pattern: field.pattern } : {}),
    };
  });
}

/** Every record of a keyset-paged repository listing, in id order. */
async function everyRow<T>(list: (page: Page<'id'>) => Promise<PageResult<T>>): Promise<T[]> {
  const rows: T[] = [];
  const byId = { limit: 1000, sort: { field: 'id' as const, descending: false }, include_total: false };
  for await (const batch of walkPages((cursor) => list({ ...byId, ...(cursor ? { cursor } : {}) })))
    rows.push(...batch);
  return rows;
}

const agreements: ReleaseResource = {
  name: 'agreements',
  title: '287(g) agreements',
  description:
    "Every agreement ICE's lists ever showed (one agency × one support model × one signing), with its status on the date of the latest list in the release.",
  fields: recordFields('Agreement', AGREEMENT_FIELDS),
  primaryKey: 'id',
  foreignKeys: [
    { fields: 'agency_id', resource: 'agencies', referenceFields: 'id' },
    { fields: 'county_fips', resource: 'counties', referenceFields: 'fips' },
    { fields: 'supersedes_id', referenceFields: 'id' },
  ],
  async load(db) {
    return (await everyRow((page) => listAgreements(db, {}, page))) as unknown as Row[];
  },
};

const agencies: ReleaseResource = {
  name: 'agencies',
  title: 'Law enforcement agencies',
  description:
    'Every agency that held or applied for an agreement, with its place, its agreement counts on the date of the latest list, and every name the lists used for it.',
  // aliases (a table of its own in the API) stand before updated_at, as in format 1.
  fields: recordFields('Agency', AGENCY_FIELDS).flatMap((field) =>
    field.name === 'updated_at' ? [ALIASES_FIELD, field] : [field],
  ),
  primaryKey: 'id',
  foreignKeys: [{ fields: 'county_fips', resource: 'counties', referenceFields: 'fips' }],
  async load(db) {
    const rows = await everyRow((page) => listAgencies(db, {}, page));
    const aliases = new Map<string, string[]>();
    for (const alias of await aliasesByAgencyIds(
      db,
      rows.map((row) => row.id),
    )) {
      aliases.set(alias.agency_id, [...(aliases.get(alias.agency_id) ?? []), alias.name]);
    }
    return rows.map(({ updated_at, ...agency }) => ({ ...agency, aliases: aliases.get(agency.id) ?? [], updated_at }));
  },
};

const events: ReleaseResource = {
  name: 'events',
  title: 'Agreement events',
  description:
    'The history of every agreement (applied, signed, renewed, ended, reinstated, renamed...), each citing the ICE list or the historical source that revealed it.',
  fields: recordFields('Agreement event', EVENT_FIELDS),
  primaryKey: 'id',
  foreignKeys: [
    { fields: 'agreement_id', resource: 'agreements', referenceFields: 'id' },
    { fields: 'source_list_id', resource: 'lists', referenceFields: 'id' },
  ],
  load: async (db) => (await everyEvent(db)) as unknown as Row[],
};

const lists: ReleaseResource = {
  name: 'lists',
  title: 'ICE lists',
  description:
    "Every ICE list ingested: applied (its changes are in the data), quarantined or rejected, with the reason, the file's SHA-256 and the changes it made.",
  fields: recordFields('ICE list', LIST_FIELDS),
  primaryKey: 'id',
  foreignKeys: [],
  load: async (db) => (await listSourceLists(db, {})).sort((a, b) => a.id - b.id) as unknown as Row[],
};

const counties: ReleaseResource = {
  name: 'counties',
  title: 'U.S. counties',
  description:
    'Every county and county-equivalent of the Census 2023 cartographic boundary files, with its centroid and its agreement counts on the date of the latest list.',
  fields: recordFields('County', COUNTY_FIELDS),
  primaryKey: 'fips',
  foreignKeys: [],
  async load(db) {
    const summaries = await countySummaries(db);
    return (await everyCounty(db)).map((county) => ({ ...county, ...(summaries.get(county.fips) ?? emptySummary()) }));
  },
};

export const RELEASE_RESOURCES: readonly ReleaseResource[] = [agreements, agencies, events, lists, counties];

export function fieldDescription(field: ReleaseField): string {
  return field.description ?? describeField(field.section, field.name);
}
