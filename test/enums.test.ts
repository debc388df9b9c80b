// The vocabularies are defined once (src/domain/enums.ts); the public contracts repeat
// them, so this checks that the committed SDL (upper case) and OpenAPI document
// hold exactly those values.
import { readFileSync } from 'node:fs';
import { buildSchema, GraphQLEnumType } from 'graphql';
import t from 'tap';
import {
  AGENCY_LEVELS,
  AGENCY_TYPES,
  AGREEMENT_ORIGINS,
  AGREEMENT_STATUSES,
  EVENT_TYPES,
  LIST_DATE_SOURCES,
  LIST_KINDS,
  LIST_STATUSES,
  LOCATION_METHODS,
  MODEL_CODES,
  ORI_MATCHES,
} from '../src/domain/enums.ts';

const sdl = buildSchema(readFileSync('schema/schema.graphql', 'utf8'));
const openapi = JSON.parse(readFileSync('schema/openapi.json', 'utf8')) as {
  components: {
    schemas: Record<string, { properties: Record<string, { enum?: string[]; items?: { enum?: string[] } }> }>;
  };
};

t.test('every GraphQL enum of the dataset equals its list in src/domain/enums.ts, in upper case', async (t) => {
  const expected: Record<string, readonly string[]> = {
    SupportModelCode: MODEL_CODES,
    AgreementStatus: AGREEMENT_STATUSES,
    AgreementOrigin: AGREEMENT_ORIGINS,
    AgencyType: AGENCY_TYPES,
    AgencyLevel: AGENCY_LEVELS,
    AgreementEventType: EVENT_TYPES,
    ListKind: LIST_KINDS,
    SourceListStatus: LIST_STATUSES,
    OriMatch: ORI_MATCHES,
  };
  for (const [name, values] of Object.entries(expected)) {
    const type = sdl.getType(name);
    t.ok(type instanceof GraphQLEnumType, `${name} is an enum of the SDL`);
    t.same(
      (type as GraphQLEnumType).getValues().map((value) => value.name),
      values.map((value) => value.toUpperCase()),
      name,
    );
  }
});

t.test('every OpenAPI enum of the dataset equals its list in src/domain/enums.ts', async (t) => {
  const property = (schema: string, name: string) => {
    const found = openapi.components.schemas[schema]!.properties[name]!;
    return found.enum ?? found.items?.enum;
  };
  const expected: [string, string, readonly string[]][] = [
    ['Agreement', 'model', MODEL_CODES],
    ['Agency', 'models', MODEL_CODES],
    ['Agreement', 'status', AGREEMENT_STATUSES],
    ['Agreement', 'origin', AGREEMENT_ORIGINS],
    ['Agreement', 'agency_type', AGENCY_TYPES],
    ['Agency', 'type', AGENCY_TYPES],
    ['Agreement', 'agency_level', AGENCY_LEVELS],
    ['Agency', 'level', AGENCY_LEVELS],
    ['Agency', 'location_method', LOCATION_METHODS],
    ['AgreementEvent', 'type', EVENT_TYPES],
    ['Change', 'type', EVENT_TYPES],
    ['SourceList', 'kind', LIST_KINDS],
    ['AgreementSource', 'kind', LIST_KINDS],
    ['SourceList', 'status', LIST_STATUSES],
    ['SourceList', 'list_date_source', LIST_DATE_SOURCES],
  ];
  for (const [schema, name, values] of expected) t.same(property(schema, name), values, `${schema}.${name}`);
});
