// Reads the history state that planning needs and writes a plan: a handful of
// set-based statements per list (jsonb_to_recordset), all inside the caller's
// transaction.
import type pg from 'pg';
import type { AgencyState, AgreementState, HistoryState, ListPlan, NewAgency, SkippedRow } from './plan-list.ts';

/** Transaction-level lock taken by every list write (see also INGESTION_RUN_LOCK in ingest-urls.ts). */
export const LIST_WRITE_LOCK = 287004;

// The state's three reads, columns named as the planner's state names them (a row is a state object but for its
// aliases). Historical agreements (before 2021) are a layer of their own: the planner neither sees nor changes them.
const STATE_QUERIES = [
  `SELECT id, canonical_name AS "canonicalName", match_key AS "matchKey", type, level,
          state_code AS "stateCode", county_fips AS "countyFips"
     FROM agencies`,
  'SELECT agency_id, name FROM agency_aliases',
  // How an agreement ended is read back from its status and its latest ending event.
  `SELECT a.id, a.agency_id AS "agencyId", a.model_code AS "modelCode", a.status, a.signed_on AS "signedOn",
          a.first_listed_on AS "firstListedOn", a.last_listed_on AS "lastListedOn", a.ended_on AS "endedOn",
          a.moa_url AS "moaUrl", a.addendum_url AS "addendumUrl", a.supersedes_id AS "supersedesId",
          CASE a.status WHEN 'withdrawn' THEN 'withdrawn'
                        WHEN 'ended' THEN coalesce(
                          (SELECT CASE WHEN e.type = 'withdrawn' THEN 'withdrawn'
                                       WHEN e.details->>'reason' = 'superseded' THEN 'superseded' ELSE 'missing' END
                             FROM agreement_events e
                            WHERE e.agreement_id = a.id AND e.type IN ('ended', 'withdrawn')
                            ORDER BY e.id DESC LIMIT 1), 'missing') END AS "endedBy"
     FROM agreements a
    WHERE a.origin = 'ice_lists'`,
];

function stateOf(results: pg.QueryResult[]): HistoryState {
  const [agencyRows, aliasRows, agreementRows] = results as [
    pg.QueryResult<Omit<AgencyState, 'aliases'>>,
    pg.QueryResult<{ agency_id: string; name: string }>,
    pg.QueryResult<AgreementState>,
  ];
  const agencies: HistoryState['agencies'] = new Map(
    agencyRows.rows.map((row) => [row.id, { ...row, aliases: new Set<string>() }]),
  );
  for (const alias of aliasRows.rows) agencies.get(alias.agency_id)?.aliases.add(alias.name);
  const agreements: HistoryState['agreements'] = new Map(agreementRows.rows.map((row) => [row.id, row]));
  return { agencies, agreements };
}

/** The history state as the client's transaction sees it: its three reads sent as one (one round trip). */
export async function loadHistoryState(client: pg.ClientBase): Promise<HistoryState> {
  return stateOf((await client.query(STATE_QUERIES.join(';\n'))) as unknown as pg.QueryResult[]);
}

/**
 * The history state with the dataset version it is the state of, read in one snapshot and one round trip (sent
 * whole, the database answers it while the caller goes on, e.g. reading a list). Null on an empty database.
 */
export async function loadHistoryAtVersion(pool: pg.Pool): Promise<{ state: HistoryState; version: number } | null> {
  const client = await pool.connect();
  try {
    const results = (await client.query(
      [
        'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
        'SELECT version FROM dataset_version WHERE id = 1',
        ...STATE_QUERIES,
        'COMMIT',
      ].join(';\n'),
    )) as unknown as pg.QueryResult[];
    const version = (results[1] as pg.QueryResult<{ version: number }>).rows[0]?.version;
    return version === undefined ? null : { state: stateOf(results.slice(2, -1)), version };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

const json = (rows: unknown[]) => JSON.stringify(rows);

/** Inserts agencies the planner (or the historical loader) created. */
export async function insertAgencies(client: pg.ClientBase, newAgencies: NewAgency[]): Promise<void> {
  if (newAgencies.length === 0) return;
  await client.query(
    `INSERT INTO agencies (id, canonical_name, match_key, type, level, state_code, county_fips, lat, lon, location_method, updated_at)
     SELECT id, "canonicalName", "matchKey", type::agency_type, level::agency_level, "stateCode", "countyFips", lat, lon, method, now()
     FROM jsonb_to_recordset($1::jsonb) AS r(id text, "canonicalName" text, "matchKey" text, type text, level text,
       "stateCode" text, "countyFips" text, lat float8, lon float8, method text)`,
    [json(newAgencies.map(agencyRow))],
  );
}

/** Writes a plan for the list `sourceListId` dated `listDate`. */
export async function writePlan(
  client: pg.ClientBase,
  sourceListId: number,
  listDate: string,
  plan: ListPlan,
): Promise<void> {
  await insertAgencies(client, plan.newAgencies);
  const displayNames = [...plan.renamedAgencies, ...plan.respelledAgencies];
  if (displayNames.length > 0) {
    await client.query(
      `UPDATE agencies SET canonical_name = r."canonicalName", updated_at = now()
       FROM jsonb_to_recordset($1::jsonb) AS r(id text, "canonicalName" text) WHERE agencies.id = r.id`,
      [json(displayNames.map(({ id, canonicalName }) => ({ id, canonicalName })))],
    );
  }
  // Every name the list used, so an alias's last sighting moves forward.
  await client.query(
    `INSERT INTO agency_aliases (agency_id, name, first_seen_on, last_seen_on, first_source_list_id, last_source_list_id)
     SELECT DISTINCT "agencyId", name, $2::date, $2::date, $3::int, $3::int
     FROM jsonb_to_recordset($1::jsonb) AS r("agencyId" text, name text)
     ON CONFLICT (agency_id, name) DO UPDATE SET
       last_seen_on = GREATEST(agency_aliases.last_seen_on, EXCLUDED.last_seen_on),
       last_source_list_id = CASE WHEN EXCLUDED.last_seen_on >= agency_aliases.last_seen_on
         THEN EXCLUDED.last_source_list_id ELSE agency_aliases.last_source_list_id END`,
    [
      json(dedupe(plan.aliases, (alias) => alias.name).map(({ agencyId, name }) => ({ agencyId, name }))),
      listDate,
      sourceListId,
    ],
  );
  // And every spelling exactly as printed, with the alias it normalizes to.
  await client.query(
    `INSERT INTO agency_spellings (agency_id, spelling, name, search_key, first_seen_on, last_seen_on, first_source_list_id, last_source_list_id)
     SELECT "agencyId", spelling, name, "searchKey", $2::date, $2::date, $3::int, $3::int
     FROM jsonb_to_recordset($1::jsonb) AS r("agencyId" text, spelling text, name text, "searchKey" text)
     ON CONFLICT (agency_id, spelling) DO UPDATE SET
       last_seen_on = GREATEST(agency_spellings.last_seen_on, EXCLUDED.last_seen_on),
       last_source_list_id = CASE WHEN EXCLUDED.last_seen_on >= agency_spellings.last_seen_on
         THEN EXCLUDED.last_source_list_id ELSE agency_spellings.last_source_list_id END`,
    [json(dedupe(plan.aliases, (alias) => alias.spelling)), listDate, sourceListId],
  );
  if (plan.createdAgreements.length > 0) {
    await client.query(
      `INSERT INTO agreements (id, agency_id, model_code, status, signed_on, first_listed_on, last_listed_on,
         first_source_list_id, last_source_list_id, ended_on, moa_url, addendum_url, supersedes_id, updated_at)
       SELECT id, "agencyId", "modelCode", status::agreement_status, "signedOn", "firstListedOn", "lastListedOn",
         $2::int, $2::int, "endedOn", "moaUrl", "addendumUrl", "supersedesId", now()
       FROM jsonb_to_recordset($1::jsonb) AS r(id text, "agencyId" text, "modelCode" text, status text, "signedOn" date,
         "firstListedOn" date, "lastListedOn" date, "endedOn" date, "moaUrl" text, "addendumUrl" text, "supersedesId" text)`,
      [json(plan.createdAgreements), sourceListId],
    );
  }
  if (plan.changedAgreements.length > 0) {
    await client.query(
      `UPDATE agreements SET status = r.status::agreement_status, signed_on = r."signedOn", ended_on = r."endedOn",
         moa_url = r."moaUrl", addendum_url = r."addendumUrl", updated_at = now()
       FROM jsonb_to_recordset($1::jsonb) AS r(id text, status text, "signedOn" date, "endedOn" date, "moaUrl" text, "addendumUrl" text)
       WHERE agreements.id = r.id`,
      [json(plan.changedAgreements)],
    );
  }
  if (plan.listedIds.length > 0) {
    await client.query(
      'UPDATE agreements SET last_listed_on = $2, last_source_list_id = $3 WHERE id = ANY($1::text[])',
      [plan.listedIds, listDate, sourceListId],
    );
  }
  if (plan.statusChanges.length > 0) {
    const ids = plan.statusChanges.map((change) => change.agreementId);
    await client.query(
      'UPDATE agreement_status_spans SET to_on = $2 WHERE agreement_id = ANY($1::text[]) AND to_on IS NULL',
      [ids, listDate],
    );
    await client.query(
      `INSERT INTO agreement_status_spans (agreement_id, status, from_on, source_list_id)
       SELECT "agreementId", status::agreement_status, $2::date, $3::int
       FROM jsonb_to_recordset($1::jsonb) AS r("agreementId" text, status text)`,
      [json(plan.statusChanges), listDate, sourceListId],
    );
  }
  if (plan.events.length > 0) {
    await client.query(
      `INSERT INTO agreement_events (agreement_id, type, occurred_on, source_list_id, source_row, details)
       SELECT "agreementId", type::agreement_event_type, "occurredOn", $2::int, "sourceRow", details
       FROM jsonb_to_recordset($1::jsonb) AS r("agreementId" text, type text, "occurredOn" date, "sourceRow" int, details jsonb)`,
      [json(plan.events), sourceListId],
    );
  }
}

/** One alias per agency and `field` (an upsert may not touch a row twice). */
function dedupe(
  aliases: ListPlan['aliases'],
  field: (alias: ListPlan['aliases'][number]) => string,
): ListPlan['aliases'] {
  const seen = new Map(aliases.map((alias) => [`${alias.agencyId}|${field(alias)}`, alias]));
  return [...seen.values()];
}

/** The rows of a list that did not become or confirm one agreement (replacing any from an earlier ingestion of it). */
export async function writeSkippedRows(
  client: pg.ClientBase,
  sourceListId: number,
  skipped: SkippedRow[],
): Promise<void> {
  await client.query('DELETE FROM source_list_skipped_rows WHERE source_list_id = $1', [sourceListId]);
  if (skipped.length === 0) return;
  await client.query(
    `INSERT INTO source_list_skipped_rows (source_list_id, row_number, cells, reason, agreement_id)
     SELECT $2::int, "rowNumber", cells, reason, "agreementId"
     FROM jsonb_to_recordset($1::jsonb) AS r("rowNumber" int, cells jsonb, reason text, "agreementId" text)`,
    [json(skipped), sourceListId],
  );
}

/** An agency as the JSON rows that insertAgencies (and a re-derivation's update) read with json_to_recordset. */
export function agencyRow(agency: NewAgency) {
  return {
    id: agency.id,
    canonicalName: agency.canonicalName,
    matchKey: agency.matchKey,
    type: agency.type,
    level: agency.level,
    stateCode: agency.stateCode,
    countyFips: agency.countyFips,
    lat: agency.location.lat,
    lon: agency.location.lon,
    method: agency.location.method,
  };
}
