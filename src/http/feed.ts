// A feed of agreement events, independent of its syntax: what /v1/changes.atom
// and /v1/changes.jsonfeed say, built once from the change records and written
// by src/http/atom.ts or src/http/json-feed.ts.
//
// Links are relative to the feed's own URL (RFC 4287 and JSON Feed allow it; feed
// readers resolve them): an absolute URL would need the Host of each request, and
// the response is cached by dataset version and query alone.
import type { ChangeRecord } from '../repositories/lists.ts';
import { SUPPORT_MODELS } from '../reference/support-models.ts';

export interface FeedLink {
  href: string;
  title?: string;
  type?: string;
}

export interface FeedEntry {
  /** A stable, absolute IRI: the same event keeps it across re-ingestion of the same lists. */
  id: string;
  title: string;
  /** The text of the entry: what happened, when, and which ICE list showed it. */
  summary: string;
  /** ISO 8601: when ICE's list revealed the event (the list date). */
  updated: string;
  /** ISO 8601: when it happened (for signed, the SIGNED date). */
  published: string;
  /** The agency's page in the explorer. */
  agencyPage: FeedLink;
  /** The agreement in the REST API. */
  resource: FeedLink;
  /** The ICE list the event was seen in, when its URL is known. */
  source?: FeedLink;
  /** Event type, model and state: feed readers filter by them. */
  categories: string[];
}

export interface Feed {
  id: string;
  title: string;
  /** ISO 8601: the newest entry's, or when the data last changed for an empty feed. */
  updated: string;
  /** The explorer (a page for people), this feed (self), the same query as JSON (alternate), and the next page (null on the last). */
  homePage: string;
  self: string;
  alternate: string;
  next: string | null;
  author: string;
  entries: FeedEntry[];
}

/** The authority of the tag: URIs (RFC 4151) naming feeds and entries; the year the scheme was chosen. */
const TAG = 'tag:ice-287g-api,2026:';

const MODEL_NAMES = new Map(SUPPORT_MODELS.map((model) => [model.code as string, model.name]));

const possessive = (name: string) => `${name}'s`;

/** "Collier County Sheriff's Office signed a Task Force Model agreement". */
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
  const list = change.source_file_name ? `ICE's list of ${change.recorded_on} (${change.source_file_name})` : `ICE's list of ${change.recorded_on}`;
  return {
    // Built from what the event is, not from its database id (a sequence, which a rebuild from the same lists
    // need not reproduce): an agreement has one event of a type per date and list, and the list is named by its
    // date and file name (ICE publishes some days twice, am and pm).
    id: `${TAG}agreements/${encodeURIComponent(change.agreement_id)}/events/${change.type}/${change.occurred_on}/${change.recorded_on}${
      change.source_file_name ? `/${encodeURIComponent(change.source_file_name)}` : ''
    }`,
    title: changeTitle(change),
    summary: `${changeTitle(change)} (${change.state}), ${change.occurred_on}. Source: ${list}.`,
    updated: `${change.recorded_on}T00:00:00Z`,
    published: `${change.occurred_on}T00:00:00Z`,
    agencyPage: { href: `/agencies/${encodeURIComponent(change.agency_id)}`, title: change.agency_name, type: 'text/html' },
    resource: { href: `/v1/agreements/${encodeURIComponent(change.agreement_id)}`, title: `Agreement ${change.agreement_id}`, type: 'application/json' },
    ...(change.source_url ? { source: { href: change.source_url, title: change.source_file_name ?? `ICE list of ${change.recorded_on}` } } : {}),
    categories: [change.type, change.model, change.state],
  };
}

export interface ChangeFeedOptions {
  /** The normalized filters as a query string (`state=FL&type=signed`), '' for every event: they name the feed. */
  filters: string;
  /** The relative URLs of this page of the feed and of the next (null on the last). */
  self: string;
  next: string | null;
  /** When the data last changed: the feed's updated time when it has no entries. */
  dataUpdatedAt: Date;
}

export function changeFeed(changes: readonly ChangeRecord[], options: ChangeFeedOptions): Feed {
  const filters = options.filters ? `?${options.filters}` : '';
  const entries = changes.map(changeEntry);
  const newest = entries.reduce<string | undefined>((latest, entry) => (latest === undefined || entry.updated > latest ? entry.updated : latest), undefined);
  return {
    // One feed per set of filters, whatever the page size or page.
    id: `${TAG}changes${filters}`,
    title: `287(g) agreement changes${options.filters ? ` (${decodeURIComponent(options.filters).replace(/&/g, ', ')})` : ''}`,
    updated: newest ?? options.dataUpdatedAt.toISOString(),
    homePage: '/',
    self: options.self,
    alternate: `/v1/changes${filters}`,
    next: options.next,
    author: "U.S. Immigration and Customs Enforcement's 287(g) lists, via the 287(g) agreements API",
    entries,
  };
}
