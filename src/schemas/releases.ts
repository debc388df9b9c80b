// Releases as the REST API shows them: the manifest of one immutable dataset version.
import { z } from 'zod';
import { DateSchema, itemResponse, listResponse } from './common.ts';

export const ReleaseFileSchema = z
  .object({
    name: z
      .string()
      .describe(
        'File name: agreements.csv, agreements.parquet, datapackage.json, CITATION.cff, README.md, release.zip ...',
      ),
    url: z
      .string()
      .describe('Relative URL of the file (served with Cache-Control immutable and the SHA-256 as its ETag).'),
    media_type: z.string().describe('Its media type.'),
    bytes: z.number().int().describe('Its size in bytes.'),
    sha256: z.string().describe('SHA-256 of the file, hex.'),
  })
  .meta({ id: 'ReleaseFile' });

export const ReleaseSchema = z
  .object({
    version: z.number().int().describe('The dataset version the release holds (its number).'),
    list_date: DateSchema.describe('Date of the latest applied ICE list the release includes.'),
    created_at: z.string().describe('When the release was made (ISO 8601).'),
    citation: z.string().describe('How to cite the release.'),
    files: z.array(ReleaseFileSchema).describe('Its files, by name.'),
  })
  .meta({ id: 'Release' });

export const ReleaseListResponseSchema = listResponse(ReleaseSchema, 'ReleaseList', 'Releases, newest first.');
export const ReleaseResponseSchema = itemResponse(ReleaseSchema, 'ReleaseResponse');
