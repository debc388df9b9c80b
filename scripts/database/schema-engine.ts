// Prisma's schema engine as WebAssembly (from npm), so migrations can be
// generated and checked without the native engine binary that Prisma's CLI
// downloads from outside the npm registry (see README, "Migrations").
// Development tooling only: the service applies committed SQL itself
// (src/database/migrate.ts).
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';

export type DiffTarget =
  | { tag: 'empty' }
  | { tag: 'schemaDatamodel'; files: { path: string; content: string }[] }
  | { tag: 'schemaDatasource'; files: { path: string; content: string }[]; configDir: string };

// TypeScript declares WebAssembly only in the DOM library; Node has it too.
const wasm = (
  globalThis as unknown as {
    WebAssembly: {
      instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
    };
  }
).WebAssembly;

interface WasmSchemaEngine {
  diff(params: {
    from: DiffTarget;
    to: DiffTarget;
    script: boolean;
    exitCode: boolean | null;
    shadowDatabaseUrl: string | null;
    filters: { externalTables: string[]; externalEnums: string[] };
  }): Promise<{ exitCode: number; stdout: string | null }>;
  free(): void;
}

// adapter-pg has no mapping for PostgreSQL's internal "char" type (OID 18), which
// the engine's catalog queries return; reading it as text is what it means.
const INTERNAL_CHAR = 18;
const TEXT = 25;
class CatalogFriendlyPool extends pg.Pool {
  override query(...args: unknown[]): never {
    const result = (super.query as (...a: unknown[]) => Promise<pg.QueryResult>)(...args);
    return result.then((value) => {
      for (const field of value.fields ?? []) if (field.dataTypeID === INTERNAL_CHAR) field.dataTypeID = TEXT;
      return value;
    }) as never;
  }
}

export interface SchemaEngine {
  /** SQL (script) or a human summary of what takes `from` to `to`; empty when they agree. */
  diff(from: DiffTarget, to: DiffTarget, options?: { script?: boolean }): Promise<string>;
  close(): void;
}

/** The engine connects to `connectionString` at once (it insists on a database). */
export async function openSchemaEngine(connectionString: string): Promise<SchemaEngine> {
  const glue = await import('@prisma/schema-engine-wasm/schema_engine_bg');
  const gluePath = fileURLToPath(import.meta.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
  const { instance } = await wasm.instantiate(await readFile(join(dirname(gluePath), 'schema_engine_bg.wasm')), {
    './schema_engine_bg.js': glue,
  });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();

  // With a connection string adapter-pg ignores the shadow database name, so
  // hand it the parts.
  const url = new URL(connectionString);
  const adapter = new PrismaPg(
    new CatalogFriendlyPool({
      host: url.hostname,
      port: Number(url.port || 5432),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database: url.pathname.slice(1),
      allowExitOnIdle: true,
    }),
    { disposeExternalPool: true },
  );
  const engine = (await glue.SchemaEngine.new(
    { datamodels: undefined },
    () => {},
    bindMigrationAwareSqlAdapterFactory(adapter),
  )) as WasmSchemaEngine;
  return {
    async diff(from, to, options = {}) {
      const result = await engine.diff({
        from,
        to,
        script: options.script ?? true,
        exitCode: null,
        shadowDatabaseUrl: null,
        filters: { externalTables: [], externalEnums: [] },
      });
      return result.stdout ?? '';
    },
    close: () => engine.free(),
  };
}

/** The schema a Prisma schema file describes. */
export function schemaTarget(schemaText: string): DiffTarget {
  return { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: schemaText }] };
}

/** The schema the connected database has now. */
export function liveDatabaseTarget(schemaText: string): DiffTarget {
  return { tag: 'schemaDatasource', files: [{ path: 'schema.prisma', content: schemaText }], configDir: process.cwd() };
}

export const EMPTY_MIGRATION = '-- This is an empty migration.';
