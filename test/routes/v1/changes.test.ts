// /v1/changes pages through the one keyset paging module: newest first, the
// filters kept in the next link, and the cursors issued before 0.1.0 (the
// base64url of an event id) still accepted where they left off.
import t from 'tap';
import { testApp } from '../../helpers/app.ts';
import { seedHistory } from '../../helpers/fixtures.ts';

t.test('the changes feed', async (t) => {
  const { app, database } = await testApp(t);
  await seedHistory(database.pool);
  await app.dataset.refresh();

  const all = (await app.inject('/v1/changes?limit=1000')).json();
  const ids: number[] = all.data.map((change: { id: number }) => change.id);
  t.ok(ids.length > 4, `${ids.length} events`);
  t.same(
    ids,
    [...ids].sort((a, b) => b - a),
    'newest first',
  );
  t.equal(all.links.next, null, 'one page holds them all');

  const walked: number[] = [];
  let url: string | null = '/v1/changes?limit=2';
  let pages = 0;
  while (url) {
    const page: { data: { id: number }[]; links: { next: string | null } } = (await app.inject(url)).json();
    walked.push(...page.data.map((change) => change.id));
    url = page.links.next;
    pages++;
  }
  t.same(walked, ids, `walking links.next over ${pages} pages gives every event once, in order`);

  const first = (await app.inject('/v1/changes?limit=2&type=signed,listed')).json();
  t.match(first.links.next, /type=listed%2Csigned/, 'the next link keeps the filters (as a sorted set)');
  t.ok(first.data.every((change: { type: string }) => ['signed', 'listed'].includes(change.type)));

  const second = (await app.inject('/v1/changes?limit=2')).json();
  const newCursor = new URL(second.links.next, 'http://x').searchParams.get('cursor')!;
  const legacyCursor = Buffer.from(String(second.data.at(-1).id)).toString('base64url');
  const byNew = (await app.inject(`/v1/changes?limit=2&cursor=${newCursor}`)).json();
  const byLegacy = await app.inject(`/v1/changes?limit=2&cursor=${legacyCursor}`);
  t.equal(byLegacy.statusCode, 200, 'an old cursor is accepted');
  t.same(byLegacy.json().data, byNew.data, 'and continues where it left off');
  t.same(byLegacy.json().links, byNew.links, 'issuing the new cursor for the page after');
});
