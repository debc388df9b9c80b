// The first half of ingesting a list: its bytes parsed into rows, with nothing
// decided and no database involved, so a backfill can run it in a worker thread
// (parse-worker.ts) while the previous list is applied (ingest.ts).
import { ListInputError, parseListBuffer, type ParsedList } from './parse/index.ts';

export interface ListSource {
  buffer: Buffer;
  fileName: string | null;
  url?: string | null;
  /** HTTP Last-Modified as an ISO date, the last resort for the list date. */
  lastModified?: string | null;
  /** The server's Last-Modified (or a capture time) as a full timestamp, when known: orders editions of one list. */
  publishedAt?: string | null;
}

/** A parsed list and what applying it needs of its source (the bytes themselves are not kept). */
export interface ReadList {
  parsed: ParsedList;
  byteSize: number;
  url: string | null;
  lastModified: string | null;
  publishedAt: string | null;
}

/** Bad input (exit code 2): the message is one line a user can act on. */
export class IngestInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IngestInputError';
  }
}

/** Parses a list's bytes; input that is not a readable list throws IngestInputError naming the file. */
export async function readList(source: ListSource): Promise<ReadList> {
  try {
    const parsed = await parseListBuffer(source.buffer, source.fileName ? { fileName: source.fileName } : {});
    return {
      parsed,
      byteSize: source.buffer.byteLength,
      url: source.url ?? null,
      lastModified: source.lastModified ?? null,
      publishedAt: source.publishedAt ?? null,
    };
  } catch (error) {
    if (error instanceof ListInputError)
      throw new IngestInputError(`${source.fileName ?? source.url ?? 'input'}: ${error.message}`);
    throw error;
  }
}
