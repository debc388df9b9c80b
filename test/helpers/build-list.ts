// Builds small ICE-style 287(g) lists as xlsx bytes, with exceljs, for tests.
//
//   const buffer = await buildList({ rows: [['TEXAS', 'Lubbock County Sheriff’s Office', 'County', 'Lubbock County',
//     'Task Force Model', new Date('2025-03-20T00:00:00Z'), { text: 'link', hyperlink: 'https://www.ice.gov/x.pdf' }]] });
//
// - `columns` is the header row (default: ICE's columns since July 2025, STATE ... ADDENDUM).
// - Cells: string, number (written as a plain number, e.g. an Excel serial), Date (a real date
//   cell, like ICE's; use UTC midnight), { text, hyperlink } (a hyperlink cell, like ICE's "link"),
//   or null. A null cell is written empty but formatted (bordered), the way ICE's sheets end in
//   "formatted but empty" rows: a row of nulls is such a row.
// - `preamble` rows go first (a title block); the header follows them, or sits at the 1-based
//   `headerRowIndex` if given (rows in between are left empty). Data rows follow the header.
import ExcelJS from 'exceljs';

export type ListCell = string | number | Date | { text: string; hyperlink: string } | null;

export const ICE_COLUMNS: readonly string[] = [
  'STATE',
  'LAW ENFORCEMENT AGENCY',
  'TYPE',
  'COUNTY',
  'SUPPORT TYPE',
  'SIGNED',
  'MOA',
  'ADDENDUM',
];

const FORMATTED_EMPTY: Partial<ExcelJS.Style> = {
  border: { top: { style: 'thin' }, bottom: { style: 'thin' }, left: { style: 'thin' }, right: { style: 'thin' } },
};

function writeCell(cell: ExcelJS.Cell, value: ListCell): void {
  if (value === null) {
    cell.style = FORMATTED_EMPTY;
  } else if (value instanceof Date) {
    cell.value = value;
    cell.numFmt = 'm/d/yyyy';
  } else {
    cell.value = value;
  }
}

export async function buildList(options: {
  columns?: string[];
  rows: ListCell[][];
  headerRowIndex?: number;
  preamble?: string[][];
}): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Sheet1');
  const preamble = options.preamble ?? [];
  preamble.forEach((cells, index) => {
    cells.forEach((text, column) => writeCell(sheet.getCell(index + 1, column + 1), text));
  });
  const headerRow = options.headerRowIndex ?? preamble.length + 1;
  if (headerRow <= preamble.length)
    throw new Error(`buildList: headerRowIndex ${headerRow} would overwrite the preamble`);
  (options.columns ?? ICE_COLUMNS).forEach((text, column) => {
    sheet.getCell(headerRow, column + 1).value = text;
  });
  options.rows.forEach((cells, index) => {
    cells.forEach((value, column) => writeCell(sheet.getCell(headerRow + 1 + index, column + 1), value));
  });
  const written = await workbook.xlsx.writeBuffer();
  return Buffer.from(written as ArrayBuffer);
}
