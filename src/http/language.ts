// The language of a page: ?lang= when the reader chose one (the switch on every page sets it, and it stays in the
// URL so a shared link keeps it), else the browser's Accept-Language, else English.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyRequest } from 'fastify';
import { PUBLIC_DIR } from './static-files.ts';

export const PAGE_LANGUAGES = ['en', 'es'] as const;
export type PageLanguage = (typeof PAGE_LANGUAGES)[number];

function isPageLanguage(value: string): value is PageLanguage {
  return (PAGE_LANGUAGES as readonly string[]).includes(value);
}

/** The first of our languages in an Accept-Language header, by quality then order ("es-MX,es;q=0.9,en;q=0.8" → es). */
export function acceptedLanguage(header: string | undefined): PageLanguage | undefined {
  if (!header) return undefined;
  const ranges = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...parameters] = part.trim().split(';');
      const quality = parameters.map((item) => item.trim()).find((item) => item.startsWith('q='));
      return {
        primary: tag.trim().toLowerCase().split('-')[0] ?? '',
        quality: quality ? Number(quality.slice(2)) : 1,
        index,
      };
    })
    .filter((range) => range.quality > 0 && !Number.isNaN(range.quality))
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  return ranges.map((range) => range.primary).find(isPageLanguage);
}

export function pageLanguage(request: FastifyRequest): PageLanguage {
  const chosen = (request.query as Record<string, unknown> | undefined)?.lang;
  if (typeof chosen === 'string' && isPageLanguage(chosen)) return chosen;
  return acceptedLanguage(request.headers['accept-language']) ?? 'en';
}

export type Catalogue = Record<string, string>;

const catalogues = new Map<PageLanguage, Catalogue>();

/** The strings of a language (public/explorer/i18n/<lang>.json, one catalogue per language), read once. */
export function catalogue(language: PageLanguage): Catalogue {
  let strings = catalogues.get(language);
  if (!strings) {
    strings = JSON.parse(readFileSync(join(PUBLIC_DIR, 'explorer', 'i18n', `${language}.json`), 'utf8')) as Catalogue;
    catalogues.set(language, strings);
  }
  return strings;
}

/** A catalogue string with its {name} parameters filled. */
export function translate(language: PageLanguage, key: string, parameters: Record<string, string> = {}): string {
  const text = catalogue(language)[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => parameters[name] ?? whole);
}
