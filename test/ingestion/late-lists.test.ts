// History is a function of the lists: a list that arrives late (its date, time
// of day or edition before lists already applied) takes its place, and the
// history is what loading every list in order gives.
import t from 'tap';
import { ingestList } from '../../src/ingestion/ingest.ts';
import { buildList } from '../helpers/build-list.ts';
import { testApp } from '../helpers/app.ts';
import { testDatabase } from '../helpers/database.ts';
import { PARTICIPATING_COLUMNS, SEED_LISTS, type SeedList } from '../helpers/fixtures.ts';
import { contentDifferences, historyContents } from '../helpers/history-contents.ts';

const buffers = new Map<string, Buffer>();
async function bytesOf(list: SeedList): Promise<Buffer> {
  let buffer = buffers.get(list.fileName);
  if (!buffer) {
    buffer = await buildList({ columns: list.columns, rows: list.rows });
    buffers.set(list.fileName, buffer);
  }
  return buffer;
}

async function load(pool: import('pg').Pool, lists: SeedList[]) {
  const reports = [];
  for (const list of lists)
    reports.push(await ingestList(pool, { buffer: await bytesOf(list), fileName: list.fileName }));
  return reports;
}

t.test('lists that arrive late give the history of an in-order load', async (t) => {
  const inOrder = await testDatabase(t);
  await load(inOrder.pool, SEED_LISTS);
  const expected = await historyContents(inOrder.pool);

  // April's participating list (a renewal, an ending, a promotion) and March's pending list come last.
  const late = await testDatabase(t);
  const lateNames = ['participatingAgencies04012025pm.xlsx', 'pendingAgencies03012025pm.xlsx'];
  await load(
    late.pool,
    SEED_LISTS.filter((list) => !lateNames.includes(list.fileName)),
  );
  const reports = await load(
    late.pool,
    SEED_LISTS.filter((list) => lateNames.includes(list.fileName)),
  );
  for (const report of reports) t.equal(report.outcome, 'applied', `${report.fileName}: ${report.reason ?? 'applied'}`);
  t.same(
    contentDifferences(await historyContents(late.pool), expected),
    {},
    'the same agreements, events, spans, names, skipped rows and list counts',
  );
});

t.test('editions: two files of one list are ordered by Last-Modified; the same bytes again are a no-op', async (t) => {
  const { app, database } = await testApp(t);
  const first = SEED_LISTS[0]!;
  await load(database.pool, [first]);
  // A re-post of 1 March under the same name with other content (one more agency), published before the one
  // applied: it is the first edition, and the one applied, the second.
  const repost = await buildList({
    columns: PARTICIPATING_COLUMNS,
    rows: [
      ...first.rows,
      [
        'GEORGIA',
        "Hall County Sheriff's Office",
        'County',
        'Hall County',
        'Task Force Model',
        new Date('2025-02-01T00:00:00Z'),
        null,
      ],
    ],
  });
  await load(database.pool, [SEED_LISTS[2]!]);
  const report = await ingestList(database.pool, {
    buffer: repost,
    fileName: first.fileName,
    publishedAt: '2025-03-01T08:00:00.000Z',
  });
  t.equal(report.outcome, 'applied', report.reason ?? '');

  const lists = (await app.inject({ url: '/v1/lists?kind=participating' })).json().data;
  const march = lists.filter((list: { list_date: string }) => list.list_date === '2025-03-01');
  t.same(
    march
      .map((list: { edition: number; sha256: string }) => [
        list.edition,
        list.sha256 === report.sha256 ? 'repost' : 'first',
      ])
      .sort(),
    [
      [1, 'repost'],
      [2, 'first'],
    ],
    '/v1/lists shows both editions, the earlier published first',
  );
  // Hall's agreement began with the first edition and ended with the second (it was not on it).
  const hall = (await app.inject({ url: '/v1/agreements/ga-hall-county-sheriffs-office--tfm-2025-02-01' })).json().data;
  t.match(hall, { status: 'ended', first_listed_on: '2025-03-01', ended_on: '2025-03-01' });

  const again = await ingestList(database.pool, {
    buffer: repost,
    fileName: first.fileName,
    publishedAt: '2025-03-01T08:00:00.000Z',
  });
  t.match(again, { outcome: 'skipped', reason: /already applied/ });
});
