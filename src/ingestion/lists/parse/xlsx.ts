// Reads the cells of an xlsx workbook: the part of a spreadsheet library the list parser needs, and only
// that. It gives each cell the value exceljs 4.4 gives it (the parser was built and checked on exceljs, and
// test/ingestion/parse/xlsx.test.ts holds the two to the same answers on real lists), in a third of the time
// or less: one pass of a regular expression over each part's XML instead of a SAX parser feeding an object model.
//
// What it reads: the sheets in workbook order (name, visibility), shared strings (plain and rich text),
// inline strings, numbers (dates by their number format, 1900 or 1904 based), booleans, errors, formulas
// (their cached result), hyperlinks (their relationship's target) and merged ranges. Anything else in the
// package (themes, drawings, comments, validations) is not read.
import { ListInputError } from './errors.ts';
import { entryData, readCentralDirectory } from './zip-guard.ts';

/** A cell's value, in the shapes exceljs gives (src/ingestion/lists/parse/cells.ts reads them). */
export type CellValue =
  | null
  | string
  | number
  | boolean
  | Date
  | { error: string }
  | { richText: { text: string }[] }
  | { text: CellValue | undefined; hyperlink: string }
  | { formula?: string; sharedFormula?: string; result?: CellValue };

export interface Worksheet {
  name: string;
  state: string;
  /** The number of the last row the sheet has (a row may hold no cells). */
  rowCount: number;
  /** The last column of the widest row with a value (as exceljs counts it). */
  columnCount: number;
  /** Rows by number; in each, the cells the sheet has by column number (a formatted empty cell is null). */
  rows: Map<number, Map<number, CellValue>>;
}

export interface Workbook {
  date1904: boolean;
  worksheets: Worksheet[];
}

// ---------------------------------------------------------------------------
// XML, as far as these parts need it

interface Tag {
  name: string;
  closing: boolean;
  selfClosing: boolean;
  attributes: string;
  /** The text between this tag and the next. */
  textAfter: string;
}

const TAG =
  /<(\/?)([A-Za-z_][\w.:-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>|<!\[CDATA\[([\s\S]*?)\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>/g;

/**
 * The tags of an XML document in order, each with the text that follows it (CDATA joined to that text). A "<" that
 * starts no tag is an error; what else makes XML ill-formed (unbalanced tags) is not checked.
 */
function* tags(xml: string): Generator<Tag> {
  let last: Tag | null = null;
  let textStart = 0;
  for (const match of xml.matchAll(TAG)) {
    const text = wellFormed(xml.slice(textStart, match.index));
    if (last) last.textAfter += decodeText(text);
    textStart = match.index + match[0].length;
    if (match[5] !== undefined) {
      if (last) last.textAfter += match[5].replace(/\r\n?/g, '\n');
      continue;
    }
    if (!match[2]) continue;
    if (last) yield last;
    last = {
      name: match[2],
      closing: match[1] === '/',
      selfClosing: match[4] === '/',
      attributes: match[3]!,
      textAfter: '',
    };
  }
  wellFormed(xml.slice(textStart));
  if (last) yield last;
}

/** Text between tags, which holds no "<". */
function wellFormed(text: string): string {
  const at = text.indexOf('<');
  if (at !== -1) throw new Error(`not well-formed XML near "${text.slice(at, at + 20)}"`);
  return text;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const ENTITY = /&(#x[0-9a-fA-F]+|#\d+|\w+);/g;

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (whole, name: string) => {
    if (name[0] !== '#') return ENTITIES[name] ?? whole;
    const code = name[1] === 'x' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
    return String.fromCodePoint(code);
  });
}

/** Character data as an XML parser gives it: line ends normalized, entities decoded. */
const decodeText = (text: string): string =>
  text === '' ? text : decodeEntities(text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text);

/** Attribute values as XML parsers give them: tabs and line ends as spaces, entities decoded. */
const attributeValue = (raw: string): string =>
  decodeEntities(/[\r\n\t]/.test(raw) ? raw.replace(/\r\n|[\r\n\t]/g, ' ') : raw);

const ATTRIBUTE_PATTERNS = new Map<string, RegExp>();
/** One attribute of a tag, read without reading the others (a cell's, for each of thousands of cells). */
function attributeOf(tag: Tag, name: string): string | undefined {
  let pattern = ATTRIBUTE_PATTERNS.get(name);
  if (!pattern) {
    pattern = new RegExp(`(?:^|\\s)${name.replace(/[.:]/g, '\\$&')}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`);
    ATTRIBUTE_PATTERNS.set(name, pattern);
  }
  const match = pattern.exec(tag.attributes);
  return match ? attributeValue(match[1] ?? match[2]!) : undefined;
}

/** Text with Excel's _xHHHH_ escapes read (exceljs reads them in <t> of shared strings, not in cells). */
const unescapeExcel = (text: string): string =>
  text.replace(/_x([0-9A-F]{4})_/g, (_, code: string) => String.fromCharCode(Number.parseInt(code, 16)));

// ---------------------------------------------------------------------------
// The package

/** The parts read: the workbook and its relationships, shared strings, styles, the sheets and their relationships. */
const PARTS_READ =
  /^xl\/(workbook\.xml|_rels\/workbook\.xml\.rels|sharedStrings\.xml|styles\.xml|worksheets\/(_rels\/)?sheet\d+\.xml(\.rels)?)$/;

/** The parts read, by name, as text. Every entry is inflated: a damaged package is refused whichever part it hits. */
function unzip(buffer: Buffer): Map<string, string> {
  const parts = new Map<string, string>();
  for (const entry of readCentralDirectory(buffer)) {
    if (entry.name.endsWith('/')) continue;
    const data = entryData(buffer, entry);
    const name = entry.name.replace(/^\//, '');
    if (PARTS_READ.test(name)) parts.set(name, data.toString('utf8'));
  }
  return parts;
}

function relationships(xml: string | undefined): Map<string, string> {
  const targets = new Map<string, string>();
  for (const tag of tags(xml ?? '')) {
    if (tag.name !== 'Relationship' || tag.closing) continue;
    const [id, target] = [attributeOf(tag, 'Id'), attributeOf(tag, 'Target')];
    if (id !== undefined && target !== undefined) targets.set(id, target);
  }
  return targets;
}

type SharedString = string | { richText: { text: string }[] } | Record<string, never>;

function sharedStrings(xml: string | undefined): SharedString[] {
  const strings: SharedString[] = [];
  let current: SharedString = {};
  let runs: { text: string }[] | null = null;
  let inRun = false;
  let inPhonetic = false;
  for (const tag of tags(xml ?? '')) {
    if (tag.name === 'si') {
      if (!tag.closing) {
        current = {};
        runs = null;
      }
      if (tag.closing || tag.selfClosing) strings.push(runs ? { richText: runs } : current);
    } else if (tag.name === 'rPh') inPhonetic = !tag.closing && !tag.selfClosing;
    else if (inPhonetic) continue;
    else if (tag.name === 'r') {
      inRun = !tag.closing && !tag.selfClosing;
      if (inRun) (runs ??= []).push({ text: '' });
    } else if (tag.name === 't' && !tag.closing) {
      const text = tag.selfClosing ? '' : unescapeExcel(tag.textAfter);
      if (inRun) runs!.at(-1)!.text = text;
      else current = text;
    }
  }
  return strings;
}

// exceljs's built-in number formats (defaultnumformats.js) that are dates, by its isDateFmt.
const DATE_FORMAT_IDS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47]);

function isDateFormat(format: string): boolean {
  return /[ymdhMsb]+/.test(format.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
}

/** For each cell style (cellXfs, by index), whether its number format is a date's. */
function dateStyles(xml: string | undefined): boolean[] {
  const formats = new Map<number, string>();
  const styles: boolean[] = [];
  let inCellXfs = false;
  for (const tag of tags(xml ?? '')) {
    if (tag.name === 'numFmt' && !tag.closing) {
      const [numFmtId, formatCode] = [attributeOf(tag, 'numFmtId'), attributeOf(tag, 'formatCode')];
      if (numFmtId !== undefined && formatCode !== undefined) formats.set(Number.parseInt(numFmtId, 10), formatCode);
    } else if (tag.name === 'cellXfs') inCellXfs = !tag.closing && !tag.selfClosing;
    else if (tag.name === 'xf' && inCellXfs && !tag.closing) {
      const id = Number.parseInt(attributeOf(tag, 'numFmtId') ?? '0', 10);
      const custom = formats.get(id);
      styles.push(Boolean(id) && (custom !== undefined ? isDateFormat(custom) : DATE_FORMAT_IDS.has(id)));
    }
  }
  return styles;
}

const excelToDate = (serial: unknown, date1904: boolean): Date =>
  new Date(Math.round(((serial as number) - 25569 + (date1904 ? 1462 : 0)) * 24 * 3600 * 1000));

/** exceljs's xmlDecode, which it applies to "str" cells on top of the parser's decoding. */
const decodeAgain = (text: string): string =>
  text.replace(/&([a-z]*);/g, (whole, name: string) => ENTITIES[name] ?? whole);

function columnNumber(letters: string): number {
  let column = 0;
  for (const letter of letters) column = column * 26 + letter.charCodeAt(0) - 64;
  return column;
}

const ADDRESS = /^\$?([A-Z]+)\$?(\d+)$/;

interface Context {
  strings: SharedString[];
  dateStyle: boolean[];
  date1904: boolean;
}

/** A <c> element as read: its attributes and contents, before its value is made. */
interface RawCell {
  row: number;
  column: number;
  address: string;
  type: string | undefined;
  style: number | undefined;
  value: string | undefined;
  /** <f>: its text and attributes (t: "shared" or "array"; ref: the range a master formula fills; si: its share). */
  formula: { text: string; shareType: string | undefined; ref: string | undefined; si: string | undefined } | null;
  richText: { text: string }[] | null;
}

function readSheet(xml: string, sheetRels: Map<string, string>, context: Context): Omit<Worksheet, 'name' | 'state'> {
  const rows = new Map<number, Map<number, CellValue>>();
  const raw: RawCell[] = [];
  const hyperlinks = new Map<string, string>();
  const merges: string[] = [];
  let rowNumber = 0;
  let cell: RawCell | null = null;
  let inRun = false;
  for (const tag of tags(xml)) {
    if (tag.name === 'row' && !tag.closing) {
      rowNumber = Number.parseInt(attributeOf(tag, 'r') ?? String(rowNumber + 1), 10);
      if (!rows.has(rowNumber)) rows.set(rowNumber, new Map());
      cell = null;
    } else if (tag.name === 'c') {
      if (!tag.closing) {
        const address = attributeOf(tag, 'r');
        const style = attributeOf(tag, 's');
        const at = address ? ADDRESS.exec(address) : null;
        cell = {
          row: rowNumber,
          column: at ? columnNumber(at[1]!) : (raw.at(-1)?.row === rowNumber ? raw.at(-1)!.column : 0) + 1,
          address: address ?? '',
          type: attributeOf(tag, 't'),
          style: style !== undefined ? Number.parseInt(style, 10) : undefined,
          value: undefined,
          formula: null,
          richText: null,
        };
      }
      if ((tag.closing || tag.selfClosing) && cell) {
        raw.push(cell);
        cell = null;
      }
    } else if (!cell) {
      if (tag.name === 'hyperlink') {
        const ref = attributeOf(tag, 'ref');
        const id = attributeOf(tag, 'r:id');
        const target = id !== undefined ? sheetRels.get(id) : undefined;
        if (ref !== undefined && target !== undefined) hyperlinks.set(ref, target);
      } else if (tag.name === 'mergeCell') {
        const ref = attributeOf(tag, 'ref');
        if (ref) merges.push(ref);
      }
    } else if ((tag.name === 'v' || tag.name === 't') && !tag.closing && !tag.selfClosing) {
      if (inRun) cell.richText!.at(-1)!.text += tag.textAfter;
      else cell.value = (cell.value ?? '') + tag.textAfter;
    } else if (tag.name === 'f' && !tag.closing) {
      cell.formula = {
        text: tag.selfClosing ? '' : tag.textAfter,
        shareType: attributeOf(tag, 't'),
        ref: attributeOf(tag, 'ref'),
        si: attributeOf(tag, 'si'),
      };
    } else if (tag.name === 'r') {
      inRun = !tag.closing && !tag.selfClosing;
      if (inRun) (cell.richText ??= []).push({ text: '' });
    }
  }

  // A shared formula's cells name its master, the cell before them with its ref.
  const masters = new Map<string | undefined, string>();
  for (const read of raw) {
    if (read.formula?.shareType === 'shared' && read.formula.ref) masters.set(read.formula.si, read.address);
    let value = cellValue(read, context, masters);
    const target = hyperlinks.get(read.address);
    if (target !== undefined) {
      // A hyperlink's text is the cell's value (a formula's result).
      const text = value !== null && typeof value === 'object' && 'result' in value ? value.result : value;
      value = { text: text ?? undefined, hyperlink: target };
    }
    // A cell with neither value, style nor hyperlink is not kept (exceljs: a merged cell without its master).
    if (value !== undefined) rows.get(read.row)!.set(read.column, value);
  }
  const withValues = new Set<number>();
  for (const [number, row] of rows) if ([...row.values()].some((value) => value !== null)) withValues.add(number);
  for (const ref of merges) for (const number of mergeRange(rows, ref)) withValues.add(number);
  let columnCount = 0;
  for (const number of withValues)
    for (const column of rows.get(number)!.keys()) columnCount = Math.max(columnCount, column);
  let rowCount = 0;
  for (const number of rows.keys()) rowCount = Math.max(rowCount, number);
  return { rowCount, columnCount, rows };
}

/** What a <c> holds, as exceljs's cell value (undefined: no value and no style). */
function cellValue(cell: RawCell, context: Context, masters: Map<string | undefined, string>): CellValue | undefined {
  const { type, style, value, formula } = cell;
  const isDate = style !== undefined && context.dateStyle[style] === true;
  if (formula && (formula.text || formula.shareType)) {
    let result: CellValue | undefined;
    if (value) {
      if (type === 'str') result = decodeAgain(value);
      else if (type === 'b') result = Number.parseInt(value, 10) !== 0;
      else if (type === 'e') result = { error: value };
      else result = Number.parseFloat(value);
    }
    if (result !== undefined && isDate) result = excelToDate(result, context.date1904);
    // exceljs keeps a formula's parts only when truthy (a result of 0 or "" is dropped).
    const slave = formula.shareType === 'shared' && !formula.ref;
    const parts: [string, unknown][] = [
      ['formula', formula.text],
      ['result', result],
      ['ref', formula.ref],
      ['shareType', slave ? undefined : formula.shareType],
      ['sharedFormula', slave ? masters.get(formula.si) : undefined],
    ];
    return Object.fromEntries(parts.filter(([, part]) => part)) as CellValue;
  }
  if (cell.richText) return { richText: cell.richText };
  if (value !== undefined) {
    switch (type) {
      case 's': {
        const shared = context.strings[Number.parseInt(value, 10)];
        if (shared === undefined)
          throw new ListInputError(
            'corrupt',
            `corrupt xlsx: cell ${cell.address} names shared string ${value}, which does not exist`,
          );
        return shared as CellValue;
      }
      case 'str':
        return decodeAgain(value);
      case 'inlineStr':
        return value;
      case 'b':
        return Number.parseInt(value, 10) !== 0;
      case 'e':
        return { error: value };
      default: {
        const number = Number.parseFloat(value);
        return isDate ? excelToDate(number, context.date1904) : number;
      }
    }
  }
  return style !== undefined ? null : undefined;
}

/** A merged range: every cell of it but the first holds the first's value (exceljs's merged cells). The rows it spans. */
function mergeRange(rows: Map<number, Map<number, CellValue>>, ref: string): number[] {
  const [from, to = from] = ref.split(':');
  const start = ADDRESS.exec(from ?? '');
  const end = ADDRESS.exec(to ?? '');
  if (!start || !end) return [];
  const [top, bottom] = [Number(start[2]), Number(end[2])].sort((a, b) => a - b) as [number, number];
  const [left, right] = [columnNumber(start[1]!), columnNumber(end[1]!)].sort((a, b) => a - b) as [number, number];
  // The first cell is made when the sheet lacks it (empty, as exceljs makes it).
  const first = rows.get(top) ?? new Map<number, CellValue>();
  rows.set(top, first);
  if (!first.has(left)) first.set(left, null);
  const master = first.get(left)!;
  for (let r = top; r <= bottom; r++) {
    for (let c = left; c <= right; c++) {
      if (r === top && c === left) continue;
      const row = rows.get(r) ?? new Map<number, CellValue>();
      rows.set(r, row);
      row.set(c, master);
    }
  }
  return Array.from({ length: bottom - top + 1 }, (_, i) => top + i);
}

/** The workbook in `buffer`, a zip checked by checkXlsxZip. Throws ListInputError('corrupt') when a part is missing or malformed. */
export function readWorkbook(buffer: Buffer): Workbook {
  const parts = unzip(buffer);
  const workbookXml = parts.get('xl/workbook.xml');
  if (workbookXml === undefined) throw new ListInputError('corrupt', 'corrupt xlsx: no xl/workbook.xml');
  let date1904 = false;
  const sheets: { name: string; state: string; id: string }[] = [];
  for (const tag of tags(workbookXml)) {
    if (tag.closing) continue;
    if (tag.name === 'workbookPr') date1904 = attributeOf(tag, 'date1904') === '1';
    if (tag.name === 'sheet') {
      sheets.push({
        name: attributeOf(tag, 'name') ?? '',
        state: attributeOf(tag, 'state') || 'visible',
        id: attributeOf(tag, 'r:id') ?? '',
      });
    }
  }
  const context: Context = {
    strings: sharedStrings(parts.get('xl/sharedStrings.xml')),
    dateStyle: dateStyles(parts.get('xl/styles.xml')),
    date1904,
  };
  const workbookRels = relationships(parts.get('xl/_rels/workbook.xml.rels'));
  const worksheets: Worksheet[] = [];
  for (const sheet of sheets) {
    const target = workbookRels.get(sheet.id);
    if (target === undefined) continue;
    const path = `xl/${target.replace(/^(\s|\/xl\/)+/, '')}`;
    const xml = parts.get(path);
    if (xml === undefined) continue;
    const rels = relationships(parts.get(path.replace(/sheet(\d+)\.xml$/, '_rels/sheet$1.xml.rels')));
    worksheets.push({ name: sheet.name, state: sheet.state, ...readSheet(xml, rels, context) });
  }
  return { date1904, worksheets };
}
