// What the explorer's pages share: reading the public API (the same URLs any client uses), the view kept in the
// page's URL, and a small DOM builder (text goes in as text, never as HTML).

/** GET a JSON resource of this service; an error response throws with its problem+json detail. */
export async function getJson(path) {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  if (!response.ok) {
    const problem = await response.json().catch(() => null);
    throw new Error(problem?.detail ?? `${response.status} ${response.statusText} for ${path}`);
  }
  return response.json();
}

/** Every item of a paged collection, following links.next. */
export async function getAll(path) {
  const items = [];
  for (let next = path; next; ) {
    const page = await getJson(next);
    items.push(...page.data);
    next = page.links.next;
  }
  return items;
}

/** A query string from the parameters that have a value ('' when none). */
export function queryString(parameters) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) if (value) search.set(name, value);
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Resolves once the browser has drawn a frame and could answer input: work split by it never blocks a phone long. */
export function nextFrame() {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

/**
 * Runs `step` in a task of its own, once the browser has run what it had queued: steps that would each take a few
 * milliseconds do not add up to one long task (a phone's blocking time counts every task over 50 ms).
 */
export function inOwnTask(step) {
  return new Promise((resolve) => setTimeout(resolve, 0)).then(step);
}

/**
 * Orders YYYY-MM-DD days (they sort as text). Not localeCompare: a page's first collation loads the locale's data,
 * a pause a phone feels.
 */
export function compareDays(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** An element with attributes (on* are listeners) and children (strings become text nodes). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) if (child !== undefined && child !== null && child !== false) node.append(child);
  return node;
}
