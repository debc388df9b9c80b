import type { ParsedList } from './types.ts';

export type ListInputErrorCode = 'not_xlsx' | 'corrupt' | 'too_large' | 'no_header' | 'empty';

/** Input that cannot be read as an ICE list. The message is one line, fit for a CLI. */
export class ListInputError extends Error {
  readonly code: ListInputErrorCode;
  /** For 'empty' only: the list as parsed (header, kind, date, warnings) with no rows. */
  readonly list?: ParsedList;

  constructor(code: ListInputErrorCode, message: string, options: { cause?: unknown; list?: ParsedList } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ListInputError';
    this.code = code;
    if (options.list) this.list = options.list;
  }
}
