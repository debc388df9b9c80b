// `npm run backup -- --out FILE`: a consistent backup of the service's database (src/database/backup.ts)
// while it serves. Exit codes: 0 written, 2 bad arguments, 1 anything else (no file is left behind).
import { rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config.ts';
import { BackupError, writeBackup } from '../database/backup.ts';
import { exitOnSignal, openDatabaseTarget, type DatabaseTarget } from './database-target.ts';

const USAGE = `usage: npm run backup -- --out FILE
  --out FILE   where to write the backup (gzip; an existing file is replaced once the backup is complete)`;

async function main(argv: string[]): Promise<number> {
  let out: string | undefined;
  try {
    ({ out } = parseArgs({ args: argv, options: { out: { type: 'string' } }, strict: true }).values);
    if (!out) throw new Error('--out: give the file to write');
  } catch (error) {
    console.error(`backup: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  let target: DatabaseTarget | undefined;
  exitOnSignal('backup', async () => {
    await rm(`${out}.partial`, { force: true });
    await target?.close();
  });
  try {
    target = await openDatabaseTarget((message) => console.error(message));
    const started = Date.now();
    const header = await writeBackup(target.url, out);
    const rows = header.tables.reduce((total, table) => total + table.rows, 0);
    console.log(
      `backup ${out}: ${header.tables.length} tables, ${rows} rows, schema at migration ${header.migrations.at(-1)!.name}, ` +
        `PostgreSQL ${header.server_version}, in ${Date.now() - started} ms`,
    );
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`backup: ${error.message}`);
      return 2;
    }
    console.error(`backup: failed: ${error instanceof BackupError ? error.message : (error as Error).message}`);
    return 1;
  } finally {
    await target?.close();
  }
}

process.exit(await main(process.argv.slice(2)));
