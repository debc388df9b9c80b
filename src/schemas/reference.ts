// Support models and oversight reports.
import { z } from 'zod';
import { ModelCodeSchema } from '../domain/enums.ts';
import { zodShape } from '../records/record.ts';
import { SUMMARY_COUNT_FIELDS } from '../records/summary.ts';
import { DateSchema, itemResponse, listResponse } from './common.ts';

export const ModelSchema = z
  .object({
    code: ModelCodeSchema.describe('Model code used in filters.'),
    name: z.string().describe('Official name.'),
    abbreviation: z.string().nullable().describe('Usual abbreviation (JEM, TFM, WSO).'),
    description: z.string().describe('What the model lets local officers do.'),
    introduced_on: DateSchema.nullable().describe('When ICE introduced it.'),
    suspended_on: DateSchema.nullable().describe('When ICE suspended it, if it did.'),
    reinstated_on: DateSchema.nullable().describe('When ICE reinstated it, if it did.'),
    source_url: z.string().nullable().describe('Source for these facts.'),
    ...zodShape(SUMMARY_COUNT_FIELDS),
  })
  .meta({ id: 'SupportModel' });

export const ReportSchema = z
  .object({
    id: z.string().describe('Report id (OIG-18-77, GAO-21-186).'),
    issuer: z.string().describe('Who published it.'),
    title: z.string().describe('Title.'),
    published_on: DateSchema.nullable().describe('Publication date, when known.'),
    released_on: DateSchema.nullable().describe('Public release date, when it differs.'),
    url: z.string().nullable().describe('Where to read it.'),
    recommendation_count: z.number().int().nullable().describe('Number of recommendations it made.'),
    summary: z.string().describe('What it found, in a few sentences.'),
    sources: z
      .array(z.object({ fact: z.string().describe('A fact stated here.'), url: z.string().describe('Its source.') }))
      .describe('Sources of these facts.'),
    models: z.array(z.string()).describe('Support models it examined.'),
  })
  .meta({ id: 'Report' });

export const ReportDetailSchema = ReportSchema.extend({
  recommendations: z
    .array(
      z.object({
        number: z.number().int().describe('Its number in the report.'),
        text: z.string().describe('The recommendation.'),
        status: z.string().nullable().describe('Status as last reported (open, closed, ...).'),
      }),
    )
    .describe('Its recommendations.'),
  agencies: z
    .array(
      z.object({
        agency_name: z.string().describe('The agency as the report names it.'),
        state: z.string().describe('USPS code of its state.'),
        agency_id: z.string().nullable().describe('The matching agency in /v1/agencies, when one was found.'),
      }),
    )
    .describe('Agencies the report examined.'),
}).meta({ id: 'ReportDetail' });

export const ModelListResponseSchema = listResponse(ModelSchema, 'SupportModelList', 'Every support model.');
export const ReportListResponseSchema = listResponse(ReportSchema, 'ReportList', 'Every oversight report.');
export const ReportResponseSchema = itemResponse(ReportDetailSchema, 'ReportResponse');
