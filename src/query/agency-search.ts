// `q`, the agency name search: which agencies match and in what order.
//
// Every name an agency ever bore is searched: the spellings of ICE's lists
// (agency_spellings), the names of the historical sources
// (agency_historical_names), and the common names and acronyms people use for
// state agencies (src/reference/known-agency-names.json, each with its source).
// Names and the query are compared by their search keys (agencySearchKey:
// case, accents, punctuation, apostrophes, PD, SO, Dept., "Sherrif"... folded).
//
// Order, best first (README "Search"): a known name typed exactly; a name
// equal to the query; a name starting with the query's words; a name holding
// every word of the query; and only then names that are merely similar
// (pg_trgm) or hold the query inside a longer word ("Harrison" for "Harris").
// Within a tier, the closer name (trigram similarity) first, then id.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { agencySearchKey } from '../domain/agency-names.ts';

/** Hands out placeholders of bound parameters (Params of ./sql.ts). */
interface Params {
  add(value: unknown): string;
}

/** How similar (pg_trgm, 0 to 1) a search key must be to a name's to match `q` when no word-level rule does. */
const SIMILARITY_THRESHOLD = 0.5;

const KnownNamesSchema = z.array(
  z.object({
    agency_id: z.string().min(1),
    state: z.string().length(2),
    names: z.array(z.string().min(2)).min(1),
    source: z.string().url(),
  }),
);

let knownNames: Map<string, Set<string>> | undefined;
/** Search key of a known name -> the agencies it names (a few acronyms, such as DPS, name one agency per state). */
function knownNameIndex(): Map<string, Set<string>> {
  if (!knownNames) {
    const entries = KnownNamesSchema.parse(
      JSON.parse(readFileSync(new URL('../reference/known-agency-names.json', import.meta.url), 'utf8')),
    );
    knownNames = new Map();
    for (const entry of entries) {
      for (const name of entry.names) {
        const key = agencySearchKey(name);
        knownNames.set(key, (knownNames.get(key) ?? new Set()).add(entry.agency_id));
      }
    }
  }
  return knownNames;
}

/** The agencies whose known name (FHP, FDLE, Texas DPS...) is exactly what was typed. */
export function agenciesKnownAs(q: string): string[] {
  return [...(knownNameIndex().get(agencySearchKey(q)) ?? [])].sort();
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** Every search key of agency `agency` (an SQL expression): the lists' spellings and the historical sources' names. */
function searchKeysOf(agency: string): string {
  return `(SELECT sp.search_key FROM agency_spellings sp WHERE sp.agency_id = ${agency}
    UNION ALL SELECT hn.search_key FROM agency_historical_names hn WHERE hn.agency_id = ${agency})`;
}

/**
 * `q` matches an agency when one of its names holds every word of the query, holds the query's key, or is close to
 * it; when the text as typed is in its name or an alias; or when the query is one of its known names.
 */
export function agencyNameMatches(q: string, params: Params): string {
  const pattern = params.add(`%${escapeLike(q)}%`);
  const clauses = [
    `g.canonical_name ILIKE ${pattern}`,
    `EXISTS (SELECT 1 FROM agency_aliases al WHERE al.agency_id = g.id AND al.name ILIKE ${pattern})`,
  ];
  const known = agenciesKnownAs(q);
  if (known.length > 0) clauses.push(`g.id = ANY(${params.add(known)}::text[])`);
  const key = agencySearchKey(q);
  if (key !== '') {
    clauses.push(`EXISTS (SELECT 1 FROM ${searchKeysOf('g.id')} n(search_key)
      WHERE n.search_key LIKE ${params.add(`%${escapeLike(key)}%`)}
        OR string_to_array(n.search_key, ' ') @> ${params.add(key.split(' '))}::text[]
        OR similarity(n.search_key, ${params.add(key)}) >= ${SIMILARITY_THRESHOLD})`);
  }
  return `(${clauses.join(' OR ')})`;
}

/**
 * Relevance of an agency to `q`, as text that sorts best first: the tier (0 a known name, 1 a name equal to the
 * query, 2 a name starting with its words, 3 a name holding every word, 5 similar only) of its best name, then
 * 1 - trigram similarity; agencies matched only by the text as typed last (9).
 */
export function agencyRelevance(q: string, params: Params): string {
  const key = agencySearchKey(q);
  const known = agenciesKnownAs(q);
  const keyParam = params.add(key);
  const wordsParam = params.add(key === '' ? [] : key.split(' '));
  const best = `COALESCE((SELECT min(CASE
        WHEN n.search_key = ${keyParam} THEN '1'
        WHEN starts_with(n.search_key || ' ', ${keyParam} || ' ') THEN '2'
        WHEN string_to_array(n.search_key, ' ') @> ${wordsParam}::text[] THEN '3'
        ELSE '5' END || to_char(1 - similarity(n.search_key, ${keyParam}), 'FM0.0000'))
      FROM ${searchKeysOf('g.id')} n(search_key)), '9')`;
  return known.length > 0 ? `CASE WHEN g.id = ANY(${params.add(known)}::text[]) THEN '0' ELSE ${best} END` : best;
}
