import t from 'tap';
import { kindFromFileName, listDateFromFileName } from '../../../src/ingestion/parse/index.ts';

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
  t.same(listDateFromFileName('ParticipatingEntities-20210113002027.xlsx'), { date: '2021-01-13', time: '00:20', timestamp: true });
  t.same(listDateFromFileName('pendingAgencies-20250221214937.xlsx'), { date: '2025-02-21', time: '21:49', timestamp: true });
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
