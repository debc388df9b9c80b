// Checks a would-be xlsx before its workbook is read (xlsx.ts). Reading inflates the parts it
// needs fully in memory, so a small file that declares, or really holds, gigabytes of XML
// would take the process down. We read the zip's central directory and check what every
// entry declares, and inflate each entry under a hard output cap when deflate's worst case
// could exceed the limit.
import { inflateRawSync } from 'node:zlib';
import { ListInputError } from './errors.ts';

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_END_LOCATOR = 0x07064b50;
const ZIP64_END = 0x06064b50;
const MAX_COMMENT = 0xffff;
const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;
const MAX_DEFLATE_RATIO = 1032;

export interface ZipEntryInfo {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

const mb = (bytes: number): string => `${(bytes / 1_048_576).toFixed(1)} MB`;

/** What the first bytes say the file is, for a useful "not an xlsx" message. */
function describeNonZip(buffer: Buffer): string {
  if (buffer.length === 0) return 'the file is empty';
  if (buffer.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) {
    return 'it is a legacy .xls (or encrypted) workbook, not .xlsx';
  }
  const head = buffer.subarray(0, 512).toString('latin1').trimStart().toLowerCase();
  if (head.startsWith('<!doctype html') || head.startsWith('<html'))
    return 'it is an HTML page (an error page from the website?)';
  if (head.startsWith('%pdf')) return 'it is a PDF';
  if (head.startsWith('<?xml')) return 'it is a bare XML file';
  return 'it is not a zip archive';
}

function findEndOfCentralDirectory(buffer: Buffer): number {
  const stop = Math.max(0, buffer.length - 22 - MAX_COMMENT);
  for (let offset = buffer.length - 22; offset >= stop; offset--) {
    if (buffer.readUInt32LE(offset) === END_OF_CENTRAL_DIRECTORY) return offset;
  }
  return -1;
}

function corrupt(message: string): ListInputError {
  return new ListInputError('corrupt', `corrupt xlsx: ${message}`);
}

/** Reads the central directory; throws ListInputError('corrupt') if it does not hold together. */
export function readCentralDirectory(buffer: Buffer): ZipEntryInfo[] {
  const eocd = buffer.length >= 22 ? findEndOfCentralDirectory(buffer) : -1;
  if (eocd < 0) throw corrupt('the zip has no end-of-central-directory record (truncated download?)');
  let entryCount = buffer.readUInt16LE(eocd + 10);
  let directorySize = buffer.readUInt32LE(eocd + 12);
  let directoryOffset = buffer.readUInt32LE(eocd + 16);

  if (entryCount === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || buffer.readUInt32LE(locator) !== ZIP64_END_LOCATOR)
      throw corrupt('zip64 markers without a zip64 locator');
    const zip64End = Number(buffer.readBigUInt64LE(locator + 8));
    if (zip64End + 56 > buffer.length || buffer.readUInt32LE(zip64End) !== ZIP64_END)
      throw corrupt('bad zip64 end record');
    entryCount = Number(buffer.readBigUInt64LE(zip64End + 32));
    directorySize = Number(buffer.readBigUInt64LE(zip64End + 40));
    directoryOffset = Number(buffer.readBigUInt64LE(zip64End + 48));
  }
  if (directoryOffset + directorySize > buffer.length)
    throw corrupt('the central directory lies past the end of the file (truncated?)');

  const entries: ZipEntryInfo[] = [];
  let offset = directoryOffset;
  for (let index = 0; index < entryCount; index++) {
    if (offset + 46 > buffer.length || buffer.readUInt32LE(offset) !== CENTRAL_HEADER) {
      throw corrupt(`central directory entry ${index + 1} of ${entryCount} is damaged`);
    }
    const method = buffer.readUInt16LE(offset + 10);
    let compressedSize = buffer.readUInt32LE(offset + 20);
    let uncompressedSize = buffer.readUInt32LE(offset + 24);
    const nameLength = buffer.readUInt16LE(offset + 28);
    const extraLength = buffer.readUInt16LE(offset + 30);
    const commentLength = buffer.readUInt16LE(offset + 32);
    let localHeaderOffset = buffer.readUInt32LE(offset + 42);
    const nameStart = offset + 46;
    if (nameStart + nameLength + extraLength > buffer.length)
      throw corrupt('central directory runs past the end of the file');
    const name = buffer.toString('utf8', nameStart, nameStart + nameLength);

    // Zip64 sizes live in extra field 0x0001, in this order, only for the fields set to 0xffffffff.
    if (uncompressedSize === 0xffffffff || compressedSize === 0xffffffff || localHeaderOffset === 0xffffffff) {
      let extra = nameStart + nameLength;
      const extraEnd = extra + extraLength;
      while (extra + 4 <= extraEnd) {
        const id = buffer.readUInt16LE(extra);
        const size = buffer.readUInt16LE(extra + 2);
        if (id === 0x0001) {
          let field = extra + 4;
          const read = (): number => {
            if (field + 8 > extra + 4 + size) throw corrupt(`zip64 field of "${name}" is short`);
            const value = Number(buffer.readBigUInt64LE(field));
            field += 8;
            return value;
          };
          if (uncompressedSize === 0xffffffff) uncompressedSize = read();
          if (compressedSize === 0xffffffff) compressedSize = read();
          if (localHeaderOffset === 0xffffffff) localHeaderOffset = read();
          break;
        }
        extra += 4 + size;
      }
    }
    entries.push({ name, method, compressedSize, uncompressedSize, localHeaderOffset });
    offset = nameStart + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * Throws ListInputError unless `buffer` is a zip holding an xlsx workbook whose content stays
 * within `maxUncompressedBytes`, both as declared and as actually inflated.
 */
export function checkXlsxZip(buffer: Buffer, limits: { maxFileBytes: number; maxUncompressedBytes: number }): void {
  if (buffer.length > limits.maxFileBytes) {
    throw new ListInputError('too_large', `file too large: ${mb(buffer.length)} (limit ${mb(limits.maxFileBytes)})`);
  }
  if (buffer.length < 4 || buffer.readUInt32LE(0) !== LOCAL_HEADER) {
    // An empty zip starts with its end record; it cannot be a workbook either.
    throw new ListInputError('not_xlsx', `not an xlsx file: ${describeNonZip(buffer)}`);
  }
  const entries = readCentralDirectory(buffer);

  const declared = entries.reduce((sum, entry) => sum + entry.uncompressedSize, 0);
  if (declared > limits.maxUncompressedBytes) {
    throw new ListInputError(
      'too_large',
      `xlsx too large once unzipped: its entries declare ${mb(declared)} (limit ${mb(limits.maxUncompressedBytes)}); refusing a possible zip bomb`,
    );
  }
  if (!entries.some((entry) => entry.name.replace(/^\//, '') === 'xl/workbook.xml')) {
    throw new ListInputError('not_xlsx', 'not an xlsx file: a zip archive without xl/workbook.xml');
  }

  // Deflate cannot expand data more than 1032-fold (zlib's technical notes), so when even that
  // worst case stays within the limit, no entry can really be a bomb whatever it declares, and
  // the inflate pass below (a few ms on a large list) is skipped. Typical ICE lists qualify.
  const compressed = entries.reduce((sum, entry) => sum + entry.compressedSize, 0);
  if (
    compressed * MAX_DEFLATE_RATIO <= limits.maxUncompressedBytes &&
    entries.every((entry) => entry.method === METHOD_STORED || entry.method === METHOD_DEFLATE)
  ) {
    return;
  }

  for (const entry of entries) if (!entry.name.endsWith('/')) entryData(buffer, entry);
}

/**
 * An entry's bytes, inflated under a cap of the size it declares (which checkXlsxZip has held to the limit). Throws
 * ListInputError: 'corrupt' when the entry is missing, damaged or not the size it declares, 'too_large' when it
 * inflates beyond it.
 */
export function entryData(buffer: Buffer, entry: ZipEntryInfo): Buffer {
  const local = entry.localHeaderOffset;
  if (local + 30 > buffer.length || buffer.readUInt32LE(local) !== LOCAL_HEADER) {
    throw corrupt(`the data of "${entry.name}" is missing (truncated?)`);
  }
  const dataStart = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
  const dataEnd = dataStart + entry.compressedSize;
  if (dataEnd > buffer.length) throw corrupt(`the data of "${entry.name}" runs past the end of the file (truncated?)`);
  const data = buffer.subarray(dataStart, dataEnd);
  if (entry.method === METHOD_STORED) {
    if (entry.compressedSize !== entry.uncompressedSize)
      throw corrupt(`stored entry "${entry.name}" has inconsistent sizes`);
    return data;
  }
  if (entry.method !== METHOD_DEFLATE)
    throw corrupt(`"${entry.name}" uses zip compression method ${entry.method}, which xlsx readers do not support`);
  // One byte of slack over the declared size tells "exactly as declared" from "more than declared".
  let inflated: Buffer;
  try {
    inflated = inflateRawSync(data, { maxOutputLength: entry.uncompressedSize + 1 });
  } catch (error) {
    if (error instanceof RangeError || (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ListInputError(
        'too_large',
        `xlsx entry "${entry.name}" inflates beyond the ${entry.uncompressedSize} bytes it declares; refusing a possible zip bomb`,
      );
    }
    throw corrupt(`"${entry.name}" does not inflate (${(error as Error).message})`);
  }
  if (inflated.length !== entry.uncompressedSize) {
    throw corrupt(
      `"${entry.name}" inflates to ${inflated.length} bytes, not the ${entry.uncompressedSize} it declares`,
    );
  }
  return inflated;
}
