// One definition per record: each field's name, its value's Zod schema, whether
// it may be null, its Table Schema type and its description. The REST schemas
// (src/schemas/), the repositories' row types (RecordOf), the CSV columns and
// the release tables (src/releases/tables.ts) derive from it; the field
// dictionary (schema/fields.md) and the repositories' SELECTs are checked
// against it by test/records/records.test.ts.
// Adding a field: docs/architecture.md, "How to add a field".
import { z } from 'zod';

/** Table Schema (v2) field types; `array` is a JSON array of strings in CSV and LIST(VARCHAR) in Parquet. */
export type FieldType = 'string' | 'integer' | 'number' | 'date' | 'datetime' | 'object' | 'array';

export interface RecordField {
  name: string;
  /** The value's schema, without null and without description (an enum's schema gives the Table Schema enum). */
  schema: z.ZodType;
  type: FieldType;
  nullable?: boolean;
  /** The API's words for it (OpenAPI, and the field dictionary's meaning column). */
  description: string;
  /** A Table Schema pattern for the release, where the value has one. */
  pattern?: string;
}

/** The fields of a record, in the order of its CSV columns and release table. */
export type RecordFields = readonly RecordField[];

/** A field's name, among the fields of a record. */
export type FieldName<F extends RecordFields> = F[number]['name'];

/** A row of a record as the repositories read it: each field's value (null where it may be null). */
export type RecordOf<F extends RecordFields> = {
  [Field in F[number] as Field['name']]: z.infer<Field['schema']> | (Field extends { nullable: true } ? null : never);
};

/** The Zod shape of a record: each field's schema, nullable where it may be null, with its description. */
export function zodShape<F extends RecordFields>(fields: F): { [K in FieldName<F>]: z.ZodType } {
  return Object.fromEntries(
    fields.map((field) => [
      field.name,
      (field.nullable ? field.schema.nullable() : field.schema).describe(field.description),
    ]),
  ) as { [K in FieldName<F>]: z.ZodType };
}

/** The values an enum field takes, for the release's Table Schema. */
export function enumValues(field: RecordField): readonly string[] | undefined {
  return field.schema instanceof z.ZodEnum ? (field.schema.options as string[]) : undefined;
}

/**
 * A field of another record under this record's name and words: the same value, schema, pattern and
 * nullability (an agreement's `agency_type` is its agency's `type`).
 */
export function fieldAs<F extends RecordFields, From extends FieldName<F>, As extends string>(
  fields: F,
  from: From,
  as: As,
  description: string,
): Omit<Extract<F[number], { name: From }>, 'name'> & { name: As } {
  const field = fields.find((candidate) => candidate.name === from) as Extract<F[number], { name: From }>;
  return { ...field, name: as, description };
}

export function fieldNames<F extends RecordFields>(fields: F): FieldName<F>[] {
  return fields.map((field) => field.name);
}

export const FIPS_PATTERN = '^\\d{5}$';
export const STATE_PATTERN = '^[A-Z]{2}$';
/** An FBI ORI code: nine letters and digits. */
export const ORI_PATTERN = '^[A-Z0-9]{9}$';
/** A calendar date (YYYY-MM-DD). */
export const DATE = z.iso.date();

/** When a row last changed: the last field of the agency record (and the agreement's). */
export const UPDATED_AT_FIELD = {
  name: 'updated_at',
  type: 'datetime',
  schema: z.string(),
  description: 'When this record last changed (ISO 8601 date-time).',
} as const satisfies RecordField;
