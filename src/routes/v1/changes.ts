// /v1/changes: the feed of agreement events, newest first, for polling (since=).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type pg from 'pg';
import { z } from 'zod';
import { renderAtom } from '../../http/atom.ts';
import { csvDocument, csvStream, fieldColumns } from '../../http/csv.ts';
import { changeFeed } from '../../http/feed.ts';
import { renderJsonFeed } from '../../http/json-feed.ts';
import { negotiate, type Format } from '../../plugins/app/rest-cache.ts';
import { canonicalKey, LIMIT_DEFAULT, parseFilters, parsePage, QueryError, rejectUnknown, type RawQuery } from '../../query/grammar.ts';
import { beforeCursor, EVENT_TYPES, listChanges, parseBeforeCursor, type ChangeFilter, type ChangeRecord } from '../../repositories/lists.ts';
import { csvResponse, feedResponse, jsonOrCsvResponse, QUERY_PARAMETERS, repeatableParameter, singleParameter } from '../../schemas/common.ts';
import { ChangeListResponseSchema } from '../../schemas/history.ts';
import { EXPORT_BATCH, inSnapshot, primed, listBody, rawQuery, requestPath, wantsPage } from './common.ts';
import { enumList } from './lists.ts';

const KNOWN = ['since', 'state', 'county_fips', 'model', 'agency_id', 'type', 'limit', 'cursor'] as const;
const COLUMNS = fieldColumns<ChangeRecord>([
  'id', 'type', 'occurred_on', 'recorded_on', 'agreement_id', 'agency_id', 'agency_name', 'state', 'county_fips', 'model', 'details',
  'source_list_id', 'source_file_name', 'source_url',
]);

interface ChangeQuery extends ChangeFilter {
  limit: number;
  before?: number;
}

/** Agency ids as given (several, comma-separated or repeated); an unknown id matches nothing. */
function agencyIds(raw: RawQuery): string[] | undefined {
  const value = raw.agency_id;
  if (value === undefined) return undefined;
  const ids = (Array.isArray(value) ? value : [value]).flatMap((item) => String(item).split(',')).map((item) => item.trim()).filter(Boolean);
  for (const id of ids) if (id.length > 200) throw new QueryError('agency_id', 'longer than 200 characters');
  return ids.length > 0 ? [...new Set(ids)].sort() : undefined;
}

function parse(raw: RawQuery): ChangeQuery & { cursor?: string } {
  rejectUnknown(raw, KNOWN);
  const filters = parseFilters({ state: raw.state, county_fips: raw.county_fips, model: raw.model }, ['state', 'county_fips', 'model']);
  const page = parsePage({ limit: raw.limit, cursor: raw.cursor }, ['id'], 'id');
  const type = enumList(raw, 'type', EVENT_TYPES);
  const agency_id = agencyIds(raw);
  let since: string | undefined;
  if (raw.since !== undefined && raw.since !== '') {
    since = String(raw.since);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(since) || Number.isNaN(Date.parse(since))) throw new QueryError('since', `"${since}" is not a date (YYYY-MM-DD)`);
  }
  const before = parseBeforeCursor(page.cursor);
  return {
    ...(since ? { since } : {}),
    ...filters,
    ...(agency_id ? { agency_id } : {}),
    ...(type ? { type } : {}),
    limit: page.limit,
    ...(before ? { before, cursor: page.cursor } : {}),
  };
}

/** The filters as a normalized query string (in name order): two spellings of one query give the same bytes. */
function filterQueryString(filter: ChangeFilter): string {
  const parts: string[] = [];
  for (const name of ['agency_id', 'county_fips', 'model', 'since', 'state', 'type'] as const) {
    const value = filter[name];
    if (value !== undefined) parts.push(`${name}=${(Array.isArray(value) ? value : [value]).map(encodeURIComponent).join(',')}`);
  }
  return parts.join('&');
}

/** The relative URL of this query's page that starts before event `before` (the first page without it). */
function changesLink(path: string, query: ChangeQuery, before: number | undefined): string {
  const parts = [filterQueryString(query)];
  if (query.limit !== LIMIT_DEFAULT) parts.push(`limit=${query.limit}`);
  if (before !== undefined) parts.push(`cursor=${beforeCursor(before)}`);
  const search = parts.filter(Boolean).join('&');
  return search ? `${path}?${search}` : path;
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
    county_fips: QUERY_PARAMETERS.county_fips,
    model: QUERY_PARAMETERS.model,
    agency_id: repeatableParameter('Agency id (fl-collier-county-sheriffs-office). Repeatable.'),
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
      const next = rows.length > query.limit ? changesLink(path, query, data.at(-1)!.id) : null;
      if (format === 'atom' || format === 'jsonfeed') {
        const feed = changeFeed(data, {
          filters: filterQueryString(query),
          self: changesLink(path, query, query.before),
          next,
          dataUpdatedAt: app.dataset.current().updatedAt,
        });
        return { body: format === 'atom' ? renderAtom(feed) : renderJsonFeed(feed), headers: next ? { link: `<${next}>; rel="next"` } : {} };
      }
      if (format === 'csv') return { body: csvDocument(COLUMNS, data), headers: next ? { link: `<${next}>; rel="next"` } : {} };
      return listBody(app, data, next, undefined);
    });
  }

  const events = 'Agreement events (signed, renewed, ended, renamed, ...) newest first.';
  const description = `${events} Poll with since= and walk links.next.`;
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
  const feedDescription =
    'Each entry is one event, titled for a person ("Collier County Sheriff\'s Office signed a Task Force Model agreement"), linking the agency\'s page, ' +
    'the agreement in this API and the ICE list that showed it. Entry ids are stable. Subscribe with the filters of your jurisdiction (state, county_fips, agency_id).';
  api.get(
    '/changes.atom',
    {
      schema: { tags: ['history'], summary: 'Changes feed as Atom', description: `${events} An Atom 1.0 feed (RFC 4287). ${feedDescription}`, querystring, response: feedResponse('application/atom+xml', 'An Atom 1.0 feed of the latest matching events.') },
    },
    (request, reply) => handle(request, reply, 'atom'),
  );
  api.get(
    '/changes.jsonfeed',
    {
      schema: { tags: ['history'], summary: 'Changes feed as JSON Feed', description: `${events} A JSON Feed 1.1. ${feedDescription}`, querystring, response: feedResponse('application/feed+json', 'A JSON Feed 1.1 of the latest matching events.') },
    },
    (request, reply) => handle(request, reply, 'jsonfeed'),
  );
}
