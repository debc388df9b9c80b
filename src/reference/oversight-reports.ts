// Oversight reports on the 287(g) program (GAO, DHS OIG, Justice Department
// findings letters), shipped as a JSON file that people edit by hand. Every
// load validates it, so a typo in a date or a recommendation number stops the
// start with a message naming the report and the field instead of reaching the
// database as a half-true row.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { findState } from '../domain/states.ts';
import { ModelCodeSchema } from '../domain/enums.ts';

/** A calendar date that exists: the regex alone would accept 2021-02-30. */
const IsoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD')
  .refine((value) => {
    const [year, month, day] = value.split('-').map(Number) as [number, number, number];
    const date = new Date(Date.UTC(year, month - 1, day));
    return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  }, 'is not a real calendar date');

const HttpsUrlSchema = z.string().refine((value) => {
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}, 'must be an https:// URL');

const NonEmptySchema = z.string().trim().min(1, 'must not be empty');

export const RecommendationSchema = z.strictObject({
  number: z.number().int().min(1),
  text: NonEmptySchema,
  status: z.string().min(1).nullable(),
});

export const ReportAgencySchema = z.strictObject({
  name: NonEmptySchema,
  stateCode: z
    .string()
    .refine((code) => findState(code)?.code === code, 'must be a known two-letter postal code, e.g. AZ'),
});

export const ReportSourceSchema = z.strictObject({
  fact: NonEmptySchema,
  url: HttpsUrlSchema,
});

export const OversightReportSchema = z
  .strictObject({
    id: z.string().regex(/^[A-Z0-9][A-Z0-9-]*$/, 'must be the report number in capitals, e.g. GAO-21-186'),
    issuer: z.enum(['GAO', 'DHS OIG', 'DOJ Civil Rights Division']),
    title: NonEmptySchema,
    publishedOn: IsoDateSchema.nullable(),
    releasedOn: IsoDateSchema.nullable(),
    url: HttpsUrlSchema.nullable(),
    recommendationCount: z.number().int().min(0).nullable(),
    summary: NonEmptySchema,
    recommendations: z.array(RecommendationSchema),
    agencies: z.array(ReportAgencySchema),
    models: z.array(ModelCodeSchema),
    sources: z.array(ReportSourceSchema).min(1, 'must list at least one source for the facts stated'),
  })
  .superRefine((report, ctx) => {
    // ISO dates compare correctly as strings.
    if (report.publishedOn && report.releasedOn && report.releasedOn < report.publishedOn) {
      ctx.addIssue({
        code: 'custom',
        path: ['releasedOn'],
        message: `${report.releasedOn} is before publishedOn ${report.publishedOn}`,
      });
    }
    const numbers = report.recommendations.map((item) => item.number).sort((a, b) => a - b);
    if (numbers.some((number, index) => number !== index + 1)) {
      ctx.addIssue({
        code: 'custom',
        path: ['recommendations'],
        message: `must be numbered 1..${numbers.length} without gaps or repeats (got ${numbers.join(', ')})`,
      });
    }
    if (report.recommendationCount !== null && report.recommendations.length > report.recommendationCount) {
      ctx.addIssue({
        code: 'custom',
        path: ['recommendationCount'],
        message: `is ${report.recommendationCount} but ${report.recommendations.length} recommendations are listed`,
      });
    }
    if (new Set(report.models).size !== report.models.length) {
      ctx.addIssue({ code: 'custom', path: ['models'], message: 'lists a model twice' });
    }
    const agencyKeys = report.agencies.map((agency) => `${agency.stateCode}|${agency.name}`);
    if (new Set(agencyKeys).size !== agencyKeys.length) {
      // The database keys report agencies on (report, state, name).
      ctx.addIssue({ code: 'custom', path: ['agencies'], message: 'lists an agency twice' });
    }
  });

export type OversightReport = z.infer<typeof OversightReportSchema>;

const OversightReportListSchema = z.array(OversightReportSchema).superRefine((reports, ctx) => {
  const seen = new Map<string, number>();
  reports.forEach((report, index) => {
    const first = seen.get(report.id);
    if (first !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [index, 'id'],
        message: `is a duplicate: record ${first + 1} has the same id`,
      });
    } else {
      seen.set(report.id, index);
    }
  });
});

export class OversightReportsError extends Error {
  override name = 'OversightReportsError';
}

function describeIssue(data: unknown, issue: z.core.$ZodIssue): string {
  const [index, ...field] = issue.path;
  if (typeof index !== 'number') return `oversight reports: ${issue.message}`;
  const record = Array.isArray(data) ? (data[index] as { id?: unknown } | undefined) : undefined;
  const name = typeof record?.id === 'string' ? `${record.id} (record ${index + 1})` : `record ${index + 1}`;
  const where = field.length > 0 ? field.map(String).join('.') : 'record';
  return `oversight report ${name}: ${where} ${issue.message}`;
}

/** Validates parsed report data; throws OversightReportsError naming each bad record and field. */
export function validateOversightReports(data: unknown): OversightReport[] {
  const result = OversightReportListSchema.safeParse(data);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => describeIssue(data, issue));
  throw new OversightReportsError(lines.join('\n'));
}

/** Reads and validates the reports file shipped next to this module. */
export function loadOversightReports(): OversightReport[] {
  const file = new URL('./oversight-reports.json', import.meta.url);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new OversightReportsError(`oversight reports: cannot read ${file.pathname}: ${(error as Error).message}`);
  }
  return validateOversightReports(data);
}
