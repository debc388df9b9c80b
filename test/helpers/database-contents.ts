// The one way to snapshot a database in a test, two depths:
// - databaseContents: every table's rows as text, without the columns that
//   record when a row was written (timestamps differ between two runs that
//   wrote the same data): two databases with equal contents hold the same data,
//   ids included;
// - databaseDigest: every table's row count and a hash of all its rows,
//   timestamps included: equal digests before and after, nothing was written.
import type pg from 'pg';

export async function databaseContents(pool: pg.Pool): Promise<Record<string, string[]>> {
  const columns = await pool.query<{ table: string; columns: string[] }>(
    `SELECT c.table_name AS table, array_agg(quote_ident(c.column_name) ORDER BY c.ordinal_position) AS columns
     FROM information_schema.columns c
     JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
     WHERE c.table_schema = 'public' AND c.data_type NOT LIKE 'timestamp%'
     GROUP BY c.table_name ORDER BY c.table_name`,
  );
  const contents: Record<string, string[]> = {};
  for (const { table, columns: names } of columns.rows) {
    const rows = await pool.query<{ row: string }>(
      `SELECT (${names.join(', ')})::text AS row FROM "${table}" ORDER BY 1`,
    );
    contents[table] = rows.rows.map((row) => row.row);
  }
  return contents;
}

/** Table name -> "<count> rows <md5 of every row>", for every table. */
export async function databaseDigest(pool: pg.Pool): Promise<Record<string, string>> {
  const tables = await pool.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  const digests: Record<string, string> = {};
  for (const { name } of tables.rows) {
    const result = await pool.query(
      `SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h FROM "${name}" t`,
    );
    digests[name] = `${result.rows[0].n} rows ${result.rows[0].h}`;
  }
  return digests;
}
