// Every SQL the APIs run, one entry point. Repositories are plain modules of
// functions `(db, ...arguments) => records`: `db` is the pool, or one client
// inside a snapshot (src/database/snapshot.ts) for multi-query exports. REST
// resources (src/resources) and GraphQL (resolvers, loaders) import them from
// here and nowhere else; records are snake_case, as REST shows them.
export * from './agencies.ts';
export * from './agreements.ts';
export * from './lists.ts';
export * from './reference.ts';
export * from './releases.ts';
export * from './stats.ts';
export type { PageResult } from '../query/paging.ts';
