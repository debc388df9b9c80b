// Releases over the scripted history, checked by readers no one here wrote:
// DuckDB and hyparquet read the Parquet files, ajv checks datapackage.json
// against the Data Package v2 profile, JSZip opens release.zip, and Python's
// pandas reads its CSVs. Files must be byte-identical on every fetch and after
// newer lists are applied.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import JSZip from 'jszip';
import t from 'tap';
import { ingestList } from '../../src/ingestion/ingest.ts';
import { buildRelease, RELEASE_FILE_NAMES, SCRATCH_PREFIX, sha256 } from '../../src/releases/build.ts';
import { RELEASE_RESOURCES } from '../../src/releases/tables.ts';
import { ensureCurrentRelease } from '../../src/releases/store.ts';
import { testApp } from '../helpers/app.ts';
import { buildList } from '../helpers/build-list.ts';
import { validateDatapackage } from '../helpers/datapackage.ts';
import { PARTICIPATING_COLUMNS, PENDING_COLUMNS, SEED_FACTS, seedHistory } from '../helpers/fixtures.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { pythonWith, toolAvailable } from '../helpers/tools.ts';

const run = promisify(execFile);
const PUBLIC_URL = 'https://data.example.org';
const utc = (iso: string) => new Date(`${iso}T00:00:00Z`);

t.test('releases', async (t) => {
  const { app, database } = await testApp(t, { env: { PUBLIC_URL } });
  const pool = database.pool;
  const dir = await tempDir(t, 'release');

  t.equal((await app.inject('/v1/releases/latest')).statusCode, 404, 'no release before the first list');
  t.equal(await ensureCurrentRelease(pool, PUBLIC_URL), null, 'nothing to release on an empty database');

  await seedHistory(pool);
  await app.dataset.refresh();
  const made = (await ensureCurrentRelease(pool, PUBLIC_URL))!;
  t.ok(made.made, 'the current version is released');
  t.same(await ensureCurrentRelease(pool, PUBLIC_URL), { version: made.version, made: false, ms: 0 }, 'made once');
  const version = made.version;

  const latest = await app.inject('/v1/releases/latest');
  t.equal(latest.statusCode, 302);
  t.equal(latest.headers.location, `/v1/releases/${version}`);
  t.equal(latest.headers['cache-control'], 'public, max-age=60', 'the moving redirect is cached briefly');
  t.equal(
    (await app.inject('/v1/releases/latest/agreements.csv')).headers.location,
    `/v1/releases/${version}/agreements.csv`,
  );

  const manifest = (await app.inject(`/v1/releases/${version}`)).json().data;
  t.equal(manifest.version, version);
  t.equal(manifest.list_date, SEED_FACTS.latestListDate, 'the date of the latest list it includes');
  t.same(
    manifest.files.map((file: { name: string }) => file.name),
    [...RELEASE_FILE_NAMES].sort(),
  );
  t.match(manifest.citation, `${PUBLIC_URL}/v1/releases/${version}`, 'the citation names its URL');
  const listed = (await app.inject('/v1/releases')).json();
  t.same(listed.data, [manifest], 'GET /v1/releases lists it');

  // Every file: the manifest's size and checksum, the same bytes twice, an immutable cache and a strong ETag.
  const files = new Map<string, Buffer>();
  for (const { name, url, bytes, sha256: checksum } of manifest.files as {
    name: string;
    url: string;
    bytes: number;
    sha256: string;
  }[]) {
    const first = await app.inject(url);
    const second = await app.inject(url);
    t.equal(first.statusCode, 200, name);
    t.ok(first.rawPayload.equals(second.rawPayload), `${name}: byte-identical when fetched twice`);
    t.equal(first.rawPayload.length, bytes, `${name}: its size`);
    t.equal(sha256(first.rawPayload), checksum, `${name}: its SHA-256`);
    t.equal(first.headers.etag, `"${checksum}"`, `${name}: the SHA-256 is the ETag`);
    t.equal(first.headers['cache-control'], 'public, max-age=31536000, immutable');
    t.equal(
      (await app.inject({ url, headers: { 'if-none-match': `"${checksum}"` } })).statusCode,
      304,
      `${name}: revalidation`,
    );
    files.set(name, first.rawPayload);
    await writeFile(join(dir, name), first.rawPayload);
  }

  // A build killed mid-way (SIGKILL: no `finally`) leaves its scratch folder; the next build removes it, and
  // leaves alone the one of a process still running.
  const gone = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => gone.on('exit', resolve));
  const orphan = join(tmpdir(), `${SCRATCH_PREFIX}${gone.pid}-killed`);
  const live = join(tmpdir(), `${SCRATCH_PREFIX}${process.ppid}-building`);
  await mkdir(orphan);
  await mkdir(live);
  t.teardown(() => rm(live, { recursive: true, force: true }));
  const rebuilt = (await buildRelease(pool, PUBLIC_URL))!;
  t.same(
    rebuilt.files.filter((file) => !file.content.equals(files.get(file.name)!)).map((file) => file.name),
    [],
    'building again from the same data gives the same bytes',
  );
  t.notOk(existsSync(orphan), 'the scratch folder of a build whose process is gone is removed by the next build');
  t.ok(existsSync(live), 'the scratch folder of a running process is left alone');

  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  const query = async (sql: string) => (await duck.runAndReadAll(sql)).getRowObjectsJson();
  const count = async (sql: string) => Number((await query(sql))[0]!.n);

  t.test("Parquet: DuckDB and hyparquet read every file, with the CSV's rows and the API's counts", async (t) => {
    const rows: Record<string, number> = {};
    for (const resource of RELEASE_RESOURCES) {
      const parquet = join(dir, `${resource.name}.parquet`);
      rows[resource.name] = await count(`SELECT count(*) AS n FROM read_parquet('${parquet}')`);
      t.equal(
        await count(
          `SELECT count(*) AS n FROM read_csv('${join(dir, `${resource.name}.csv`)}', header = true, all_varchar = true)`,
        ),
        rows[resource.name],
        `${resource.name}: CSV and Parquet hold the same rows`,
      );
      const buffer = files.get(`${resource.name}.parquet`)!;
      const arrayBuffer = new Uint8Array(buffer).buffer;
      const objects = await parquetReadObjects({ file: arrayBuffer, compressors });
      t.equal(objects.length, rows[resource.name], `${resource.name}: hyparquet reads the same rows`);
      t.ok(
        parquetMetadata(arrayBuffer).row_groups.every((group) =>
          group.columns.every((column) => column.meta_data?.codec !== 'UNCOMPRESSED'),
        ),
        `${resource.name}: compressed`,
      );
    }
    const stats = (await app.inject(`/v1/stats?as_of=${manifest.list_date}`)).json();
    const byStatus = Object.fromEntries(
      (await query(`SELECT status, count(*) AS n FROM '${dir}/agreements.parquet' GROUP BY status`)).map((row) => [
        row.status,
        Number(row.n),
      ]),
    );
    t.same(
      byStatus,
      { active: stats.active_agreements, pending: stats.pending_agreements, ended: stats.ended_agreements },
      'agreements by status = /v1/stats',
    );
    t.equal(rows.agreements, SEED_FACTS.agreementCount);
    t.equal(
      await count(`SELECT count(*) AS n FROM '${dir}/agencies.parquet' WHERE active_agreements > 0`),
      stats.active_agencies,
      'active agencies = /v1/stats',
    );
    t.equal(rows.agencies, SEED_FACTS.agencyCount);
    t.equal(rows.lists, (await app.inject('/v1/lists')).json().data.length, 'lists = /v1/lists');
    t.equal(
      rows.events,
      await count(`SELECT count(*) AS n FROM read_csv('${dir}/events.csv', header = true, all_varchar = true)`),
    );
    t.equal(rows.counties, 3233, 'every county');

    const types = async (table: string) =>
      Object.fromEntries(
        (await query(`DESCRIBE SELECT * FROM '${dir}/${table}.parquet'`)).map((row) => [
          row.column_name,
          row.column_type,
        ]),
      );
    const agreements = await types('agreements');
    t.match(
      agreements,
      { signed_on: 'DATE', ended_on: 'DATE', county_fips: 'VARCHAR', updated_at: 'TIMESTAMP WITH TIME ZONE' },
      'dates are DATEs, FIPS strings',
    );
    t.match(await types('agencies'), {
      active_agreements: 'INTEGER',
      lat: 'DOUBLE',
      models: 'VARCHAR[]',
      aliases: 'VARCHAR[]',
    });
    t.match(await types('events'), { id: 'INTEGER', occurred_on: 'DATE', details: 'JSON' });
    t.match(await types('lists'), { list_date: 'DATE', byte_size: 'INTEGER', warnings: 'VARCHAR[]', counts: 'JSON' });
    t.match(await types('counties'), { fips: 'VARCHAR' });
    t.same(
      await query(`SELECT fips, name FROM '${dir}/counties.parquet' ORDER BY fips LIMIT 1`),
      [{ fips: '01001', name: 'Autauga County' }],
      'FIPS keep their leading zeros',
    );
    t.same(
      await query(`SELECT aliases FROM '${dir}/agencies.parquet' WHERE id = 'tx-houston-police-department'`),
      [{ aliases: ['Houston Police Department', 'City of Houston Police Department'] }],
      'aliases as a list',
    );
    const hyRow = (
      await parquetReadObjects({ file: new Uint8Array(files.get('agreements.parquet')!).buffer, compressors })
    ).find((row) => row.signed_on !== null)!;
    t.ok(hyRow.signed_on instanceof Date, 'hyparquet reads a DATE as a date');
  });

  t.test('datapackage.json: the Data Package v2 profile, and every foreign key resolves', async (t) => {
    const descriptor = JSON.parse(files.get('datapackage.json')!.toString('utf8'));
    t.same(validateDatapackage(descriptor), [], 'valid');
    const outside = { ...descriptor, resources: [{ ...descriptor.resources[0], path: '../agreements.csv' }] };
    t.not(validateDatapackage(outside).length, 0, 'the profile rejects a path outside the package');
    t.not(validateDatapackage({ ...descriptor, created: 'yesterday' }).length, 0, 'and a created that is no date-time');
    t.equal(descriptor.version, String(version));
    t.match(JSON.stringify(descriptor.sources), /GeoNames.*CC BY 4\.0/, 'GeoNames is credited');
    const agreementFields = descriptor.resources.find((resource: { name: string }) => resource.name === 'agreements')
      .schema.fields;
    t.equal(
      agreementFields.find((field: { name: string }) => field.name === 'signed_on').description,
      'Date the current agreement was signed, as the list gives it.',
      'descriptions from schema/fields.md',
    );

    for (const resource of descriptor.resources) {
      resource.schema.foreignKeys ??= [];
      t.equal(resource.hash, `sha256:${sha256(files.get(resource.path)!)}`, `${resource.name}: its hash`);
      for (const key of resource.schema.foreignKeys) {
        const target = key.reference.resource ?? resource.name;
        const [field] = key.fields;
        const [referenced] = key.reference.fields;
        const dangling = await count(
          `SELECT count(*) AS n FROM read_csv('${dir}/${resource.name}.csv', header = true, all_varchar = true) s
           WHERE s.${field} IS NOT NULL AND s.${field} NOT IN (SELECT ${referenced} FROM read_csv('${dir}/${target}.csv', header = true, all_varchar = true))`,
        );
        t.equal(dangling, 0, `${resource.name}.${field} → ${target}.${referenced}`);
      }
      const keyColumn = resource.schema.primaryKey[0];
      t.equal(
        await count(
          `SELECT count(*) - count(DISTINCT ${keyColumn}) AS n FROM read_csv('${dir}/${resource.name}.csv', header = true, all_varchar = true)`,
        ),
        0,
        `${resource.name}: its primary key is unique`,
      );
    }
  });

  t.test('release.zip holds every other file, byte for byte', async (t) => {
    const zip = await JSZip.loadAsync(files.get('release.zip')!);
    const names = Object.keys(zip.files).sort();
    t.same(names, RELEASE_FILE_NAMES.filter((name) => name !== 'release.zip').sort());
    for (const name of names) t.ok((await zip.file(name)!.async('nodebuffer')).equals(files.get(name)!), name);
    t.match(
      files.get('CITATION.cff')!.toString(),
      /cff-version: 1\.2\.0[\s\S]*title: "ICE 287\(g\) agreements[\s\S]*version: "\d+"[\s\S]*date-released: "\d{4}-\d{2}-\d{2}"[\s\S]*url: "https:\/\/data\.example\.org\/v1\/releases\/\d+"[\s\S]*license: CC-BY-4\.0/,
    );
  });

  t.test("pandas reads release.zip's CSVs and reproduces the counts", async (t) => {
    const python = await pythonWith(['pandas']);
    if (!toolAvailable(t, python !== undefined, 'Python with pandas', 'apt-get install python3-pandas')) return;
    const script = `
import json, sys, zipfile
import pandas as pd
archive = zipfile.ZipFile(sys.argv[1])
read = lambda name: pd.read_csv(archive.open(name + ".csv"), dtype={"county_fips": str, "fips": str})
agreements, agencies, lists, counties = read("agreements"), read("agencies"), read("lists"), read("counties")
print(json.dumps({
  "by_status": {k: int(v) for k, v in agreements["status"].value_counts().items()},
  "active_agencies": int((agencies["active_agreements"] > 0).sum()),
  "lists": len(lists),
  "events": len(read("events")),
  "first_fips": str(counties["fips"].min()),
  "harris": agencies.loc[agencies["id"] == "tx-houston-police-department", "county_fips"].iloc[0],
}))`;
    const { stdout } = await run(python!, ['-c', script, join(dir, 'release.zip')]);
    const stats = (await app.inject(`/v1/stats?as_of=${manifest.list_date}`)).json();
    const result = JSON.parse(stdout);
    t.same(result.by_status, {
      active: stats.active_agreements,
      pending: stats.pending_agreements,
      ended: stats.ended_agreements,
    });
    t.equal(result.active_agencies, stats.active_agencies);
    t.equal(result.lists, (await app.inject('/v1/lists')).json().data.length);
    t.equal(result.events, await count(`SELECT count(*) AS n FROM '${dir}/events.parquet'`));
    t.equal(result.first_fips, '01001', 'FIPS read as text keep their zeros');
    t.equal(result.harris, SEED_FACTS.harrisCountyFips);
  });

  t.test('npm run release writes the same files', async (t) => {
    const out = join(dir, 'cli');
    const env = { ...process.env, DATABASE_URL: database.url, PUBLIC_URL, LOG_LEVEL: 'silent' };
    const cli = ['--import', 'tsx', 'src/cli/release.ts'];
    const { stdout } = await run(process.execPath, [...cli, '--version', String(version), '--out', out], { env });
    t.match(stdout, `wrote release ${version}`);
    for (const name of RELEASE_FILE_NAMES) t.ok((await readFile(join(out, name))).equals(files.get(name)!), name);

    const failure = async (args: string[]) => {
      const result = await run(process.execPath, [...cli, ...args], { env }).then(
        () => null,
        (error: { code: number; stderr: string }) => error,
      );
      return { code: result?.code, line: result?.stderr.split('\n')[0] };
    };
    t.match(await failure(['--version', 'abc', '--out', out]), {
      code: 2,
      line: /--version: must be a whole number or latest/,
    });
    t.match(await failure(['--out', out]), { code: 2, line: /--version: required/ });
    t.match(await failure(['--version', '99999', '--out', out]), { code: 2, line: /no release 99999/ });
  });

  t.test('bad requests', async (t) => {
    const bad = await app.inject('/v1/releases/abc');
    t.equal(bad.statusCode, 400);
    t.equal(bad.headers['content-type'], 'application/problem+json; charset=utf-8');
    t.equal((await app.inject('/v1/releases/99999')).statusCode, 404);
    t.equal((await app.inject(`/v1/releases/${version}/secrets.txt`)).statusCode, 404);
    t.equal((await app.inject('/v1/releases/99999/agreements.csv')).statusCode, 404);
    t.equal((await app.inject('/v1/releases?limit=0')).statusCode, 400);
  });

  t.test('newer lists make new releases; the old one never changes', async (t) => {
    // A June list adds an Alabama agency (FIPS 01003); then a pending list of the same date.
    const june = await buildList({
      columns: PARTICIPATING_COLUMNS,
      rows: [
        [
          'FLORIDA',
          "Collier County Sheriff's Office",
          'County',
          'Collier County',
          'Task Force Model',
          utc('2025-03-15'),
          null,
        ],
        [
          'FLORIDA',
          "Collier County Sheriff's Office",
          'County',
          'Collier County',
          'Jail Enforcement Model',
          utc('2019-06-01'),
          null,
        ],
        ['FLORIDA', 'Florida Highway Patrol', 'State Agency', '#N/A', 'Task Force Model', utc('2025-02-26'), null],
        [
          'TEXAS',
          'City of Houston Police Department',
          'Municipality',
          'Harris County',
          'Task Force Model',
          utc('2025-02-28'),
          null,
        ],
        [
          'TEXAS',
          "Lubbock County Sheriff's Office",
          'County',
          'Lubbock County',
          'Task Force Model',
          utc('2025-03-20'),
          null,
        ],
        [
          'ALABAMA',
          "Baldwin County Sheriff's Office",
          'County',
          'Baldwin County',
          'Task Force Model',
          utc('2025-05-20'),
          null,
        ],
      ],
    });
    t.equal(
      (await ingestList(pool, { buffer: june, fileName: 'participatingAgencies06012025pm.xlsx' })).outcome,
      'applied',
    );
    const second = (await ensureCurrentRelease(pool, PUBLIC_URL))!;
    t.ok(second.made && second.version > version);
    const pending = await buildList({
      columns: PENDING_COLUMNS,
      rows: [['GEORGIA', "Cobb County Sheriff's Office", 'County', 'Cobb County', 'Jail Enforcement Model']],
    });
    t.equal(
      (await ingestList(pool, { buffer: pending, fileName: 'pendingAgencies06012025pm.xlsx' })).outcome,
      'applied',
    );
    const third = (await ensureCurrentRelease(pool, PUBLIC_URL))!;
    t.ok(third.made && third.version > second.version);

    const kept = (await app.inject('/v1/releases')).json().data.map((release: { version: number }) => release.version);
    t.same(
      kept,
      [third.version, version],
      'kept: the newest, and the first (downloaded); the undownloaded one of the same list date is superseded',
    );
    t.equal(
      (await app.inject('/v1/releases/latest')).headers.location,
      `/v1/releases/${third.version}`,
      'latest moves',
    );
    t.same((await app.inject(`/v1/releases/${version}`)).json().data, manifest, 'the old manifest is unchanged');
    for (const name of RELEASE_FILE_NAMES) {
      t.ok(
        (await app.inject(`/v1/releases/${version}/${name}`)).rawPayload.equals(files.get(name)!),
        `old ${name}: the same bytes`,
      );
    }
    const newest = (await app.inject(`/v1/releases/${third.version}/agencies.csv`)).body;
    t.match(
      newest,
      /al-baldwin-county-sheriffs-office,[^\r\n]*,01003,/,
      'the new release has the Alabama agency, FIPS zero-padded',
    );

    const page = (await app.inject('/v1/releases?limit=1')).json();
    t.equal(page.data.length, 1);
    t.same(
      (await app.inject(page.links.next)).json().data.map((release: { version: number }) => release.version),
      [version],
      'paged with links.next',
    );
  });
});
