// CSV cells: quoting per RFC 4180, and formula injection neutralized.
import type { Readable } from 'node:stream';
import t from 'tap';
import { csvCell, csvLine, csvStream, fieldColumns } from '../../src/renderers/csv.ts';

t.test('cells that a spreadsheet would run are neutralized', async (t) => {
  for (const dangerous of ['=1+2', '+1+2', '-1+2', '@SUM(A1)', '\t=1', '\r=1', '=HYPERLINK("http://x","y")']) {
    const cell = csvCell(dangerous);
    const unquoted = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
    t.equal(unquoted[0], "'", `${JSON.stringify(dangerous)} starts with an apostrophe`);
    t.equal(unquoted.slice(1), dangerous, 'and keeps its text');
  }
  t.equal(csvCell(-3), '-3', 'a real negative number stays a number');
  t.equal(csvCell('Harris County'), 'Harris County');
  t.equal(csvCell('2025-01-01'), '2025-01-01');
});

t.test('quoting', async (t) => {
  t.equal(csvCell('a,b'), '"a,b"');
  t.equal(csvCell('say "hi"'), '"say ""hi"""');
  t.equal(csvCell('two\nlines'), '"two\nlines"');
  t.equal(csvCell(null), '');
  t.equal(csvCell(undefined), '');
  t.equal(csvCell(true), 'true');
  t.equal(csvCell(['task_force', 'jail_enforcement']), 'task_force;jail_enforcement');
  t.equal(csvCell({ a: 1 }), '"{""a"":1}"');
  t.equal(csvLine(['a', 1, null]), 'a,1,\r\n', 'CRLF line ends');
});

t.test('a stream writes the header, then every batch', async (t) => {
  async function* batches() {
    yield [{ id: 'a', n: 1 }];
    yield [];
    yield [
      { id: 'b', n: 2 },
      { id: '=c', n: 3 },
    ];
  }
  const stream: Readable = csvStream(fieldColumns<{ id: string; n: number }>(['id', 'n']), batches());
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  t.equal(text, "id,n\r\na,1\r\nb,2\r\n'=c,3\r\n");
});
