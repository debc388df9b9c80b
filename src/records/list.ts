// The ICE list record (one file ingested): REST (/v1/lists, its CSV, /v1/lists/{id}), the repositories and the release.
import { z } from 'zod';
import { ListDateSourceSchema, ListKindSchema, ListStatusSchema } from '../domain/enums.ts';
import { DATE, type RecordField } from './record.ts';

// biome-ignore format: a table, one field per line
export const LIST_FIELDS = [
  { name: 'id', type: 'integer', schema: z.number().int(), description: 'List id.' },
  { name: 'kind', type: 'string', schema: ListKindSchema, description: 'participating (signed agreements) or pending (applications).' },
  { name: 'list_date', type: 'date', schema: DATE, description: 'Date the list claims.' },
  { name: 'list_date_source', type: 'string', schema: ListDateSourceSchema, description: 'Where that date came from.' },
  { name: 'list_time', type: 'string', schema: z.string(), nullable: true, description: 'Time of day from the file name (am, pm, 14:30), ordering lists of one day.' },
  { name: 'edition', type: 'integer', schema: z.number().int(), description: "Edition of the list: 1, 2 … among the files of the same kind, date and time of day (ICE re-posts a list under the same name with other content), by the server's Last-Modified when known, else by arrival." },
  { name: 'file_name', type: 'string', schema: z.string(), nullable: true, description: 'File name as published.' },
  { name: 'url', type: 'string', schema: z.string(), nullable: true, description: 'Where it was downloaded from.' },
  { name: 'sha256', type: 'string', schema: z.string(), pattern: '^[0-9a-f]{64}$', description: 'SHA-256 of the file, hex.' },
  { name: 'byte_size', type: 'integer', schema: z.number().int(), description: 'File size in bytes.' },
  { name: 'row_count', type: 'integer', schema: z.number().int(), description: 'Data rows parsed: agreements_confirmed + rows_skipped.' },
  { name: 'agreements_confirmed', type: 'integer', schema: z.number().int(), nullable: true, description: 'Distinct agreements its rows became or confirmed (for a quarantined list: had it been applied). Null for lists ingested before this was recorded.' },
  { name: 'rows_skipped', type: 'integer', schema: z.number().int(), description: 'Rows that did not become or confirm one agreement (duplicates, pending rows of agreements already active, unreadable rows): listed at /v1/lists/{id}.' },
  { name: 'status', type: 'string', schema: ListStatusSchema, description: 'applied (its changes are in the data), quarantined (held back for review) or rejected (set aside by a reviewed correction, never applied).' },
  { name: 'status_reason', type: 'string', schema: z.string(), nullable: true, description: 'Why it was quarantined or rejected.' },
  { name: 'warnings', type: 'array', schema: z.array(z.string()), description: 'Problems found in the file that did not stop it.' },
  { name: 'counts', type: 'object', schema: z.record(z.string(), z.number()), nullable: true, description: 'Changes it made when applied: added, renewed, ended, renamed, ...' },
  { name: 'ingested_at', type: 'datetime', schema: z.string(), description: 'When it was ingested (ISO 8601).' },
  { name: 'applied_at', type: 'datetime', schema: z.string(), nullable: true, description: 'When it was applied (ISO 8601).' },
] as const satisfies readonly RecordField[];
