// INGEST_SCHEDULE: the running service fetches ICE's lists itself and serves
// the new data without a restart.
import t from 'tap';
import { testApp } from '../helpers/app.ts';
import { buildList } from '../helpers/build-list.ts';
import { SEED_LISTS } from '../helpers/fixtures.ts';
import { startIceSite } from '../helpers/ice-site.ts';

t.test('a scheduled ingestion applies the latest list and the API serves it at once', async (t) => {
  const first = SEED_LISTS[0]!;
  const site = await startIceSite(t, await buildList({ columns: first.columns, rows: first.rows }), first.fileName);
  const { app, database } = await testApp(t, { env: { INGEST_SCHEDULE: '1s', INGEST_SOURCE_URL: site.pageUrl } });

  const before = await app.inject('/v1/stats');
  t.equal(before.json().active_agreements, 0, 'nothing before the first run');
  let active = 0;
  for (let attempt = 0; attempt < 100 && active === 0; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    active = (await app.inject('/v1/stats')).json().active_agreements;
  }
  t.equal(active, 5, 'the five agreements of the list are served');
  const lists = await database.pool.query('SELECT file_name, url FROM source_lists');
  t.same(lists.rows, [{ file_name: first.fileName, url: site.listUrl }]);

  // The next runs find the list unchanged: conditional requests only, nothing new written.
  const hitsNow = site.hits.length;
  while (site.hits.length < hitsNow + 2) await new Promise((resolve) => setTimeout(resolve, 200));
  t.ok(site.hits.filter((hit) => hit.url.includes('/file-download/')).slice(1).every((hit) => hit.conditional), 'later downloads are conditional');
  const count = await database.pool.query('SELECT count(*)::int AS n FROM source_lists');
  t.equal(count.rows[0].n, 1);
  // The run that applied the list released that version; the unchanged runs made no other.
  const releases = (await app.inject('/v1/releases')).json().data;
  t.same(releases.map((release: { version: number; list_date: string }) => [release.version, release.list_date]), [[app.dataset.current().version, '2025-03-01']], 'one release, of the applied list');
});

t.test('INGEST_SCHEDULE off (the default) fetches nothing', async (t) => {
  const first = SEED_LISTS[0]!;
  const site = await startIceSite(t, await buildList({ columns: first.columns, rows: first.rows }), first.fileName);
  await testApp(t, { env: { INGEST_SOURCE_URL: site.pageUrl } });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  t.equal(site.hits.length, 0);
});
