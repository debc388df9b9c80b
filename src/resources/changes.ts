// /v1/changes: the feed of agreement events, newest first, for polling (since=).
import { z } from 'zod';
import { EVENT_TYPES } from '../enums.ts';
import { enumList, parseFilters, parsePage, QueryError, rejectUnknown, type Page, type RawQuery } from '../query/grammar.ts';
import { encodeCursor } from '../query/paging.ts';
import { listChanges, type ChangeFilters, type ChangeRecord } from '../repositories/index.ts';
import { csvRenderer, fieldColumns } from '../renderers/csv.ts';
import { jsonRenderer } from '../renderers/json.ts';
import { QUERY_PARAMETERS, repeatableParameter, singleParameter } from '../schemas/common.ts';
import { ChangeListResponseSchema } from '../schemas/history.ts';
import type { Collection, Parsed } from './collection.ts';

const KNOWN = ['since', 'state', 'model', 'type', 'limit', 'cursor'] as const;
const NEWEST_FIRST = '-id';
const DESCRIPTION = 'Agreement events (signed, renewed, ended, renamed, ...) newest first. Poll with since= and walk links.next.';

/**
 * Until 0.1.0 the feed's cursors were the base64url of the last event id; they are now the cursors of every other
 * collection. An old cursor still works: it becomes the new cursor of the same position.
 */
function upgradeCursor(cursor: unknown): unknown {
  if (typeof cursor !== 'string') return cursor;
  const legacy = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[1-9]\d{0,15}$/.test(legacy)) return cursor;
  return encodeCursor({ sort: NEWEST_FIRST, value: legacy, id: legacy });
}

function parse(raw: RawQuery): Parsed<ChangeFilters> {
  rejectUnknown(raw, KNOWN);
  const { state, model } = parseFilters({ state: raw.state, model: raw.model }, ['state', 'model']);
  const type = enumList('type', raw.type, EVENT_TYPES);
  let since: string | undefined;
  if (raw.since !== undefined && raw.since !== '') {
    since = String(raw.since);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(since) || Number.isNaN(Date.parse(since))) throw new QueryError('since', `"${since}" is not a date (YYYY-MM-DD)`);
  }
  const page = parsePage({ limit: raw.limit, cursor: upgradeCursor(raw.cursor) }, ['id'], NEWEST_FIRST);
  return {
    filters: { ...(since ? { since } : {}), ...(state ? { state } : {}), ...(model ? { model } : {}), ...(type ? { type } : {}) },
    page,
    defaultSort: NEWEST_FIRST,
  };
}

export const changes: Collection<ChangeRecord, ChangeFilters> = {
  path: '/changes',
  docs: {
    tags: ['history'],
    summary: 'Changes feed',
    description: DESCRIPTION,
    formats: {
      csv: { description: `${DESCRIPTION} Streams every matching event unless limit or cursor is given.`, response: 'Events, one per row, with a header row.' },
    },
  },
  querystring: z.object({
    since: singleParameter('Only events recorded by lists dated on or after this date (YYYY-MM-DD): poll with the date of the last list you saw.'),
    state: QUERY_PARAMETERS.state,
    model: QUERY_PARAMETERS.model,
    type: repeatableParameter(`Event type: ${EVENT_TYPES.join(', ')}. Repeatable.`),
    limit: QUERY_PARAMETERS.limit,
    cursor: QUERY_PARAMETERS.cursor,
  }),
  schema: ChangeListResponseSchema,
  renderers: [jsonRenderer, csvRenderer],
  paged: true,
  parse,
  fetch: (db, filters, page) => listChanges(db, filters, page as Page<'id'>),
  csv: {
    columns: fieldColumns<ChangeRecord>([
      'id', 'type', 'occurred_on', 'recorded_on', 'agreement_id', 'agency_id', 'agency_name', 'state', 'model', 'details', 'source_list_id', 'source_file_name',
    ]),
  },
};
