/**
 * The screening store: a database (a SQLite file, or PostgreSQL) holding one or more screening
 * projects in the `screening_*` tables (src/screening/store/schema.ts), opened through the shared
 * adapter (src/db/open.ts). The CLI's `--project FILE` is a SQLite file with one project, "default".
 * Adapter (I/O).
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { sql, type Kysely } from "kysely";
import { OrganAuditError } from "../../core/errors.js";
import { isPostgresUrl, openDatabase, type Dialect, type OpenedDb } from "../../db/open.js";
import { runMigrations } from "../../evidence/store/migrate.js";
import { DEFAULT_PROJECT, isLegacyV1, migrateLegacyV1 } from "./legacy.js";
import { ScreeningProject } from "./project.js";
import { isUniqueViolation, SCHEMA_VERSION, screeningMigrations, writeTransaction, type ScreeningDb } from "./schema.js";

export { DEFAULT_PROJECT } from "./legacy.js";

export interface ProjectRow {
  id: string;
  name: string;
  createdAt: string;
}

const NAME = /^[^\s\p{Cc}][^\p{Cc}]{0,99}$/u;

const nowIso = (): string => new Date().toISOString().replace(/\.\d+Z$/, "Z");

/** Where a location is, for messages: never the password of a PostgreSQL URL. */
export function displayLocation(location: string): string {
  if (!isPostgresUrl(location)) return location;
  try {
    const u = new URL(location);
    u.password = "";
    u.username = "";
    return u.toString();
  } catch {
    return "postgres://…";
  }
}

export class ScreeningStore {
  private constructor(
    readonly location: string,
    private readonly opened: OpenedDb<ScreeningDb>,
  ) {}

  get db(): Kysely<ScreeningDb> {
    return this.opened.db;
  }

  get dialect(): Dialect {
    return this.opened.dialect;
  }

  /**
   * Open (with `create`, make) the store at `location`: a SQLite file path or a postgres:// URL. A SQLite
   * file of schema version 1 is migrated in place (one transaction); a newer version is refused.
   */
  static async open(location: string, opts: { create?: boolean; poolSize?: number } = {}): Promise<ScreeningStore> {
    const where = { file: displayLocation(location) };
    const sqliteFile = isPostgresUrl(location) ? null : location.replace(/^sqlite:/, "");
    if (sqliteFile !== null && !opts.create && !existsSync(sqliteFile)) {
      throw new OrganAuditError("SC_STORE", { detail: `no project at ${sqliteFile} (create one with "screen import --project ${sqliteFile} FILE")` }, where);
    }
    let opened: OpenedDb<ScreeningDb>;
    try {
      opened = await openDatabase<ScreeningDb>(location, opts.poolSize !== undefined ? { poolSize: opts.poolSize } : {});
    } catch (e) {
      throw new OrganAuditError("SC_STORE", { detail: `cannot open ${where.file}: ${(e as Error).message}` }, where);
    }
    try {
      if (opened.sqlite) {
        const version = opened.sqlite.pragma("user_version", { simple: true }) as number;
        if (version > SCHEMA_VERSION) throw new OrganAuditError("SC_STORE_VERSION", { found: version, supported: SCHEMA_VERSION }, where);
        const legacy = isLegacyV1(opened.sqlite);
        await runMigrations(opened.db, screeningMigrations);
        if (legacy) await migrateLegacyV1(opened.db, nowIso());
        else if (version < SCHEMA_VERSION) opened.sqlite.pragma(`user_version = ${SCHEMA_VERSION}`);
      } else {
        await runMigrations(opened.db, screeningMigrations);
      }
    } catch (e) {
      await opened.db.destroy().catch(() => undefined);
      if (e instanceof OrganAuditError) throw e;
      throw new OrganAuditError("SC_STORE", { detail: `cannot open ${where.file}: ${(e as Error).message}` }, where);
    }
    return new ScreeningStore(location, opened);
  }

  async close(): Promise<void> {
    await this.opened.db.destroy();
  }

  /** A project by id or name; with `create`, a missing project is made (its id = its name). */
  async project(idOrName: string, opts: { create?: boolean } = {}): Promise<ScreeningProject> {
    const row = await this.findProject(idOrName);
    if (row) return new ScreeningProject(this.db, this.dialect, row.id, row.name, displayLocation(this.location));
    if (!opts.create) {
      throw new OrganAuditError("SC_STORE", { detail: `no screening project "${idOrName}" in ${displayLocation(this.location)}` }, { field: "project" });
    }
    const created = await this.createProject(idOrName, { id: idOrName });
    return new ScreeningProject(this.db, this.dialect, created.id, created.name, displayLocation(this.location));
  }

  async findProject(idOrName: string): Promise<ProjectRow | null> {
    const r = await this.db
      .selectFrom("screening_projects")
      .selectAll()
      .where((eb) => eb.or([eb("id", "=", idOrName), eb("name", "=", idOrName)]))
      .orderBy(sql`case when id = ${idOrName} then 0 else 1 end`)
      .executeTakeFirst();
    return r ? { id: r.id, name: r.name, createdAt: r.created_at } : null;
  }

  /**
   * Make a project. The name is 1–100 characters without control characters and unique among names and
   * ids (else SC_STORE_EXISTS); the id is given or a random "p-" + 12 hex.
   */
  async createProject(name: string, opts: { id?: string; createdAt?: string } = {}): Promise<ProjectRow> {
    const clean = name.trim();
    if (!NAME.test(clean)) {
      throw new OrganAuditError("SC_STORE", { detail: `project name "${name}" must be 1-100 characters without control characters` }, { field: "name" });
    }
    const id = opts.id ?? `p-${randomBytes(6).toString("hex")}`;
    const createdAt = opts.createdAt ?? nowIso();
    try {
      await writeTransaction(this.db, async (trx) => {
        const clash = await trx
          .selectFrom("screening_projects")
          .select("id")
          .where((eb) => eb.or([eb("name", "=", clean), eb("id", "=", clean), eb("id", "=", id), eb("name", "=", id)]))
          .executeTakeFirst();
        if (clash) throw new OrganAuditError("SC_STORE_EXISTS", { name: clean }, { field: "name" });
        await trx.insertInto("screening_projects").values({ id, name: clean, created_at: createdAt }).execute();
      });
    } catch (e) {
      if (e instanceof OrganAuditError) throw e;
      // a concurrent creation of the same name loses on the UNIQUE constraint
      if (isUniqueViolation(e)) throw new OrganAuditError("SC_STORE_EXISTS", { name: clean }, { field: "name" });
      throw e;
    }
    return { id, name: clean, createdAt };
  }

  /** Projects in order of creation (then id). */
  async projects(page: { offset?: number; limit?: number } = {}): Promise<{ items: ProjectRow[]; total: number }> {
    const total = Number(
      (await this.db.selectFrom("screening_projects").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirst())?.n ?? 0,
    );
    const rows = await this.db
      .selectFrom("screening_projects")
      .selectAll()
      .orderBy("created_at")
      .orderBy("id")
      .offset(page.offset ?? 0)
      .limit(page.limit ?? 500)
      .execute();
    return { items: rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at })), total };
  }
}

/** Open the store of a CLI project file and its project "default"; run `f` and close. */
export async function withProjectFile<T>(file: string, create: boolean, f: (p: ScreeningProject) => Promise<T> | T): Promise<T> {
  const store = await ScreeningStore.open(file, { create });
  try {
    const p = await store.project(DEFAULT_PROJECT, { create });
    return await f(p);
  } finally {
    await store.close();
  }
}
