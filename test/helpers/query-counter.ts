// Counts the SQL statements the app sends through a pool, as Open States'
// tests do: every statement on a connection checked out of the pool (by
// pool.query or pool.connect, so snapshot exports count too), except the
// dataset-version poll (src/plugins/app/dataset-version.ts), which runs on its
// own every few seconds.
import type pg from 'pg';

export interface QueryCounter {
  /** Statements since the counter was made or last reset. */
  count: number;
  /** Their SQL, for messages. */
  texts: string[];
  /** The statements `run` sends. */
  during(run: () => Promise<unknown>): Promise<number>;
}

export function countQueries(pool: pg.Pool): QueryCounter {
  const counter: QueryCounter = {
    count: 0,
    texts: [],
    async during(run) {
      const before = counter.count;
      await run();
      return counter.count - before;
    },
  };
  const watched = new WeakSet<pg.PoolClient>();
  pool.on('acquire', (client) => {
    if (watched.has(client)) return;
    watched.add(client);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      const first = args[0] as string | { text?: string };
      const text = typeof first === 'string' ? first : (first?.text ?? '');
      if (!text.includes('FROM dataset_version d')) {
        counter.count++;
        counter.texts.push(text);
      }
      return query(...args);
    };
  });
  return counter;
}
