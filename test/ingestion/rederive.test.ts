// `npm run ingest -- --rederive` after a reviewed override changes: the dry run
// names what would change and writes nothing; the re-derivation merges, the old
// ids answer 301 (REST) and resolve (GraphQL), the start-up notice goes away,
// and the releases made before stay byte for byte as they were.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { rulesVersion, staleRulesNotice } from '../../src/ingestion/history/rules-version.ts';
import { ensureCurrentRelease } from '../../src/releases/store.ts';
import { testApp } from '../helpers/app.ts';
import { testDatabase } from '../helpers/database.ts';
import { seedHistory } from '../helpers/fixtures.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function ingest(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/ingest.ts', ...args], {
      env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const HOUSTON = 'tx-houston-police-department';
const GALVESTON = 'tx-galveston-county-sheriffs-office';

t.test(
  'a changed override: --rederive --dry-run names the merge, --rederive makes it; old ids answer 301',
  async (t) => {
    const database = await testDatabase(t);
    await seedHistory(database.pool);
    const first = await ensureCurrentRelease(database.pool, 'http://localhost');
    t.ok(first?.made, 'the release of the seeded history');
    // A release once downloaded is kept for good (one never served may be replaced by the next): download it.
    const { app } = await testApp(t, { database });
    t.equal(
      (await app.inject({ url: `/v1/releases/${first!.version}/CITATION.cff` })).statusCode,
      200,
      'the first release is downloaded',
    );
    const releaseFiles = () =>
      database.pool.query<{ version: number; name: string; sha256: string; content: Buffer }>(
        'SELECT version, name, sha256, content FROM release_files ORDER BY version, name',
      );
    const releasedBefore = (await releaseFiles()).rows;
    t.equal(await staleRulesNotice(database.pool), null, 'derived under the current rules: nothing to say at start-up');

    // A reviewed override (invented for the test): Houston's police department is the same agency as Galveston's sheriff.
    const dir = await mkdtemp(join(tmpdir(), 'overrides-'));
    const overrides = JSON.parse(await readFile('src/domain/agency-overrides.json', 'utf8'));
    overrides.agencies.push({
      stateCode: 'TX',
      name: 'Houston Police Department',
      sameAs: "Galveston County Sheriff's Office",
      reason: 'A test of re-derivation: an override that merges two agencies.',
    });
    const file = join(dir, 'agency-overrides.json');
    await writeFile(file, JSON.stringify(overrides));
    const env = { DATABASE_URL: database.url, AGENCY_OVERRIDES_FILE: file };

    const dry = await ingest(['--rederive', '--dry-run'], env);
    t.equal(dry.code, 0, dry.stderr);
    t.match(dry.stdout, /^dry run: would re-derive the history from 5 lists/);
    t.match(dry.stdout, `agencies: 1 merged: ${HOUSTON} -> ${GALVESTON}`, 'the dry run names the merged agency');
    t.match(
      dry.stdout,
      `agreements: 1 merged: ${HOUSTON}--tfm-2025-02-28 -> ${GALVESTON}--tfm-2025-02-28`,
      'and the merged agreement',
    );
    const houston = await database.pool.query('SELECT id FROM agencies WHERE id = $1', [HOUSTON]);
    t.equal(houston.rowCount, 1, 'a dry run writes nothing');

    const done = await ingest(['--rederive'], env);
    t.equal(done.code, 0, done.stderr);
    t.match(
      done.stdout,
      /^re-derived the history from 5 lists under rules r\d+-\w+ \(was r\d+-\w+\): dataset version \d+/,
    );
    t.match(done.stdout, `agencies: 1 merged: ${HOUSTON} -> ${GALVESTON}`);
    t.match(done.stderr, /made release \d+/, 'a new release for the new dataset version');

    const agency = await app.inject({ url: `/v1/agencies/${HOUSTON}?as_of=2025-04-15` });
    t.equal(agency.statusCode, 301, 'the merged agency id answers 301');
    t.equal(
      agency.headers.location,
      `/v1/agencies/${GALVESTON}?as_of=2025-04-15`,
      'to the surviving id, the query kept',
    );
    const agreement = await app.inject({ url: `/v1/agreements/${HOUSTON}--tfm-2025-02-28` });
    t.equal(agreement.statusCode, 301);
    t.equal(agreement.headers.location, `/v1/agreements/${GALVESTON}--tfm-2025-02-28`);
    const surviving = await app.inject({ url: agency.headers.location as string });
    t.equal(surviving.statusCode, 200);
    t.ok(
      surviving.json().data.aliases.some((alias: { name: string }) => alias.name === 'Houston Police Department'),
      'the surviving agency carries the merged one’s name',
    );
    t.equal(
      (await app.inject({ url: '/v1/agencies/tx-no-such-agency' })).statusCode,
      404,
      'an unknown id is still a 404',
    );

    const graphql = await app.inject({
      method: 'POST',
      url: '/graphql',
      payload: { query: `{ agency(id: "${HOUSTON}") { id } agreement(id: "${HOUSTON}--tfm-2025-02-28") { id } }` },
    });
    t.same(
      graphql.json().data,
      { agency: { id: GALVESTON }, agreement: { id: `${GALVESTON}--tfm-2025-02-28` } },
      'GraphQL resolves the old ids',
    );

    const releasedAfter = (await releaseFiles()).rows;
    const earlier = releasedAfter.filter((file) => file.version === first!.version);
    t.same(
      earlier.map((file) => [file.name, file.sha256, file.content.toString('base64')]),
      releasedBefore.map((file) => [file.name, file.sha256, file.content.toString('base64')]),
      'the earlier release is byte-identical',
    );
    t.ok(
      releasedAfter.some((file) => file.version > first!.version),
      'and a new one holds the re-derived history',
    );

    // This process runs with the committed overrides: the stored history is now derived under other rules.
    const notice = await staleRulesNotice(database.pool);
    t.match(notice, /derived under rules r\d+-\w+, not the current/);
    t.match(notice, /npm run ingest -- --rederive/);
    t.not(notice, null);
    t.not(
      rulesVersion(),
      (await database.pool.query('SELECT rules_version FROM dataset_version')).rows[0].rules_version,
    );
  },
);
