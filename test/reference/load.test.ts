import t from 'tap';
import { loadReferenceData } from '../../src/reference/load.ts';
import { testDatabase } from '../helpers/database.ts';

const COUNTS = `SELECT
  (SELECT count(*)::int FROM states) AS states,
  (SELECT count(*)::int FROM counties) AS counties,
  (SELECT count(*)::int FROM support_models) AS models,
  (SELECT count(*)::int FROM oversight_reports) AS reports,
  (SELECT count(*)::int FROM recommendations) AS recommendations,
  (SELECT md5(string_agg(fips || name || lat || lon, ',' ORDER BY fips)) FROM counties) AS counties_digest`;

t.test('reference data is loaded: states, counties, models, reports', async (t) => {
  const db = await testDatabase(t);
  const { rows } = await db.pool.query(COUNTS);
  const counts = rows[0];
  t.ok(counts.states >= 56, `50 states, DC and territories (${counts.states})`);
  t.ok(counts.counties >= 3200, `3,200+ counties (${counts.counties})`);
  t.equal(counts.models, 5);
  t.ok(counts.reports >= 10, `oversight reports (${counts.reports})`);

  const guam = await db.pool.query(`SELECT code, fips, is_territory FROM states WHERE name = 'Guam'`);
  t.same(guam.rows[0], { code: 'GU', fips: '66', is_territory: true });
  const harris = await db.pool.query(
    `SELECT name, state_code, round(lat::numeric, 1)::float AS lat FROM counties WHERE fips = '48201'`,
  );
  t.same(harris.rows[0], { name: 'Harris County', state_code: 'TX', lat: 29.9 });
  const connecticut = await db.pool.query(`SELECT count(*)::int AS n FROM counties WHERE fips LIKE '091%'`);
  t.ok(connecticut.rows[0].n >= 9, 'Connecticut planning regions, the current vintage');
  const oldCt = await db.pool.query(`SELECT count(*)::int AS n FROM counties WHERE fips = '09001'`);
  t.equal(oldCt.rows[0].n, 0, 'not the old Connecticut counties');
});

t.test('loading twice changes nothing', async (t) => {
  const db = await testDatabase(t);
  const before = (await db.pool.query(COUNTS)).rows[0];
  await loadReferenceData(db.pool);
  await loadReferenceData(db.pool);
  const after = (await db.pool.query(COUNTS)).rows[0];
  t.same(after, before);
});
