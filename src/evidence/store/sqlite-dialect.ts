import { PostgresAdapter, sql, type Kysely, type Transaction } from "kysely";

/**
 * The dialect-specific code of the archive core: telling the dialect of a Kysely instance, and the write
 * transaction that serializes appends to the custody log on either dialect. The archive itself opens its database through
 * src/db/open.ts (a SQLite file in the archive folder, or a PostgreSQL location).
 */
export type DbDialect = "sqlite" | "postgres";

/** The dialect of a Kysely instance or transaction (from its adapter): "postgres" or "sqlite". */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function dialectOf(db: Kysely<any> | Transaction<any>): DbDialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? "postgres" : "sqlite";
}

/**
 * Run fn in a transaction that holds the custody log's write lock from its first statement, so that
 * concurrent writers (two processes on SQLite; two requests or two servers on PostgreSQL) append to the
 * log one after the other and every append sees the entries committed before it.
 * - SQLite: a no-op write takes the database write lock at once (the effect of BEGIN IMMEDIATE, which
 *   Kysely's "begin" does not give), so a second process waits (busy_timeout) instead of failing with
 *   SQLITE_BUSY when it later upgrades a read transaction.
 * - PostgreSQL: LOCK TABLE custody_log IN EXCLUSIVE MODE (readers are not blocked; other writers wait
 *   until this transaction commits or rolls back; released at the end of the transaction). Under READ
 *   COMMITTED every later statement of the transaction sees what the previous writer committed.
 */
export function writeTransaction<DB, T>(db: Kysely<DB>, fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  const pg = dialectOf(db) === "postgres";
  return db.transaction().execute(async (trx) => {
    if (pg) await sql`lock table custody_log in exclusive mode`.execute(trx);
    else await sql`delete from custody_log where seq = -1`.execute(trx);
    return fn(trx);
  });
}
