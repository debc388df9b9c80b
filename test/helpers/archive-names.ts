// Checks of issue 22 over the real archive (run by test/ingestion/archive.test.ts
// after the lists, the historical sources and the FBI roster are loaded, so the
// backfill is paid once): ORI coverage by agency type with the unmatched list
// in the test's output, the ori filter in REST and GraphQL, a release's Parquet
// with the FBI columns, and the reporter query table.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { FastifyInstance } from 'fastify';
import type { Test } from 'tap';
import type { Database } from '../../src/database/connect.ts';
import { REPORTER_QUERIES } from './reporter-queries.ts';

export async function checkFbiAndNames(t: Test, app: FastifyInstance, db: Database): Promise<void> {
  // Coverage of the agencies with an active agreement, by type and level.
  const coverage = await db.pool.query<{ type: string; level: string; active: number; with_ori: number }>(
    `SELECT g.type::text AS type, g.level::text AS level, count(*)::int AS active, count(g.ori)::int AS with_ori
     FROM agencies g WHERE EXISTS (SELECT 1 FROM agreements a WHERE a.agency_id = g.id AND a.status = 'active')
     GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  for (const row of coverage.rows)
    t.comment(
      `ORI coverage, active ${row.type} (${row.level}): ${row.with_ori} of ${row.active} (${((100 * row.with_ori) / row.active).toFixed(1)}%)`,
    );
  const goal = coverage.rows.filter(
    (row) => row.type === 'sheriffs_office' || (row.type === 'police_department' && row.level === 'municipal'),
  );
  const [active, withOri] = [
    goal.reduce((sum, row) => sum + row.active, 0),
    goal.reduce((sum, row) => sum + row.with_ori, 0),
  ];
  t.ok(
    withOri / active >= 0.95,
    `an ORI for ${withOri} of ${active} active sheriffs' offices and municipal police departments (goal 95%)`,
  );
  const unmatched = await db.pool.query<{ id: string; ori_match: string }>(
    `SELECT g.id, g.ori_match FROM agencies g
     WHERE g.ori IS NULL AND g.type IN ('sheriffs_office', 'police_department')
       AND EXISTS (SELECT 1 FROM agreements a WHERE a.agency_id = g.id AND a.status = 'active') ORDER BY g.id`,
  );
  t.comment(`unmatched: ${unmatched.rows.map((row) => `${row.id} (${row.ori_match})`).join(', ')}`);
  t.equal(
    (await db.pool.query('SELECT 1 FROM agencies WHERE ori_match IS NULL')).rowCount,
    0,
    'every agency says how its ORI was found, or why none',
  );
  const crossed = await db.pool.query(
    `SELECT g.id FROM agencies g JOIN fbi_agencies f ON f.ori = g.ori
     WHERE g.ori_match = 'name_county_type' AND NOT (g.county_fips = ANY(f.county_fips))`,
  );
  t.same(crossed.rows, [], "no ORI matched by name lands in another county's agency");
  const twice = await db.pool.query('SELECT ori FROM agencies WHERE ori IS NOT NULL GROUP BY ori HAVING count(*) > 1');
  t.same(twice.rows, [], 'no ORI on two agencies');

  const harris = (await app.inject('/v1/agencies?ori=TX1010000')).json().data;
  t.same(
    harris.map((agency: { id: string }) => agency.id),
    ['tx-harris-county-sheriffs-office'],
    "/v1/agencies?ori= finds Harris County's sheriff",
  );
  const graphql = await app.inject({
    method: 'POST',
    url: '/graphql',
    payload: { query: '{ agencies(filter: { ori: ["TX1010000"] }) { edges { node { id ori fbiPopulation } } } }' },
  });
  t.equal(
    graphql.json().data.agencies.edges[0]?.node.id,
    'tx-harris-county-sheriffs-office',
    'and GraphQL agencies(filter: {ori})',
  );

  // The roster load made the release of the new version: its agencies.parquet carries the FBI columns.
  const latest = await app.inject('/v1/releases/latest');
  const version = (await app.inject(latest.headers.location!)).json().data.version;
  t.equal(version, app.dataset.current().version, 'a release of the version the roster made');
  const dir = await mkdtemp(join(tmpdir(), 'archive-fbi-'));
  try {
    await writeFile(
      join(dir, 'agencies.parquet'),
      (await app.inject(`/v1/releases/${version}/agencies.parquet`)).rawPayload,
    );
    const duck = await (await DuckDBInstance.create(':memory:')).connect();
    const rows = (
      await duck.runAndReadAll(
        `SELECT ori, fbi_population, ori_match FROM '${dir}/agencies.parquet' WHERE id = 'tx-harris-county-sheriffs-office'`,
      )
    ).getRowObjectsJson();
    t.match(rows, [{ ori: 'TX1010000', ori_match: 'name_county_type' }], 'agencies.parquet has ori and fbi_population');
    t.ok(Number(rows[0]?.fbi_population) > 1_000_000, "Harris County's population, per the FBI");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  // The reporter query table: the agency meant comes first.
  t.ok(REPORTER_QUERIES.length >= 60, `${REPORTER_QUERIES.length} queries`);
  for (const [q, state, firstId] of REPORTER_QUERIES) {
    const url = `/v1/agencies?limit=3&q=${encodeURIComponent(q)}${state ? `&state=${state}` : ''}`;
    const found = (await app.inject(url)).json().data.map((agency: { id: string }) => agency.id);
    t.equal(found[0], firstId, `q=${q}${state ? ` state=${state}` : ''}: ${firstId} first (got ${found.join(', ')})`);
  }
}
