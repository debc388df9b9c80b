export type ListInputErrorCode = 'not_xlsx' | 'corrupt' | 'too_large' | 'no_header';

/** Input that cannot be read as an ICE list. The message is one line, fit for a CLI. */
export class ListInputError extends Error {
  readonly code: ListInputErrorCode;

  constructor(code: ListInputErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ListInputError';
    this.code = code;
  }
}
