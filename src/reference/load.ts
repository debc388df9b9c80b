// Loads the reference data the project ships (states, counties, support
// models, oversight reports) into the database. Idempotent: every start runs
// it; a second run changes nothing. One transaction, a handful of statements.
import type pg from 'pg';
import { agencyMatchKey } from '../domain/agency-names.ts';
import { loadCounties, stateCentroids } from './geography.ts';
import { loadOversightReports } from './oversight-reports.ts';
import { STATES } from '../domain/states.ts';
import { SUPPORT_MODELS } from './support-models.ts';

/** Upserts rows given as a JSON array, through jsonb_to_recordset: one statement per table. */
async function upsertJson(client: pg.ClientBase, sql: string, rows: readonly unknown[]): Promise<void> {
  await client.query(sql, [JSON.stringify(rows)]);
}

// Any constant works: it only has to be the same in every process that loads reference data.
const REFERENCE_DATA_LOCK = 287_005; // (287_001 migrations, 287_003 ingestion runs, 287_004 list writes)

export async function loadReferenceData(pool: pg.Pool): Promise<void> {
  const centroids = stateCentroids();
  const states = STATES.map((state) => {
    const centroid = centroids.get(state.code) ?? centroids.get(state.fips);
    return { ...state, lat: centroid?.lat ?? null, lon: centroid?.lon ?? null };
  });
  const reports = loadOversightReports();

  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Instances starting together would otherwise interleave the deletes and inserts below (duplicate keys).
    await client.query('SELECT pg_advisory_xact_lock($1)', [REFERENCE_DATA_LOCK]);
    await upsertJson(
      client,
      `INSERT INTO states (code, name, fips, is_territory, lat, lon)
       SELECT code, name, fips, "isTerritory", lat, lon
       FROM jsonb_to_recordset($1::jsonb) AS r(code text, name text, fips text, "isTerritory" boolean, lat float8, lon float8)
       ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, fips = EXCLUDED.fips,
         is_territory = EXCLUDED.is_territory, lat = EXCLUDED.lat, lon = EXCLUDED.lon`,
      states,
    );
    const knownStates = new Set(STATES.map((state) => state.code));
    await upsertJson(
      client,
      `INSERT INTO counties (fips, name, state_code, lat, lon)
       SELECT fips, name, "stateCode", lat, lon
       FROM jsonb_to_recordset($1::jsonb) AS r(fips text, name text, "stateCode" text, lat float8, lon float8)
       ON CONFLICT (fips) DO UPDATE SET name = EXCLUDED.name, state_code = EXCLUDED.state_code,
         lat = EXCLUDED.lat, lon = EXCLUDED.lon`,
      loadCounties().filter((county) => knownStates.has(county.stateCode)),
    );
    await upsertJson(
      client,
      `INSERT INTO support_models (code, name, abbreviation, description, introduced_on, suspended_on, reinstated_on, source_url)
       SELECT code, name, abbreviation, description, "introducedOn", "suspendedOn", "reinstatedOn", "sourceUrl"
       FROM jsonb_to_recordset($1::jsonb) AS r(code text, name text, abbreviation text, description text,
         "introducedOn" date, "suspendedOn" date, "reinstatedOn" date, "sourceUrl" text)
       ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, abbreviation = EXCLUDED.abbreviation,
         description = EXCLUDED.description, introduced_on = EXCLUDED.introduced_on,
         suspended_on = EXCLUDED.suspended_on, reinstated_on = EXCLUDED.reinstated_on, source_url = EXCLUDED.source_url`,
      SUPPORT_MODELS,
    );
    await upsertJson(
      client,
      `INSERT INTO oversight_reports (id, issuer, title, published_on, released_on, url, recommendation_count, summary, sources)
       SELECT id, issuer, title, "publishedOn", "releasedOn", url, "recommendationCount", summary, sources
       FROM jsonb_to_recordset($1::jsonb) AS r(id text, issuer text, title text, "publishedOn" date, "releasedOn" date,
         url text, "recommendationCount" int, summary text, sources jsonb)
       ON CONFLICT (id) DO UPDATE SET issuer = EXCLUDED.issuer, title = EXCLUDED.title,
         published_on = EXCLUDED.published_on, released_on = EXCLUDED.released_on, url = EXCLUDED.url,
         recommendation_count = EXCLUDED.recommendation_count, summary = EXCLUDED.summary, sources = EXCLUDED.sources`,
      reports,
    );
    // A report's children are replaced whole: what the data file says is the truth. The agencies a historical
    // source named for a report (OIG-10-63's Appendix E, `ingest --historical`) are that layer's, and stay.
    const ids = reports.map((report) => report.id);
    await client.query('DELETE FROM recommendations WHERE report_id = ANY($1)', [ids]);
    await client.query('DELETE FROM oversight_report_models WHERE report_id = ANY($1)', [ids]);
    await client.query(
      'DELETE FROM oversight_report_agencies WHERE report_id = ANY($1) AND historical_source_id IS NULL',
      [ids],
    );
    await upsertJson(
      client,
      `INSERT INTO recommendations (report_id, number, text, status)
       SELECT "reportId", number, text, status
       FROM jsonb_to_recordset($1::jsonb) AS r("reportId" text, number int, text text, status text)`,
      reports.flatMap((report) => report.recommendations.map((item) => ({ reportId: report.id, ...item }))),
    );
    await upsertJson(
      client,
      `INSERT INTO oversight_report_models (report_id, model_code)
       SELECT "reportId", "modelCode" FROM jsonb_to_recordset($1::jsonb) AS r("reportId" text, "modelCode" text)`,
      reports.flatMap((report) => report.models.map((modelCode) => ({ reportId: report.id, modelCode }))),
    );
    await upsertJson(
      client,
      `INSERT INTO oversight_report_agencies (report_id, agency_name, state_code, agency_id)
       SELECT r."reportId", r.name, r."stateCode", a.id
       FROM jsonb_to_recordset($1::jsonb) AS r("reportId" text, name text, "stateCode" text, "matchKey" text)
       LEFT JOIN agencies a ON a.state_code = r."stateCode" AND a.match_key = r."matchKey"
       ON CONFLICT (report_id, state_code, agency_name) DO NOTHING`,
      reports.flatMap((report) =>
        report.agencies.map((agency) => ({
          reportId: report.id,
          name: agency.name,
          stateCode: agency.stateCode,
          matchKey: agencyMatchKey(agency.name, agency.stateCode),
        })),
      ),
    );
    await client.query('INSERT INTO dataset_version (id) VALUES (1) ON CONFLICT (id) DO NOTHING');
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** Links report agencies to agency rows that appeared since (ingestion calls this after a list). */
export async function linkReportAgencies(client: pg.ClientBase): Promise<void> {
  const rows = await client.query<{ id: number; agency_name: string; state_code: string }>(
    'SELECT id, agency_name, state_code FROM oversight_report_agencies WHERE agency_id IS NULL',
  );
  for (const row of rows.rows) {
    await client.query(
      `UPDATE oversight_report_agencies SET agency_id = a.id FROM agencies a
       WHERE oversight_report_agencies.id = $1 AND a.state_code = $2 AND a.match_key = $3`,
      [row.id, row.state_code, agencyMatchKey(row.agency_name, row.state_code)],
    );
  }
}
