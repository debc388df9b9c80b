// The service's answers as bench/run.ts stores them for the bare routes (bare.ts, plain.ts): for each name,
// {name}.body (as sent, compressed or not), {name}.type (its Content-Type) and {name}.headers.json (its other headers
// but the connection's).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface StoredAnswer {
  body: Buffer;
  type: string;
  headers: Record<string, string>;
}

export async function readStoredAnswers(dir: string): Promise<Map<string, StoredAnswer>> {
  const answers = new Map<string, StoredAnswer>();
  for (const file of (await readdir(dir)).filter((name) => name.endsWith('.body'))) {
    const name = file.slice(0, -'.body'.length);
    answers.set(name, {
      body: await readFile(join(dir, file)),
      type: (await readFile(join(dir, `${name}.type`), 'utf8')).trim(),
      headers: JSON.parse(await readFile(join(dir, `${name}.headers.json`), 'utf8').catch(() => '{}')) as Record<
        string,
        string
      >,
    });
  }
  return answers;
}
