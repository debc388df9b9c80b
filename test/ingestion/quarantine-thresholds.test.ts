// The quarantine's thresholds at their edges (src/ingestion/ingest.ts): a list
// that would end more than 25% of at least 20 open agreements, and a file name
// whose date is more than 30 days from the server's Last-Modified, are held;
// just under and at the limit they are applied. And --force, which overrides
// every quarantine but one: a list older than an applied one.
import t from 'tap';
import { ingestList, type IngestReport } from '../../src/ingestion/ingest.ts';
import { buildList } from '../helpers/build-list.ts';
import { testDatabase } from '../helpers/database.ts';
import { PARTICIPATING_COLUMNS } from '../helpers/fixtures.ts';

const utc = (iso: string) => new Date(`${iso}T00:00:00Z`);
const towns = (count: number) =>
  Array.from({ length: count }, (_, index) => [
    'ALABAMA',
    `Town ${index + 1} Police Department`,
    'Municipality',
    'Jefferson County',
    'Task Force Model',
    utc('2025-01-15'),
    null,
  ]);

async function ingestRows(
  pool: import('pg').Pool,
  fileName: string,
  rows: unknown[][],
  options: { lastModified?: string; force?: boolean } = {},
): Promise<IngestReport> {
  return ingestList(
    pool,
    {
      buffer: await buildList({ columns: PARTICIPATING_COLUMNS, rows: rows as never }),
      fileName,
      lastModified: options.lastModified ?? null,
    },
    { force: options.force },
  );
}

t.test('mass ending: more than 25% of at least 20 open agreements', async (t) => {
  const cases = [
    { open: 19, ending: 18, outcome: 'applied', why: 'under 20 open agreements nothing is judged (18 of 19 end)' },
    { open: 20, ending: 4, outcome: 'applied', why: '20% of 20: under the share' },
    { open: 20, ending: 5, outcome: 'applied', why: '25% of 20: at the share, still applied' },
    { open: 20, ending: 6, outcome: 'quarantined', why: '30% of 20: over the share' },
    { open: 20, ending: 19, outcome: 'quarantined', why: 'at 20 open agreements the share is judged' },
  ] as const;
  for (const item of cases) {
    await t.test(item.why, async (t) => {
      const db = await testDatabase(t);
      t.equal(
        (await ingestRows(db.pool, 'participatingAgencies03012025pm.xlsx', towns(item.open))).outcome,
        'applied',
        `${item.open} open agreements`,
      );
      const report = await ingestRows(db.pool, 'participatingAgencies04012025pm.xlsx', towns(item.open - item.ending));
      t.equal(report.outcome, item.outcome);
      if (item.outcome === 'quarantined') {
        t.match(
          report.reason,
          `would end ${item.ending} of ${item.open} active agreements (${Math.round((item.ending / item.open) * 100)}%) at once`,
        );
      } else {
        t.equal(report.counts?.ended, item.ending, `${item.ending} agreements ended`);
      }
      const active = await db.pool.query(`SELECT count(*)::int AS n FROM agreements WHERE status = 'active'`);
      t.equal(
        active.rows[0].n,
        item.outcome === 'applied' ? item.open - item.ending : item.open,
        'the agreements the API will show',
      );
    });
  }
});

t.test("misdated: a file name's date more than 30 days from the server's Last-Modified", async (t) => {
  for (const [lastModified, days, outcome] of [
    ['2025-06-04', 29, 'applied'],
    ['2025-06-05', 30, 'applied'],
    ['2025-06-06', 31, 'quarantined'],
    ['2025-04-05', 31, 'quarantined'], // earlier than the name's date counts the same
  ] as const) {
    await t.test(`Last-Modified ${lastModified}, ${days} days from 2025-05-06: ${outcome}`, async (t) => {
      const db = await testDatabase(t);
      const report = await ingestRows(db.pool, 'participatingAgencies05062025pm.xlsx', towns(3), { lastModified });
      t.equal(report.outcome, outcome);
      if (outcome === 'quarantined') {
        t.equal(
          report.reason,
          `misdated: the file name says 2025-05-06 but the server's Last-Modified is ${lastModified}, ${days} days apart; review it, then ingest it again with --list-date ${lastModified}`,
        );
        t.equal(report.suggestedListDate, lastModified);
      } else {
        t.equal(report.reason, null);
        t.equal(report.listDate, '2025-05-06', "the file name's date is kept");
      }
    });
  }
});

t.test('--force applies a quarantined list', async (t) => {
  const db = await testDatabase(t);
  t.equal((await ingestRows(db.pool, 'participatingAgencies03012025pm.xlsx', towns(20))).outcome, 'applied');
  const held = await ingestRows(db.pool, 'participatingAgencies04012025pm.xlsx', towns(2));
  t.equal(held.outcome, 'quarantined');
  const forced = await ingestRows(db.pool, 'participatingAgencies04012025pm.xlsx', towns(2), { force: true });
  t.equal(forced.outcome, 'applied', 'after review, --force applies it');
  t.equal(forced.counts?.ended, 18);
});
