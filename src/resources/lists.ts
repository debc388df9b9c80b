// /v1/lists: every ICE list ingested (applied, quarantined or rejected), newest first.
import { z } from 'zod';
import { LIST_KINDS, LIST_STATUSES } from '../domain/enums.ts';
import { enumList, OPTIONAL_PAGE_PARAMS, optionalPage, QueryError, rejectUnknown } from '../query/grammar.ts';
import { pageInOrder } from '../query/paging.ts';
import { LIST_FIELDS } from '../records/list.ts';
import { fieldNames } from '../records/record.ts';
import {
  listSourceLists,
  skippedRowsByListIds,
  sourceListsByIds,
  type ListFilter,
  type SourceListRecord,
} from '../repositories/index.ts';
import { csvRenderer, fieldColumns } from '../renderers/csv.ts';
import { jsonRenderer } from '../renderers/json.ts';
import { QUERY_PARAMETERS, repeatableParameter } from '../schemas/common.ts';
import { ListReconciliationResponseSchema, SourceListListResponseSchema } from '../schemas/history.ts';
import type { Collection, Item } from './collection.ts';

export const lists: Collection<SourceListRecord, ListFilter> = {
  path: '/lists',
  docs: {
    tags: ['history'],
    summary: 'ICE lists ingested',
    description:
      'Every ICE list the service has ingested: its date, kind, status, counts of the changes it made, and the reason it was quarantined or rejected. Newest first; every list unless limit or cursor asks for a page.',
  },
  querystring: z.object({
    status: repeatableParameter(`List status: ${LIST_STATUSES.join(', ')}. Repeatable.`),
    kind: repeatableParameter(`List kind: ${LIST_KINDS.join(', ')}. Repeatable.`),
    limit: QUERY_PARAMETERS.limit,
    cursor: QUERY_PARAMETERS.cursor,
  }),
  schema: SourceListListResponseSchema,
  renderers: [jsonRenderer, csvRenderer],
  paged: false,
  parse(raw) {
    rejectUnknown(raw, ['status', 'kind', ...OPTIONAL_PAGE_PARAMS]);
    const status = enumList('status', raw.status, LIST_STATUSES);
    const kind = enumList('kind', raw.kind, LIST_KINDS);
    const page = optionalPage(raw);
    return { filters: { ...(status ? { status } : {}), ...(kind ? { kind } : {}) }, ...(page ? { page } : {}) };
  },
  fetch: async (db, filter, page) => pageInOrder(await listSourceLists(db, filter), page, (list) => String(list.id)),
  csv: {
    columns: fieldColumns<SourceListRecord>(fieldNames(LIST_FIELDS)),
  },
};

/**
 * /v1/lists/{id}: the list reconciled row by row. Every row either became or confirmed one agreement or is
 * listed here with its cells and why, so row_count = agreements_confirmed + rows_skipped.
 */
export const list: Item<object> = {
  path: '/lists/:id',
  tags: ['history'],
  summary: 'One ICE list, reconciled row by row',
  response:
    "The list's record and every row that did not become or confirm one agreement: its row number in the file, its cells as ICE wrote them and why (a duplicate of agreement X in the same list, a pending row for an agreement already active, an unrecognised state or support type). row_count = agreements_confirmed + rows_skipped.",
  schema: ListReconciliationResponseSchema,
  param: { name: 'id', schema: z.string().max(12).describe('List id, as in /v1/lists.') },
  asOf: false,
  id(value) {
    if (!/^\d{1,9}$/.test(value)) throw new QueryError('id', `"${value}" is not a list id`);
    return value;
  },
  async load(db, id) {
    const [found] = await sourceListsByIds(db, [Number(id)]);
    if (!found) return null;
    const skipped = await skippedRowsByListIds(db, [found.id]);
    return { ...found, skipped_rows: skipped.map(({ source_list_id: _listId, ...row }) => row) };
  },
  missing: (id) => `no list ${id}`,
};
