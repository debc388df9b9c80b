// /v1/lists: every ICE list ingested (applied, quarantined or rejected), newest first.
import type { FastifyInstance } from 'fastify';
import { fieldColumns } from '../../http/csv.ts';
import { QueryError, rejectUnknown, type RawQuery } from '../../query/grammar.ts';
import { LIST_KINDS, LIST_STATUSES } from '../../enums.ts';
import { listSourceLists, type ListFilter, type SourceListRecord } from '../../repositories/lists.ts';
import { repeatableParameter } from '../../schemas/common.ts';
import { SourceListListResponseSchema } from '../../schemas/history.ts';
import { z } from 'zod';
import { smallCollection } from './common.ts';

/** Comma-separated or repeated values, each one of `allowed`. */
export function enumList(raw: RawQuery, name: string, allowed: readonly string[]): string[] | undefined {
  const value = raw[name];
  if (value === undefined) return undefined;
  const items = (Array.isArray(value) ? value : [value]).flatMap((item) => String(item).split(',')).map((item) => item.trim().toLowerCase()).filter(Boolean);
  for (const item of items) if (!allowed.includes(item)) throw new QueryError(name, `unknown value "${item}"`, allowed);
  return items.length > 0 ? [...new Set(items)].sort() : undefined;
}

export async function listRoutes(app: FastifyInstance): Promise<void> {
  const pool = app.db.pool;
  smallCollection<SourceListRecord, ListFilter>(app, {
    path: '/lists',
    tags: ['history'],
    summary: 'ICE lists ingested',
    description: 'Every ICE list the service has ingested: its date, kind, status, counts of the changes it made, and the reason it was quarantined or rejected. Newest first.',
    querystring: z.object({
      status: repeatableParameter(`List status: ${LIST_STATUSES.join(', ')}. Repeatable.`),
      kind: repeatableParameter(`List kind: ${LIST_KINDS.join(', ')}. Repeatable.`),
    }),
    schema: SourceListListResponseSchema,
    columns: [
      ...fieldColumns<SourceListRecord>([
        'id', 'kind', 'list_date', 'list_date_source', 'list_time', 'file_name', 'url', 'sha256', 'byte_size', 'row_count',
        'status', 'status_reason', 'warnings', 'counts', 'ingested_at', 'applied_at',
      ]),
    ],
    parse(raw) {
      rejectUnknown(raw, ['status', 'kind']);
      const status = enumList(raw, 'status', LIST_STATUSES);
      const kind = enumList(raw, 'kind', LIST_KINDS);
      return { ...(status ? { status } : {}), ...(kind ? { kind } : {}) };
    },
    load: async (filter) => ({ data: await listSourceLists(pool, filter), asOf: undefined }),
  });
}
