// The changes feeds in Spanish (lang=es): the feed's and each entry's title from the pages' Spanish catalogue, the
// same entries (ids, dates, links) as in English, read by a real feed parser; English stays the default.
import { parseAtomFeed, parseJsonFeed } from 'feedsmith';
import t from 'tap';
import { testApp } from '../../helpers/app.ts';
import { seedHistory } from '../../helpers/fixtures.ts';

t.test('/v1/changes.atom and .jsonfeed with lang=es are titled in Spanish', async (t) => {
  const { app, database } = await testApp(t);
  await seedHistory(database.pool);
  const english = parseAtomFeed((await app.inject('/v1/changes.atom?state=FL')).body);
  const atom = await app.inject('/v1/changes.atom?state=FL&lang=es');
  t.equal(atom.statusCode, 200);
  const spanish = parseAtomFeed(atom.body);
  t.equal(spanish.title?.value, 'Cambios en los acuerdos 287(g) (state=FL)');
  t.equal(english.title?.value, '287(g) agreement changes (state=FL)');
  t.same(
    spanish.entries?.map((entry) => entry.id),
    english.entries?.map((entry) => entry.id),
    'the same entries',
  );
  t.ok(
    spanish.entries?.some((entry) =>
      /^Collier County Sheriff's Office (firmó|renovó su) acuerdo|acuerdo del modelo de fuerza de tarea/.test(
        String(entry.title?.value),
      ),
    ),
    'entry titles in Spanish',
  );
  t.notOk(
    spanish.entries?.some((entry) => / agreement /.test(String(entry.title?.value))),
    'no English title left',
  );

  const json = parseJsonFeed((await app.inject('/v1/changes.jsonfeed?lang=es')).body);
  t.equal(json.title, 'Cambios en los acuerdos 287(g)');
  t.equal(json.home_page_url, '/?lang=es');
  t.match(json.items?.[0]?.url, /\?lang=es$/, 'entries link the agency page in Spanish');

  const bad = await app.inject('/v1/changes.atom?lang=fr');
  t.equal(bad.statusCode, 400);
  t.match(bad.json(), { invalid_params: [{ name: 'lang' }] });
});
