// What / and the page routes answer: the explorer for a browser, an index for a program, the browser libraries
// from their npm packages, and clear 404s.
import { readFileSync } from 'node:fs';
import t from 'tap';
import type { MapShapes } from '../../src/reference/map-shapes.ts';
import { testApp } from '../helpers/app.ts';

const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

t.test('/ serves the explorer to a browser and an index of the API to a program', async (t) => {
  const { app } = await testApp(t);
  const page = await app.inject({ url: '/', headers: { accept: BROWSER_ACCEPT } });
  t.equal(page.statusCode, 200);
  t.match(page.headers['content-type'], /^text\/html/);
  t.match(page.body, 'data-testid="active-count"');
  t.equal(page.headers.vary, 'accept, accept-language, Accept-Encoding');
  // The page names every module its script imports, so the browser fetches them at once rather than one import
  // after another (a round trip each on a phone).
  const imports = new Set<string>();
  const follow = (name: string) => {
    if (imports.has(name)) return;
    imports.add(name);
    const source = readFileSync(new URL(`../../public/explorer/${name}`, import.meta.url), 'utf8');
    for (const [, imported] of source.matchAll(/^import .* from '\.\/([\w-]+\.js)';$/gm)) follow(imported!);
  };
  follow('explorer.js');
  const preloaded = [...page.body.matchAll(/<link rel="modulepreload" href="\/explorer\/([\w-]+\.js)">/g)].map(
    ([, name]) => name!,
  );
  t.same(preloaded.sort(), [...imports].sort(), 'the explorer preloads its script and every module it imports');

  for (const accept of [undefined, '*/*', 'application/json']) {
    const index = await app.inject({ url: '/', headers: accept ? { accept } : {} });
    t.match(index.headers['content-type'], /^application\/json/, `Accept: ${accept}`);
    t.match(index.json(), {
      version: PACKAGE_VERSION,
      links: { v1: '/v1', openapi: '/openapi.json', graphql: '/graphql', docs: '/docs' },
    });
  }
  // Every link of the index answers.
  const { links } = (await app.inject('/')).json() as { links: Record<string, string> };
  for (const url of Object.values(links)) {
    const probe = url === '/graphql' ? `${url}?query=%7B__typename%7D` : url; // GraphQL over GET needs a query
    t.ok((await app.inject(probe)).statusCode < 400, `${url} answers`);
  }
  const v1 = (await app.inject('/v1')).json() as { links: Record<string, string> };
  for (const url of Object.values(v1.links)) t.equal((await app.inject(url)).statusCode, 200, `${url} answers`);
});

t.test('/openapi.json and /docs carry the version of package.json', async (t) => {
  const { app } = await testApp(t);
  t.equal((await app.inject('/openapi.json')).json().info.version, PACKAGE_VERSION);
  // /docs renders the OpenAPI document it is given: the version it shows is that document's.
  const docs = await app.inject({ url: '/docs', headers: { accept: BROWSER_ACCEPT } });
  t.ok(docs.statusCode < 400, '/docs answers');
  const initializer = await app.inject('/docs/json');
  t.equal(initializer.statusCode, 200, 'the document /docs renders');
  t.equal(initializer.json().info.version, PACKAGE_VERSION, 'the version /docs shows');
});

t.test('browser libraries come from npm packages, with validators', async (t) => {
  const { app } = await testApp(t);
  const react = await app.inject('/vendor/react.production.min.js');
  t.equal(react.statusCode, 200);
  t.match(react.headers['content-type'], /^text\/javascript/);
  t.equal(
    react.body,
    readFileSync(new URL('../../node_modules/react/umd/react.production.min.js', import.meta.url), 'utf8'),
  );
  const again = await app.inject({
    url: '/vendor/react.production.min.js',
    headers: { 'if-none-match': String(react.headers.etag) },
  });
  t.equal(again.statusCode, 304);

  // The map the explorer draws, projected by the service: named in the page, the view's state preloaded.
  const explorer = (await app.inject({ url: '/?state=fl', headers: { accept: 'text/html' } })).body;
  const folder = /<meta name="map-shapes" content="([^"]+)">/.exec(explorer)?.[1];
  t.match(folder, /^\/explorer\/map-[0-9a-f]{12}\/$/, 'the folder of the maps carries a hash');
  t.match(explorer, `<link rel="preload" href="${folder}FL.json"`, "the view's state is preloaded");
  t.match(
    (await app.inject({ url: '/?state=narnia', headers: { accept: 'text/html' } })).body,
    `<link rel="preload" href="${folder}US.json"`,
    'an unknown state: the nation',
  );
  const nation = await app.inject(`${folder}US.json`);
  t.equal(nation.headers['cache-control'], 'public, max-age=31536000, immutable', 'kept for good');
  const shapes = nation.json() as MapShapes;
  t.equal(shapes.counties.length, 3233, 'every county and equivalent, territories included');
  const starts = shapes.counties.map(([, d]) => /^M(-?\d+) (-?\d+)l/.exec(d)!.slice(1).map(Number) as [number, number]);
  t.ok(
    starts.every(([x, y]) => x >= 0 && y >= 0 && x * shapes.unit <= shapes.width && y * shapes.unit <= shapes.height),
    'every outline starts inside the frame',
  );
  t.ok(shapes.insets.length > 0 && shapes.borders.length > 0, 'state borders and the frames of the insets');
  const mark = (code: string) => shapes.marks[code]!;
  t.ok(
    mark('ME')[0] > mark('CA')[0] && mark('ND')[1] < mark('TX')[1],
    'Maine east of California, North Dakota north of Texas',
  );
  const florida = (await app.inject(`${folder}FL.json`)).json() as typeof shapes;
  t.equal(florida.counties.length, 67);
  t.ok(
    florida.counties.every(([fips]) => fips.startsWith('12')),
    "only Florida's counties",
  );
  t.same(Object.keys(florida.marks), ['FL']);
  t.equal(florida.insets, '', 'no insets for one state');
  const collier = florida.counties.find(([fips]) => fips === '12021')!;
  const nassau = florida.counties.find(([fips]) => fips === '12089')!;
  const y = ([, d]: [string, string]) => Number(/^M-?\d+ (-?\d+)/.exec(d)![1]);
  t.ok(y(collier) > y(nassau), 'Collier (south-west) is drawn below Nassau (north-east)');
  t.equal((await app.inject(`${folder}ZZ.json`)).statusCode, 404, 'no map of an unknown state');

  const page = await app.inject('/graphiql');
  t.match(page.body, '/vendor/graphiql.min.js');
  t.notMatch(page.body, /https?:\/\//, 'GraphiQL loads nothing from another host');
});

t.test('unknown files are 404 problem+json, never files outside the lists', async (t) => {
  const { app } = await testApp(t);
  for (const url of [
    '/vendor/nope.js',
    '/vendor/..%2Fpackage.json',
    '/explorer/..%2F..%2Fpackage.json',
    '/explorer/constructor',
    '/graphiql/x.js',
  ]) {
    const response = await app.inject(url);
    t.equal(response.statusCode, 404, url);
    t.match(response.headers['content-type'], /^application\/problem\+json/, url);
  }
});

t.test('an agency page is HTML whatever the id; the page reports an unknown one', async (t) => {
  const { app } = await testApp(t);
  const page = await app.inject('/agencies/fl-collier-county-sheriffs-office');
  t.equal(page.statusCode, 200);
  t.match(page.body, '/explorer/agency.js');
  // "Whatever the id": an id no agency has gets the same page (its script asks the API and reports the 404).
  const unknown = await app.inject('/agencies/xx-no-such-agency');
  t.equal(unknown.statusCode, 200, 'an unknown id: still the page');
  t.match(unknown.headers['content-type'], /^text\/html/);
  t.match(unknown.body, '/explorer/agency.js');
});
