// Parses every file of the real archive of ICE's lists (ICE_ARCHIVE_DIR, see its README.md)
// and holds the parser to the archive's manifest. Any disagreement must be named below with
// its reason, or the test fails.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { parseCsv } from '../../../src/ingestion/historical/load-historical.ts';
import { parseListFile, type ParsedList } from '../../../src/ingestion/lists/parse/index.ts';
import { realData } from '../../helpers/real-data.ts';

// Skipped on a developer's machine without the archive; a failure in CI (helpers/real-data.ts).
const { dir: archiveDir, skip: skipArchive } = realData('ICE_ARCHIVE_DIR');

interface ManifestEntry {
  path: string;
  kind: 'participating' | 'pending';
  listDate: string;
  source: string;
  rows: number;
  note: string;
}

/** Row counts where the parser and the manifest disagree, with why. None so far. */
const ROW_COUNT_DIFFERENCES: Record<string, { rows: number; reason: string }> = {};

/** Header-only lists: the manifest counts 0 rows; the parser reads them as lists with no rows. */
const EMPTY_LISTS: Record<string, string> = Object.fromEntries(
  ['11062025pm', '11102025am', '11142025pm', '11182025am', '11192025am', '11202025mid', '11212025am'].map((stamp) => [
    `pending/pendingAgencies${stamp}.xlsx`,
    'ICE published the pending list with its header and no rows (November 2025: nothing pending at that moment)',
  ]),
);

/** Files whose columns say the other kind (README: "2025-09-22 pm: the participating and pending files were swapped"). */
const SWAPPED: Record<string, 'participating' | 'pending'> = {
  'participating/participatingAgencies09222025pm.xlsx': 'pending',
  'pending/pendingAgencies09222025pm.xlsx': 'participating',
};

/** Participating lists whose SIGNED dates run past their file-name date (README: misdated files). */
const MISDATED = new Set([
  'participating/participatingAgencies01052025pm.xlsx',
  'participating/participatingAgencies01062025pm.xlsx',
  'participating/participatingAgencies01092025pm.xlsx',
  'participating/participatingAgencies08022025pm.xlsx',
]);

/** Rows with an empty SUPPORT TYPE cell in ICE's pending lists of October 2025 (one row each). */
const NO_SUPPORT_TYPE = new Set([
  'pending/pendingAgencies10062025pm.xlsx',
  'pending/pendingAgencies10082025pm.xlsx',
  'pending/pendingAgencies10242025mid.xlsx',
  'pending/pendingAgencies10282025pm.xlsx',
]);

/** Counts ICE published (README, "Published counts to check against"). */
const PUBLISHED_COUNTS: Record<string, number> = {
  'participating/participatingAgencies-20250221214937.xlsx': 151,
  'pending/pendingAgencies-20250221214937.xlsx': 41,
  'participating/participatingAgencies06062025am.xlsx': 649,
  'pending/pendingAgencies06062025am.xlsx': 79,
  'participating/participatingAgencies09092025pm.xlsx': 1000,
  'participating/participatingAgencies12042025pm2.xlsx': 1202,
  'participating/participatingAgencies01262026pm.xlsx': 1372,
};

async function readManifest(dir: string): Promise<ManifestEntry[]> {
  const [header, ...rows] = parseCsv(await readFile(join(dir, 'manifest.csv'), 'utf8')).filter((row) =>
    row.some((cell) => cell.trim() !== ''),
  );
  return rows.map((row) => {
    const record = Object.fromEntries(row.map((value, index) => [header![index], value]));
    return {
      path: record.path!,
      kind: record.kind as ManifestEntry['kind'],
      listDate: record.list_date!,
      source: record.source!,
      rows: Number(record.rows),
      note: record.note ?? '',
    };
  });
}

if (!archiveDir) {
  t.plan(0, skipArchive as string);
} else {
  // Over a thousand files: well past tap's default 30 s, more so on a busy machine.
  t.setTimeout(900_000);
  const manifest = await readManifest(archiveDir);
  const parsed = new Map<string, ParsedList>();
  let totalMs = 0;

  t.test(`every file in the manifest parses (${manifest.length} files)`, { timeout: 900_000 }, async (t) => {
    const failures: string[] = [];
    const cpuBefore = process.cpuUsage();
    for (const entry of manifest) {
      const started = performance.now();
      try {
        parsed.set(entry.path, await parseListFile(join(archiveDir, entry.path)));
      } catch (error) {
        failures.push(`${entry.path}: ${(error as Error).message}`);
      }
      totalMs += performance.now() - started;
    }
    t.same(failures, [], 'no file fails to parse');
    // CPU time too: on a shared machine the wall clock mostly measures the neighbours.
    const cpu = process.cpuUsage(cpuBefore);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    t.comment(
      `parsed ${manifest.length} files in ${(totalMs / 1000).toFixed(1)} s wall (${(totalMs / manifest.length).toFixed(1)} ms a file), ` +
        `${(cpuMs / 1000).toFixed(1)} s CPU (${(cpuMs / manifest.length).toFixed(1)} ms a file)`,
    );
  });

  t.test('row counts match the manifest, or the difference is explained', async (t) => {
    const unexplained: string[] = [];
    for (const entry of manifest) {
      const list = parsed.get(entry.path);
      if (!list) continue;
      if (list.rows.length === 0) {
        t.ok(EMPTY_LISTS[entry.path], `${entry.path}: header-only list, explained`);
        t.equal(entry.rows, 0, `${entry.path}: the manifest counts 0 rows too`);
      }
      const explained = ROW_COUNT_DIFFERENCES[entry.path];
      const expected = explained ? explained.rows : entry.rows;
      if (list.rows.length !== expected) {
        unexplained.push(`${entry.path}: parser ${list.rows.length} rows, manifest ${entry.rows}`);
      }
    }
    t.same(unexplained, [], 'every row-count difference is named in ROW_COUNT_DIFFERENCES');
    const stale = Object.keys(ROW_COUNT_DIFFERENCES).filter((path) => {
      const entry = manifest.find((candidate) => candidate.path === path);
      return !entry || parsed.get(path)?.rows.length === entry.rows;
    });
    t.same(stale, [], 'no explanation is left over for a file that now agrees or is gone');
    for (const path of Object.keys(EMPTY_LISTS))
      t.equal(parsed.get(path)?.rows.length, 0, `${path} parses with no rows`);
  });

  t.test('every file gets its list date from its name', async (t) => {
    const wrong: string[] = [];
    for (const entry of manifest) {
      const list = parsed.get(entry.path);
      if (!list) continue;
      const isCapture = entry.listDate.includes('T');
      if (!isCapture) {
        if (list.listDate !== entry.listDate) wrong.push(`${entry.path}: ${list.listDate} != ${entry.listDate}`);
      } else if (
        // A capture timestamp: the date and time are the capture's, and flagged as such.
        list.listDate !== entry.listDate.slice(0, 10) ||
        list.listTime !== entry.listDate.slice(11, 16) ||
        !list.listDateIsTimestamp
      ) {
        wrong.push(`${entry.path}: ${list.listDate} ${list.listTime} != capture ${entry.listDate}`);
      }
    }
    t.same(wrong, [], 'list dates agree with the manifest');
  });

  t.test('kinds: from the file name always; from the content except the swapped files', async (t) => {
    const wrong: string[] = [];
    for (const entry of manifest) {
      const list = parsed.get(entry.path);
      if (!list) continue;
      if (list.kind !== entry.kind) wrong.push(`${entry.path}: kind ${list.kind}`);
      const expectedContent = SWAPPED[entry.path] ?? entry.kind;
      if (list.contentKind !== expectedContent)
        wrong.push(`${entry.path}: content looks ${list.contentKind}, expected ${expectedContent}`);
      if (SWAPPED[entry.path]) t.match(list.warnings.join('\n'), /files swapped/, `${entry.path}: warned as swapped`);
    }
    t.same(wrong, []);
    t.equal(parsed.get('participating/ParticipatingEntities-20210113002027.xlsx')?.kind, 'participating');
    t.equal(
      parsed.get('pending/pendingAgencies02272026am.xlsx')?.contentKind,
      'pending',
      'pending lists of 2026 have an MOA column but no SIGNED',
    );
  });

  t.test('known anomalies are flagged, and only they', async (t) => {
    const misdated = [...parsed.entries()]
      .filter(([, list]) => list.warnings.some((w) => w.includes('misdated')))
      .map(([path]) => path);
    t.same(
      misdated.sort(),
      [...MISDATED].sort(),
      'SIGNED dates after the list date: exactly the misdated files of the README',
    );
    t.match(
      parsed.get('participating/participatingAgencies04212025am.xlsx')?.warnings ?? [],
      ['no COUNTY column'],
      'the stale re-post of 2025-04-21 lacks COUNTY',
    );

    const unknownStates: string[] = [];
    const noModel: string[] = [];
    for (const [path, list] of parsed) {
      for (const row of list.rows) {
        if (row.state === null) unknownStates.push(`${path} row ${row.rowNumber}: "${row.stateRaw}"`);
        if (row.model === null) noModel.push(path);
      }
    }
    t.same(unknownStates, [], 'every STATE cell is recognised, typos included');
    t.same(noModel.sort(), [...NO_SUPPORT_TYPE].sort(), 'an unreadable SUPPORT TYPE only where the cell is empty');
  });

  t.test('the counts ICE published', async (t) => {
    for (const [path, count] of Object.entries(PUBLISHED_COUNTS)) t.equal(parsed.get(path)?.rows.length, count, path);
    const june = parsed.get('participating/participatingAgencies06062025am.xlsx')!;
    const tally = (pick: (row: ParsedList['rows'][number]) => string | null) => {
      const counts: Record<string, number> = {};
      for (const row of june.rows) counts[pick(row) ?? 'null'] = (counts[pick(row) ?? 'null'] ?? 0) + 1;
      return counts;
    };
    t.match(
      tally((row) => row.state),
      { FL: 277, TX: 91 },
      '2025-06-06 by state',
    );
    t.same(
      tally((row) => row.model),
      { task_force: 315, warrant_service_officer: 232, jail_enforcement: 102 },
      '2025-06-06 by model',
    );
  });
}
