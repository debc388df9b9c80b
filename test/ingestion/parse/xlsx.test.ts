// The list parser reads workbooks with its own reader (src/ingestion/lists/parse/xlsx.ts). It was built to give
// every cell the value exceljs 4.4 gives it, which the parser and the reconstruction were checked on; these tests
// hold it to exceljs on workbooks with every kind of cell, and on real lists of ICE's archive.
import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import t from 'tap';
import { listFilesInOrder } from '../../../src/ingestion/ingest-files.ts';
import { ListInputError, parseListBuffer } from '../../../src/ingestion/lists/parse/index.ts';
import { readWorkbook } from '../../../src/ingestion/lists/parse/xlsx.ts';
import { exceljsWorkbook } from '../../helpers/exceljs-workbook.ts';
import { realData } from '../../helpers/real-data.ts';

const { dir: archiveDir, skip: skipArchive } = realData('ICE_ARCHIVE_DIR');

/** A workbook with a cell of every kind the reader knows, written by exceljs. */
async function everyKindOfCell(date1904: boolean): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.properties.date1904 = date1904;
  workbook.addWorksheet('Scratch', { state: 'hidden' }).addRow(['hidden', 1]);
  const sheet = workbook.addWorksheet('Agencies & <Others>');
  sheet.addRow(['STATE', 'LAW ENFORCEMENT AGENCY', 'SIGNED', 'MOA', 'NOTE']);
  sheet.addRow([
    'TEXAS',
    { richText: [{ text: 'Harris County ' }, { text: "Sheriff's Office", font: { bold: true } }] },
    new Date(Date.UTC(2025, 2, 20)),
    { text: 'link', hyperlink: 'https://www.ice.gov/doclib/287gMOA/a&b.pdf' },
    'line one\r\nline two, "quoted" & <escaped> _x000D_ kept',
  ]);
  sheet.addRow([
    { formula: 'UPPER("ohio")', result: 'OHIO' },
    { error: '#N/A' },
    45736,
    { formula: 'HYPERLINK("https://www.ice.gov/x.pdf","link")', result: 'link' },
    true,
  ]);
  sheet.addRow(['  spaced  ', '', { formula: '1-1', result: 0 }, null, false]);
  sheet.getCell('D4').style = { border: { top: { style: 'thin' } } };
  sheet.getCell('C5').value = new Date(Date.UTC(2024, 1, 29, 12, 30));
  sheet.getCell('D5').value = {
    text: new Date(Date.UTC(2025, 0, 2)) as unknown as string,
    hyperlink: 'https://d.example/',
  };
  sheet.fillFormula('F2:F4', 'C2+1', [45737, 45738, 45739]);
  sheet.getCell('A7').value = 'merged';
  sheet.mergeCells('A7:C8');
  sheet.getCell('B10').numFmt = 'yyyy-mm-dd';
  sheet.getCell('B10').value = 45000;
  sheet.getCell('C10').numFmt = '"days" 0';
  sheet.getCell('C10').value = 12;
  return Buffer.from((await workbook.xlsx.writeBuffer()) as ArrayBuffer);
}

for (const date1904 of [false, true]) {
  t.test(`every kind of cell reads as exceljs reads it (date1904 ${date1904})`, async (t) => {
    const buffer = await everyKindOfCell(date1904);
    const ours = readWorkbook(buffer);
    t.same(ours, await exceljsWorkbook(buffer));
    // What the parser relies on, spelled out: a change here is a change to every list read.
    t.same(
      ours.worksheets.map((sheet) => [sheet.name, sheet.state]),
      [
        ['Scratch', 'hidden'],
        ['Agencies & <Others>', 'visible'],
      ],
    );
    const cells = ours.worksheets[1]!.rows;
    t.same(cells.get(2)!.get(4), { text: 'link', hyperlink: 'https://www.ice.gov/doclib/287gMOA/a&b.pdf' });
    t.equal(cells.get(2)!.get(5), 'line one\nline two, "quoted" & <escaped> \r kept');
    t.same(cells.get(2)!.get(3), new Date(Date.UTC(2025, 2, 20)), 'a date cell is a Date at UTC midnight');
    t.equal(cells.get(3)!.get(3), 45736, 'a number without a date format stays a number');
    t.same(cells.get(3)!.get(2), { error: '#N/A' });
    t.same(cells.get(4)!.get(3), { formula: '1-1' }, 'a formula whose result is 0 keeps no result, as in exceljs');
    t.equal(cells.get(4)!.get(4), null, 'a formatted empty cell is null');
    t.equal(cells.get(8)!.get(3), 'merged', 'a merged range holds its first cell in every cell');
    t.ok(cells.get(10)!.get(2) instanceof Date, 'a custom date format makes a date');
    t.equal(cells.get(10)!.get(3), 12, 'a quoted "d" in a format is not a date');
  });
}

t.test('a cell naming a shared string the workbook lacks is refused as corrupt, in one line', async (t) => {
  const zip = await JSZip.loadAsync(await everyKindOfCell(false));
  const sheet = await zip.file('xl/worksheets/sheet2.xml')!.async('string');
  const damaged = sheet.replace(/(<c r="A1"[^>]*t="s"[^>]*>)<v>\d+<\/v>/, '$1<v>99999</v>');
  t.not(damaged, sheet, 'the header cell was a shared string');
  zip.file('xl/worksheets/sheet2.xml', damaged);
  const buffer = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
  const error = await parseListBuffer(buffer).then(
    () => null,
    (caught: unknown) => caught,
  );
  t.ok(error instanceof ListInputError);
  t.equal((error as ListInputError).code, 'corrupt');
  t.equal((error as Error).message, 'corrupt xlsx: cell A1 names shared string 99999, which does not exist');
});

t.test('real lists of the archive read as exceljs reads them', { skip: skipArchive }, async (t) => {
  const files = await listFilesInOrder(archiveDir!);
  // Every 20th list, from 2021 to 2026: each year's files and both kinds (the whole archive was compared once by
  // hand, 1,260 of 1,260 equal: `node --import tsx` on this loop without the step).
  const sample = files.filter((_, i) => i % 20 === 0);
  t.ok(sample.length >= 60);
  for (const file of sample) {
    const buffer = await readFile(file.path);
    t.same(readWorkbook(buffer), await exceljsWorkbook(buffer), file.path.slice(archiveDir!.length + 1));
  }
});
