// /v1/changes: the feed of agreement events, newest first, for polling (since=).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type pg from 'pg';
import { z } from 'zod';
import { csvDocument, csvStream, fieldColumns } from '../../http/csv.ts';
import { negotiate, type Format } from '../../plugins/app/rest-cache.ts';
import { canonicalKey, LIMIT_DEFAULT, parseFilters, parsePage, QueryError, rejectUnknown, type RawQuery } from '../../query/grammar.ts';
import { EVENT_TYPES } from '../../enums.ts';
import { beforeCursor, listChanges, parseBeforeCursor, type ChangeRecord } from '../../repositories/lists.ts';
import { csvResponse, jsonOrCsvResponse, QUERY_PARAMETERS, repeatableParameter, singleParameter } from '../../schemas/common.ts';
import { ChangeListResponseSchema } from '../../schemas/history.ts';
import { EXPORT_BATCH, inSnapshot, primed, listBody, rawQuery, requestPath, wantsPage } from './common.ts';
import { enumList } from './lists.ts';

const KNOWN = ['since', 'state', 'model', 'type', 'limit', 'cursor'] as const;
const COLUMNS = fieldColumns<ChangeRecord>([
  'id', 'type', 'occurred_on', 'recorded_on', 'agreement_id', 'agency_id', 'agency_name', 'state', 'model', 'details', 'source_list_id', 'source_file_name',
]);

interface ChangeQuery {
  since?: string;
  state?: string[];
  model?: string[];
  type?: string[];
  limit: number;
  before?: number;
}

function parse(raw: RawQuery): ChangeQuery & { cursor?: string } {
  rejectUnknown(raw, KNOWN);
  const filters = parseFilters({ state: raw.state, model: raw.model }, ['state', 'model']);
  const page = parsePage({ limit: raw.limit, cursor: raw.cursor }, ['id'], 'id');
  const type = enumList(raw, 'type', EVENT_TYPES);
  let since: string | undefined;
  if (raw.since !== undefined && raw.since !== '') {
    since = String(raw.since);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(since) || Number.isNaN(Date.parse(since))) throw new QueryError('since', `"${since}" is not a date (YYYY-MM-DD)`);
  }
  const before = parseBeforeCursor(page.cursor);
  return {
    ...(since ? { since } : {}),
    ...(filters.state ? { state: filters.state } : {}),
    ...(filters.model ? { model: filters.model } : {}),
    ...(type ? { type } : {}),
    limit: page.limit,
    ...(before ? { before, cursor: page.cursor } : {}),
  };
}

function nextChangesLink(path: string, query: ChangeQuery, last: ChangeRecord | undefined): string | null {
  if (!last) return null;
  const parts: string[] = [];
  if (query.model) parts.push(`model=${query.model.join(',')}`);
  if (query.since) parts.push(`since=${query.since}`);
  if (query.state) parts.push(`state=${query.state.join(',')}`);
  if (query.type) parts.push(`type=${query.type.join(',')}`);
  if (query.limit !== LIMIT_DEFAULT) parts.push(`limit=${query.limit}`);
  parts.push(`cursor=${beforeCursor(last.id)}`);
  return `${path}?${parts.join('&')}`;
}

async function* allChanges(db: pg.Pool, query: ChangeQuery): AsyncGenerator<ChangeRecord[]> {
  let before = query.before;
  for (;;) {
    const rows = await listChanges(db, { ...query, limit: EXPORT_BATCH, ...(before ? { before } : {}) });
    const batch = rows.slice(0, EXPORT_BATCH);
    if (batch.length > 0) yield batch;
    if (rows.length <= EXPORT_BATCH) return;
    before = batch.at(-1)!.id;
  }
}

export async function changeRoutes(app: FastifyInstance): Promise<void> {
  const api = app;
  const pool = app.db.pool;
  const querystring = z.object({
    since: singleParameter('Only events recorded by lists dated on or after this date (YYYY-MM-DD): poll with the date of the last list you saw.'),
    state: QUERY_PARAMETERS.state,
    model: QUERY_PARAMETERS.model,
    type: repeatableParameter(`Event type: ${EVENT_TYPES.join(', ')}. Repeatable.`),
    limit: QUERY_PARAMETERS.limit,
    cursor: QUERY_PARAMETERS.cursor,
  });

  async function handle(request: FastifyRequest, reply: FastifyReply, format: Format): Promise<FastifyReply> {
    const raw = rawQuery(request);
    const { cursor: _cursor, ...query } = parse(raw);
    const path = requestPath(request);
    if (format === 'csv' && !wantsPage(raw)) {
      return app.restCache.stream(request, reply, 'csv', async () => csvStream(COLUMNS, await primed(inSnapshot(pool, (db) => allChanges(db, query)))), {
        'content-disposition': 'attachment; filename="changes.csv"',
      });
    }
    return app.restCache.respond(request, reply, format, canonicalKey({ route: 'changes', format, query }), async () => {
      const rows = await listChanges(pool, query);
      const data = rows.slice(0, query.limit);
      const next = rows.length > query.limit ? nextChangesLink(path, query, data.at(-1)) : null;
      if (format === 'csv') return { body: csvDocument(COLUMNS, data), headers: next ? { link: `<${next}>; rel="next"` } : {} };
      return listBody(app, data, next, undefined);
    });
  }

  const description = 'Agreement events (signed, renewed, ended, renamed, ...) newest first. Poll with since= and walk links.next.';
  api.get(
    '/changes',
    {
      schema: { tags: ['history'], summary: 'Changes feed', description: `${description} JSON by default; CSV with Accept: text/csv.`, querystring, response: jsonOrCsvResponse(ChangeListResponseSchema, 'A page of changes.') },
    },
    (request, reply) => handle(request, reply, negotiate(request.headers.accept, ['json', 'csv'])),
  );
  api.get(
    '/changes.csv',
    {
      schema: { tags: ['history'], summary: 'Changes feed as CSV', description: `${description} Streams every matching event unless limit or cursor is given.`, querystring, response: csvResponse('Events, one per row, with a header row.') },
    },
    (request, reply) => handle(request, reply, 'csv'),
  );
}
