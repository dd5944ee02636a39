import { sql, type Kysely } from "kysely";
import { coreMigrations } from "./core-migrations.js";
import type { Migration } from "./migration.js";
import { dialectOf, type DbDialect } from "./sqlite-dialect.js";

/**
 * Tiny migrations runner. The registry is: the core migrations, then those of the optional modules
 * (src/evidence/search/migration.ts, src/evidence/search/pg-index.ts, src/evidence/claims/migration.ts),
 * imported if present. A module may export `migrations: Migration[]`, `migration: Migration`, or a default of
 * either shape. Each migration runs once, in its own transaction, and is recorded in
 * schema_migrations. A migration whose `dialects` leaves out the database's dialect is skipped (and
 * not recorded, so it would run if the same schema were ever opened by that dialect: it never is).
 */
const OPTIONAL_MODULES = ["../search/migration.js", "../search/pg-index.js", "../claims/migration.js"];

/** True when migration m is meant for the given dialect. */
export function appliesTo(m: Migration, dialect: DbDialect): boolean {
  if (m.dialects) return m.dialects.includes(dialect);
  // the SQLite search index (FTS5) is SQLite-only even where its module does not say so; on PostgreSQL
  // src/evidence/search/pg-index.ts ("search-pg-*") provides the index
  if (dialect === "postgres" && m.id.startsWith("search-") && !m.id.startsWith("search-pg-")) return false;
  return true;
}

function asMigrations(mod: Record<string, unknown>): Migration[] {
  const out: Migration[] = [];
  const add = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(add);
    else if (v && typeof v === "object" && typeof (v as Migration).id === "string" && typeof (v as Migration).up === "function")
      out.push(v as Migration);
  };
  add(mod.migrations);
  add(mod.migration);
  add(mod.default);
  return out;
}

/** True when `spec` itself is absent (not when a module it imports is missing: that must be loud). */
export function isMissingModule(e: unknown, spec: string): boolean {
  const code = (e as { code?: string }).code;
  if (code !== "ERR_MODULE_NOT_FOUND" && code !== "MODULE_NOT_FOUND") return false;
  const tail = spec.replace(/^(\.\.?\/)+/, "").replace(/\.js$/, ""); // e.g. "search/migration"
  const msg = String((e as Error).message);
  // Node: Cannot find module '/abs/search/migration.js' imported from ...; the first quoted path is the missing one
  const quoted = /['"]([^'"]+)['"]/.exec(msg)?.[1] ?? msg;
  return quoted.replace(/\.(js|ts)$/, "").endsWith(tail);
}

let registryCache: Migration[] | undefined;

export async function migrationRegistry(): Promise<Migration[]> {
  if (registryCache) return registryCache;
  const all: Migration[] = [...coreMigrations];
  for (const rel of OPTIONAL_MODULES) {
    let mod: Record<string, unknown>;
    try {
      mod = (await import(rel)) as Record<string, unknown>;
    } catch (e) {
      if (isMissingModule(e, rel)) continue;
      throw e;
    }
    all.push(...asMigrations(mod));
  }
  const ids = new Set<string>();
  for (const m of all) {
    if (ids.has(m.id)) throw new Error(`duplicate migration id ${m.id}`);
    ids.add(m.id);
  }
  registryCache = all;
  return all;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function runMigrations(db: Kysely<any>, migrations?: Migration[]): Promise<string[]> {
  const dialect = dialectOf(db);
  const list = (migrations ?? (await migrationRegistry())).filter((m) => appliesTo(m, dialect));
  // PostgreSQL: several processes (e.g. two servers) may start at once; a transaction-level advisory lock
  // per schema makes them migrate one after the other (the second finds the work done)
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const serialize = async (trx: Kysely<any>): Promise<void> => {
    if (dialect === "postgres") await sql`select pg_advisory_xact_lock(hashtext('organ-audit-migrations:' || current_schema()))`.execute(trx);
  };
  await db.transaction().execute(async (trx) => {
    await serialize(trx);
    await trx.schema
      .createTable("schema_migrations")
      .ifNotExists()
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("applied_at", "text", (c) => c.notNull())
      .execute();
  });
  const done = new Set(
    (await sql<{ id: string }>`select id from schema_migrations`.execute(db)).rows.map((r) => r.id),
  );
  const applied: string[] = [];
  for (const m of list) {
    if (done.has(m.id)) continue;
    const ran = await db.transaction().execute(async (trx) => {
      await serialize(trx);
      if (dialect === "postgres" && (await sql`select 1 from schema_migrations where id = ${m.id}`.execute(trx)).rows.length > 0) return false;
      await m.up(trx);
      await sql`insert into schema_migrations (id, applied_at) values (${m.id}, ${new Date().toISOString()})`.execute(trx);
      return true;
    });
    if (ran) applied.push(m.id);
  }
  return applied;
}
