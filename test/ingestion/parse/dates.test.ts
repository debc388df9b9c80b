import t from 'tap';
import { parseDateCell } from '../../../src/ingestion/lists/parse/index.ts';

t.test('date cells, serials, ISO and US text', async (t) => {
  t.same(parseDateCell(new Date('2025-05-08T00:00:00.000Z')), { date: '2025-05-08' });
  t.same(
    parseDateCell(new Date('2025-05-07T23:59:59.999Z')),
    { date: '2025-05-08' },
    'float error before midnight is rounded',
  );
  t.same(parseDateCell(45922), { date: '2025-09-22' }, 'Excel serial');
  t.same(parseDateCell(45922.75), { date: '2025-09-22' }, 'serial with a time of day');
  t.same(parseDateCell(44460, { date1904: true }), { date: '2025-09-22' }, '1904 date system: 1,462 days later epoch');
  t.same(parseDateCell('2016-06-08'), { date: '2016-06-08' }, 'ISO (HTML-era lists)');
  t.same(parseDateCell('2016-06-08T00:00:00Z'), { date: '2016-06-08' });
  t.same(parseDateCell('5/8/2025'), { date: '2025-05-08' });
  t.same(parseDateCell(' 05/08/25 '), { date: '2025-05-08' });
  t.same(parseDateCell('05-08-2025'), { date: '2025-05-08' });
  t.same(parseDateCell('May 8, 2025'), { date: '2025-05-08' });
  t.same(parseDateCell('Sept. 8 2025'), { date: '2025-09-08' });
  t.same(parseDateCell('8-May-25'), { date: '2025-05-08' });
  t.same(
    parseDateCell({ formula: 'DATE(2025,5,8)', result: new Date('2025-05-08T00:00:00Z') }),
    { date: '2025-05-08' },
    'formula result',
  );
  t.same(
    parseDateCell({ richText: [{ text: '5/8/' }, { text: '2025' }] }),
    { date: '2025-05-08' },
    'rich text runs joined',
  );
});

t.test('empty cells: null without an issue', async (t) => {
  t.same(parseDateCell(null), { date: null });
  t.same(parseDateCell(undefined), { date: null });
  t.same(parseDateCell('  '), { date: null });
  t.same(parseDateCell('\u00a0'), { date: null });
});

t.test('typos seen in ICE lists: guessed, with an issue', async (t) => {
  for (const [raw, date] of [
    ['05/082025', '2025-05-08'],
    ['7/72025', '2025-07-07'],
    ['0508/2025', '2025-05-08'],
    ['5//8/2025', '2025-05-08'],
    ['05/08/5025', '2025-05-08'],
  ] as const) {
    const read = parseDateCell(raw);
    t.equal(read.date, date, `${raw} -> ${date}`);
    t.type(read.issue, 'string', `${raw}: the guess is reported`);
  }
  const year5025 = parseDateCell(new Date('5025-07-01T00:00:00Z'));
  t.equal(year5025.date, '2025-07-01', 'a date cell typed with year 5025');
  t.match(year5025.issue, /5025/);
});

t.test('impossible or unreadable dates: null with an issue', async (t) => {
  for (const raw of ['02/30/2025', '13/01/2025', '2025-02-29', 'soon', 'TBD', '1/1/1850']) {
    const read = parseDateCell(raw);
    t.equal(read.date, null, raw);
    t.type(read.issue, 'string', `${raw}: reported`);
  }
  t.equal(parseDateCell(0.5).date, null, 'a bare time of day');
  t.equal(parseDateCell(new Date(Number.NaN)).date, null);
  t.equal(parseDateCell({ error: '#VALUE!' }).date, null);
});
