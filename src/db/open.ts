/**
 * Database adapter shared by the server, the evidence archive and the screening store: one place that
 * opens either the embedded SQLite file (better-sqlite3) or a PostgreSQL server (pg) and wraps it in
 * Kysely, so the stores above it are written once in portable Kysely queries.
 *
 * Locations: a file path (or "sqlite:PATH") → SQLite; "postgres://..." or "postgresql://..." → PostgreSQL.
 * A PostgreSQL location may name a schema with `?schema=NAME` (created if missing; used as search_path),
 * so several archives or test runs can share one database.
 */
import Database from "better-sqlite3";
import pg from "pg";
import { Kysely, PostgresDialect, SqliteDialect, sql } from "kysely";

export type Dialect = "sqlite" | "postgres";

export interface OpenedDb<DB> {
  db: Kysely<DB>;
  dialect: Dialect;
  /** the better-sqlite3 handle (SQLite only), for the few SQLite-only features (FTS5, pragmas) */
  sqlite?: Database.Database;
  /** the pg pool (PostgreSQL only) */
  pool?: pg.Pool;
  /** the schema used on PostgreSQL ("public" unless ?schema= was given) */
  schema?: string;
}

export interface OpenDbOptions {
  readonly?: boolean;
  /** SQLite durability: FULL (default) fsyncs every commit; NORMAL survives a killed process but not power loss */
  synchronous?: "FULL" | "NORMAL";
  /** PostgreSQL pool size (default 10) */
  poolSize?: number;
}

// PostgreSQL returns int8 (bigint, count(*)) and numeric as strings by default; the stores hold sizes and
// sequence numbers far below 2^53, so parse them as numbers once, here.
let parsersSet = false;
function setPgParsers(): void {
  if (parsersSet) return;
  pg.types.setTypeParser(20, (v: string) => Number(v)); // int8
  pg.types.setTypeParser(1700, (v: string) => Number(v)); // numeric
  parsersSet = true;
}

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Open a database by location (see the module comment). */
export async function openDatabase<DB>(location: string, opts: OpenDbOptions = {}): Promise<OpenedDb<DB>> {
  if (isPostgresUrl(location)) {
    setPgParsers();
    const url = new URL(location);
    const schema = url.searchParams.get("schema") ?? "public";
    if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid PostgreSQL schema name: ${schema}`);
    url.searchParams.delete("schema");
    const pool = new pg.Pool({
      connectionString: url.toString(),
      max: opts.poolSize ?? 10,
      options: `-c search_path=${schema}`,
    });
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    if (schema !== "public" && !opts.readonly) {
      try {
        await sql.raw(`CREATE SCHEMA IF NOT EXISTS ${schema}`).execute(db);
      } catch (e) {
        // two processes creating the same new schema at once: IF NOT EXISTS is not atomic in PostgreSQL and
        // the loser gets a unique violation on pg_namespace (23505) or duplicate_schema (42P06): it exists now
        const code = (e as { code?: string }).code;
        if (code !== "23505" && code !== "42P06") {
          await db.destroy();
          throw e;
        }
      }
    }
    return { db, dialect: "postgres", pool, schema };
  }
  const { db, raw } = openSqliteFile<DB>(location.replace(/^sqlite:/, ""), opts);
  return { db, dialect: "sqlite", sqlite: raw };
}

/**
 * Open a SQLite file synchronously with the pragmas every store relies on: WAL and synchronous=FULL (commits
 * survive a killed process and power loss; NORMAL: a killed process only), a 10 s busy timeout (a second
 * process waits for the write lock instead of failing) and foreign keys on.
 */
export function openSqliteFile<DB>(file: string, opts: Pick<OpenDbOptions, "readonly" | "synchronous"> = {}): { db: Kysely<DB>; raw: Database.Database } {
  const raw = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  if (!opts.readonly) {
    raw.pragma("journal_mode = WAL");
    raw.pragma(`synchronous = ${opts.synchronous === "NORMAL" ? "NORMAL" : "FULL"}`);
  }
  raw.pragma("busy_timeout = 10000");
  raw.pragma("foreign_keys = ON");
  return { db: new Kysely<DB>({ dialect: new SqliteDialect({ database: raw }) }), raw };
}
