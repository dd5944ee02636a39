/**
 * Tables of the screening store (schema version 2) and their migrations. The tables are prefixed
 * `screening_` and carry a `project_id`, so several screening projects (and the evidence archive and
 * the accounts of the server) can share one database, SQLite or PostgreSQL. Adapter (schema only).
 *
 *   screening_projects(id PK, name UNIQUE, created_at)
 *   screening_imports(id PK auto, project_id → projects, file, format, sha256, bytes, encoding, n_records,
 *                     imported_at; UNIQUE(project_id, sha256))
 *   screening_records(project_id, id, import_id → imports, ordinal, title, doi, year, language, json,
 *                     duplicate_of, duplicate_reason, duplicate_similarity; PK(project_id, id))
 *   screening_decisions(project_id, seq, record_id, stage, reviewer, decision, reason_code, note, time,
 *                       resolution 0/1; PK(project_id, seq)) — append-only: a trigger refuses UPDATE and DELETE
 *   screening_meta(project_id, key, value; PK(project_id, key))
 */
import { PostgresAdapter, sql, type ColumnType, type Generated, type Kysely, type Transaction } from "kysely";
import type { Migration } from "../../evidence/store/migration.js";

/** Version of a standalone SQLite project file (`PRAGMA user_version`); version 1 was the unprefixed schema. */
export const SCHEMA_VERSION = 2;

export interface ScreeningProjectsTable {
  id: string;
  name: string;
  created_at: string;
}

export interface ScreeningImportsTable {
  id: Generated<number>;
  project_id: string;
  file: string;
  format: string;
  sha256: string;
  bytes: ColumnType<number, number, number>;
  encoding: string;
  n_records: number;
  imported_at: string;
}

export interface ScreeningRecordsTable {
  project_id: string;
  id: string;
  import_id: number;
  ordinal: number;
  title: string;
  doi: string | null;
  year: number | null;
  language: string;
  json: string;
  duplicate_of: string | null;
  duplicate_reason: string | null;
  duplicate_similarity: number | null;
}

export interface ScreeningDecisionsTable {
  project_id: string;
  seq: number;
  record_id: string;
  stage: string;
  reviewer: string;
  decision: string;
  reason_code: string | null;
  note: string | null;
  time: string;
  resolution: number;
}

export interface ScreeningMetaTable {
  project_id: string;
  key: string;
  value: string;
}

export interface ScreeningDb {
  screening_projects: ScreeningProjectsTable;
  screening_imports: ScreeningImportsTable;
  screening_records: ScreeningRecordsTable;
  screening_decisions: ScreeningDecisionsTable;
  screening_meta: ScreeningMetaTable;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * A write transaction. On SQLite its first statement is a no-op write, which takes the database's write
 * lock at once (the effect of BEGIN IMMEDIATE, which Kysely's "begin" does not give): a second process
 * (the CLI while the server runs) then waits (busy_timeout) instead of failing with "database is locked"
 * when it would upgrade a read transaction. PostgreSQL needs nothing here (see appendDecisions).
 */
export function writeTransaction<T>(db: Kysely<ScreeningDb>, fn: (trx: Transaction<ScreeningDb>) => Promise<T>): Promise<T> {
  const pg = isPostgres(db);
  return db.transaction().execute(async (trx) => {
    if (!pg) await sql`DELETE FROM screening_meta WHERE project_id = '' AND key = ''`.execute(trx);
    return fn(trx);
  });
}

/** A UNIQUE / PRIMARY KEY violation from either driver (pg: SQLSTATE 23505; better-sqlite3: SQLITE_CONSTRAINT_*). */
export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: string }).code;
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

export const screeningMigrations: Migration[] = [
  {
    id: "screening-0001-initial",
    up: async (db) => {
      const pg = isPostgres(db);
      await db.schema
        .createTable("screening_projects")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull().unique())
        .addColumn("created_at", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("screening_imports")
        .addColumn("id", pg ? "serial" : "integer", (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn("project_id", "text", (c) => c.notNull().references("screening_projects.id"))
        .addColumn("file", "text", (c) => c.notNull())
        .addColumn("format", "text", (c) => c.notNull())
        .addColumn("sha256", "text", (c) => c.notNull())
        .addColumn("bytes", "bigint", (c) => c.notNull())
        .addColumn("encoding", "text", (c) => c.notNull())
        .addColumn("n_records", "integer", (c) => c.notNull())
        .addColumn("imported_at", "text", (c) => c.notNull())
        .addUniqueConstraint("screening_imports_sha256", ["project_id", "sha256"])
        .execute();
      await db.schema
        .createTable("screening_records")
        .addColumn("project_id", "text", (c) => c.notNull().references("screening_projects.id"))
        .addColumn("id", "text", (c) => c.notNull())
        .addColumn("import_id", "integer", (c) => c.notNull().references("screening_imports.id"))
        .addColumn("ordinal", "integer", (c) => c.notNull())
        .addColumn("title", "text", (c) => c.notNull())
        .addColumn("doi", "text")
        .addColumn("year", "integer")
        .addColumn("language", "text", (c) => c.notNull())
        .addColumn("json", "text", (c) => c.notNull())
        .addColumn("duplicate_of", "text")
        .addColumn("duplicate_reason", "text")
        .addColumn("duplicate_similarity", "double precision")
        .addPrimaryKeyConstraint("screening_records_pk", ["project_id", "id"])
        .execute();
      await db.schema
        .createIndex("screening_records_order")
        .on("screening_records")
        .columns(["project_id", "import_id", "ordinal"])
        .execute();
      await db.schema
        .createTable("screening_decisions")
        .addColumn("project_id", "text", (c) => c.notNull().references("screening_projects.id"))
        .addColumn("seq", "integer", (c) => c.notNull())
        .addColumn("record_id", "text", (c) => c.notNull())
        .addColumn("stage", "text", (c) => c.notNull())
        .addColumn("reviewer", "text", (c) => c.notNull())
        .addColumn("decision", "text", (c) => c.notNull())
        .addColumn("reason_code", "text")
        .addColumn("note", "text")
        .addColumn("time", "text", (c) => c.notNull())
        .addColumn("resolution", "integer", (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint("screening_decisions_pk", ["project_id", "seq"])
        .execute();
      await db.schema
        .createIndex("screening_decisions_record")
        .on("screening_decisions")
        .columns(["project_id", "record_id", "stage"])
        .execute();
      await db.schema
        .createIndex("screening_decisions_reviewer")
        .on("screening_decisions")
        .columns(["project_id", "reviewer", "stage"])
        .execute();
      await db.schema
        .createTable("screening_meta")
        .addColumn("project_id", "text", (c) => c.notNull().references("screening_projects.id"))
        .addColumn("key", "text", (c) => c.notNull())
        .addColumn("value", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("screening_meta_pk", ["project_id", "key"])
        .execute();
      // the decision log is append-only, in the database itself (not only by convention of this module)
      if (pg) {
        await sql`CREATE OR REPLACE FUNCTION screening_decisions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN RAISE EXCEPTION 'screening_decisions is append-only'; END $$`.execute(db);
        await sql`CREATE TRIGGER screening_decisions_append_only BEFORE UPDATE OR DELETE ON screening_decisions
          FOR EACH ROW EXECUTE FUNCTION screening_decisions_append_only()`.execute(db);
      } else {
        for (const op of ["UPDATE", "DELETE"])
          await sql
            .raw(
              `CREATE TRIGGER screening_decisions_no_${op.toLowerCase()} BEFORE ${op} ON screening_decisions ` +
                `BEGIN SELECT RAISE(ABORT, 'screening_decisions is append-only'); END`,
            )
            .execute(db);
      }
    },
  },
];
