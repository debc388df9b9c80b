// Shapes every REST response shares: the envelope, problem details, and the
// query parameters of the shared grammar (src/query/grammar.ts) with their
// descriptions. Query schemas here are permissive on purpose: they document
// the parameters in OpenAPI, while the grammar validates them so REST and
// GraphQL fail the same way with the same message.
import { z } from 'zod';
import { PARAMETER_DOCS } from '../query/grammar.ts';

export const DateSchema = z.iso.date();

export const MetaSchema = z
  .object({
    dataset_version: z
      .number()
      .int()
      .describe('Version of the dataset: it moves each time an ICE list is applied (also the ETag).'),
    as_of: DateSchema.nullable().describe(
      'The date the answer describes: the as_of parameter, else the date of the latest applied list.',
    ),
    total_count: z
      .number()
      .int()
      .optional()
      .describe('Number of matching items over all pages (only with include_total=true).'),
    coverage: z
      .object({
        note: z.string().describe('What an answer for that date can and cannot mean.'),
        sources: z
          .array(
            z.object({
              id: z.string().describe('Historical source id.'),
              title: z.string().describe('The citation of its primary source.'),
              first_on: DateSchema.nullable().describe('Earliest date it gives.'),
              last_on: DateSchema.nullable().describe('Latest date it gives.'),
            }),
          )
          .describe('The historical sources dated on or before as_of that the answer rests on.'),
      })
      .optional()
      .describe(
        'Only when as_of is before ICE\'s first list: the answer comes from historical sources (README "Before 2021").',
      ),
  })
  .meta({ id: 'Meta' });

export const LinksSchema = z
  .object({
    next: z
      .string()
      .nullable()
      .describe('Relative URL of the next page (same filters, with a cursor), or null on the last page.'),
  })
  .meta({ id: 'Links' });

export function listResponse<T extends z.ZodType>(item: T, id: string, description: string) {
  return z
    .object({
      data: z.array(item).describe(description),
      links: LinksSchema,
      meta: MetaSchema,
    })
    .meta({ id });
}

export function itemResponse<T extends z.ZodType>(item: T, id: string) {
  return z.object({ data: item, meta: MetaSchema }).meta({ id });
}

export const ProblemSchema = z
  .object({
    type: z.string().describe('URI reference naming the kind of problem (e.g. /problems/invalid-parameter).'),
    title: z.string().describe('Short summary of the HTTP status.'),
    status: z.number().int().describe('The HTTP status code.'),
    detail: z.string().optional().describe('What went wrong, for a human.'),
    instance: z.string().optional().describe('The request path and query that failed.'),
    invalid_params: z
      .array(
        z.object({
          name: z.string().describe('The offending parameter.'),
          reason: z.string().describe('Why it was rejected.'),
          allowed: z.array(z.string()).optional().describe('The values it accepts, when they are a fixed set.'),
        }),
      )
      .optional()
      .describe('The parameters that were wrong (400 only).'),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details (application/problem+json).' });

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});
export const ERROR_RESPONSES = {
  400: problem('A parameter is wrong: invalid_params names it and lists the allowed values.'),
  429: problem('Over the per-IP rate limit; retry after the Retry-After header.'),
};
export const NOT_FOUND_RESPONSE = { 404: problem('No such item.') };

/** A JSON 200 with its description, and the errors every route can answer. */
export function jsonResponse<T extends z.ZodType>(schema: T, description: string, notFound = false) {
  return {
    200: { description, content: { 'application/json': { schema } } },
    ...ERROR_RESPONSES,
    ...(notFound ? NOT_FOUND_RESPONSE : {}),
  };
}

/** A CSV body, for OpenAPI. */
export const CsvSchema = z
  .string()
  .describe(
    'CSV (RFC 4180) with a header row; text cells that begin with = + - @ tab or CR are prefixed with an apostrophe.',
  );

const repeatable = (description: string) =>
  z
    .union([z.string(), z.array(z.string())])
    .optional()
    .describe(description);
const single = (description: string) => z.string().optional().describe(description);

/** Documentation of each grammar parameter, repeatable where the grammar accepts several values. */
export const QUERY_PARAMETERS = {
  state: repeatable(PARAMETER_DOCS.state),
  county_fips: repeatable(PARAMETER_DOCS.county_fips),
  ori: repeatable(PARAMETER_DOCS.ori),
  model: repeatable(PARAMETER_DOCS.model),
  status: repeatable(PARAMETER_DOCS.status),
  agency_type: repeatable(PARAMETER_DOCS.agency_type),
  signed_from: single(PARAMETER_DOCS.signed_from),
  signed_to: single(PARAMETER_DOCS.signed_to),
  q: single(PARAMETER_DOCS.q),
  name: single(PARAMETER_DOCS.name),
  updated_since: single(PARAMETER_DOCS.updated_since),
  as_of: single(PARAMETER_DOCS.as_of),
  limit: single(PARAMETER_DOCS.limit),
  cursor: single(PARAMETER_DOCS.cursor),
  sort: single(PARAMETER_DOCS.sort),
  include_total: single(PARAMETER_DOCS.include_total),
} as const;

export type QueryParameterName = keyof typeof QUERY_PARAMETERS;

/** The querystring schema of a route: the named grammar parameters plus route-specific ones. */
export function querySchema(
  names: readonly QueryParameterName[],
  extra: Record<string, z.ZodOptional<z.ZodType>> = {},
  sortDoc?: string,
) {
  const shape: Record<string, z.ZodType> = {};
  for (const name of names) shape[name] = name === 'sort' && sortDoc ? single(sortDoc) : QUERY_PARAMETERS[name];
  return z.object({ ...shape, ...extra });
}
export { repeatable as repeatableParameter, single as singleParameter };
