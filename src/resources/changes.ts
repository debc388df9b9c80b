// /v1/changes: the feed of agreement events, newest first, for polling (since=).
import { z } from 'zod';
import { EVENT_TYPES } from '../domain/enums.ts';
import {
  enumList,
  parseFilters,
  parsePage,
  QueryError,
  rejectUnknown,
  type Page,
  type RawQuery,
} from '../query/grammar.ts';
import { encodeCursor } from '../query/paging.ts';
import { listChanges, type ChangeFilters, type ChangeRecord } from '../repositories/index.ts';
import { csvRenderer, fieldColumns } from '../renderers/csv.ts';
import { atomRenderer } from '../renderers/atom.ts';
import { TAG, type FeedEntry } from '../renderers/feed.ts';
import { catalogue, translate } from '../http/language.ts';
import { jsonFeedRenderer } from '../renderers/json-feed.ts';
import { jsonRenderer } from '../renderers/json.ts';
import { tsvRenderer } from '../renderers/tsv.ts';
import { SUPPORT_MODELS } from '../reference/support-models.ts';
import { QUERY_PARAMETERS, repeatableParameter, singleParameter } from '../schemas/common.ts';
import { ChangeListResponseSchema } from '../schemas/history.ts';
import type { Collection, Parsed } from './collection.ts';

const KNOWN = ['since', 'state', 'county_fips', 'model', 'agency_id', 'type', 'lang', 'limit', 'cursor'] as const;
/** Languages of the feeds' titles besides English (the pages' catalogues, src/http/language.ts). */
const FEED_LANGUAGES = ['en', 'es'] as const;
const NEWEST_FIRST = '-id';
const EVENTS = 'Agreement events (signed, renewed, ended, renamed, ...) newest first.';
const DESCRIPTION = `${EVENTS} Poll with since= and walk links.next.`;
const FEED =
  'Each entry is one event, titled for a person ("Collier County Sheriff\'s Office signed a Task Force Model agreement"), linking the agency\'s page, ' +
  'the agreement in this API and the ICE list that showed it. Entry ids are stable. Subscribe with the filters of your jurisdiction (state, county_fips, agency_id).';

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

/** Agency ids as given (several, comma-separated or repeated); an unknown id matches nothing. */
function agencyIds(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const ids = (Array.isArray(value) ? value : [value])
    .flatMap((item) => String(item).split(','))
    .map((item) => item.trim())
    .filter(Boolean);
  for (const id of ids) if (id.length > 200) throw new QueryError('agency_id', 'longer than 200 characters');
  return ids.length > 0 ? [...new Set(ids)].sort() : undefined;
}

const MODEL_NAMES = new Map(SUPPORT_MODELS.map((model) => [model.code as string, model.name]));
const possessive = (name: string) => `${name}'s`;

/** "Collier County Sheriff's Office signed a Task Force Model agreement": the title of a feed entry. */
export function changeTitle(change: ChangeRecord): string {
  const agency = change.agency_name;
  const model = MODEL_NAMES.get(change.model) ?? change.model;
  switch (change.type) {
    case 'applied':
      return `${agency} applied for a ${model} agreement`;
    case 'signed':
      return `${agency} signed a ${model} agreement`;
    case 'listed':
      return `${possessive(agency)} ${model} agreement appeared on ICE's list`;
    case 'renewed':
      return `${agency} renewed its ${model} agreement`;
    case 'ended':
      return `${possessive(agency)} ${model} agreement ended`;
    case 'reinstated':
      return `${possessive(agency)} ${model} agreement was reinstated`;
    case 'renamed': {
      const from = typeof change.details.from === 'string' ? change.details.from : undefined;
      const to = typeof change.details.to === 'string' ? change.details.to : agency;
      return from ? `${from} is now listed as ${to}` : `${to} was renamed`;
    }
    case 'documents_updated':
      return `${possessive(agency)} ${model} agreement documents were updated`;
    case 'withdrawn':
      return `${possessive(agency)} ${model} application was withdrawn`;
    default:
      return `${agency}: ${change.type.replace(/_/g, ' ')} (${model})`;
  }
}

function changeEntry(change: ChangeRecord): FeedEntry {
  const title = changeTitle(change);
  const list = change.source_file_name
    ? `ICE's list of ${change.recorded_on} (${change.source_file_name})`
    : `ICE's list of ${change.recorded_on}`;
  return {
    // Built from what the event is, not from its database id (a sequence, which a rebuild from the same lists
    // need not reproduce): an agreement has one event of a type per date and list, and the list is named by its
    // date and file name (ICE publishes some days twice, am and pm: without the file name, 2 of the archive's
    // 4,129 events shared an id).
    id: `${TAG}agreements/${encodeURIComponent(change.agreement_id)}/events/${change.type}/${change.occurred_on}/${change.recorded_on}${
      change.source_file_name ? `/${encodeURIComponent(change.source_file_name)}` : ''
    }`,
    title,
    summary: `${title} (${change.state}), ${change.occurred_on}. Source: ${list}.`,
    updated: `${change.recorded_on}T00:00:00Z`,
    published: `${change.occurred_on}T00:00:00Z`,
    page: { href: `/agencies/${encodeURIComponent(change.agency_id)}`, title: change.agency_name, type: 'text/html' },
    resource: {
      href: `/v1/agreements/${encodeURIComponent(change.agreement_id)}`,
      title: `Agreement ${change.agreement_id}`,
      type: 'application/json',
    },
    ...(change.source_url
      ? { source: { href: change.source_url, title: change.source_file_name ?? `ICE list of ${change.recorded_on}` } }
      : {}),
    categories: [change.type, change.model, change.state],
  };
}

/** "Collier County Sheriff's Office firmó un acuerdo del modelo de fuerza de tarea": a Spanish entry's title. */
function spanishTitle(change: ChangeRecord): string {
  const parameters = { agency: change.agency_name, model: translate('es', `model.${change.model}`), type: change.type };
  if (change.type === 'ended' && change.details.reason === 'superseded')
    return translate('es', 'event.superseded', parameters);
  const key = `event.${change.type}`;
  return translate('es', key in catalogue('es') ? key : 'event.other', parameters);
}

function spanishEntry(change: ChangeRecord): FeedEntry {
  const entry = changeEntry(change);
  const title = spanishTitle(change);
  const list = translate('es', 'changes.source', {
    date: change.recorded_on,
    file: change.source_file_name ? ` (${change.source_file_name})` : '',
  }).replace(/^ · /, '');
  return {
    ...entry,
    title,
    summary: `${title} (${change.state}), ${change.occurred_on}. Fuente: ${list}.`,
    page: { ...entry.page, href: `${entry.page.href}?lang=es` },
  };
}

function parse(raw: RawQuery): Parsed<ChangeFilters> {
  rejectUnknown(raw, KNOWN);
  const [lang, ...moreLanguages] = enumList('lang', raw.lang, FEED_LANGUAGES) ?? [];
  if (moreLanguages.length > 0) throw new QueryError('lang', 'takes one value', FEED_LANGUAGES);
  const { state, county_fips, model } = parseFilters(
    { state: raw.state, county_fips: raw.county_fips, model: raw.model },
    ['state', 'county_fips', 'model'],
  );
  const type = enumList('type', raw.type, EVENT_TYPES);
  const agency_id = agencyIds(raw.agency_id);
  let since: string | undefined;
  if (raw.since !== undefined && raw.since !== '') {
    since = String(raw.since);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(since) || Number.isNaN(Date.parse(since)))
      throw new QueryError('since', `"${since}" is not a date (YYYY-MM-DD)`);
  }
  const page = parsePage({ limit: raw.limit, cursor: upgradeCursor(raw.cursor) }, ['id'], NEWEST_FIRST);
  return {
    filters: {
      ...(since ? { since } : {}),
      ...(state ? { state } : {}),
      ...(county_fips ? { county_fips } : {}),
      ...(model ? { model } : {}),
      ...(agency_id ? { agency_id } : {}),
      ...(type ? { type } : {}),
      ...(lang && lang !== 'en' ? { lang } : {}),
    },
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
      csv: {
        description: `${DESCRIPTION} Streams every matching event unless limit or cursor is given.`,
        response: 'Events, one per row, with a header row.',
      },
      atom: {
        description: `${EVENTS} An Atom 1.0 feed (RFC 4287). ${FEED}`,
        response: 'An Atom 1.0 feed of the latest matching events.',
      },
      jsonfeed: {
        description: `${EVENTS} A JSON Feed 1.1. ${FEED}`,
        response: 'A JSON Feed 1.1 of the latest matching events.',
      },
    },
  },
  querystring: z.object({
    since: singleParameter(
      'Only events recorded by lists dated on or after this date (YYYY-MM-DD): poll with the date of the last list you saw.',
    ),
    state: QUERY_PARAMETERS.state,
    county_fips: QUERY_PARAMETERS.county_fips,
    model: QUERY_PARAMETERS.model,
    agency_id: repeatableParameter('Agency id (fl-collier-county-sheriffs-office). Repeatable.'),
    type: repeatableParameter(`Event type: ${EVENT_TYPES.join(', ')}. Repeatable.`),
    lang: singleParameter(
      `Language of the Atom and JSON Feed titles: ${FEED_LANGUAGES.join(', ')} (default en). Changes no other field.`,
    ),
    limit: QUERY_PARAMETERS.limit,
    cursor: QUERY_PARAMETERS.cursor,
  }),
  schema: ChangeListResponseSchema,
  renderers: [jsonRenderer, csvRenderer, atomRenderer, jsonFeedRenderer, tsvRenderer],
  paged: true,
  parse,
  fetch: (db, filters, page) => listChanges(db, filters, page as Page<'id'>),
  csv: {
    columns: fieldColumns<ChangeRecord>([
      'id',
      'type',
      'occurred_on',
      'recorded_on',
      'agreement_id',
      'agency_id',
      'agency_name',
      'state',
      'county_fips',
      'model',
      'details',
      'source_list_id',
      'source_file_name',
      'source_url',
    ]),
  },
  feed: {
    title: '287(g) agreement changes',
    entry: changeEntry,
    languages: { es: { title: 'Cambios en los acuerdos 287(g)', entry: spanishEntry } },
  },
};
