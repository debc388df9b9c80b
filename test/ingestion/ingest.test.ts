// The history rules, through the real ingestion on a real database, with
// small lists built by the tests.
import t from 'tap';
import type pg from 'pg';
import { ingestList, IngestInputError } from '../../src/ingestion/ingest.ts';
import { buildList } from '../helpers/build-list.ts';
import { databaseDigest } from '../helpers/database-contents.ts';
import { testDatabase } from '../helpers/database.ts';
import { PARTICIPATING_COLUMNS, PENDING_COLUMNS, SEED_FACTS, SEED_LISTS, seedHistory } from '../helpers/fixtures.ts';

async function one<T extends pg.QueryResultRow>(pool: pg.Pool, sql: string, params: unknown[] = []): Promise<T> {
  const result = await pool.query<T>(sql, params);
  return result.rows[0]!;
}

/** What a list's ingestion writes, as one comparable value (every table: a failed ingestion writes nothing anywhere). */
const snapshot = databaseDigest;
/** The agreements and their events and spans only. */
async function agreementsSnapshot(pool: pg.Pool): Promise<Record<string, string>> {
  const digest = await databaseDigest(pool);
  return Object.fromEntries(Object.entries(digest).filter(([table]) => table.startsWith('agreement')));
}

t.test('the seeded history: renewal, ending, promotion from pending, rename', async (t) => {
  const db = await testDatabase(t);
  const reports = await seedHistory(db.pool);
  t.same(
    reports.map((report) => report.outcome),
    ['applied', 'applied', 'applied', 'applied', 'applied'],
  );

  const collier = await db.pool.query<{
    id: string;
    status: string;
    signed_on: string;
    supersedes_id: string | null;
    ended_on: string | null;
  }>(
    `SELECT a.id, a.status, a.signed_on, a.supersedes_id, a.ended_on FROM agreements a JOIN agencies g ON g.id = a.agency_id
     WHERE g.canonical_name = 'Collier County Sheriff''s Office' AND a.model_code = 'task_force' ORDER BY a.signed_on`,
  );
  t.equal(collier.rows.length, 2, 'a renewal is a new agreement');
  const [old, renewed] = collier.rows;
  t.match(old, { status: 'ended', signed_on: '2025-02-20', ended_on: '2025-04-01' });
  t.match(
    renewed,
    { status: 'active', signed_on: '2025-03-15', supersedes_id: old!.id },
    'the renewal supersedes the old one',
  );

  const galveston = await one<{ status: string; ended_on: string; last_listed_on: string }>(
    db.pool,
    `SELECT a.status, a.ended_on, a.last_listed_on FROM agreements a JOIN agencies g ON g.id = a.agency_id WHERE g.canonical_name LIKE 'Galveston%'`,
  );
  t.same(
    galveston,
    { status: 'ended', ended_on: '2025-04-01', last_listed_on: '2025-03-01' },
    'a vanished row ends its agreement',
  );

  const lubbock = await db.pool.query<{ id: string; status: string; signed_on: string; first_listed_on: string }>(
    `SELECT a.id, a.status, a.signed_on, a.first_listed_on FROM agreements a JOIN agencies g ON g.id = a.agency_id WHERE g.canonical_name LIKE 'Lubbock%'`,
  );
  t.equal(lubbock.rows.length, 1, 'pending then signed is one agreement');
  t.match(lubbock.rows[0], { status: 'active', signed_on: '2025-03-20', first_listed_on: '2025-03-01' });
  const lubbockEvents = await db.pool.query<{ type: string; occurred_on: string }>(
    'SELECT type, occurred_on FROM agreement_events WHERE agreement_id = $1 ORDER BY id',
    [lubbock.rows[0]!.id],
  );
  t.same(
    lubbockEvents.rows.map((event) => event.type),
    ['applied', 'signed'],
    'its history is kept: applied, then signed',
  );

  const houston = await db.pool.query<{ canonical_name: string; aliases: string[] }>(
    `SELECT g.canonical_name, array_agg(al.name ORDER BY al.first_seen_on, al.name) AS aliases
     FROM agencies g JOIN agency_aliases al ON al.agency_id = g.id WHERE g.state_code = 'TX' AND g.canonical_name LIKE '%Houston%' GROUP BY g.id`,
  );
  t.equal(houston.rows.length, 1, 'a respelled agency keeps one id');
  t.equal(
    houston.rows[0]!.canonical_name,
    'City of Houston Police Department',
    'the display name is the most recent spelling',
  );
  const renamed = await one<{ n: number }>(
    db.pool,
    "SELECT count(*)::int AS n FROM agreement_events WHERE type = 'renamed'",
  );
  t.equal(renamed.n, 0, '"City of" is spelling drift, not a rename: no renamed event');
  t.same(
    houston.rows[0]!.aliases,
    ['Houston Police Department', 'City of Houston Police Department'],
    'every name stays as an alias',
  );

  const counts = await one<{ agreements: string; agencies: string }>(
    db.pool,
    'SELECT (SELECT count(*) FROM agreements) AS agreements, (SELECT count(*) FROM agencies) AS agencies',
  );
  t.equal(Number(counts.agreements), SEED_FACTS.agreementCount);
  t.equal(Number(counts.agencies), SEED_FACTS.agencyCount);

  const located = await db.pool.query<{ canonical_name: string; county_fips: string | null; lat: number | null }>(
    'SELECT canonical_name, county_fips, lat FROM agencies ORDER BY canonical_name',
  );
  const byName = new Map(located.rows.map((row) => [row.canonical_name, row]));
  t.equal(byName.get("Collier County Sheriff's Office")?.county_fips, SEED_FACTS.collierCountyFips);
  t.equal(byName.get('City of Houston Police Department')?.county_fips, SEED_FACTS.harrisCountyFips);
  t.equal(byName.get('Florida Highway Patrol')?.county_fips, null, 'a statewide agency has no county');
  t.ok(byName.get('Florida Highway Patrol')?.lat, '…but has coordinates (the state centroid)');
});

t.test('a renamed agency keeps its id and agreements; the rename is an event', async (t) => {
  const db = await testDatabase(t);
  const row = (name: string) => [
    'LOUISIANA',
    name,
    'State Agency',
    '#N/A',
    'Task Force Model',
    new Date('2025-03-01T00:00:00Z'),
    null,
  ];
  const lists = [
    { fileName: 'participatingAgencies07142025pm.xlsx', rows: [row('Louisiana State Patrol')] },
    { fileName: 'participatingAgencies07152025pm.xlsx', rows: [row('Louisiana State Police Department')] },
  ];
  for (const list of lists) {
    const report = await ingestList(db.pool, {
      buffer: await buildList({ columns: PARTICIPATING_COLUMNS, rows: list.rows }),
      fileName: list.fileName,
    });
    t.equal(report.outcome, 'applied');
  }
  const agencies = await db.pool.query<{ id: string; canonical_name: string }>(
    'SELECT id, canonical_name FROM agencies',
  );
  t.same(
    agencies.rows,
    [{ id: 'la-louisiana-state-patrol', canonical_name: 'Louisiana State Police Department' }],
    'one agency, its first id, its new name',
  );
  const events = await db.pool.query<{ type: string; details: unknown }>(
    'SELECT type::text, details FROM agreement_events ORDER BY id',
  );
  t.same(
    events.rows.map((event) => event.type),
    ['signed', 'renamed'],
  );
  t.same(events.rows[1]!.details, { from: 'Louisiana State Patrol', to: 'Louisiana State Police Department' });
  const agreements = await db.pool.query('SELECT id FROM agreements');
  t.equal(agreements.rowCount, 1, 'the agreement goes on');
});

t.test('as-of status spans answer any date exactly', async (t) => {
  const db = await testDatabase(t);
  await seedHistory(db.pool);
  for (const [date, expected] of Object.entries(SEED_FACTS.asOf)) {
    const counts = await db.pool.query<{ status: string; n: string }>(
      `SELECT status::text, count(*) AS n FROM agreement_status_spans WHERE from_on <= $1 AND (to_on IS NULL OR to_on > $1) GROUP BY status`,
      [date],
    );
    const byStatus = Object.fromEntries(counts.rows.map((row) => [row.status, Number(row.n)]));
    t.same(
      { active: byStatus.active ?? 0, pending: byStatus.pending ?? 0, ended: byStatus.ended ?? 0 },
      expected,
      `as of ${date}`,
    );
  }
  const before = await db.pool.query(`SELECT 1 FROM agreement_status_spans WHERE from_on <= '2025-02-01'`);
  t.equal(before.rowCount, 0, 'nothing existed before the first list');
});

t.test('a second ingestion of the same file is a no-op', async (t) => {
  const db = await testDatabase(t);
  await seedHistory(db.pool, SEED_LISTS.slice(0, 4));
  // The same bytes twice (exceljs stamps the time into a workbook, so the file is built once).
  const last = SEED_LISTS[4]!;
  const buffer = await buildList({ columns: last.columns, rows: last.rows });
  t.equal((await ingestList(db.pool, { buffer, fileName: last.fileName })).outcome, 'applied');
  const before = await snapshot(db.pool);
  const report = await ingestList(db.pool, { buffer, fileName: last.fileName });
  t.equal(report.outcome, 'skipped');
  t.equal(report.reason, 'already applied');
  t.same(await snapshot(db.pool), before);
  const renamed = await ingestList(db.pool, { buffer, fileName: 'participatingAgencies05022025pm.xlsx' });
  t.match(
    renamed.reason,
    /^already applied \(identical to participatingAgencies05012025pm\.xlsx of 2025-05-01\)/,
    'a re-post under another name',
  );
  t.same(await snapshot(db.pool), before);
});

t.test('a row that vanishes and comes back with the same SIGNED date is reinstated, not duplicated', async (t) => {
  const db = await testDatabase(t);
  const row = [
    'TEXAS',
    "Galveston County Sheriff's Office",
    'County',
    'Galveston County',
    'Warrant Service Officer',
    new Date('2024-05-01T00:00:00Z'),
    null,
  ];
  const other = [
    'TEXAS',
    "Brazos County Sheriff's Office",
    'County',
    'Brazos County',
    'Jail Enforcement Model',
    new Date('2020-01-01T00:00:00Z'),
    null,
  ];
  const lists = [
    { name: 'participatingAgencies03012025pm.xlsx', rows: [row, other] },
    { name: 'participatingAgencies03022025pm.xlsx', rows: [other] },
    { name: 'participatingAgencies03032025pm.xlsx', rows: [other, row] }, // not byte-identical to the first list
  ];
  for (const list of lists) {
    const report = await ingestList(db.pool, {
      buffer: await buildList({ columns: PARTICIPATING_COLUMNS, rows: list.rows }),
      fileName: list.name,
    });
    t.equal(report.outcome, 'applied', list.name);
  }
  const agreements = await db.pool.query<{ id: string; status: string }>(
    `SELECT a.id, a.status FROM agreements a JOIN agencies g ON g.id = a.agency_id WHERE g.canonical_name LIKE 'Galveston%'`,
  );
  t.equal(agreements.rows.length, 1);
  t.equal(agreements.rows[0]!.status, 'active');
  const events = await db.pool.query<{ type: string }>(
    'SELECT type FROM agreement_events WHERE agreement_id = $1 ORDER BY id',
    [agreements.rows[0]!.id],
  );
  t.same(
    events.rows.map((event) => event.type),
    ['signed', 'ended', 'reinstated'],
  );
  const asOf = await db.pool.query<{ status: string }>(
    `SELECT status::text FROM agreement_status_spans WHERE agreement_id = $1 AND from_on <= '2025-03-02' AND (to_on IS NULL OR to_on > '2025-03-02')`,
    [agreements.rows[0]!.id],
  );
  t.equal(asOf.rows[0]?.status, 'ended', 'on the day it was missing it reads as ended');
});

t.test('lists that look wrong are quarantined, visible with their reason, and change no agreement', async (t) => {
  const db = await testDatabase(t);
  await seedHistory(db.pool);
  const agreementsBefore = await agreementsSnapshot(db.pool);

  const cases: {
    name: string;
    fileName: string;
    columns: string[];
    rows: unknown[][];
    reason: RegExp;
    lastModified?: string;
    suggested?: string;
  }[] = [
    {
      name: 'misdated: a row signed after the list date',
      fileName: 'participatingAgencies05022025pm.xlsx',
      columns: PARTICIPATING_COLUMNS,
      rows: [
        ...SEED_LISTS[4]!.rows,
        [
          'TEXAS',
          "Bexar County Sheriff's Office",
          'County',
          'Bexar County',
          'Task Force Model',
          new Date('2026-01-10T00:00:00Z'),
          null,
        ],
      ],
      // The name's date a year on is months after that signing: no year typo; the list is at least as new as its latest signing.
      reason:
        /^misdated: dated 2025-05-02 but a row was signed on 2026-01-10; review it, then ingest it again with --list-date 2026-01-10$/,
      suggested: '2026-01-10',
    },
    {
      name: "misdated: the file name and the server's Last-Modified a year apart",
      fileName: 'participatingAgencies05062025pm.xlsx',
      columns: PARTICIPATING_COLUMNS,
      rows: [...SEED_LISTS[4]!.rows].reverse(), // not byte-identical to the applied list
      lastModified: '2026-05-06',
      reason:
        /^misdated: the file name says 2025-05-06 but the server's Last-Modified is 2026-05-06, 365 days apart; review it, then ingest it again with --list-date 2026-05-06$/,
      suggested: '2026-05-06',
    },
    {
      name: 'swapped: a "participating" file with pending columns',
      fileName: 'participatingAgencies05032025pm.xlsx',
      columns: PENDING_COLUMNS,
      rows: [
        ['GEORGIA', "Cobb County Sheriff's Office", 'County', 'Cobb County', 'Jail Enforcement Model'],
        ['GEORGIA', "Hall County Sheriff's Office", 'County', 'Hall County', 'Task Force Model'],
      ],
      reason: /looks like a pending list/,
    },
    {
      name: 'mass ending: most active agreements would end at once',
      fileName: 'participatingAgencies05042025pm.xlsx',
      columns: PARTICIPATING_COLUMNS,
      rows: SEED_LISTS[4]!.rows.slice(0, 1),
      reason: /would end 4 of 5 active agreements/,
    },
    {
      name: 'stale re-post: a column newer lists have is missing',
      fileName: 'participatingAgencies05052025pm.xlsx',
      columns: PARTICIPATING_COLUMNS.filter((column) => column !== 'COUNTY'),
      rows: SEED_LISTS[4]!.rows.map((row) => row.filter((_cell, index) => index !== 3)),
      reason: /stale re-post: it has no COUNTY column/,
    },
  ];
  // The mass-ending case needs 20+ active agreements to judge; pad the history first. (A list dated before an
  // applied one is no anomaly: it takes its place in history, test/ingestion/late-lists.test.ts.)
  const padding = Array.from({ length: 20 }, (_, index) => [
    'ALABAMA',
    `Town ${index + 1} Police Department`,
    'Municipality',
    'Jefferson County',
    'Task Force Model',
    new Date('2025-03-01T00:00:00Z'),
    null,
  ]);
  const padded = await ingestList(db.pool, {
    buffer: await buildList({ columns: PARTICIPATING_COLUMNS, rows: [...SEED_LISTS[4]!.rows, ...padding] }),
    fileName: 'participatingAgencies05022025pm.xlsx',
  });
  t.equal(padded.outcome, 'applied');
  cases[3]!.reason = /would end 24 of 25 active agreements/;
  const afterPadding = await agreementsSnapshot(db.pool);
  t.notSame(afterPadding, agreementsBefore);

  for (const item of cases) {
    const report = await ingestList(db.pool, {
      buffer: await buildList({ columns: item.columns, rows: item.rows as never }),
      fileName: item.fileName,
      lastModified: item.lastModified ?? null,
    });
    t.equal(report.outcome, 'quarantined', item.name);
    t.match(report.reason, item.reason, item.name);
    t.equal(report.suggestedListDate, item.suggested ?? null, `${item.name}: the date it would use with --list-date`);
    const stored = await one<{ status: string; status_reason: string; row_count: number }>(
      db.pool,
      'SELECT status, status_reason, row_count FROM source_lists WHERE sha256 = $1',
      [report.sha256],
    );
    t.equal(stored.status, 'quarantined', `${item.name}: stored as quarantined`);
    t.match(stored.status_reason, item.reason);
    const agreementsNow = await agreementsSnapshot(db.pool);
    t.same(agreementsNow, afterPadding, `${item.name}: no agreement changed`);
  }

  // After review, --force applies a quarantined list (here: the misdated one).
  const misdated = cases[0]!;
  const forced = await ingestList(
    db.pool,
    {
      buffer: await buildList({ columns: misdated.columns, rows: misdated.rows as never }),
      fileName: misdated.fileName,
    },
    { force: true },
  );
  t.equal(forced.outcome, 'applied', '--force applies a quarantined list');
  const status = await one<{ status: string }>(db.pool, 'SELECT status FROM source_lists WHERE sha256 = $1', [
    forced.sha256,
  ]);
  t.equal(status.status, 'applied');
});

t.test('bad input is refused with one clear line and changes nothing', async (t) => {
  const db = await testDatabase(t);
  await seedHistory(db.pool);
  const before = await snapshot(db.pool);
  const cases: [string, Buffer, RegExp][] = [
    ['text file', Buffer.from('STATE,AGENCY\nTEXAS,x\n'), /not an xlsx|not a spreadsheet|xlsx/i],
    ['no header', await buildList({ columns: ['FOO', 'BAR'], rows: [['a', 'b']] }), /header/i],
  ];
  for (const [name, buffer, message] of cases) {
    const error = await ingestList(db.pool, { buffer, fileName: 'participatingAgencies06012025pm.xlsx' }).catch(
      (caught: unknown) => caught,
    );
    t.ok(error instanceof IngestInputError, `${name}: an input error`);
    t.match((error as Error).message, message, name);
    t.notOk((error as Error).message.includes('\n'), `${name}: one line`);
  }
  const undated = await ingestList(db.pool, {
    buffer: await buildList({ columns: PARTICIPATING_COLUMNS, rows: SEED_LISTS[0]!.rows }),
    fileName: 'some-list.xlsx',
  }).catch((caught: unknown) => caught);
  t.match((undated as Error).message, /no list date in the file name; pass --list-date/);
  t.same(await snapshot(db.pool), before, 'the database is exactly as it was');
});

t.test(
  'a header-only list is a list with no rows: an empty pending list is held back by the mass-ending rule',
  async (t) => {
    const db = await testDatabase(t);
    const applications = Array.from({ length: 24 }, (_, i) => [
      'TEXAS',
      `Town ${i + 1} Police Department`,
      'Municipality',
      'Harris County',
      'Task Force Model',
    ]);
    const first = await ingestList(db.pool, {
      buffer: await buildList({ columns: PENDING_COLUMNS, rows: applications }),
      fileName: 'pendingAgencies11032025pm.xlsx',
    });
    t.equal(first.outcome, 'applied');
    const empty = await ingestList(db.pool, {
      buffer: await buildList({ columns: PENDING_COLUMNS, rows: [] }),
      fileName: 'pendingAgencies11062025pm.xlsx',
    });
    t.match(empty, {
      outcome: 'quarantined',
      reason: /^would end 24 of 24 pending applications \(100%\) at once/,
      counts: { rows: 0, agreements_confirmed: 0, skipped_rows: 0 },
    });
    const pending = await one<{ n: number }>(
      db.pool,
      "SELECT count(*)::int AS n FROM agreements WHERE status = 'pending'",
    );
    t.equal(pending.n, 24, 'no application was withdrawn');

    // Fewer than 20 open: a list with rows may end them all, a header-only list may not.
    const few = await testDatabase(t);
    await ingestList(few.pool, {
      buffer: await buildList({ columns: PENDING_COLUMNS, rows: applications.slice(0, 3) }),
      fileName: 'pendingAgencies11032025pm.xlsx',
    });
    const emptied = await ingestList(few.pool, {
      buffer: await buildList({ columns: PENDING_COLUMNS, rows: [] }),
      fileName: 'pendingAgencies11062025pm.xlsx',
    });
    t.match(emptied, { outcome: 'quarantined', reason: /^would end 3 of 3 pending applications \(100%\) at once/ });

    // With nothing open, an empty list changes nothing and is applied.
    const fresh = await testDatabase(t);
    const nothing = await ingestList(fresh.pool, {
      buffer: await buildList({ columns: PARTICIPATING_COLUMNS, rows: [] }),
      fileName: 'participatingAgencies06012025pm.xlsx',
    });
    t.match(nothing, { outcome: 'applied', counts: { rows: 0, added: 0, ended: 0 } });
  },
);

t.test('a dry run reports the changes and writes nothing', async (t) => {
  const db = await testDatabase(t);
  await seedHistory(db.pool, SEED_LISTS.slice(0, 2));
  const before = await snapshot(db.pool);
  const april = SEED_LISTS[2]!;
  const report = await ingestList(
    db.pool,
    { buffer: await buildList({ columns: april.columns, rows: april.rows }), fileName: april.fileName },
    { dryRun: true },
  );
  t.equal(report.outcome, 'dry_run');
  t.match(report.counts, { renewed: 1, ended: 1, promoted: 1 });
  t.equal(report.reason, null, 'it would be applied');
  t.same(await snapshot(db.pool), before);
});

t.test('a failure in the middle of applying leaves the database as it was', async (t) => {
  const db = await testDatabase(t);
  await seedHistory(db.pool, SEED_LISTS.slice(0, 2));
  const before = await snapshot(db.pool);
  // A trigger that fails the event insert: the list, agencies and agreements written before it must roll back.
  await db.pool.query(
    `CREATE FUNCTION fail_event() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$`,
  );
  await db.pool.query(
    'CREATE TRIGGER fail_event BEFORE INSERT ON agreement_events FOR EACH STATEMENT EXECUTE FUNCTION fail_event()',
  );
  const april = SEED_LISTS[2]!;
  await t.rejects(
    ingestList(db.pool, {
      buffer: await buildList({ columns: april.columns, rows: april.rows }),
      fileName: april.fileName,
    }),
    /disk full/,
  );
  t.same(await snapshot(db.pool), before);
});
