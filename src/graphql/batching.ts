// The batching engine of GraphQL's loaders: every load of a field asked within
// one tick of execution goes to its loader in one call (see batchedResolvers),
// with helpers to group a batch by asOf or arguments and to put answers back in
// order. Knows nothing of the schema: the loaders (loaders.ts) and the answers
// from memory (reference-memory.ts) are handed to it.
import type { GraphQLResolveInfo } from 'graphql';
import type { GraphqlContext } from './context.ts';

/** One use of a field: its parent object, its arguments, and where it stands in the query (what is asked below it). */
export type Query<O, P = Record<string, never>> = { obj: O; params: P; info: GraphQLResolveInfo };

/** Per type and field, the loader answering every use of the field in one batch, in order. */
export type Loaders = Record<
  string,
  Record<string, (queries: Query<any, any>[], context: GraphqlContext) => Promise<unknown[]>>
>; // any: each loader types its own

/** Groups the queries of a batch by a key (asOf, arguments), keeping their positions. */
function groupBy<Q>(
  queries: readonly Q[],
  keyOf: (query: Q) => string,
): Map<string, { queries: Q[]; positions: number[] }> {
  const groups = new Map<string, { queries: Q[]; positions: number[] }>();
  queries.forEach((query, position) => {
    const key = keyOf(query);
    const group = groups.get(key) ?? { queries: [], positions: [] };
    group.queries.push(query);
    group.positions.push(position);
    groups.set(key, group);
  });
  return groups;
}

/** Runs `load` once per asOf present in the batch and puts the answers back in order. */
export async function perAsOf<O extends { asOf: string | null }, P, R>(
  queries: readonly Query<O, P>[],
  load: (asOf: string | undefined, group: Query<O, P>[]) => Promise<R[]>,
): Promise<R[]> {
  const results = new Array<R>(queries.length);
  await Promise.all(
    [...groupBy(queries, (query) => query.obj.asOf ?? '')].map(async ([asOf, group]) => {
      const answers = await load(asOf || undefined, group.queries);
      group.positions.forEach((position, index) => (results[position] = answers[index]!));
    }),
  );
  return results;
}

export function indexBy<T, K>(rows: readonly T[], keyOf: (row: T) => K): Map<K, T> {
  return new Map(rows.map((row) => [keyOf(row), row]));
}

export function groupRows<T, K>(rows: readonly T[], keyOf: (row: T) => K): Map<K, T[]> {
  const grouped = new Map<K, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = grouped.get(key);
    if (list) list.push(row);
    else grouped.set(key, [row]);
  }
  return grouped;
}

export const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];

/** Per type and field, an answer from memory when there is one (undefined: the loader reads it). */
export type InMemory = Record<string, Record<string, (obj: any, context: GraphqlContext) => unknown>>; // any: each entry types its own parent

type FieldResolver = (obj: unknown, params: unknown, context: GraphqlContext, info: GraphQLResolveInfo) => unknown;

/** The field loads of one request waiting for the next tick, per field. */
const pendingBatches = new WeakMap<
  GraphqlContext,
  Map<string, { queries: Query<unknown, unknown>[]; settle: ((result: unknown, error?: unknown) => void)[] }>
>();

/**
 * The loaders as field resolvers that batch the loads of one request: every load of a field asked in the same
 * tick goes to its loader in one call (unless `inMemory` answers it: reference-memory.ts). Written here rather than through Mercurius' `loaders`: those key every load
 * by a stable stringify of the parent object and its arguments (agreements with their event details…), even with
 * their cache off, and that cost a tenth of an uncached nested query; the loaders (loaders.ts) de-duplicate ids themselves.
 */
export function batchedResolvers(all: Loaders, inMemory: InMemory = {}): Record<string, Record<string, FieldResolver>> {
  return Object.fromEntries(
    Object.entries(all).map(([type, fields]) => [
      type,
      Object.fromEntries(
        Object.entries(fields).map(([field, loader]) => {
          const name = `${type}.${field}`;
          const fromMemory = inMemory[type]?.[field];
          const resolve: FieldResolver = (obj, params, context, info) => {
            const answer = fromMemory?.(obj, context);
            if (answer !== undefined) return answer;
            return new Promise((resolvePromise, reject) => {
              let batches = pendingBatches.get(context);
              if (!batches) pendingBatches.set(context, (batches = new Map()));
              let batch = batches.get(name);
              if (!batch) {
                const created = {
                  queries: [] as Query<unknown, unknown>[],
                  settle: [] as ((result: unknown, error?: unknown) => void)[],
                };
                batches.set(name, (batch = created));
                // After the current synchronous work and its promise jobs, as DataLoader does: siblings join first.
                process.nextTick(() => {
                  batches.delete(name);
                  loader(created.queries, context).then(
                    (results) => created.settle.forEach((settle, index) => settle(results[index])),
                    (error: unknown) =>
                      created.settle.forEach((settle) => settle(undefined, error ?? new Error('loader failed'))),
                  );
                });
              }
              batch.queries.push({ obj, params, info });
              batch.settle.push((result, error) => (error === undefined ? resolvePromise(result) : reject(error)));
            });
          };
          return [field, resolve];
        }),
      ),
    ]),
  );
}
