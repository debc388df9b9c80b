// Content negotiation: which representation a client asked for with Accept,
// among those a route offers. It lives here, in the HTTP layer: routes call it
// to pick a renderer, and the response cache's fast path calls it so that two
// requests with one raw key always get one representation.
import type { IncomingHttpHeaders } from 'node:http';

export interface Representation {
  name: string;
  mediaType: string;
}

/**
 * The representation a client asked for with Accept; the first offered (JSON) when it did not say, and also when
 * it asked only for something the route does not make (generous: a browser sending text/html still gets the data).
 */
export function negotiate<R extends Representation>(accept: string | undefined, offered: readonly R[]): R {
  const fallback = offered[0]!;
  if (!accept || offered.length === 1) return fallback;
  let best = fallback;
  let bestQ = 0;
  for (const part of accept.split(',')) {
    const [type = '', ...parameters] = part.trim().toLowerCase().split(';');
    const qParameter = parameters.map((item) => item.trim()).find((item) => item.startsWith('q='));
    const q = qParameter ? Number(qParameter.slice(2)) : 1;
    if (!(q > 0)) continue;
    const match = offered.find((candidate) => candidate.mediaType.split(';')[0] === type);
    if (match && q > bestQ) {
      best = match;
      bestQ = q;
    }
  }
  return best;
}

/** Accept chooses between these on a path without an extension (other formats are asked for by extension). */
export const NEGOTIABLE: readonly Representation[] = [
  { name: 'json', mediaType: 'application/json; charset=utf-8' },
  { name: 'csv', mediaType: 'text/csv; charset=utf-8' },
];

/** The representation name Accept selects on a path without an extension, as the routes negotiate it. */
export function acceptedName(request: { headers: IncomingHttpHeaders }): string {
  const accept = request.headers.accept;
  // Most requests name none of the alternatives to JSON: skip the parse.
  if (!accept || !NEGOTIABLE.slice(1).some((alternative) => accept.includes(alternative.mediaType.split(';')[0]!)))
    return NEGOTIABLE[0]!.name;
  return negotiate(accept, NEGOTIABLE).name;
}
