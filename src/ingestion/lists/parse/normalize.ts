// Cleaning of the free-text cells ICE types by hand: states, support models, agency
// types, counties, URLs. Anything that had to be guessed is reported to the caller.
import { STATES, findState } from '../../../domain/states.ts';
import type { AgencyKind, ModelCode } from './types.ts';

const SPACES = /[\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;
const INVISIBLES = /[\u200b-\u200d\u2060\ufeff\u00ad]/g;
const NEEDS_CLEANING = /[^\x21-\x7e ]|^ | $| {2}/;

/** Collapses whitespace (NBSP included), drops zero-width characters, straightens curly quotes. */
export function cleanText(text: string): string {
  // Most cells are plain ASCII with single spaces; skip the regex passes for them.
  if (!NEEDS_CLEANING.test(text)) return text;
  return text
    .replace(INVISIBLES, '')
    .replace(/[\u2018\u2019\u201a\u201b\u2032\u0060\u00b4]/g, "'")
    .replace(/[\u201c\u201d\u201e\u201f\u2033]/g, '"')
    .replace(SPACES, ' ')
    .trim();
}

/** '#N/A', '#NA', 'N/A', 'NA', '#n?A', '-' and friends: ICE's ways of saying "none". */
export function isNotApplicable(text: string): boolean {
  const cleaned = cleanText(text);
  return cleaned === '' || /^#?\s*n\W{0,2}a\W?$/i.test(cleaned) || /^[-\u2013\u2014]+$/.test(cleaned);
}

// Optimal string alignment distance: Levenshtein plus adjacent transpositions, which is
// how "PENNSLYVANIA" happens.
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[(i - 2) * cols + j - 2]! + 1);
      }
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1]!;
}

const foldLetters = (text: string): string =>
  text
    .normalize('NFKD')
    .replace(/[^a-zA-Z]/g, '')
    .toUpperCase();
const FOLDED_STATE_NAMES = STATES.map((record) => ({ folded: foldLetters(record.name), record }));
const stateCache = new Map<string, { code: string | null; issue?: string }>();

/** A state's postal code from what ICE wrote ("TEXAS ", "AlABAMA", "GUAM", "PENNSLYVANIA"). */
export function normalizeState(raw: string): { code: string | null; issue?: string } {
  const cached = stateCache.get(raw);
  if (cached) return cached;
  const result = readState(raw);
  if (stateCache.size < 10_000) stateCache.set(raw, result);
  return result;
}

function readState(raw: string): { code: string | null; issue?: string } {
  const text = cleanText(raw);
  if (text === '') return { code: null, issue: 'no state given' };
  const exact = findState(text);
  if (exact) return { code: exact.code };
  const folded = foldLetters(text);
  // A typo is at most one edit in a short name, two in a long one; a tie means we cannot tell.
  const allowed = folded.length >= 8 ? 2 : folded.length >= 4 ? 1 : 0;
  let best: { distance: number; code: string; name: string } | null = null;
  let tied = false;
  for (const { folded: name, record } of FOLDED_STATE_NAMES) {
    if (Math.abs(name.length - folded.length) > allowed) continue;
    const distance = editDistance(folded, name);
    if (distance > allowed) continue;
    if (!best || distance < best.distance) {
      best = { distance, code: record.code, name: record.name };
      tied = false;
    } else if (distance === best.distance) {
      tied = true;
    }
  }
  if (best && !tied)
    return { code: best.code, issue: `state "${text}" read as ${best.name} (${best.code}), a likely typo` };
  return { code: null, issue: `unrecognised state "${text}"` };
}

const modelKey = (raw: string): string =>
  cleanText(raw)
    .toLowerCase()
    .replace(/&|\+/g, ' and ')
    .replace(/[^a-z]+/g, ' ')
    .trim();

/** How ICE spells the models when it spells them right; anything else read is a guess. */
export const CANONICAL_MODEL_LABELS: Readonly<Record<string, ModelCode>> = {
  'jail enforcement model': 'jail_enforcement',
  'task force model': 'task_force',
  'warrant service officer': 'warrant_service_officer',
};

/**
 * A support model from the SUPPORT TYPE cell, misspellings included ("Warrant Services Officer",
 * "Task Force Officer", "Jail Enforcment Model", "Jail & Task Force"); null if unrecognisable.
 */
export function normalizeSupportModel(raw: string): ModelCode | null {
  const cached = modelCache.get(raw);
  if (cached !== undefined) return cached;
  const model = readSupportModel(raw);
  if (modelCache.size < 10_000) modelCache.set(raw, model);
  return model;
}

const modelCache = new Map<string, ModelCode | null>();

function readSupportModel(raw: string): ModelCode | null {
  const key = modelKey(raw);
  if (key === '') return null;
  const canonical = CANONICAL_MODEL_LABELS[key];
  if (canonical) return canonical;
  const words = key.split(' ');
  const has = (...stems: string[]): boolean => words.some((word) => stems.some((stem) => word.startsWith(stem)));
  const jail = has('jail', 'jem', 'detention') || (has('enforc') && !has('task'));
  const taskForce = has('task', 'tfm', 'tfo') || (has('force') && !has('enforc'));
  const warrant = has('warrant', 'wso') || (has('servic') && has('officer', 'office'));
  if (warrant && !jail && !taskForce) return 'warrant_service_officer';
  if (jail && taskForce) return 'jail_and_task_force';
  if (taskForce && !warrant) return 'task_force';
  if (jail && !warrant) return 'jail_enforcement';
  return null;
}

const AGENCY_KINDS: readonly [RegExp, AgencyKind][] = [
  [/^count(y|ies)?$/, 'county'],
  [/^mun[a-z]*c[a-z]*$/, 'municipality'], // Municipality, Muncipality, Municipal
  [/^(city|town|township|village|borough)$/, 'municipality'],
  [/^state ?agency$/, 'state_agency'],
  [/^state$/, 'state'],
];

/** The TYPE column read into a closed set; `guessed` when the spelling was not ICE's usual one. */
export function normalizeAgencyType(raw: string): { kind: AgencyKind | null; guessed: boolean } {
  const key = cleanText(raw).toLowerCase();
  if (key === '') return { kind: null, guessed: false };
  for (const [pattern, kind] of AGENCY_KINDS) {
    if (pattern.test(key)) {
      const usual = key === 'county' || key === 'municipality' || key === 'state agency' || key === 'state';
      return { kind, guessed: !usual };
    }
  }
  return { kind: null, guessed: false };
}

/** Recognises 'link pending' however it is capitalised or spaced. */
export const isLinkPending = (text: string): boolean => /^link\s*pending\.?$/i.test(cleanText(text));

/**
 * The URL a wrapped link points to: web.archive.org/web/<timestamp>/<url> and Outlook
 * "safe links" (*.safelinks.protection.outlook.com/?url=...) and Chrome PDF-viewer links
 * (chrome-extension://<id>/<url>) are unwrapped, repeatedly if nested; the result is trimmed
 * and any space left inside is percent-encoded.
 */
export function unwrapUrl(url: string): string {
  let current = url.trim();
  for (let depth = 0; depth < 5; depth++) {
    const next = unwrapOnce(current);
    if (next === current) break;
    current = next;
  }
  // The HTML-era lists show "287gJEM_ etowahCoAL..." where ICE's own links say "%20".
  return current.replace(/\s/g, '%20');
}

// The archive collapses "//" to "/" in some links, and drops the scheme in others.
function repairInner(inner: string): string | null {
  if (/^https?:\/\//i.test(inner)) return inner;
  const singleSlash = /^(https?):\/([^/].*)$/i.exec(inner);
  if (singleSlash) return `${singleSlash[1]}://${singleSlash[2]}`;
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)+(\/|$)/i.test(inner)) return `http://${inner}`;
  return null;
}

function unwrapOnce(url: string): string {
  // Chrome's PDF viewer extension: chrome-extension://<id>/https://www.ice.gov/... (seen in ICE's lists).
  const viewer = /^chrome-extension:\/\/[a-z]+\/(.+)$/i.exec(url);
  if (viewer) return repairInner(viewer[1]!.trim()) ?? url;
  const archived = /^(?:https?:\/\/)?(?:www\.)?web\.archive\.org\/web\/[0-9*]+[a-z_]*\/(.+)$/i.exec(url);
  if (archived) {
    return repairInner(archived[1]!.trim()) ?? url;
  }
  if (/^https?:\/\/[^/?#]*safelinks\.protection\.outlook\.com\//i.test(url)) {
    try {
      const inner = new URL(url).searchParams.get('url');
      if (inner && /^https?:\/\//i.test(inner.trim())) return inner.trim();
    } catch {
      // Not a parseable URL: leave it wrapped rather than invent one.
    }
  }
  return url;
}
