/**
 * Project files of schema version 1 (PRAGMA user_version = 1; tables imports, records, decisions, meta
 * without prefix, one project per file), as written by organ-audit before the store moved to kysely.
 * On open they are migrated into the `screening_*` tables as project "default", in one transaction:
 * either every row is copied and the old tables dropped, or nothing changes. Adapter (SQLite only).
 */
import type Database from "better-sqlite3";
import { sql, type Kysely } from "kysely";
import { SCHEMA_VERSION, type ScreeningDb } from "./schema.js";

export const DEFAULT_PROJECT = "default";

const V1_TABLES = ["imports", "records", "decisions", "meta"];

/** True when a SQLite file holds the version-1 tables (and not yet the new ones). */
export function isLegacyV1(raw: Database.Database): boolean {
  if ((raw.pragma("user_version", { simple: true }) as number) !== 1) return false;
  const names = new Set(
    (raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name),
  );
  return V1_TABLES.every((t) => names.has(t));
}

/**
 * Copy a version-1 file's rows into the screening_* tables (which must exist) as project "default",
 * drop the old tables and set user_version, all in one transaction. Returns the numbers of rows copied.
 */
export async function migrateLegacyV1(
  db: Kysely<ScreeningDb>,
  createdAt: string,
): Promise<{ imports: number; records: number; decisions: number; meta: number }> {
  return db.transaction().execute(async (trx) => {
    const count = async (t: string): Promise<number> =>
      Number((await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(t)}`.execute(trx)).rows[0]?.n ?? 0);
    const n = { imports: await count("imports"), records: await count("records"), decisions: await count("decisions"), meta: await count("meta") };
    await trx
      .insertInto("screening_projects")
      .values({ id: DEFAULT_PROJECT, name: DEFAULT_PROJECT, created_at: createdAt })
      .onConflict((oc) => oc.doNothing())
      .execute();
    const p = DEFAULT_PROJECT;
    await sql`INSERT INTO screening_imports (id, project_id, file, format, sha256, bytes, encoding, n_records, imported_at)
      SELECT id, ${p}, file, format, sha256, bytes, encoding, n_records, imported_at FROM imports ORDER BY id`.execute(trx);
    await sql`INSERT INTO screening_records (project_id, id, import_id, ordinal, title, doi, year, language, json,
        duplicate_of, duplicate_reason, duplicate_similarity)
      SELECT ${p}, id, import_id, ordinal, title, doi, year, language, json, duplicate_of, duplicate_reason, duplicate_similarity
      FROM records ORDER BY import_id, ordinal`.execute(trx);
    await sql`INSERT INTO screening_decisions (project_id, seq, record_id, stage, reviewer, decision, reason_code, note, time, resolution)
      SELECT ${p}, seq, record_id, stage, reviewer, decision, reason_code, note, time, resolution FROM decisions ORDER BY seq`.execute(trx);
    await sql`INSERT INTO screening_meta (project_id, key, value) SELECT ${p}, key, value FROM meta`.execute(trx);
    for (const t of ["records", "decisions", "imports", "meta"]) await sql`DROP TABLE ${sql.table(t)}`.execute(trx);
    await sql.raw(`PRAGMA user_version = ${SCHEMA_VERSION}`).execute(trx);
    return n;
  });
}
