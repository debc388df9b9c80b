// The headers a security scanner looks for. Pages and embeds (src/routes/pages.ts, src/routes/embeds.ts) load only
// the service's own scripts, styles and data: no inline script, no other origin. Only /embed/* may be framed, by
// anyone (newsrooms put them in their stories); every other page refuses framing. API answers are data, never
// pages: they get nosniff alone (a browser must not guess a script or a page out of a JSON or CSV body).
/** On every answer, API and pages alike, including those the response cache gives in front of Fastify. */
export const NOSNIFF = { 'x-content-type-options': 'nosniff' } as const;

// img-src data: for the SVG swatches browsers draw from CSS; nothing else needs more than 'self'.
const CSP_DIRECTIVES = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
];

/** A page of the service: nobody may frame it. */
export const PAGE_HEADERS = {
  ...NOSNIFF,
  'content-security-policy': [...CSP_DIRECTIVES, "frame-ancestors 'none'"].join('; '),
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
} as const;

/**
 * GraphiQL: React sets inline styles and its CSS carries its fonts as data: URLs. Still no inline script, no other
 * origin, no framing.
 */
export const GRAPHIQL_HEADERS = {
  ...PAGE_HEADERS,
  'content-security-policy': [
    ...CSP_DIRECTIVES.map((directive) =>
      directive.startsWith('style-src')
        ? "style-src 'self' 'unsafe-inline'"
        : directive.startsWith('font-src')
          ? "font-src 'self' data:"
          : directive,
    ),
    "frame-ancestors 'none'",
  ].join('; '),
} as const;

/** An embeddable view (/embed/*): any page may frame it (X-Frame-Options has no "anyone", so it is left out). */
export const EMBED_HEADERS = {
  ...NOSNIFF,
  'content-security-policy': [...CSP_DIRECTIVES, 'frame-ancestors *'].join('; '),
  'referrer-policy': 'strict-origin-when-cross-origin',
} as const;
