// `npm run seed -- --from DIR [--historical DIR] [--out DIR]`: rebuilds the seed
// (seed/ice-lists.json.br, see seed.ts and seed/README.md) from a folder of ICE's
// lists, in the order `npm run ingest -- --dir DIR` applies them, and copies the
// historical sources' .csv files beside it. Exit codes: 0 written, 2 bad input.
import { chmod, copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { listFilesInOrder } from '../ingestion/ingest-files.ts';
import { ListInputError, parseListFile, type ParsedList } from '../ingestion/lists/parse/index.ts';
import { buildSeed, SEED_DIR, SEED_HISTORICAL_DIR, SEED_LISTS_FILE, writeSeed } from '../ingestion/lists/seed.ts';

const USAGE = `usage: npm run seed -- --from DIR [--historical DIR] [--out DIR]
  --from DIR        a folder of ICE's lists (.xlsx, searched recursively), e.g. ../shared/data/ice-287g
  --historical DIR  the historical sources (.csv) to copy into the seed (default: keep the seed's own)
  --out DIR         where to write the seed (default: the repository's seed/)`;

class SeedInputError extends Error {}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() ?? false;
}

export async function main(argv: string[]): Promise<number> {
  let values: { from?: string; historical?: string; out?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        from: { type: 'string' },
        historical: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    if (!values.from) throw new SeedInputError('--from: required');
    if (!(await isDirectory(values.from))) throw new SeedInputError(`--from ${values.from}: no such directory`);
    if (values.historical && !(await isDirectory(values.historical)))
      throw new SeedInputError(`--historical ${values.historical}: no such directory`);
  } catch (error) {
    console.error(`seed: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const out = values.out ?? SEED_DIR;
  const started = performance.now();
  const files = await listFilesInOrder(values.from);
  if (files.length === 0) {
    console.error(`seed: --from ${values.from}: no .xlsx files`);
    return 2;
  }
  const lists: { path: string; byteSize: number; parsed: ParsedList }[] = [];
  for (const [i, file] of files.entries()) {
    try {
      const parsed = await parseListFile(file.path);
      lists.push({ path: file.path, byteSize: (await stat(file.path)).size, parsed });
    } catch (error) {
      // The seed holds what a backfill would apply or hold back; a file that is not a list stays out, said.
      if (!(error instanceof ListInputError)) throw error;
      console.error(`seed: left out ${file.path}: ${error.message}`);
    }
    if (process.stderr.isTTY) process.stderr.write(`\rparsed ${i + 1}/${files.length}`);
  }
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  await mkdir(join(out, SEED_HISTORICAL_DIR), { recursive: true });
  const seed = buildSeed(lists, values.from);
  const bytes = await writeSeed(out, seed);
  let copied = 0;
  if (values.historical) {
    for (const name of (await readdir(values.historical)).filter((entry) => /\.csv$/i.test(entry))) {
      await copyFile(join(values.historical, name), join(out, SEED_HISTORICAL_DIR, name));
      // The copies belong to the repository, whatever the mode of the originals (a read-only archive).
      await chmod(join(out, SEED_HISTORICAL_DIR, name), 0o644);
      copied++;
    }
  }
  const rows = seed.lists.reduce((total, list) => total + list.rowIds.length, 0);
  console.log(
    `wrote ${join(out, SEED_LISTS_FILE)}: ${seed.lists.length} lists, ${rows} rows (${seed.rows.length} distinct), ` +
      `${(bytes / 1_048_576).toFixed(2)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s` +
      (values.historical ? `; ${copied} historical sources copied` : ''),
  );
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(await main(process.argv.slice(2)));
