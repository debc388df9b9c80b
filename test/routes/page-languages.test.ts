// The pages' words: one catalogue per language with the same keys, every placeholder of every page in both, the
// language chosen by ?lang= then Accept-Language, and the security headers of pages, embeds and API answers.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { acceptedLanguage, PAGE_LANGUAGES } from '../../src/http/language.ts';
import { PUBLIC_DIR } from '../../src/http/static-files.ts';
import { catalogue, placeholders } from '../../src/routes/page-templates.ts';
import { testApp } from '../helpers/app.ts';

const EXPLORER = join(PUBLIC_DIR, 'explorer');

t.test('every catalogue has every key of the others, and no empty string', async (t) => {
  const keys = new Map(PAGE_LANGUAGES.map((language) => [language, Object.keys(catalogue(language)).sort()]));
  for (const language of PAGE_LANGUAGES) {
    for (const other of PAGE_LANGUAGES.filter((item) => item !== language)) {
      t.same(
        keys.get(language)!.filter((key) => !keys.get(other)!.includes(key)),
        [],
        `keys of ${language} missing in ${other}`,
      );
    }
    t.same(
      Object.entries(catalogue(language))
        .filter(([, text]) => text.trim() === '')
        .map(([key]) => key),
      [],
      `${language}: no empty string`,
    );
  }
});

t.test('every key the pages and their scripts use is in the catalogues', async (t) => {
  const used = new Set<string>();
  for (const name of readdirSync(EXPLORER).filter((file) => /\.(html|js)$/.test(file))) {
    const text = readFileSync(join(EXPLORER, name), 'utf8');
    if (name.endsWith('.html')) for (const key of placeholders(text)) used.add(key);
    // t('key'…) in the scripts; keys built at run time (`status.${…}`) are checked by their prefix below.
    if (name.endsWith('.js')) for (const match of text.matchAll(/\bt\('([a-zA-Z0-9_.]+)'/g)) used.add(match[1]!);
  }
  t.ok(used.size > 80, `${used.size} keys used`);
  for (const language of PAGE_LANGUAGES) {
    t.same(
      [...used].filter((key) => !(key in catalogue(language))),
      [],
      `${language} has every key used`,
    );
    for (const prefix of ['status.', 'type.', 'model.', 'event.'])
      t.ok(
        Object.keys(catalogue(language)).some((key) => key.startsWith(prefix)),
        `${language}: ${prefix}*`,
      );
  }
});

t.test('Accept-Language picks a language we have, by quality', async (t) => {
  t.equal(acceptedLanguage('es-MX,es;q=0.9,en;q=0.8'), 'es');
  t.equal(acceptedLanguage('fr-FR,fr;q=0.9,es;q=0.8,en;q=0.7'), 'es');
  t.equal(acceptedLanguage('en-US,en;q=0.9,es;q=0.8'), 'en');
  t.equal(acceptedLanguage('es;q=0.5,en'), 'en');
  t.equal(acceptedLanguage('de'), undefined);
  t.equal(acceptedLanguage(undefined), undefined);
});

t.test('pages come in the chosen language, with <html lang> and their security headers', async (t) => {
  const { app } = await testApp(t);
  const html = { accept: 'text/html' };
  const english = await app.inject({ url: '/', headers: html });
  t.match(english.body, '<html lang="en">');
  t.match(english.body, '<title>287(g) agreements explorer</title>');
  t.match(english.body, /<meta name="description" content="[^"]{50,}">/);
  t.match(english.body, '<link rel="icon" href="/explorer/favicon.svg"');
  t.match(english.body, '>Español</a>');
  t.notMatch(english.body, /\{\{|\}\}/, 'no placeholder left');
  const scripts = english.body.match(/<script[^>]*>/g) ?? [];
  t.same(
    scripts.filter((tag) => !tag.includes(' src="') && !tag.includes('type="application/json"')),
    [],
    'no inline script',
  );
  t.notMatch(english.body, /\son[a-z]+="/, 'no inline handler');

  const spanish = await app.inject({ url: '/?lang=es&state=TX', headers: html });
  t.match(spanish.body, '<html lang="es">');
  t.match(spanish.body, '<title>Explorador de acuerdos 287(g)</title>');
  t.match(spanish.body, 'href="/?lang=en&amp;state=TX"', 'the switch keeps the view');
  t.equal(spanish.headers['content-language'], 'es');
  const accepted = await app.inject({ url: '/agencies/x', headers: { ...html, 'accept-language': 'es-US,es;q=0.9' } });
  t.match(accepted.body, '<html lang="es">');
  t.match(accepted.headers.vary, 'accept-language');
  t.match(
    (await app.inject({ url: '/?lang=es', headers: { ...html, 'accept-language': 'en' } })).body,
    '<html lang="es">',
    '?lang= wins',
  );

  for (const path of ['/', '/agencies/x', '/explorer/explorer.js', '/graphiql']) {
    const response = await app.inject({ url: path, headers: html });
    t.equal(response.headers['x-content-type-options'], 'nosniff', path);
    t.equal(response.headers['x-frame-options'], 'DENY', path);
    t.equal(response.headers['referrer-policy'], 'strict-origin-when-cross-origin', path);
    t.match(
      response.headers['content-security-policy'],
      /default-src 'self'; script-src 'self'; style-src 'self'.*frame-ancestors 'none'/,
      path,
    );
  }
  for (const path of [
    '/embed/map?lang=es',
    '/embed/chart',
    '/embed/county/12021',
    '/embed/state/FL',
    '/embed/agency/x',
  ]) {
    const response = await app.inject(path);
    t.equal(response.statusCode, 200, path);
    t.match(response.headers['content-security-policy'], /script-src 'self';.*frame-ancestors \*/, path);
    t.notOk(response.headers['x-frame-options'], `${path} may be framed`);
  }
  t.equal((await app.inject('/embed/nope')).statusCode, 404);
  for (const path of ['/v1/stats', '/v1/lists/dates', '/healthz', '/v1/nope']) {
    t.equal((await app.inject(path)).headers['x-content-type-options'], 'nosniff', `${path} (API)`);
  }
});

t.test('/oembed: an explorer URL, an agency page or an embed; problem+json otherwise', async (t) => {
  const { app } = await testApp(t);
  const host = 'news.example:8080';
  const oembed = async (url: string, extra = '') =>
    app.inject({ url: `/oembed?url=${encodeURIComponent(url)}${extra}`, headers: { host } });
  const map = await oembed(`http://${host}/?state=FL&lang=es`);
  t.equal(map.statusCode, 200);
  t.match(map.json(), {
    version: '1.0',
    type: 'rich',
    provider_url: `http://${host}/`,
    width: 960,
    height: 560,
    title: 'Acuerdos 287(g): mapa de acuerdos vigentes',
  });
  t.match(map.json().html, `src="http://${host}/embed/map?state=FL&amp;lang=es"`);
  t.match(
    (await oembed(`http://${host}/agencies/fl-collier-county-sheriffs-office`, '&maxwidth=400&maxheight=300')).json(),
    {
      width: 400,
      height: 300,
      html: /src="http:\/\/news\.example:8080\/embed\/agency\/fl-collier-county-sheriffs-office"/,
    },
  );
  t.match(
    (await oembed(`http://${host}/embed/county/12021?as_of=2025-06-06`)).json().html,
    '/embed/county/12021?as_of=2025-06-06',
  );
  const refused = [
    [await app.inject({ url: '/oembed', headers: { host } }), 400],
    [await oembed('not a url'), 400],
    [await oembed(`http://${host}/docs`), 404],
    [await oembed('https://elsewhere.example/'), 404],
    [await oembed(`http://${host}/`, '&format=xml'), 501],
  ] as const;
  for (const [response, status] of refused) {
    t.equal(response.statusCode, status);
    t.match(response.headers['content-type'], /^application\/problem\+json/);
  }
});

t.test('/v1/lists/dates: the dates of applied lists only, oldest first', async (t) => {
  const { app } = await testApp(t);
  const response = await app.inject('/v1/lists/dates?kind=participating');
  t.equal(response.statusCode, 200);
  t.same(response.json().data, []);
  t.equal((await app.inject('/v1/lists/dates?kind=nope')).statusCode, 400);
});
