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

/** An event as a sentence a person reads: "Collier County Sheriff's Office renewed its Task Force Model agreement". */
export function eventSentence(agencyName, event, model) {
  switch (event.type) {
    case 'applied': return `${agencyName} applied for a ${model} agreement`;
    case 'signed': return `${agencyName} signed a ${model} agreement`;
    case 'listed': return `${agencyName}'s ${model} agreement was listed`;
    case 'renewed': return `${agencyName} renewed its ${model} agreement`;
    case 'ended':
      return event.details?.reason === 'superseded'
        ? `${agencyName}'s earlier ${model} agreement was replaced by its renewal`
        : `${agencyName}'s ${model} agreement ended (no longer on ICE's list)`;
    case 'withdrawn': return `${agencyName}'s ${model} application was withdrawn (no longer on the pending list)`;
    case 'reinstated': return `${agencyName}'s ${model} agreement is back on ICE's list`;
    case 'renamed': return `${agencyName} appears under a new name (${model} agreement)`;
    case 'documents_updated': return `${agencyName}'s ${model} agreement has new documents`;
    default: return `${agencyName}: ${event.type} (${model})`;
  }
}

/** Support models by code, from /v1/models (name and abbreviation). */
export async function loadModels() {
  const { data } = await getJson('/v1/models');
  return new Map(data.map((model) => [model.code, model]));
}

export function modelName(models, code) {
  return models.get(code)?.name ?? code;
}
