// The worker thread of ingestFiles (ingest-files.ts): reads and parses each list
// it is sent and posts the rows back, so that parsing the next list runs while
// the main thread applies the previous one.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { IngestInputError, readList, type ReadList } from './read-list.ts';

export interface ParseRequest {
  id: number;
  path: string;
}

/** A parsed list, bad input (the one-line message), or any other failure (its message). */
export type ParseResult = { list: ReadList } | { inputError: string } | { failure: string };

export async function readListFile(path: string): Promise<ParseResult> {
  try {
    return { list: await readList({ buffer: await readFile(path), fileName: basename(path) }) };
  } catch (error) {
    if (error instanceof IngestInputError) return { inputError: error.message };
    return { failure: error instanceof Error ? error.message : String(error) };
  }
}

/** The workerData that makes a thread loading this module answer ParseRequests. */
export const PARSE_WORKER_DATA = { role: 'parse-lists' } as const;

if (parentPort && workerData?.role === PARSE_WORKER_DATA.role) {
  const port = parentPort;
  port.on('message', async ({ id, path }: ParseRequest) => {
    port.postMessage({ id, result: await readListFile(path) });
  });
}
