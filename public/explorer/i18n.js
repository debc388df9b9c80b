// The page's words and formats: the catalogue of the page's language (public/explorer/i18n/<lang>.json, put in the
// page by the server as the #strings data block, with <html lang> set), dates and numbers written as the language
// writes them. The language itself is chosen by the server (?lang=, then Accept-Language): one place decides.

export const lang = document.documentElement.lang || 'en';
const strings = JSON.parse(document.getElementById('strings')?.textContent || '{}');

/** The string `key` with {name} parameters filled (a missing key shows as the key, and the test suite catches it). */
export function t(key, parameters = {}) {
  const text = strings[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in parameters ? String(parameters[name]) : whole));
}

// Counts and calendar days are written from the catalogue (format.*), as Intl writes them in the page's language
// (a browser test compares the two): a page's first Intl formatter loads the locale's data, a pause of about 150 ms
// on a phone before the first number shows. Anything else (a fraction, another kind of date) goes to Intl.
const months = t('format.months').split(' ');
const groupFrom = Number(t('format.groupFrom'));
let intlNumbers;
let intlDates;

export function formatNumber(value) {
  if (value === null || value === undefined) return '—';
  if (!Number.isSafeInteger(value)) return (intlNumbers ??= new Intl.NumberFormat(lang)).format(value);
  const digits = String(Math.abs(value));
  const grouped = digits.length < groupFrom ? digits : digits.replace(/\B(?=(\d{3})+$)/g, t('format.thousands'));
  return value < 0 ? `-${grouped}` : grouped;
}

/** A YYYY-MM-DD day as the reader's locale writes it ("Jun 6, 2025", "6 jun 2025"). */
export function formatDate(day) {
  if (!day) return '—';
  const parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!parts) return (intlDates ??= new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone: 'UTC' })).format(new Date(day));
  return t('format.date', { year: parts[1], month: months[Number(parts[2]) - 1], day: Number(parts[3]) });
}

export function formatYear(day) {
  return day.slice(0, 4);
}

/** A model's name as the press of the page's language writes it. */
export function modelName(code) {
  return strings[`model.${code}`] ?? code;
}

/** Whether the reader chose the language in the URL (choosing another one loads a new page). */
const langChosen = new URLSearchParams(window.location.search).has('lang');

/** A path of this service with the page's language kept when the reader chose it in the URL. */
export function withLang(path) {
  if (!langChosen) return path;
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
