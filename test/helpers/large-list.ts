// A large participating list built from the reference counties: one sheriff's
// office per county (3,000+ rows), long enough to catch an ingestion mid-transaction.
import type pg from 'pg';
import { buildList, type ListCell } from './build-list.ts';
import { PARTICIPATING_COLUMNS } from './fixtures.ts';

export async function buildLargeList(pool: pg.Pool, signed: string): Promise<Buffer> {
  const counties = await pool.query<{ state: string; county: string }>(
    `SELECT upper(s.name) AS state, c.name AS county FROM counties c JOIN states s ON s.code = c.state_code ORDER BY c.fips`,
  );
  const rows: ListCell[][] = counties.rows.map(({ state, county }, index) => [
    state,
    `${county} Sheriff's Office`,
    'County',
    county,
    'Task Force Model',
    new Date(`${signed}T00:00:00Z`),
    { text: 'link', hyperlink: `https://www.ice.gov/doclib/about/offices/ero/287g/moa${index}.pdf` },
  ]);
  return buildList({ columns: PARTICIPATING_COLUMNS, rows });
}
