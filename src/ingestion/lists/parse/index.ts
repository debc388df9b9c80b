// The parser of ICE's 287(g) xlsx lists: see parse-list.ts.
export type {
  AgencyKind,
  ColumnName,
  ListKind,
  ModelCode,
  ParsedList,
  ParsedRow,
  ParseOptions,
  RowIssue,
} from './types.ts';
export { ListInputError, type ListInputErrorCode } from './errors.ts';
export { isValidDate, kindFromFileName, listDateFromFileName, type FileNameDate } from './file-name.ts';
export { parseDateCell, type DateCellResult } from './dates.ts';
export { normalizeAgencyType, normalizeState, normalizeSupportModel, unwrapUrl } from './normalize.ts';
export {
  DEFAULT_MAX_FILE_BYTES,
  DEFAULT_MAX_UNCOMPRESSED_BYTES,
  parseListBuffer,
  parseListFile,
} from './parse-list.ts';
