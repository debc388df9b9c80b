// Field descriptions for a release's Table Schemas, read from the field
// dictionary (schema/fields.md) so the API and the data package never say two
// different things about one field.
import { readFileSync } from 'node:fs';

const FIELDS_MD = new URL('../../schema/fields.md', import.meta.url);

/** Section title ("Agreement", "ICE list"...) → field name → its meaning. */
export type FieldDictionary = Map<string, Map<string, string>>;

export function parseFieldDictionary(markdown: string): FieldDictionary {
  const sections: FieldDictionary = new Map();
  let current: Map<string, string> | undefined;
  for (const line of markdown.split('\n')) {
    const heading = /^## (.+)$/.exec(line);
    if (heading) {
      current = new Map();
      sections.set(heading[1]!.trim(), current);
      continue;
    }
    // | `name` | type | meaning |   (a type may contain escaped pipes: "string \| null")
    const row = /^\| `([a-z0-9_]+)` \| (?:[^|]|\\\|)+ \| (.+) \|$/.exec(line);
    if (row && current) current.set(row[1]!, row[2]!.trim());
  }
  return sections;
}

let cached: FieldDictionary | undefined;
export function fieldDictionary(): FieldDictionary {
  cached ??= parseFieldDictionary(readFileSync(FIELDS_MD, 'utf8'));
  return cached;
}

/** The meaning of `field` in `section`; throws when the dictionary lacks it (a test catches a renamed field). */
export function describeField(section: string, field: string): string {
  const description = fieldDictionary().get(section)?.get(field);
  if (!description) throw new Error(`schema/fields.md has no field "${field}" under "## ${section}"`);
  return description;
}
