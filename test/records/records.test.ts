// One definition per record (src/records/): the REST schema, the CSV columns,
// the release's Table Schema, the field dictionary (schema/fields.md) and the
// rows the repositories' SQL selects all name the same fields, so a field added
// to a record reaches a researcher's Parquet and the API's docs alike.
import t from 'tap';
import { datapackage } from '../../src/releases/documents.ts';
import { fieldDictionary } from '../../src/releases/field-descriptions.ts';
import { RELEASE_FORMAT_VERSION, RELEASE_RESOURCES } from '../../src/releases/tables.ts';
import { AGENCY_FIELDS } from '../../src/records/agency.ts';
import { AGREEMENT_FIELDS } from '../../src/records/agreement.ts';
import { COUNTY_FIELDS } from '../../src/records/county.ts';
import { EVENT_FIELDS } from '../../src/records/event.ts';
import { LIST_FIELDS } from '../../src/records/list.ts';
import { fieldNames, type RecordFields } from '../../src/records/record.ts';
import {
  countiesByFips,
  countySummaries,
  eventsByAgreementIds,
  listAgencies,
  listAgreements,
  listSourceLists,
} from '../../src/repositories/index.ts';
import { AgencySchema } from '../../src/schemas/agencies.ts';
import { AGREEMENT_COLUMNS, AgreementSchema, EventSchema } from '../../src/schemas/agreements.ts';
import { CountySchema } from '../../src/schemas/geography.ts';
import { SourceListSchema } from '../../src/schemas/history.ts';
import { agencies } from '../../src/resources/agencies.ts';
import { counties } from '../../src/resources/counties.ts';
import { lists } from '../../src/resources/lists.ts';
import { MODEL_CODES } from '../../src/domain/enums.ts';
import type { Db } from '../../src/database/connect.ts';
import { testDatabase } from '../helpers/database.ts';
import { seedHistory } from '../helpers/fixtures.ts';

const byId = { limit: 100, sort: { field: 'id' as const, descending: false }, include_total: false };

interface RecordCheck {
  record: RecordFields;
  /** Its section in schema/fields.md. */
  section: string;
  table: string;
  /** Fields the release table holds beyond the record's. */
  tableExtras?: string[];
  schema: { shape: object };
  /** Rows as the repositories' SQL selects them for REST. */
  rows(db: Db): Promise<object[]>;
}

const RECORDS: RecordCheck[] = [
  {
    record: AGREEMENT_FIELDS,
    section: 'Agreement',
    table: 'agreements',
    schema: AgreementSchema,
    rows: async (db) => (await listAgreements(db, {}, byId)).data,
  },
  {
    record: EVENT_FIELDS,
    section: 'Agreement event',
    table: 'events',
    schema: EventSchema,
    rows: async (db) =>
      eventsByAgreementIds(
        db,
        (await listAgreements(db, {}, byId)).data.map((agreement) => agreement.id),
      ),
  },
  {
    record: AGENCY_FIELDS,
    section: 'Agency',
    table: 'agencies',
    tableExtras: ['aliases'],
    schema: AgencySchema,
    rows: async (db) => (await listAgencies(db, {}, byId)).data,
  },
  {
    record: LIST_FIELDS,
    section: 'ICE list',
    table: 'lists',
    schema: SourceListSchema,
    rows: (db) => listSourceLists(db, {}),
  },
  {
    record: COUNTY_FIELDS,
    section: 'County',
    table: 'counties',
    schema: CountySchema,
    // As /v1/counties makes them: the county's row and its summary.
    rows: async (db) => {
      const summaries = await countySummaries(db);
      return (await countiesByFips(db, [...summaries.keys()])).map((county) => ({
        ...county,
        ...summaries.get(county.fips),
      }));
    },
  },
];

const releaseTable = (name: string) => RELEASE_RESOURCES.find((resource) => resource.name === name)!;

t.test('the REST schema, the release table and the field dictionary derive from one record', async (t) => {
  const dictionary = fieldDictionary();
  for (const { record, section, table, tableExtras = [], schema } of RECORDS) {
    const names = fieldNames(record);
    t.same(Object.keys(schema.shape), names, `${section}: the REST schema's fields are the record's`);
    t.same(
      releaseTable(table)
        .fields.map((field) => field.name)
        .filter((name) => !tableExtras.includes(name)),
      names,
      `${table}: the release table's fields are the record's`,
    );
    const described = [...(dictionary.get(section)?.keys() ?? [])];
    t.same(
      names.filter((name) => !described.includes(name)),
      [],
      `${section}: schema/fields.md describes every field`,
    );
    t.same(
      described.filter((name) => !names.includes(name)),
      [],
      `${section}: schema/fields.md describes no field the record lacks`,
    );
  }
  t.same(AGREEMENT_COLUMNS, fieldNames(AGREEMENT_FIELDS), 'the agreements CSV has a column per field, in order');
  t.same(
    agencies.csv?.columns.map((column) => column.name),
    fieldNames(AGENCY_FIELDS),
    'the agencies CSV has a column per field, in order',
  );
  t.same(
    lists.csv?.columns.map((column) => column.name),
    fieldNames(LIST_FIELDS),
    'the lists CSV has a column per field, in order',
  );
  t.same(
    counties.csv?.columns.map((column) => column.name),
    [
      ...fieldNames(COUNTY_FIELDS).filter((name) => name !== 'by_model'),
      ...MODEL_CODES.map((model) => `active_${model}`),
    ],
    'the counties CSV has a column per field, by_model as one column per support model',
  );
});

t.test("the repositories' SQL selects each record's fields, and a release table's rows hold its fields", async (t) => {
  const database = await testDatabase(t);
  await seedHistory(database.pool);
  for (const { record, section, table, rows } of RECORDS) {
    const names = fieldNames(record).sort();
    const selected = await rows(database.pool);
    t.ok(selected.length > 0, `${section}: the scripted history has some`);
    t.same(
      [...new Set(selected.flatMap((row) => Object.keys(row)))].sort(),
      names,
      `${section}: the SQL selects exactly the record's fields`,
    );
    const releaseRows = await releaseTable(table).load(database.pool);
    const releaseFields = releaseTable(table)
      .fields.map((field) => field.name)
      .sort();
    t.same(
      [...new Set(releaseRows.flatMap((row) => Object.keys(row)))].sort(),
      releaseFields,
      `${table}: the release reads exactly the table's fields`,
    );
  }
});

t.test(
  "a release's datapackage tells agreements from the historical sources, their end windows and a list's edition and counts",
  async (t) => {
    const files = RELEASE_RESOURCES.map((resource) => ({
      name: `${resource.name}.csv`,
      mediaType: 'text/csv',
      content: Buffer.alloc(0),
      sha256: '0'.repeat(64),
    }));
    const info = {
      version: 7,
      listDate: '2025-01-01',
      releasedAt: new Date('2025-01-02T00:00:00Z'),
      publicUrl: 'https://data.example.org',
    };
    const descriptor = datapackage(info, files) as {
      format_version: number;
      resources: {
        name: string;
        schema: { fields: { name: string; type: string; constraints?: { required?: boolean; enum?: string[] } }[] };
      }[];
    };
    t.equal(descriptor.format_version, RELEASE_FORMAT_VERSION);
    t.equal(RELEASE_FORMAT_VERSION, 4, 'format 4: the withdrawn status and count (format 3: the lists fields below)');
    const agreements = descriptor.resources.find((resource) => resource.name === 'agreements')!.schema.fields;
    t.same(
      agreements.find((field) => field.name === 'status')?.constraints?.enum,
      ['pending', 'active', 'ended', 'withdrawn'],
      'a researcher reading the Table Schema sees the four statuses',
    );
    const counties = descriptor.resources.find((resource) => resource.name === 'counties')!.schema.fields;
    t.match(
      counties.find((field) => field.name === 'withdrawn_agreements'),
      { type: 'integer', constraints: { required: true } },
    );
    t.match(
      agreements.find((field) => field.name === 'origin'),
      { type: 'string', constraints: { required: true, enum: ['ice_lists', 'historical'] } },
    );
    t.match(
      agreements.find((field) => field.name === 'ended_after'),
      { type: 'date' },
    );
    t.match(
      agreements.find((field) => field.name === 'ended_before'),
      { type: 'date' },
    );
    const lists = descriptor.resources.find((resource) => resource.name === 'lists')!.schema.fields;
    t.match(
      lists.find((field) => field.name === 'edition'),
      { type: 'integer', constraints: { required: true } },
    );
    t.match(
      lists.find((field) => field.name === 'agreements_confirmed'),
      { type: 'integer' },
    );
    t.notOk(
      lists.find((field) => field.name === 'agreements_confirmed')!.constraints?.required,
      'lists ingested before it was recorded have none',
    );
    t.match(
      lists.find((field) => field.name === 'rows_skipped'),
      { type: 'integer', constraints: { required: true } },
    );
    const events = descriptor.resources.find((resource) => resource.name === 'events')!.schema.fields;
    t.match(
      events.find((field) => field.name === 'historical_source_id'),
      { type: 'string' },
    );
    t.notOk(
      events.find((field) => field.name === 'source_list_id')!.constraints?.required,
      'an event from a historical source has no ICE list',
    );
  },
);
