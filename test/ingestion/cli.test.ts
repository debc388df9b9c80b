// `npm run ingest` as a user runs it: a real process, a real database, real
// files and a real HTTP server; exit codes and output checked.
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { buildList } from '../helpers/build-list.ts';
import { testDatabase } from '../helpers/database.ts';
import { PARTICIPATING_COLUMNS, SEED_LISTS } from '../helpers/fixtures.ts';
import { startIceSite } from '../helpers/ice-site.ts';
import { ingestCli as ingest, runCli } from '../helpers/processes.ts';
import { tempDir } from '../helpers/temp-dir.ts';

async function count(pool: import('pg').Pool, table: string): Promise<number> {
  const result = await pool.query(`SELECT count(*)::int AS n FROM ${table}`);
  return result.rows[0].n;
}

t.test('--dir backfills in list-date order, and a second run is a no-op', async (t) => {
  const db = await testDatabase(t);
  const dir = await tempDir(t, 'lists');
  await mkdir(join(dir, 'nested'));
  // Written in reverse so that only sorting by list date gives the right history.
  for (const [index, list] of [...SEED_LISTS].reverse().entries()) {
    const folder = index % 2 === 0 ? dir : join(dir, 'nested');
    await writeFile(join(folder, list.fileName), await buildList({ columns: list.columns, rows: list.rows }));
  }
  const first = await ingest(['--dir', dir], { DATABASE_URL: db.url });
  t.equal(first.code, 0, first.stderr);
  t.match(first.stdout, /5 lists: 5 applied, 0 quarantined, 0 set aside by review, 0 already known/);
  t.match(first.stdout, /1 renewed, 1 ended/);
  const events = await count(db.pool, 'agreement_events');

  const second = await ingest(['--dir', dir], { DATABASE_URL: db.url });
  t.equal(second.code, 0);
  t.match(second.stdout, /5 lists: 0 applied, 0 quarantined, 0 set aside by review, 5 already known/);
  t.equal(await count(db.pool, 'agreement_events'), events, 'nothing written the second time');
});

t.test('exit codes: 3 quarantined, 2 bad input, with one clear line; --json is machine-readable', async (t) => {
  const db = await testDatabase(t);
  const dir = await tempDir(t, 'lists');
  const misdated = join(dir, 'participatingAgencies01052025pm.xlsx');
  await writeFile(
    misdated,
    await buildList({
      columns: PARTICIPATING_COLUMNS,
      rows: [
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
    }),
  );
  const quarantined = await ingest(['--file', misdated, '--json'], { DATABASE_URL: db.url });
  t.equal(quarantined.code, 3, 'quarantined: exit 3');
  const report = JSON.parse(quarantined.stdout);
  t.equal(report.lists[0].outcome, 'quarantined');
  t.match(report.lists[0].reason, /^misdated/);
  t.equal(await count(db.pool, 'agreements'), 0);

  const text = join(dir, 'participatingAgencies01062025pm.xlsx');
  await writeFile(text, 'STATE,AGENCY\n');
  const bad = await ingest(['--file', text], { DATABASE_URL: db.url });
  t.equal(bad.code, 2, 'bad input: exit 2');
  t.match(bad.stdout + bad.stderr, /participatingAgencies01062025pm\.xlsx: .*xlsx/i);

  const usage = await ingest(['--kind', 'nonsense', '--file', misdated], { DATABASE_URL: db.url });
  t.equal(usage.code, 2);
  t.match(usage.stderr.split('\n')[0], /^ingest: --kind: /);
  const two = await ingest(['--file', misdated, '--dir', dir], { DATABASE_URL: db.url });
  t.equal(two.code, 2);
  t.match(two.stderr, /exactly one of --file, --dir, --url, --latest/);
  const missing = await ingest(['--file', join(dir, 'nope.xlsx')], { DATABASE_URL: db.url });
  t.equal(missing.code, 2);
  t.match(missing.stderr, /no such file/);
  t.equal(await count(db.pool, 'source_lists'), 1, 'only the quarantined list was recorded');
});

t.test('--dry-run prints the changes and writes nothing; --list-date and --kind override the file name', async (t) => {
  const db = await testDatabase(t);
  const dir = await tempDir(t, 'lists');
  const file = join(dir, 'export.xlsx');
  await writeFile(file, await buildList({ columns: PARTICIPATING_COLUMNS, rows: SEED_LISTS[0]!.rows }));
  const dry = await ingest(['--file', file, '--list-date', '2025-03-01', '--dry-run'], { DATABASE_URL: db.url });
  t.equal(dry.code, 0, dry.stderr);
  t.match(dry.stdout, /dry run export\.xlsx \(participating, 2025-03-01\): would apply; 5 rows: \+5 added/);
  t.equal(await count(db.pool, 'source_lists'), 0);

  const real = await ingest(['--file', file, '--list-date', '2025-03-01', '--kind', 'participating'], {
    DATABASE_URL: db.url,
  });
  t.equal(real.code, 0);
  const stored = await db.pool.query('SELECT list_date, list_date_source::text FROM source_lists');
  t.same(stored.rows, [{ list_date: '2025-03-01', list_date_source: 'argument' }]);

  const badDate = await ingest(['--file', file, '--list-date', '2025-02-30'], { DATABASE_URL: db.url });
  t.equal(badDate.code, 2);
  t.match(badDate.stderr, /--list-date/);
});

t.test(
  '`npm run ingest` dates a time-stamped ICE file name by its MMDDYYYY, not by the clock time after it',
  async (t) => {
    const db = await testDatabase(t);
    const dir = await tempDir(t, 'lists');
    const file = join(dir, 'participatingAgencies05192026am 12.15.07 AM.xlsx');
    await writeFile(file, await buildList({ columns: PARTICIPATING_COLUMNS, rows: SEED_LISTS[0]!.rows }));
    // Through npm itself, exactly as the README's command runs it.
    const run = await runCli('npm', ['run', '--silent', 'ingest', '--', '--file', file, '--dry-run', '--json'], {
      DATABASE_URL: db.url,
    });
    t.equal(run.code, 0, run.stderr);
    const [report] = JSON.parse(run.stdout).lists;
    t.equal(report.listDate, '2026-05-19', 'not 2007-12-15');
    t.equal(report.listDateSource, 'file_name');
    t.equal(report.outcome, 'dry_run');
    t.equal(report.reason, null, 'nothing to hold it for');
    t.equal(await count(db.pool, 'source_lists'), 0, 'a dry run writes nothing');
  },
);

t.test(
  'a misdated list: the CLI says which date it would use with --list-date, and that date applies it',
  async (t) => {
    const db = await testDatabase(t);
    const dir = await tempDir(t, 'lists');
    // ICE's real mistake: January 2026 content under a 2025 name.
    const file = join(dir, 'participatingAgencies01062025pm.xlsx');
    await writeFile(
      file,
      await buildList({
        columns: PARTICIPATING_COLUMNS,
        rows: [
          [
            'TEXAS',
            "Bexar County Sheriff's Office",
            'County',
            'Bexar County',
            'Task Force Model',
            new Date('2026-01-02T00:00:00Z'),
            null,
          ],
        ],
      }),
    );
    const held = await ingest(['--file', file], { DATABASE_URL: db.url });
    t.equal(held.code, 3);
    t.match(
      held.stdout,
      /QUARANTINED participatingAgencies01062025pm\.xlsx \(participating, 2025-01-06\): misdated: dated 2025-01-06 but a row was signed on 2026-01-02; review it, then ingest it again with --list-date 2026-01-06/,
    );
    const fixed = await ingest(['--file', file, '--list-date', '2026-01-06'], { DATABASE_URL: db.url });
    t.equal(fixed.code, 0, fixed.stderr);
    const stored = await db.pool.query('SELECT list_date, status::text, list_date_source::text FROM source_lists');
    t.same(stored.rows, [{ list_date: '2026-01-06', status: 'applied', list_date_source: 'argument' }]);
  },
);

t.test('--url and --latest download lists, with conditional GETs', async (t) => {
  const db = await testDatabase(t);
  const list = await buildList({ columns: PARTICIPATING_COLUMNS, rows: SEED_LISTS[0]!.rows });
  const site = await startIceSite(t, list, 'participatingAgencies03012025pm.xlsx');
  const { base, hits } = site;

  const latest = await ingest(['--latest'], { DATABASE_URL: db.url, INGEST_SOURCE_URL: site.pageUrl });
  t.equal(latest.code, 0, latest.stderr);
  t.match(
    latest.stdout,
    /applied participatingAgencies03012025pm\.xlsx \(participating, 2025-03-01\)/,
    'the name comes from Content-Disposition',
  );
  const stored = await db.pool.query('SELECT file_name, url FROM source_lists');
  t.same(stored.rows, [
    { file_name: 'participatingAgencies03012025pm.xlsx', url: `${base}/file-download/download/public/12345` },
  ]);

  const again = await ingest(['--url', `${base}/file-download/download/public/12345`], { DATABASE_URL: db.url });
  t.equal(again.code, 0);
  t.match(again.stdout, /unchanged since the last download/);
  t.ok(hits.at(-1)?.conditional, 'the second download was conditional');

  const broken = await ingest(['--url', `${base}/missing.xlsx`], { DATABASE_URL: db.url });
  t.equal(broken.code, 1);
  t.equal(
    broken.stderr.trim(),
    `ingest: download failed: ${base}/missing.xlsx: not found (404); not retried until the next run`,
  );
});

t.test(
  '--latest as ICE really serves it: a moved page, a SafeLinks-wrapped link, a time-stamped file name',
  async (t) => {
    const db = await testDatabase(t);
    const safelink = (url: string) =>
      `https://gcc02.safelinks.protection.outlook.com/?url=${encodeURIComponent(url)}&amp;data=05%7C02%7CERO287g%40ice.dhs.gov&amp;reserved=0`;
    const moa = 'https://www.ice.gov/doclib/287gMOA/ColbertCoSheriffsOfficeAL_JEM_MOA_05.08.2025.pdf';
    const list = await buildList({
      columns: PARTICIPATING_COLUMNS,
      rows: [
        [
          'ALABAMA',
          "Colbert County Sheriff's Office",
          'County',
          'Colbert County',
          'Jail Enforcement Model',
          new Date('2025-05-08T00:00:00Z'),
          { text: 'link', hyperlink: safelink(moa) },
        ],
      ],
    });
    const site = await startIceSite(t, list, 'unused.xlsx');
    site.moved = true;
    site.movedList = {
      buffer: list,
      fileName: 'participatingAgencies04212026am 12.15.07 AM.xlsx',
      lastModified: 'Tue, 21 Apr 2026 04:15:07 GMT',
    };

    const run = await ingest(['--latest'], { DATABASE_URL: db.url, INGEST_SOURCE_URL: site.pageUrl });
    t.equal(run.code, 0, run.stderr);
    t.match(run.stdout, /applied participatingAgencies04212026am 12\.15\.07 AM\.xlsx \(participating, 2026-04-21\)/);
    const stored = await db.pool.query('SELECT url, list_date, list_date_source::text FROM source_lists');
    t.same(
      stored.rows,
      [
        {
          url: `${site.base}/doclib/about/offices/ero/287g/participatingAgencies04212026am%2012.15.07%20AM.xlsx`,
          list_date: '2026-04-21',
          list_date_source: 'file_name',
        },
      ],
      'the unwrapped link, found on the page the old address moved to',
    );
    t.ok(
      site.hits.some((hit) => hit.url === '/identify-and-arrest/287g-program'),
      'the redirect was followed',
    );
    const agreement = await db.pool.query('SELECT moa_url FROM agreements');
    t.same(agreement.rows, [{ moa_url: moa }], 'the MOA link is stored unwrapped');
    const check = await db.pool.query('SELECT outcome::text, trigger, detail FROM source_checks');
    t.same(
      check.rows,
      [{ outcome: 'succeeded', trigger: 'cli', detail: '1 list: 1 applied' }],
      'the check is recorded for /v1/status',
    );
  },
);

t.test(
  '--latest retries 503s and timeouts with back-off; a 403 ends the run at once with one line naming the URL',
  async (t) => {
    const db = await testDatabase(t);
    const site = await startIceSite(
      t,
      await buildList({ columns: PARTICIPATING_COLUMNS, rows: SEED_LISTS[0]!.rows }),
      'participatingAgencies03012025pm.xlsx',
    );
    site.pageFailures.push(503, 503);
    const env = { DATABASE_URL: db.url, INGEST_SOURCE_URL: site.pageUrl, INGEST_RETRY_DELAY: '1ms' };
    const retried = await ingest(['--latest'], env);
    t.equal(retried.code, 0, retried.stderr);
    t.match(retried.stdout, /applied participatingAgencies03012025pm\.xlsx/);
    t.equal(site.hits.filter((hit) => hit.url === '/identify-and-arrest/287g').length, 3, 'two 503s, then the page');

    // A server that never answers: the attempt times out (a fifth of the run's limit: 2 s, ample for a local
    // answer on a busy machine) and is retried.
    site.pageHangs = 1;
    const hung = await ingest(['--latest'], { ...env, INGEST_RUN_TIMEOUT: '10s' });
    t.equal(hung.code, 0, hung.stderr);
    t.match(hung.stdout, /unchanged since the last download/);

    // ICE's CDN refuses a client that does not look like a browser.
    const hitsBefore = site.hits.length;
    const refused = await ingest(['--latest'], { ...env, INGEST_USER_AGENT: 'ice-287g-api ingestion (open data)' });
    t.equal(refused.code, 1);
    t.equal(
      refused.stderr.trim(),
      `ingest: download failed: ${site.pageUrl}: refused (403 Forbidden); not retried until the next run`,
    );
    t.equal(site.hits.length, hitsBefore + 1, 'asked once: a 403 is not retried');

    // Every attempt fails: the run gives up within its time limit, saying why. Back-offs of 0.5-1 s, 1-2 s, 2-4 s
    // and 4-8 s: the first always fits in 5 s, the fourth never does, whatever the machine's speed.
    site.pageFailures.push(...Array(10).fill(503));
    const outOfTime = await ingest(['--latest'], { ...env, INGEST_RETRY_DELAY: '1s', INGEST_RUN_TIMEOUT: '5s' });
    site.pageFailures.length = 0;
    t.equal(outOfTime.code, 1);
    // Which words depend on where the limit fell (before a back-off, or during an attempt); that it was the time limit does not.
    t.match(outOfTime.stderr, /the run's time limit \(5 s\) (leaves no time to retry|ran out)/);

    const checks = await db.pool.query('SELECT outcome::text, retries FROM source_checks ORDER BY id');
    t.same(
      checks.rows.slice(0, 3).map((row) => [row.outcome, row.retries]),
      [
        ['succeeded', 2],
        ['succeeded', 1],
        ['failed', 0],
      ],
    );
    // How many jittered retries fit in the time limit varies (1 to 3); that it ran out is what counts.
    t.equal(checks.rows[3].outcome, 'failed');
    t.ok(checks.rows[3].retries >= 1, 'it retried before the time limit ran out');
  },
);

t.test(
  "--historical: after ICE's lists only, with one clear line; then loaded, and a second run is a no-op",
  async (t) => {
    const db = await testDatabase(t);
    const fixtures = new URL('../fixtures/historical/', import.meta.url).pathname;
    const early = await ingest(['--historical', fixtures], { DATABASE_URL: db.url });
    t.equal(early.code, 2, 'before any ICE list: bad input');
    t.match(early.stderr, /^ingest: load ICE's lists first/);
    t.equal(await count(db.pool, 'historical_sources'), 0);
    const both = await ingest(['--historical', fixtures, '--latest'], { DATABASE_URL: db.url });
    t.match(both.stderr, /exactly one of --file, --dir, --url, --latest, --historical/);

    const dir = await tempDir(t, 'lists');
    const list = join(dir, 'participatingAgencies01132021.xlsx');
    await writeFile(
      list,
      await buildList({
        columns: PARTICIPATING_COLUMNS,
        rows: [
          [
            'FLORIDA',
            "Collier County Sheriff's Office",
            'County',
            'Collier County',
            'Jail Enforcement Model',
            new Date('2016-06-23T00:00:00Z'),
            null,
          ],
        ],
      }),
    );
    t.equal((await ingest(['--file', list], { DATABASE_URL: db.url })).code, 0);
    const loaded = await ingest(['--historical', fixtures], { DATABASE_URL: db.url });
    t.equal(loaded.code, 0, loaded.stderr);
    t.match(loaded.stdout, /^loaded 4 historical sources, up to ICE's first list of 2021-01-13/);
    const again = await ingest(['--historical', fixtures, '--json'], { DATABASE_URL: db.url });
    t.match(JSON.parse(again.stdout), { outcome: 'unchanged' });
    t.equal(await count(db.pool, 'source_lists'), 1, 'no ICE list added');
  },
);
