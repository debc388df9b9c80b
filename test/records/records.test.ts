// One definition per record (src/records/): the REST schema, the CSV columns,
// the release's Table Schema and the field dictionary (schema/fields.md) all
// name the same fields in the same order, so a field added to a record reaches
// a researcher's Parquet and the API's docs alike.
import t from 'tap';
import { datapackage } from '../../src/releases/documents.ts';
import { fieldDictionary } from '../../src/releases/field-descriptions.ts';
import { RELEASE_FORMAT_VERSION, RELEASE_RESOURCES } from '../../src/releases/tables.ts';
import { AGREEMENT_FIELDS } from '../../src/records/agreement.ts';
import { EVENT_FIELDS } from '../../src/records/event.ts';
import { fieldNames, type RecordFields } from '../../src/records/record.ts';
import { AGREEMENT_COLUMNS, AgreementSchema, EventSchema } from '../../src/schemas/agreements.ts';

const RECORDS: { record: RecordFields; section: string; table: string; schema: { shape: object } }[] = [
  { record: AGREEMENT_FIELDS, section: 'Agreement', table: 'agreements', schema: AgreementSchema },
  { record: EVENT_FIELDS, section: 'Agreement event', table: 'events', schema: EventSchema },
];

t.test('the REST schema, the release table and the field dictionary derive from one record', async (t) => {
  const dictionary = fieldDictionary();
  for (const { record, section, table, schema } of RECORDS) {
    const names = fieldNames(record);
    t.same(Object.keys(schema.shape), names, `${section}: the REST schema's fields are the record's`);
    t.same(
      RELEASE_RESOURCES.find((resource) => resource.name === table)?.fields.map((field) => field.name),
      names,
      `${table}: the release table's fields are the record's`,
    );
    const described = [...(dictionary.get(section)?.keys() ?? [])];
    t.same(
      names.filter((name) => !described.includes(name)),
      [],
      `${section}: schema/fields.md describes every field`,
    );
  }
  t.same(AGREEMENT_COLUMNS, fieldNames(AGREEMENT_FIELDS), 'the agreements CSV has a column per field, in order');
});

t.test("a release's datapackage tells agreements from the historical sources and their end windows", async (t) => {
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
  t.equal(RELEASE_FORMAT_VERSION, 3, 'format 3: the withdrawn status and count (format 2: the fields below)');
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
  const events = descriptor.resources.find((resource) => resource.name === 'events')!.schema.fields;
  t.match(
    events.find((field) => field.name === 'historical_source_id'),
    { type: 'string' },
  );
  t.notOk(
    events.find((field) => field.name === 'source_list_id')!.constraints?.required,
    'an event from a historical source has no ICE list',
  );
});
