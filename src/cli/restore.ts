// `npm run restore -- FILE [--force]`: loads a backup (`npm run backup`) into the service's database, which
// must be empty unless --force (which replaces everything in it). The service must be stopped. Exit codes:
// 0 restored, 2 bad arguments, a file that is no backup, or a database that is not empty; 1 anything else.
// A failed restore changes nothing.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config.ts';
import { BackupError, restoreBackup } from '../database/backup.ts';
import { migrate } from '../database/migrate.ts';
import { exitOnSignal, openDatabaseTarget, type DatabaseTarget } from './database-target.ts';

const USAGE = `usage: npm run restore -- FILE [--force]
  FILE      a backup written by npm run backup
  --force   replace a database that is not empty (everything in it is dropped)`;

async function main(argv: string[]): Promise<number> {
  let file: string;
  let force: boolean;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { force: { type: 'boolean', default: false } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== 1) throw new Error('give exactly one backup file');
    file = positionals[0]!;
    force = values.force!;
    if (!existsSync(file)) throw new Error(`${file}: no such file`);
  } catch (error) {
    console.error(`restore: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  let target: DatabaseTarget | undefined;
  exitOnSignal('restore', async () => target?.close());
  try {
    target = await openDatabaseTarget((message) => console.error(message));
    const started = Date.now();
    const { header, rows } = await restoreBackup(target.url, file, { force });
    // The migrations added since the backup was made (the service would apply them at its start anyway).
    const applied = await migrate(target.url);
    console.log(
      `restored ${file} (made ${header.created_at} on PostgreSQL ${header.server_version}): ${header.tables.length} tables, ${rows} rows` +
        `${applied.length > 0 ? `; then applied migrations ${applied.join(', ')}` : ''}, in ${Date.now() - started} ms`,
    );
    return 0;
  } catch (error) {
    if (error instanceof BackupError || error instanceof ConfigError) {
      console.error(`restore: ${error.message}`);
      return 2;
    }
    console.error(`restore: failed: ${(error as Error).message}`);
    return 1;
  } finally {
    await target?.close();
  }
}

process.exit(await main(process.argv.slice(2)));
