import { readFileSync } from 'node:fs';
import t from 'tap';
import { kindFromFileName, listDateFromFileName } from '../../../src/ingestion/lists/parse/index.ts';

/** test/fixtures/ice-file-names.tsv: every ICE file name found (the archive's manifest and peers' archives). */
function fileNameTable(): {
  name: string;
  kind: string | null;
  date: string | null;
  time: string | null;
  source: string;
}[] {
  const lines = readFileSync(new URL('../../fixtures/ice-file-names.tsv', import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'));
  return lines.slice(1).map((line) => {
    const [name, kind, date, time, source] = line.split('\t');
    return { name: name!, kind: kind || null, date: date || null, time: time || null, source: source! };
  });
}

t.test('every ICE file name found in public archives is read with its right date, kind and time', async (t) => {
  const table = fileNameTable();
  t.ok(table.length > 1300, `${table.length} names`);
  const wrong: string[] = [];
  for (const row of table) {
    const got = listDateFromFileName(row.name);
    const kind = kindFromFileName(row.name);
    if ((got?.date ?? null) !== row.date || (got?.time ?? null) !== row.time || kind !== row.kind) {
      wrong.push(
        `${row.name} (${row.source}): got ${got?.date ?? '-'} ${got?.time ?? '-'} ${kind ?? '-'}, want ${row.date ?? '-'} ${row.time ?? '-'} ${row.kind ?? '-'}`,
      );
    }
  }
  t.same(wrong, [], 'no name read wrong');
});

t.test('the real variants that broke the old reading', async (t) => {
  t.same(
    listDateFromFileName('participatingAgencies04212026am 12.15.07 AM.xlsx'),
    { date: '2026-04-21', time: 'am', timestamp: false },
    'a save time after the part of day is not 2007-12-15',
  );
  t.same(
    listDateFromFileName('participatingAgencies05192026am%2012.15.07%20AM.xlsx'),
    { date: '2026-05-19', time: 'am', timestamp: false },
    'URL-encoded',
  );
  t.equal(listDateFromFileName('287gParticipatingAgencies091526pm.xlsx')?.date, '2026-09-15', 'two-digit year');
  t.equal(listDateFromFileName('participatingAgencies04232026.xlsx')?.time, null, 'no am/pm');
  t.equal(listDateFromFileName('pendingAgencies10292025pmB.xlsx')?.date, '2025-10-29', 'letter suffix');
  t.equal(listDateFromFileName('participatingAgencies09112026_2.xlsx')?.time, null, 'a number suffix is no time');
  t.equal(listDateFromFileName('pendingAgencies03113025am.xlsx'), null, 'year 3025 is no date');
});

t.test('ICE file names: MMDDYYYY with am/pm/mid or nothing, and re-upload suffixes', async (t) => {
  const cases: [string, string, string | null][] = [
    ['participatingAgencies01052025pm.xlsx', '2025-01-05', 'pm'],
    ['pendingAgencies02272026am.xlsx', '2026-02-27', 'am'],
    ['participatingAgencies12052025mid.xlsx', '2025-12-05', 'mid'],
    ['participatingAgencies11122025.xlsx', '2025-11-12', null],
    ['participatingAgencies12042025pm2.xlsx', '2025-12-04', 'pm'],
    ['participatingAgencies05122025amB.xlsx', '2025-05-12', 'am'],
    ['participatingAgencies07242025pm_b.xlsx', '2025-07-24', 'pm'],
    ['pendingAgencies06112025pm copy.xlsx', '2025-06-11', 'pm'],
    ['pendingAgencies06112025pm%20copy.xlsx', '2025-06-11', 'pm'],
    ['/some/dir/ParticipatingAgencies01052025PM.XLSX', '2025-01-05', 'pm'],
    ['participatingAgency010525pm.xlsx', '2025-01-05', 'pm'],
    ['participatingAgencies01052025_1430.xlsx', '2025-01-05', '14:30'],
    ['participatingAgencies01052025 2pm.xlsx', '2025-01-05', '14:00'],
    ['participating-agencies-2025-01-05.xlsx', '2025-01-05', null],
    ['participating_agencies_1-5-2025_am.xlsx', '2025-01-05', 'am'],
  ];
  for (const [name, date, time] of cases) {
    const got = listDateFromFileName(name);
    t.equal(got?.date, date, `${name}: date`);
    t.equal(got?.time ?? null, time, `${name}: time`);
    t.equal(got?.timestamp, false, `${name}: not a timestamp`);
  }
});

t.test('14-digit capture timestamps give the date and HH:MM, flagged as timestamps', async (t) => {
  t.same(listDateFromFileName('ParticipatingEntities-20210113002027.xlsx'), {
    date: '2021-01-13',
    time: '00:20',
    timestamp: true,
  });
  t.same(listDateFromFileName('pendingAgencies-20250221214937.xlsx'), {
    date: '2025-02-21',
    time: '21:49',
    timestamp: true,
  });
});

t.test('no date in the name: null', async (t) => {
  t.equal(listDateFromFileName('participatingAgencies.xlsx'), null);
  t.equal(listDateFromFileName('list.xlsx'), null);
  t.equal(listDateFromFileName('participatingAgencies13452025pm.xlsx'), null, 'month 13 is no date');
  t.equal(listDateFromFileName('participatingAgencies02302025pm.xlsx'), null, 'February 30 is no date');
});

t.test('kind from the file name', async (t) => {
  t.equal(kindFromFileName('participatingAgencies01052025pm.xlsx'), 'participating');
  t.equal(kindFromFileName('ParticipatingEntities-20210113002027.xlsx'), 'participating');
  t.equal(kindFromFileName('ParticipatingAgency01052025pm.xlsx'), 'participating');
  t.equal(kindFromFileName('pendingAgencies01052025pm.xlsx'), 'pending');
  t.equal(kindFromFileName('287g-Pending-Applications.xlsx'), 'pending');
  t.equal(kindFromFileName('/tmp/pending/list.xlsx'), null, 'only the base name counts');
  t.equal(kindFromFileName('agreements.xlsx'), null);
});
