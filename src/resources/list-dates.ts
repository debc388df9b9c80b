// /v1/lists/dates: the dates of the applied ICE lists, oldest first, and nothing else: what a date picker or a
// "previous list / next list" stepper needs (the explorer's), a few kilobytes where /v1/lists is hundreds.
import { z } from 'zod';
import { LIST_KINDS } from '../domain/enums.ts';
import { enumList, rejectUnknown } from '../query/grammar.ts';
import { listSourceLists, type ListFilter } from '../repositories/index.ts';
import { jsonRenderer } from '../renderers/json.ts';
import { DateSchema, listResponse, repeatableParameter } from '../schemas/common.ts';
import { whole, type Collection } from './collection.ts';

const ListDatesResponseSchema = listResponse(
  DateSchema,
  'ListDates',
  'The dates of the applied lists, oldest first, each once.',
);

export const listDates: Collection<string, ListFilter> = {
  path: '/lists/dates',
  docs: {
    tags: ['history'],
    summary: 'Dates of the applied ICE lists',
    description:
      'The date of every applied ICE list (of the kinds asked, default both), oldest first, each date once: the dates as_of can step through.',
  },
  querystring: z.object({ kind: repeatableParameter(`List kind: ${LIST_KINDS.join(', ')}. Repeatable.`) }),
  schema: ListDatesResponseSchema,
  renderers: [jsonRenderer],
  paged: false,
  parse(raw) {
    rejectUnknown(raw, ['kind']);
    const kind = enumList('kind', raw.kind, LIST_KINDS);
    return { filters: { status: ['applied'], ...(kind ? { kind } : {}) } };
  },
  fetch: async (db, filter) =>
    whole([...new Set((await listSourceLists(db, filter)).map((list) => list.list_date))].sort()),
};
