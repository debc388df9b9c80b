// A workbook as exceljs 4.4 reads it, in the shape of src/ingestion/lists/parse/xlsx.ts: the reference its
// reader is held to (test/ingestion/parse/xlsx.test.ts).
import ExcelJS from 'exceljs';
import type { CellValue, Workbook } from '../../src/ingestion/lists/parse/xlsx.ts';

/** Rich text with its runs' text only: fonts are not read. */
function withoutFonts(value: CellValue): CellValue {
  if (value === null || typeof value !== 'object') return value;
  if ('richText' in value)
    return { richText: value.richText.map((run) => ('text' in run ? { text: run.text } : {}) as { text: string }) };
  if ('hyperlink' in value && value.text !== undefined) return { ...value, text: withoutFonts(value.text) };
  return value;
}

export async function exceljsWorkbook(buffer: Buffer): Promise<Workbook> {
  const workbook = new ExcelJS.Workbook();
  // exceljs declares its own Buffer type, which Node's types do not satisfy.
  await workbook.xlsx.load(buffer as unknown as ExcelJS.Buffer);
  return {
    date1904: Boolean(workbook.properties?.date1904),
    worksheets: workbook.worksheets.map((sheet) => {
      const rows = new Map<number, Map<number, CellValue>>();
      for (let r = 1; r <= sheet.rowCount; r++) {
        const row = sheet.findRow(r);
        if (!row) continue;
        const cells = new Map<number, CellValue>();
        for (let c = 1; c <= row.cellCount; c++) {
          const cell = row.findCell(c);
          if (cell) cells.set(c, withoutFonts(cell.value as CellValue));
        }
        rows.set(r, cells);
      }
      return { name: sheet.name, state: sheet.state, rowCount: sheet.rowCount, columnCount: sheet.columnCount, rows };
    }),
  };
}
