// What every resolver and loader gets: the pool, and the clock of the time
// limit. Every database round trip goes through `run`, which refuses to start
// once the time is up and gives up waiting when it runs out.
import type { MercuriusContext } from 'mercurius';
import type pg from 'pg';
import { checkDeadline, limitError, type GraphqlLimits } from './limits.ts';

// Mercurius's documented way to type the context: declaration merging.
declare module 'mercurius' {
  interface MercuriusContext {
    pool: pg.Pool;
    started: number;
    deadline: number;
    limits: GraphqlLimits;
  }
}

export type GraphqlContext = MercuriusContext;

export function createContext(
  pool: pg.Pool,
  limits: GraphqlLimits,
): Pick<GraphqlContext, 'pool' | 'started' | 'deadline' | 'limits'> {
  const started = performance.now();
  return { pool, started, deadline: started + limits.timeMs, limits };
}

export async function run<T>(context: GraphqlContext, work: (pool: pg.Pool) => Promise<T>): Promise<T> {
  checkDeadline(context.deadline, context.limits.timeMs, context.started);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(
          limitError(
            'TIME_LIMIT_EXCEEDED',
            'execution time (ms)',
            Math.ceil(performance.now() - context.started),
            context.limits.timeMs,
          ),
        ),
      Math.max(0, context.deadline - performance.now()),
    );
  });
  try {
    return await Promise.race([work(context.pool), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
