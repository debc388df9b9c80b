import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import t, { type Test } from 'tap';
import { buildList } from '../../helpers/build-list.ts';
import {
  ListInputError,
  parseListBuffer,
  parseListFile,
  type ListInputErrorCode,
} from '../../../src/ingestion/lists/parse/index.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

interface Entry {
  name: string;
  data: Buffer;
  /** Store (method 0) instead of deflating. */
  stored?: boolean;
  /** Lie about the uncompressed size in both headers. */
  declaredSize?: number;
}

/** A minimal zip writer, so tests can make archives exceljs never would. */
function makeZip(entries: Entry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const body = entry.stored ? entry.data : deflateRawSync(entry.data);
    const size = entry.declaredSize ?? entry.data.length;
    const crc = crc32(entry.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(entry.stored ? 0 : 8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(entry.stored ? 0 : 8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const xml = (text: string): Buffer => Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>${text}`);

async function rejectsWith(
  t: Test,
  promise: Promise<unknown>,
  code: ListInputErrorCode,
  message: RegExp,
): Promise<void> {
  try {
    await promise;
    t.fail(`expected ListInputError(${code})`);
  } catch (error) {
    t.type(error, ListInputError);
    t.equal((error as ListInputError).code, code, (error as Error).message);
    t.match((error as Error).message, message);
    t.notOk((error as Error).message.includes('\n'), 'a one-line message');
  }
}

t.test('not an xlsx: text, HTML error pages, legacy xls, empty files', async (t) => {
  await rejectsWith(
    t,
    parseListBuffer(Buffer.from('STATE,LAW ENFORCEMENT AGENCY\nTEXAS,Lubbock\n')),
    'not_xlsx',
    /not an xlsx file/,
  );
  await rejectsWith(
    t,
    parseListBuffer(Buffer.from('<!DOCTYPE html><html><body>Access Denied</body></html>')),
    'not_xlsx',
    /HTML page/,
  );
  await rejectsWith(
    t,
    parseListBuffer(Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(504)])),
    'not_xlsx',
    /legacy \.xls/,
  );
  await rejectsWith(t, parseListBuffer(Buffer.alloc(0)), 'not_xlsx', /empty/);
  await rejectsWith(
    t,
    parseListBuffer(makeZip([{ name: 'readme.txt', data: Buffer.from('hello') }])),
    'not_xlsx',
    /without xl\/workbook\.xml/,
  );
});

t.test('a text file on disk, through parseListFile', async (t) => {
  const dir = await tempDir(t, 'parse');
  const path = join(dir, 'participatingAgencies01052025pm.xlsx');
  await writeFile(path, 'this is not a spreadsheet');
  await rejectsWith(t, parseListFile(path), 'not_xlsx', /not an xlsx file/);
  await rejectsWith(t, parseListFile(path, { maxFileBytes: 10 }), 'too_large', /file too large/);
});

t.test('corrupt: a truncated download, and a zip that holds no readable workbook', async (t) => {
  const good = await buildList({
    rows: [
      ['TEXAS', "Lubbock County Sheriff's Office", 'County', 'Lubbock County', 'Task Force Model', null, null, null],
    ],
  });
  await rejectsWith(t, parseListBuffer(good.subarray(0, Math.floor(good.length / 2))), 'corrupt', /truncated/);
  await rejectsWith(t, parseListBuffer(good.subarray(0, good.length - 30)), 'corrupt', /corrupt xlsx/);
  const garbage = makeZip([
    { name: '[Content_Types].xml', data: xml('<Types') },
    { name: 'xl/workbook.xml', data: Buffer.from('definitely <<< not xml') },
  ]);
  await rejectsWith(t, parseListBuffer(garbage), 'corrupt', /could not be read as a workbook/);
  const damaged = Buffer.from(good);
  // Flip bytes in the middle of the first entry's deflate stream.
  damaged.fill(0xff, 60, 90);
  await rejectsWith(t, parseListBuffer(damaged), 'corrupt', /corrupt xlsx/);
});

t.test(
  'too large: file size, declared uncompressed sizes (zip bomb), and entries that lie about their size',
  async (t) => {
    const good = await buildList({
      rows: [
        ['TEXAS', "Lubbock County Sheriff's Office", 'County', 'Lubbock County', 'Task Force Model', null, null, null],
      ],
    });
    await rejectsWith(t, parseListBuffer(good, { maxFileBytes: 1000 }), 'too_large', /file too large/);

    const bomb = makeZip([
      { name: '[Content_Types].xml', data: xml('<Types/>') },
      { name: 'xl/workbook.xml', data: xml('<workbook/>') },
      { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(64), declaredSize: 0xfffffff0 },
    ]);
    await rejectsWith(t, parseListBuffer(bomb), 'too_large', /declare 4096\.0 MB .*zip bomb/);

    // Declares 100 bytes, really inflates to 20 MB of zeros: caught while inflating, before exceljs.
    // (With the default 200 MB limit, 20 KB of deflate could not exceed it, so a 1 MB limit is used.)
    const liar = makeZip([
      { name: '[Content_Types].xml', data: xml('<Types/>') },
      { name: 'xl/workbook.xml', data: xml('<workbook/>') },
      { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(20 * 1_048_576), declaredSize: 100 },
    ]);
    await rejectsWith(t, parseListBuffer(liar, { maxUncompressedBytes: 1_048_576 }), 'too_large', /inflates beyond/);

    await rejectsWith(t, parseListBuffer(good, { maxUncompressedBytes: 1000 }), 'too_large', /once unzipped/);
  },
);

t.test('no header is bad input; a header without rows is a list with no rows', async (t) => {
  const noHeader = await buildList({ columns: ['NAME', 'PLACE'], rows: [['Lubbock', 'Texas']] });
  await rejectsWith(t, parseListBuffer(noHeader), 'no_header', /no header row/);
  const headerOnly = await parseListBuffer(await buildList({ rows: [] }));
  t.same(headerOnly.rows, [], 'a header-only list parses with no rows');
  t.match(headerOnly.warnings, [/header but no data rows/], 'and says so');
  const formattedOnly = await parseListBuffer(
    await buildList({
      rows: [
        [null, null, null, null, null, null, null, null],
        [null, null, null],
      ],
    }),
  );
  t.same(formattedOnly.rows, [], 'formatted but empty rows are no rows');

  // ICE did publish header-only pending lists (November 2025): the header still says what the list is.
  const emptyPending = await buildList({
    columns: ['STATE', 'LAW ENFORCEMENT AGENCY', 'TYPE', 'COUNTY', 'SUPPORT TYPE'],
    rows: [],
  });
  const list = await parseListBuffer(emptyPending, { fileName: 'pendingAgencies11062025pm.xlsx' });
  t.match(list, { kind: 'pending', contentKind: 'pending', listDate: '2025-11-06', listTime: 'pm', rows: [] });
});
