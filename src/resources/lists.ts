// /v1/lists: every ICE list ingested (applied, quarantined or rejected), newest first.
import { z } from 'zod';
import { LIST_KINDS, LIST_STATUSES } from '../enums.ts';
import { enumList, rejectUnknown } from '../query/grammar.ts';
import { listSourceLists, type ListFilter, type SourceListRecord } from '../repositories/index.ts';
import { csvRenderer, fieldColumns } from '../renderers/csv.ts';
import { jsonRenderer } from '../renderers/json.ts';
import { repeatableParameter } from '../schemas/common.ts';
import { SourceListListResponseSchema } from '../schemas/history.ts';
import { whole, type Collection } from './collection.ts';

export const lists: Collection<SourceListRecord, ListFilter> = {
  path: '/lists',
  docs: {
    tags: ['history'],
    summary: 'ICE lists ingested',
    description: 'Every ICE list the service has ingested: its date, kind, status, counts of the changes it made, and the reason it was quarantined or rejected. Newest first.',
  },
  querystring: z.object({
    status: repeatableParameter(`List status: ${LIST_STATUSES.join(', ')}. Repeatable.`),
    kind: repeatableParameter(`List kind: ${LIST_KINDS.join(', ')}. Repeatable.`),
  }),
  schema: SourceListListResponseSchema,
  renderers: [jsonRenderer, csvRenderer],
  paged: false,
  parse(raw) {
    rejectUnknown(raw, ['status', 'kind']);
    const status = enumList('status', raw.status, LIST_STATUSES);
    const kind = enumList('kind', raw.kind, LIST_KINDS);
    return { filters: { ...(status ? { status } : {}), ...(kind ? { kind } : {}) } };
  },
  fetch: async (db, filter) => whole(await listSourceLists(db, filter)),
  csv: {
    columns: fieldColumns<SourceListRecord>([
      'id', 'kind', 'list_date', 'list_date_source', 'list_time', 'file_name', 'url', 'sha256', 'byte_size', 'row_count',
      'status', 'status_reason', 'warnings', 'counts', 'ingested_at', 'applied_at',
    ]),
  },
};
