// One ICE 287(g) list (participating or pending) from xlsx bytes to rows. The parser does not
// decide anything about agreements: it reads what the file says, normalizes what it can, and
// reports every guess (row issues) and every list-level oddity (warnings) for the caller.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { readCell, type CellContent } from './cells.ts';
import { parseDateCell } from './dates.ts';
import { ListInputError } from './errors.ts';
import { kindFromFileName, listDateFromFileName } from './file-name.ts';
import { matchHeader, type HeaderMatch } from './header.ts';
import {
  CANONICAL_MODEL_LABELS,
  cleanText,
  isLinkPending,
  isNotApplicable,
  normalizeAgencyType,
  normalizeState,
  normalizeSupportModel,
  unwrapUrl,
} from './normalize.ts';
import { checkXlsxZip } from './zip-guard.ts';
import { readWorkbook, type Workbook, type Worksheet } from './xlsx.ts';
import type { ColumnName, ListKind, ParsedList, ParsedRow, ParseOptions, RowIssue } from './types.ts';

const MB = 1_048_576;
export const DEFAULT_MAX_FILE_BYTES = 50 * MB;
export const DEFAULT_MAX_UNCOMPRESSED_BYTES = 200 * MB;
// ICE's header is on row 1; a title block above it would be a few rows. 50 leaves room
// without scanning a whole sheet that simply has no header.
const HEADER_SCAN_ROWS = 50;
const HEADER_SCAN_COLUMNS = 40;
const MAX_EXAMPLES = 3;

interface SheetHeader {
  worksheet: Worksheet;
  row: number;
  match: HeaderMatch;
}

function findHeader(worksheet: Worksheet): SheetHeader | null {
  const lastRow = Math.min(worksheet.rowCount, HEADER_SCAN_ROWS);
  const lastColumn = Math.min(Math.max(worksheet.columnCount, 1), HEADER_SCAN_COLUMNS);
  for (let r = 1; r <= lastRow; r++) {
    const row = worksheet.rows.get(r);
    if (!row) continue;
    const texts: (string | null)[] = [];
    for (let c = 1; c <= lastColumn; c++) {
      const value = row.get(c);
      texts.push(value !== undefined ? readCell(value).text : null);
    }
    const match = matchHeader(texts);
    if (match) return { worksheet, row: r, match };
  }
  return null;
}

function linkFrom(
  content: CellContent,
  field: 'moa' | 'addendum',
  issues: RowIssue[],
): { url: string | null; pending: boolean } {
  const label = field === 'moa' ? 'MOA' : 'ADDENDUM';
  const text = cleanText(content.text);
  const pending = isLinkPending(text);
  if (content.hyperlink) {
    const url = unwrapUrl(content.hyperlink);
    if (/^https?:\/\//i.test(url)) return { url, pending };
    issues.push({ field, message: `${label} hyperlink is not a web address`, raw: content.hyperlink });
    return { url: null, pending };
  }
  if (text === '' || pending) return { url: null, pending };
  if (/^(https?:\/\/|www\.)\S/i.test(text)) {
    const url = unwrapUrl(text);
    return { url: /^https?:\/\//i.test(url) ? url : `https://${url}`, pending: false };
  }
  issues.push({ field, message: `${label} cell says "${text}" but carries no hyperlink`, raw: content.text });
  return { url: null, pending: false };
}

const EMPTY_CELL: CellContent = { text: '', hyperlink: null, value: null, isError: false };

function cellAt(cells: Map<number, CellContent>, header: HeaderMatch, column: ColumnName): CellContent | null {
  const position = header.positions.get(column);
  if (position === undefined) return null;
  return cells.get(position) ?? EMPTY_CELL;
}

const canonicalModelKey = (raw: string): string => cleanText(raw).toLowerCase();

function parseRow(
  rowNumber: number,
  cells: Map<number, CellContent>,
  header: HeaderMatch,
  rawKeys: Map<number, string>,
  date1904: boolean,
): ParsedRow {
  const issues: RowIssue[] = [];
  const at = (column: ColumnName): CellContent | null => cellAt(cells, header, column);

  const raw: Record<string, string> = {};
  for (const [column, key] of rawKeys) {
    const content = cells.get(column);
    if (!content) raw[key] = '';
    else raw[key] = content.hyperlink ? `${content.text} <${content.hyperlink}>` : content.text;
  }

  const stateRaw = at('state')?.text ?? '';
  const state = normalizeState(stateRaw);
  if (state.issue) issues.push({ field: 'state', message: state.issue, raw: stateRaw });

  const agencyRaw = at('agency')?.text ?? '';
  const agencyName = cleanText(agencyRaw);
  if (agencyName === '') issues.push({ field: 'agency', message: 'no agency name', raw: agencyRaw });

  let agencyType: string | null = null;
  let agencyKind: ParsedRow['agencyKind'] = null;
  const typeCell = at('type');
  if (typeCell) {
    const text = cleanText(typeCell.text);
    if (typeCell.isError || (text !== '' && isNotApplicable(text))) {
      issues.push({ field: 'type', message: `TYPE is "${text}"`, raw: typeCell.text });
    } else if (text !== '') {
      agencyType = text;
      const read = normalizeAgencyType(text);
      agencyKind = read.kind;
      if (!read.kind) issues.push({ field: 'type', message: `unrecognised TYPE "${text}"`, raw: typeCell.text });
      else if (read.guessed)
        issues.push({ field: 'type', message: `TYPE "${text}" read as ${read.kind}`, raw: typeCell.text });
    }
  }

  let county: string | null = null;
  const countyCell = at('county');
  if (countyCell && !countyCell.isError && !isNotApplicable(countyCell.text)) county = cleanText(countyCell.text);

  const modelCell = at('model');
  const modelRaw = modelCell?.text ?? '';
  let model: ParsedRow['model'] = null;
  if (modelCell) {
    model = normalizeSupportModel(modelRaw);
    const shown = cleanText(modelRaw);
    if (!model) {
      issues.push({
        field: 'model',
        message: shown === '' ? 'no support type' : `unrecognised support type "${shown}"`,
        raw: modelRaw,
      });
    } else if (CANONICAL_MODEL_LABELS[canonicalModelKey(modelRaw)] === undefined) {
      issues.push({ field: 'model', message: `support type "${shown}" read as ${model}`, raw: modelRaw });
    }
  }

  let signedOn: string | null = null;
  const signedCell = at('signed');
  if (signedCell) {
    if (signedCell.isError) {
      issues.push({ field: 'signed', message: `SIGNED holds the error ${signedCell.text}`, raw: signedCell.text });
    } else {
      const read = parseDateCell(signedCell.value, { date1904 });
      signedOn = read.date;
      if (read.issue) issues.push({ field: 'signed', message: read.issue, raw: signedCell.text });
    }
  }

  const moaCell = at('moa');
  const moa = moaCell ? linkFrom(moaCell, 'moa', issues) : { url: null, pending: false };
  const addendumCell = at('addendum');
  const addendum = addendumCell ? linkFrom(addendumCell, 'addendum', issues) : { url: null, pending: false };

  return {
    rowNumber,
    raw,
    state: state.code,
    stateRaw,
    agencyRaw,
    agencyName,
    agencyType,
    agencyKind,
    county,
    model,
    modelRaw,
    signedOn,
    moaUrl: moa.url,
    moaPending: moa.pending,
    addendumUrl: addendum.url,
    addendumPending: addendum.pending,
    issues,
  };
}

function contentKindOf(columns: readonly string[]): ListKind | null {
  if (!columns.includes('signed')) return 'pending';
  return columns.includes('moa') ? 'participating' : null;
}

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

/** Parses ICE list bytes. Throws ListInputError for input that is not a readable list. */
export async function parseListBuffer(buffer: Buffer, options: ParseOptions = {}): Promise<ParsedList> {
  checkXlsxZip(buffer, {
    maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    maxUncompressedBytes: options.maxUncompressedBytes ?? DEFAULT_MAX_UNCOMPRESSED_BYTES,
  });
  const sha256 = createHash('sha256').update(buffer).digest('hex');

  let workbook: Workbook;
  try {
    workbook = readWorkbook(buffer);
  } catch (error) {
    if (error instanceof ListInputError) throw error;
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ListInputError('corrupt', `corrupt xlsx: it could not be read as a workbook (${reason})`, {
      cause: error,
    });
  }
  const { date1904 } = workbook;

  // Visible sheets first: a hidden sheet is a scratch copy more often than the list.
  const sheets = [...workbook.worksheets].sort((a, b) => Number(a.state !== 'visible') - Number(b.state !== 'visible'));
  const headers = sheets.map(findHeader).filter((header): header is SheetHeader => header !== null);
  const chosen = headers[0];
  if (!chosen) {
    const names = workbook.worksheets.map((sheet) => `"${sheet.name}"`).join(', ') || 'none';
    throw new ListInputError(
      'no_header',
      `no header row (with STATE and LAW ENFORCEMENT AGENCY columns) in the first ${HEADER_SCAN_ROWS} rows of any worksheet (${names})`,
    );
  }
  const { worksheet, match } = chosen;
  const warnings: string[] = [];
  if (headers.length > 1) {
    warnings.push(
      `${headers.length} worksheets have a list header; used "${worksheet.name}", ignored ${headers
        .slice(1)
        .map((h) => `"${h.worksheet.name}"`)
        .join(', ')}`,
    );
  }

  const columns = [...match.positions.entries()].sort((a, b) => a[1] - b[1]).map(([name]) => name);
  const rawKeys = new Map<number, string>();
  const seenKeys = new Set<string>();
  for (const [column, label] of [...match.labels.entries()].sort((a, b) => a[0] - b[0])) {
    let key = label;
    for (let n = 2; seenKeys.has(key); n++) key = `${label} (${n})`;
    seenKeys.add(key);
    rawKeys.set(column, key);
  }
  const readColumns = [...rawKeys.keys()];

  const rows: ParsedRow[] = [];
  let emptyInside = 0;
  let pendingEmpty = 0;
  for (let r = chosen.row + 1; r <= worksheet.rowCount; r++) {
    const row = worksheet.rows.get(r);
    if (!row) {
      pendingEmpty++;
      continue;
    }
    const cells = new Map<number, CellContent>();
    let hasContent = false;
    for (const column of readColumns) {
      const value = row.get(column);
      if (value === undefined) continue;
      const content = readCell(value);
      cells.set(column, content);
      // trim() also strips NBSP, which ICE leaves in otherwise empty cells.
      if (!hasContent && (content.hyperlink !== null || content.text.trim() !== '')) hasContent = true;
    }
    if (!hasContent) {
      pendingEmpty++;
      continue;
    }
    // Empty rows count as "inside" only once a later row has data: trailing ones are formatting.
    if (rows.length > 0) emptyInside += pendingEmpty;
    pendingEmpty = 0;
    rows.push(parseRow(r, cells, match, rawKeys, date1904));
  }

  const fileName = options.fileName ?? null;
  const named = fileName ? listDateFromFileName(fileName) : null;
  const kind = fileName ? kindFromFileName(fileName) : null;
  const contentKind = contentKindOf(columns);
  const listDate = named?.date ?? null;

  let latestSignedOn: string | null = null;
  for (const row of rows)
    if (row.signedOn && (!latestSignedOn || row.signedOn > latestSignedOn)) latestSignedOn = row.signedOn;

  if (kind && contentKind && kind !== contentKind) {
    warnings.push(
      `the file name says ${kind} but the columns (${columns.join(', ')}) are those of a ${contentKind} list: files swapped?`,
    );
  }
  if (!match.positions.has('model')) warnings.push('no SUPPORT TYPE column');
  if (match.positions.has('type') && !match.positions.has('county')) warnings.push('no COUNTY column');
  if (match.unknown.length > 0)
    warnings.push(`ignored unknown columns: ${match.unknown.map((label) => `"${label}"`).join(', ')}`);
  if (match.repeated.length > 0)
    warnings.push(
      `repeated columns, only the first of each read: ${match.repeated.map((label) => `"${label}"`).join(', ')}`,
    );
  if (emptyInside > 0) warnings.push(`${plural(emptyInside, 'empty row')} between data rows skipped`);

  if (listDate && latestSignedOn && latestSignedOn > listDate) {
    const late = rows.filter((row) => row.signedOn && row.signedOn > listDate).length;
    warnings.push(
      `${plural(late, 'row')} signed after the list date ${listDate} (latest ${latestSignedOn}): the file may be misdated`,
    );
  }

  const byKey = new Map<string, number[]>();
  for (const row of rows) {
    const key = [
      row.state ?? cleanText(row.stateRaw).toUpperCase(),
      row.agencyName.toLowerCase(),
      row.model ?? cleanText(row.modelRaw).toLowerCase(),
    ].join('|');
    const seen = byKey.get(key);
    if (seen) seen.push(row.rowNumber);
    else byKey.set(key, [row.rowNumber]);
  }
  const duplicates = [...byKey.entries()].filter(([, rowNumbers]) => rowNumbers.length > 1);
  if (duplicates.length > 0) {
    const examples = duplicates
      .slice(0, MAX_EXAMPLES)
      .map(([key, rowNumbers]) => `${key.split('|').join(' / ')} (rows ${rowNumbers.join(', ')})`)
      .join('; ');
    warnings.push(
      `${plural(duplicates.length, 'agreement')} listed more than once (same state, agency and support type): ${examples}${duplicates.length > MAX_EXAMPLES ? '; ...' : ''}`,
    );
  }

  const unreadable = rows.filter(
    (row) => row.state === null || (match.positions.has('model') && row.model === null),
  ).length;
  if (unreadable > 0) warnings.push(`${plural(unreadable, 'row')} with an unrecognised state or support type`);

  // A header without rows is a real list: ICE published header-only pending lists in November 2025
  // ("nothing pending"). Applying one goes through the ingestion rules like any other list.
  if (rows.length === 0) warnings.push('the list has a header but no data rows');
  const list: ParsedList = {
    sha256,
    fileName,
    kind,
    contentKind,
    listDate,
    listTime: named?.time ?? null,
    listDateIsTimestamp: named?.timestamp ?? false,
    sheetName: worksheet.name,
    headerRow: chosen.row,
    columns,
    rows,
    latestSignedOn,
    warnings,
  };
  return list;
}

/** Reads and parses a list file; the file name (for date and kind) is the path's base name. */
export async function parseListFile(path: string, options: Omit<ParseOptions, 'fileName'> = {}): Promise<ParsedList> {
  const limit = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const info = await stat(path);
  if (info.size > limit) {
    throw new ListInputError(
      'too_large',
      `file too large: ${(info.size / MB).toFixed(1)} MB (limit ${(limit / MB).toFixed(1)} MB)`,
    );
  }
  return parseListBuffer(await readFile(path), { ...options, fileName: basename(path) });
}
