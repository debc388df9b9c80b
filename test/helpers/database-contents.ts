// Every table's rows as text, without the columns that record when a row was
// written (timestamps differ between two runs that wrote the same data): two
// databases with equal contents hold the same data, ids included.
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
    const rows = await pool.query<{ row: string }>(`SELECT (${names.join(', ')})::text AS row FROM "${table}" ORDER BY 1`);
    contents[table] = rows.rows.map((row) => row.row);
  }
  return contents;
}
