import Database from "better-sqlite3";
import { Kysely, SqliteDialect, sql, type Transaction } from "kysely";

/**
 * The only SQLite-specific code of the archive: open the database file with the pragmas that make
 * commits durable across a killed process (WAL, synchronous=FULL) and wrap it in Kysely.
 * A PostgreSQL adapter would replace this file only.
 */
export function openSqlite<DB>(file: string, opts: { readonly?: boolean; synchronous?: "FULL" | "NORMAL" } = {}): { db: Kysely<DB>; raw: Database.Database } {
  const raw = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  if (!opts.readonly) {
    raw.pragma("journal_mode = WAL");
    raw.pragma(`synchronous = ${opts.synchronous === "NORMAL" ? "NORMAL" : "FULL"}`);
  }
  raw.pragma("busy_timeout = 10000");
  raw.pragma("foreign_keys = ON");
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: raw }) });
  return { db, raw };
}

/**
 * Run fn in a transaction that holds the write lock from its first statement (the effect of SQLite's
 * BEGIN IMMEDIATE, which Kysely's "begin" does not give): a no-op write makes a second process wait
 * (busy_timeout) instead of failing with SQLITE_BUSY when it later upgrades a read transaction.
 */
export function writeTransaction<DB, T>(db: Kysely<DB>, fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`delete from custody_log where seq = -1`.execute(trx);
    return fn(trx);
  });
}
