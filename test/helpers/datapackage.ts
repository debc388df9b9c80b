// Validates a data package descriptor against the Data Package v2 profile
// (test/fixtures/datapackage-2.0.schema.json, its source noted inside) with ajv.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsImport from 'ajv-formats';

const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;
const profile = JSON.parse(readFileSync(new URL('../fixtures/datapackage-2.0.schema.json', import.meta.url), 'utf8'));
// strict: false: the profile carries keywords of its own ("item" in fieldsMatch) that draft-07 ignores.
const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
const validate = ajv.compile(profile);

/** The profile's complaints about `descriptor`, one line each; empty when it is valid. */
export function validateDatapackage(descriptor: unknown): string[] {
  return validate(descriptor) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}
