// Alerts by jurisdiction: /v1/changes.atom and /v1/changes.jsonfeed over the
// scripted history, read by real feed parsers (feedsmith from npm, and Debian's
// python3-feedparser for Atom, which flags any XML or feed error as "bozo"), with the
// filters of /v1/changes, cached and answering conditional GETs.
import t from 'tap';
import { parseAtomFeed, parseJsonFeed } from 'feedsmith';
import { testApp } from '../../helpers/app.ts';
import { buildList } from '../../helpers/build-list.ts';
import { SEED_FACTS, SEED_LISTS } from '../../helpers/fixtures.ts';
import { pythonWith, run, toolAvailable } from '../../helpers/tools.ts';
import { ingestList } from '../../../src/ingestion/ingest.ts';
import { renderAtom } from '../../../src/renderers/atom.ts';
import type { Feed } from '../../../src/renderers/feed.ts';

const ICE_URL = (fileName: string) => `https://www.ice.gov/doclib/about/offices/ero/287g/${fileName}`;
const COLLIER = 'fl-collier-county-sheriffs-office';

/** What Python's feedparser makes of a feed: bozo (any error), and the entries as it read them. */
const FEEDPARSER_SCRIPT = `
import json, sys, feedparser
feed = feedparser.parse(sys.stdin.buffer.read())
print(json.dumps({
  "bozo": feed.bozo, "error": str(feed.get("bozo_exception", "")), "version": feed.version, "title": feed.feed.get("title"),
  "entries": [{"id": e.id, "title": e.title, "links": [{"rel": l.get("rel"), "href": l.get("href")} for l in e.get("links", [])]} for e in feed.entries],
}))
`;

interface Parsed {
  bozo: boolean | number;
  error: string;
  version: string;
  title: string;
  entries: { id: string; title: string; links: { rel: string; href: string }[] }[];
}

async function feedparser(python: string, body: string): Promise<Parsed> {
  const child = run(python, ['-c', FEEDPARSER_SCRIPT], { maxBuffer: 64 * 1024 * 1024 });
  child.child.stdin!.end(body);
  return JSON.parse((await child).stdout) as Parsed;
}

t.test('the changes feeds', async (t) => {
  const { app, database } = await testApp(t);
  // The scripted history, each list downloaded from an ICE URL, so entries can cite it.
  for (const list of SEED_LISTS) {
    const buffer = await buildList({ columns: list.columns, rows: list.rows });
    await ingestList(database.pool, { buffer, fileName: list.fileName, url: ICE_URL(list.fileName) });
  }
  await app.dataset.refresh();
  const changes = (url: string) =>
    app
      .inject(url)
      .then(
        (response) =>
          response.json().data as { id: number; agreement_id: string; agency_id: string; county_fips: string | null }[],
      );

  t.test('/v1/changes takes county_fips and agency_id', async (t) => {
    const all = await changes('/v1/changes?limit=1000');
    const collier = await changes(`/v1/changes?county_fips=${SEED_FACTS.collierCountyFips}&limit=1000`);
    t.ok(collier.length > 0 && collier.length < all.length, 'a county narrows the changes');
    t.ok(
      collier.every((change) => change.county_fips === SEED_FACTS.collierCountyFips),
      'to that county',
    );
    t.same(
      collier.map((change) => change.id),
      all.filter((change) => change.county_fips === SEED_FACTS.collierCountyFips).map((change) => change.id),
      'all of it',
    );
    const byAgency = await changes(`/v1/changes?agency_id=${COLLIER}&limit=1000`);
    t.same(
      byAgency.map((change) => change.id),
      all.filter((change) => change.agency_id === COLLIER).map((change) => change.id),
      'agency_id',
    );
    t.same(await changes('/v1/changes?agency_id=nobody'), [], 'an unknown agency has no changes');
    const bad = await app.inject('/v1/changes.atom?county_fips=12');
    t.equal(bad.statusCode, 400);
    t.equal(
      bad.json().invalid_params[0].name,
      'county_fips',
      'a bad filter is a problem+json naming it, also on the feed',
    );
  });

  t.test('Atom, read by feedsmith', async (t) => {
    const response = await app.inject('/v1/changes.atom');
    t.equal(response.statusCode, 200);
    t.match(response.headers['content-type'], /^application\/atom\+xml; charset=utf-8/);
    const feed = parseAtomFeed(response.body);
    const json = await changes('/v1/changes');
    t.equal(feed.entries?.length, json.length, 'one entry per event of /v1/changes');
    t.ok(feed.id?.startsWith('tag:'), 'the feed has an id');
    t.ok(feed.updated, 'and an updated time');
    const ids = feed.entries!.map((entry) => entry.id);
    t.equal(new Set(ids).size, ids.length, 'entry ids are unique');
    const updated = feed.entries!.map((entry) => entry.updated!);
    t.same(updated, [...updated].sort().reverse(), 'newest first');

    const signed = feed.entries!.find(
      (entry) => entry.title?.value === "Collier County Sheriff's Office signed a Task Force Model agreement",
    );
    t.ok(signed, 'a title a person can read');
    const links = Object.fromEntries(signed!.links!.map((link) => [link.rel, link.href]));
    t.equal(links.alternate, `/agencies/${COLLIER}`, "links the agency's page");
    t.match(links.related, new RegExp(`^/v1/agreements/${COLLIER}--tfm-`), 'and the agreement in the API');
    t.equal(links.via, ICE_URL('participatingAgencies03012025pm.xlsx'), 'and the ICE list it came from');
    t.match(signed!.summary?.value, /participatingAgencies03012025pm\.xlsx/, 'which the summary names');
    const agreement = await app.inject(links.related!);
    t.equal(agreement.statusCode, 200, 'the API link resolves');
    t.equal(agreement.json().data.agency_id, COLLIER);

    const again = await app.inject('/v1/changes.atom');
    t.same(
      parseAtomFeed(again.body).entries!.map((entry) => entry.id),
      ids,
      'entry ids are stable',
    );
  });

  t.test('a county filter narrows the feed', async (t) => {
    const all = parseAtomFeed((await app.inject('/v1/changes.atom?limit=1000')).body);
    const county = parseAtomFeed(
      (await app.inject(`/v1/changes.atom?county_fips=${SEED_FACTS.collierCountyFips}&limit=1000`)).body,
    );
    t.ok(county.entries!.length > 0 && county.entries!.length < all.entries!.length, 'fewer entries, not none');
    t.ok(
      county.entries!.every((entry) => entry.title?.value.startsWith('Collier County Sheriff')),
      'all about agencies of that county',
    );
    t.not(county.id, all.id, 'another feed, with its own id');
    const signedOnly = parseAtomFeed((await app.inject('/v1/changes.atom?state=TX&type=signed&model=task_force')).body);
    // Titles use the agency's current name, as the API gives it.
    const houston = (await app.inject('/v1/agencies/tx-houston-police-department')).json().data.name as string;
    t.same(
      signedOnly.entries!.map((entry) => entry.title?.value).sort(),
      [
        `${houston} signed a Task Force Model agreement`,
        "Lubbock County Sheriff's Office signed a Task Force Model agreement",
      ].sort(),
      'state, type and model filters',
    );
  });

  t.test('paging: a next link, as in /v1/changes', async (t) => {
    const page = parseAtomFeed((await app.inject('/v1/changes.atom?limit=2')).body);
    t.equal(page.entries!.length, 2);
    const next = page.links!.find((link) => link.rel === 'next')?.href;
    t.match(next, /^\/v1\/changes\.atom\?limit=2&cursor=/);
    const second = parseAtomFeed((await app.inject(next!)).body);
    t.equal(second.entries!.length, 2);
    t.notOk(
      second.entries!.some((entry) => page.entries!.some((first) => first.id === entry.id)),
      'the next page has older events',
    );
  });

  t.test('JSON Feed 1.1, read by feedsmith', async (t) => {
    const response = await app.inject(`/v1/changes.jsonfeed?county_fips=${SEED_FACTS.collierCountyFips}`);
    t.equal(response.statusCode, 200);
    t.match(response.headers['content-type'], /^application\/feed\+json/);
    const items = parseJsonFeed(response.body).items ?? [];
    t.equal(response.json().version, 'https://jsonfeed.org/version/1.1');
    const atom = parseAtomFeed((await app.inject(`/v1/changes.atom?county_fips=${SEED_FACTS.collierCountyFips}`)).body);
    t.ok(items.length > 0, 'items are present');
    t.same(
      items.map((item) => item.id),
      atom.entries!.map((entry) => entry.id),
      'the same entries as the Atom feed',
    );
    t.same(
      items.map((item) => item.title),
      atom.entries!.map((entry) => entry.title?.value),
    );
    t.ok(
      items.every((item) => item.url === `/agencies/${COLLIER}`),
      "each item's url is the agency's page",
    );
  });

  t.test('cached by dataset version, with ETag and 304', async (t) => {
    for (const url of ['/v1/changes.atom?state=FL', '/v1/changes.jsonfeed?state=FL']) {
      const first = await app.inject(url);
      const etag = first.headers.etag as string;
      t.match(
        etag,
        new RegExp(`^"${app.dataset.current().version}-(atom|jsonfeed)-`),
        `${url}: the ETag is the dataset version and the format`,
      );
      const conditional = await app.inject({ url, headers: { 'if-none-match': etag } });
      t.equal(conditional.statusCode, 304, `${url}: a conditional GET gets 304`);
      t.equal(conditional.body, '');
      const repeat = await app.inject(url);
      t.equal(repeat.body, first.body, 'a repeat answers the same bytes');
    }
    t.not(
      (await app.inject('/v1/changes.atom')).headers.etag,
      (await app.inject('/v1/changes')).headers.etag,
      'the feed and the JSON have different ETags',
    );
  });

  // Debian's feedparser (6.0) does not read JSON Feed: feedsmith checks that one.
  t.test("Debian's python3-feedparser accepts the Atom feed", async (t) => {
    const python = await pythonWith(['feedparser']);
    if (!toolAvailable(t, python !== undefined, 'Python with feedparser', 'apt-get install python3-feedparser')) return;
    const atom = await feedparser(python!, (await app.inject('/v1/changes.atom?limit=1000')).body);
    t.equal(atom.bozo, false, `no error in the Atom feed ${atom.error}`);
    t.equal(atom.version, 'atom10');
    const json = await changes('/v1/changes?limit=1000');
    t.equal(atom.entries.length, json.length, 'every entry');
    t.ok(
      atom.entries.some(
        (entry) => entry.title === "Collier County Sheriff's Office signed a Task Force Model agreement",
      ),
    );
    const county = await feedparser(
      python!,
      (await app.inject(`/v1/changes.atom?county_fips=${SEED_FACTS.collierCountyFips}&limit=1000`)).body,
    );
    t.equal(county.bozo, false);
    t.ok(county.entries.length > 0 && county.entries.length < atom.entries.length, 'a county filter narrows the feed');
  });
});

t.test('the Atom renderer escapes what XML cannot hold as is', async (t) => {
  const awkward = 'Smith & Wesson <County> "Sheriff\'s" Office\u0001';
  const feed: Feed = {
    id: 'tag:ice-287g-api,2026:changes?q=a&b',
    title: awkward,
    updated: '2025-05-01T00:00:00Z',
    homePage: '/',
    self: '/v1/changes.atom?state=FL&type=signed',
    alternate: '/v1/changes?state=FL&type=signed',
    next: null,
    author: awkward,
    entries: [
      {
        id: 'tag:ice-287g-api,2026:agreements/x/events/signed/2025-05-01/2025-05-01/list.xlsx',
        title: awkward,
        summary: awkward,
        updated: '2025-05-01T00:00:00Z',
        published: '2025-05-01T00:00:00Z',
        page: { href: '/agencies/x', title: awkward, type: 'text/html' },
        resource: { href: '/v1/agreements/x?a=1&b=2', type: 'application/json' },
        categories: ['signed', 'a&b'],
      },
    ],
  };
  const xml = renderAtom(feed);
  const parsed = parseAtomFeed(xml);
  const clean = 'Smith & Wesson <County> "Sheriff\'s" Office';
  t.equal(parsed.title?.value, clean, 'markup characters survive as text; a control character is dropped');
  t.equal(parsed.entries?.[0]?.title?.value, clean);
  t.equal(
    parsed.links?.find((link) => link.rel === 'self')?.href,
    '/v1/changes.atom?state=FL&type=signed',
    'and in attributes',
  );
  const python = await pythonWith(['feedparser']);
  if (!toolAvailable(t, python !== undefined, 'Python with feedparser', 'apt-get install python3-feedparser')) return;
  const checked = await feedparser(python!, xml);
  t.equal(checked.bozo, false, `well-formed ${checked.error}`);
  t.equal(checked.entries[0]?.title, clean);
});
