// The real archive of ICE's lists (ICE_ARCHIVE_DIR, e.g. ../shared/data/ice-287g):
// backfilled from an empty database by the real CLI, the known anomalies
// quarantined rather than applied, and the counts reconciled with the
// figures ICE and the press published.
import { spawn } from 'node:child_process';
import t from 'tap';
import type { IngestReport } from '../../src/ingestion/ingest.ts';
import { testDatabase } from '../helpers/database.ts';

const archive = process.env.ICE_ARCHIVE_DIR;

// Known anomalies (archive README) and the reason each must be held back.
const EXPECTED_QUARANTINE: Record<string, RegExp> = {
  'participatingAgencies01052025pm.xlsx': /^misdated: dated 2025-01-05 but a row was signed on 2025-12.*--list-date 2026-01-05$/,
  'participatingAgencies01062025pm.xlsx': /^misdated: dated 2025-01-06.*--list-date 2026-01-06$/,
  'participatingAgencies01092025pm.xlsx': /^misdated: dated 2025-01-09 but a row was signed on 2026-01.*--list-date 2026-01-09$/,
  'pendingAgencies01052025pm.xlsx': /^misdated: the participating list published with it/,
  'pendingAgencies01062025pm.xlsx': /^misdated: the participating list published with it/,
  'pendingAgencies01092025pm.xlsx': /^misdated: the participating list published with it/,
  'participatingAgencies08022025pm.xlsx': /^misdated: dated 2025-08-02 but a row was signed on 2025-08-2.*--list-date 2025-08-28$/,
  // The 2025-09-22 pm swap: the "participating" file holds the pending list.
  'participatingAgencies09222025pm.xlsx': /looks like a pending list/,
  // Not in the README: this pending list drops 43 of 74 applications, which the next list restores.
  'pendingAgencies04282025pm.xlsx': /^would end 43 of 74 pending applications/,
};

// Not in the README either: ICE published these pending lists with a header and no rows.
// An empty list is refused as bad input (it cannot be told from a broken export).
const EMPTY_PENDING_LISTS = [
  'pendingAgencies11062025pm.xlsx',
  'pendingAgencies11102025am.xlsx',
  'pendingAgencies11142025pm.xlsx',
  'pendingAgencies11182025am.xlsx',
  'pendingAgencies11192025am.xlsx',
  'pendingAgencies11202025mid.xlsx',
  'pendingAgencies11212025am.xlsx',
];

function backfill(url: string): Promise<{ code: number; report: { lists: IngestReport[]; bad_input: string[] }; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/ingestion/cli.ts', '--dir', archive!, '--json'], {
      env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => {
      try {
        resolve({ code: code ?? -1, report: JSON.parse(stdout), stderr });
      } catch (error) {
        reject(new Error(`backfill printed no JSON (exit ${code}): ${stderr.slice(0, 2000)} ${String(error)}`));
      }
    });
  });
}

t.test('backfilling the whole archive', { skip: archive ? false : 'ICE_ARCHIVE_DIR is not set: the real-archive suite needs the archive of ICE lists' }, async (t) => {
  const db = await testDatabase(t);
  const { code, report } = await backfill(db.url);
  const byFile = new Map(report.lists.map((list) => [list.fileName, list]));

  t.equal(code, 2, 'exit 2: the empty pending lists are refused as bad input, everything else applied or quarantined');
  t.same(
    report.bad_input.map((line) => line.split(':')[0]).sort(),
    EMPTY_PENDING_LISTS,
    'the only bad input: pending lists ICE published empty',
  );
  const quarantined = report.lists.filter((list) => list.outcome === 'quarantined');
  t.same(quarantined.map((list) => list.fileName).sort(), Object.keys(EXPECTED_QUARANTINE).sort(), 'exactly the known anomalies are quarantined');
  for (const [fileName, reason] of Object.entries(EXPECTED_QUARANTINE)) t.match(byFile.get(fileName)?.reason, reason, fileName);
  t.match(
    byFile.get('participatingAgencies04212025am.xlsx'),
    { outcome: 'skipped', reason: /identical to participatingAgencies03062025am\.xlsx/ },
    'the stale re-post of 2025-04-21 is byte-identical to an applied list: nothing to apply',
  );
  t.equal(report.lists.filter((list) => list.outcome === 'applied').length, 1081);

  const asOf = async (date: string) => {
    const rows = await db.pool.query<{ status: string; model: string; state: string; n: number }>(
      `SELECT s.status::text, a.model_code AS model, g.state_code::text AS state, count(*)::int AS n
       FROM agreement_status_spans s JOIN agreements a ON a.id = s.agreement_id JOIN agencies g ON g.id = a.agency_id
       WHERE s.from_on <= $1 AND (s.to_on IS NULL OR s.to_on > $1) GROUP BY 1, 2, 3`,
      [date],
    );
    const total = (filter: (row: (typeof rows.rows)[number]) => boolean) =>
      rows.rows.filter(filter).reduce((sum, row) => sum + row.n, 0);
    return {
      active: total((row) => row.status === 'active'),
      pending: total((row) => row.status === 'pending'),
      state: (code: string) => total((row) => row.status === 'active' && row.state === code),
      model: (model: string) => total((row) => row.status === 'active' && row.model === model),
    };
  };

  t.equal((await asOf('2025-01-20')).active, 135, 'January 2025: 135');
  const february = await asOf('2025-02-21');
  t.same([february.active, february.pending], [151, 41], '2025-02-21: 151 + 41 pending');

  // Published: 649 + 79 pending, Florida 277, Texas 91, task force 315, warrant service 232, jail 102.
  // ICE's figures count rows. The participating list of that day shows St. Cloud Police Department (FL)
  // twice for the task force model (signed 2025-04-14 and 2025-04-15): one agreement, two rows. And its
  // pending list still shows Longboat Key Police Department's task force application, already signed.
  const june = await asOf('2025-06-06');
  const juneList = byFile.get('participatingAgencies06062025am.xlsx')!;
  t.same(juneList.counts?.skipped_rows, 1, 'one duplicate row on the participating list of 2025-06-06');
  t.equal(june.active + 1, 649, '649 rows = 648 agreements + the St. Cloud duplicate');
  t.equal(june.pending + 1, 79, '79 pending rows = 78 applications + Longboat Key, already active');
  t.equal(june.state('FL') + 1, 277, 'Florida 277 (with the St. Cloud duplicate)');
  t.equal(june.state('TX'), 91, 'Texas 91');
  t.equal(june.model('task_force') + 1, 315, 'task force 315 (with the St. Cloud duplicate)');
  t.equal(june.model('warrant_service_officer'), 232, 'warrant service 232');
  t.equal(june.model('jail_enforcement'), 102, 'jail enforcement 102');

  t.equal((await asOf('2025-09-09')).active, 1000, '2025-09-09: 1,000');
  t.equal((await asOf('2025-12-04')).active, 1202, '2025-12-04: 1,202');
  t.equal((await asOf('2026-01-26')).active, 1372, '2026-01-26: 1,372');

  const withoutCounty = await db.pool.query<{ name: string; state: string; method: string }>(
    `SELECT canonical_name AS name, state_code::text AS state, location_method AS method FROM agencies
     WHERE county_fips IS NULL AND level <> 'state' ORDER BY 2, 1`,
  );
  // Two reviewed cases, with their reasons in src/ingestion/agency-overrides.json: an airport police on a
  // county line, and a constable of a township name four Pennsylvania counties share (ICE gave no county).
  t.same(
    withoutCounty.rows,
    [
      { name: 'Sarasota Manatee Airport Authority Police Department', state: 'FL', method: 'override' },
      { name: "Derry Township Constable's Office", state: 'PA', method: 'override' },
    ],
    'every agency but the statewide ones has a county, except two reviewed cases',
  );
  const noCoordinates = await db.pool.query('SELECT id FROM agencies WHERE lat IS NULL OR lon IS NULL');
  t.equal(noCoordinates.rowCount, 0, 'every agency can be put on a map');
});
