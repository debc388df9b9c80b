// The page's words and formats: the catalogue of the page's language (public/explorer/i18n/<lang>.json, put in the
// page by the server as the #strings data block, with <html lang> set), dates and numbers formatted per locale with
// Intl. The language itself is chosen by the server (?lang=, then Accept-Language): one place decides.

export const lang = document.documentElement.lang || 'en';
const strings = JSON.parse(document.getElementById('strings')?.textContent || '{}');
const numbers = new Intl.NumberFormat(lang);
// Dates of lists are calendar days: formatted in UTC so no time zone moves them.
const dates = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone: 'UTC' });
const years = new Intl.DateTimeFormat(lang, { year: 'numeric', timeZone: 'UTC' });

/** The string `key` with {name} parameters filled (a missing key shows as the key, and the test suite catches it). */
export function t(key, parameters = {}) {
  const text = strings[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in parameters ? String(parameters[name]) : whole));
}

export function formatNumber(value) {
  return value === null || value === undefined ? '—' : numbers.format(value);
}

/** A YYYY-MM-DD day as the reader's locale writes it ("Jun 6, 2025", "6 jun 2025"). */
export function formatDate(day) {
  if (!day) return '—';
  return dates.format(new Date(`${day}T00:00:00Z`));
}

export function formatYear(day) {
  return years.format(new Date(`${day}T00:00:00Z`));
}

/** A model's name as the press of the page's language writes it. */
export function modelName(code) {
  return strings[`model.${code}`] ?? code;
}

/** A path of this service with the page's language kept when the reader chose it in the URL. */
export function withLang(path) {
  if (!new URLSearchParams(window.location.search).has('lang')) return path;
  const url = new URL(path, window.location.origin);
  url.searchParams.set('lang', lang);
  return `${url.pathname}${url.search}${url.hash}`;
}

/** An event as a sentence a person reads: "Collier County Sheriff's Office renewed its Task Force Model agreement". */
export function eventSentence(agencyName, event, model) {
  const parameters = { agency: agencyName, model: modelName(model), type: event.type };
  switch (event.type) {
    case 'ended':
      if (event.details?.reason === 'superseded') return t('event.superseded', parameters);
      if (event.details?.ended_after && event.details?.ended_before) {
        return t('event.endedWindow', { ...parameters, after: formatDate(event.details.ended_after), before: formatDate(event.details.ended_before) });
      }
      return t('event.ended', parameters);
    case 'applied':
    case 'signed':
    case 'listed':
    case 'renewed':
    case 'withdrawn':
    case 'reinstated':
    case 'renamed':
    case 'documents_updated':
      return t(`event.${event.type}`, parameters);
    default:
      return t('event.other', parameters);
  }
}
