import type { Kysely } from "kysely";
import type { Migration } from "../store/migration.js";
import { columnTypes } from "../store/core-migrations.js";

/**
 * Schema of claims, entities, timeline events and their links (portable SQL through kysely's schema
 * builder: text and integer columns only; on PostgreSQL text columns use the "C" collation, see
 * columnTypes in src/evidence/store/core-migrations.ts). Every table has a
 * single text primary key `id`, so that the custody log can pin each row by (table, id).
 * JSON-valued columns (`*_json`) hold canonical JSON text.
 */
export interface ClaimsTables {
  case_info: {
    id: string;
    version: string;
    title: string;
    manifest_sha256: string;
    loaded_at: string;
    loaded_by: string;
  };
  case_claim: {
    id: string;
    case_id: string | null;
    title: string;
    statement: string;
    counterpoints: string;
    created_at: string;
    created_by: string;
  };
  case_entity: {
    id: string;
    case_id: string | null;
    kind: string;
    name: string;
    aliases_json: string;
    note: string;
    source_ids_json: string;
    created_at: string;
    created_by: string;
  };
  case_event: {
    id: string;
    case_id: string | null;
    date: string;
    date_precision: string;
    title_en: string;
    title_zh: string | null;
    category: string;
    source_ids_json: string;
    origin: string;
    created_at: string;
    created_by: string;
  };
  case_link: {
    id: string;
    claim_id: string;
    kind: string;
    ref: string;
    stance: string;
    note: string;
    selector_json: string | null;
    expect: string | null;
    resolved_verdict: string | null;
    /** display order within the claim (case-file order; new links go last) */
    position: number;
    created_at: string;
    created_by: string;
  };
}

export const CLAIMS_TABLES = ["case_info", "case_claim", "case_entity", "case_event", "case_link"] as const;

/** Migration id (the archive's runner applies core, then search, then claims migrations). */
export const CLAIMS_MIGRATION_ID = "claims-0001-initial";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export const claimsMigration: Migration = {
  id: CLAIMS_MIGRATION_ID,
  async up(db: AnyDb): Promise<void> {
    const { text } = columnTypes(db);
    await db.schema
      .createTable("case_info")
      .ifNotExists()
      .addColumn("id", text, (c) => c.primaryKey())
      .addColumn("version", text, (c) => c.notNull())
      .addColumn("title", text, (c) => c.notNull())
      .addColumn("manifest_sha256", text, (c) => c.notNull())
      .addColumn("loaded_at", text, (c) => c.notNull())
      .addColumn("loaded_by", text, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("case_claim")
      .ifNotExists()
      .addColumn("id", text, (c) => c.primaryKey())
      .addColumn("case_id", text)
      .addColumn("title", text, (c) => c.notNull())
      .addColumn("statement", text, (c) => c.notNull())
      .addColumn("counterpoints", text, (c) => c.notNull())
      .addColumn("created_at", text, (c) => c.notNull())
      .addColumn("created_by", text, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("case_entity")
      .ifNotExists()
      .addColumn("id", text, (c) => c.primaryKey())
      .addColumn("case_id", text)
      .addColumn("kind", text, (c) => c.notNull())
      .addColumn("name", text, (c) => c.notNull())
      .addColumn("aliases_json", text, (c) => c.notNull())
      .addColumn("note", text, (c) => c.notNull())
      .addColumn("source_ids_json", text, (c) => c.notNull())
      .addColumn("created_at", text, (c) => c.notNull())
      .addColumn("created_by", text, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("case_event")
      .ifNotExists()
      .addColumn("id", text, (c) => c.primaryKey())
      .addColumn("case_id", text)
      .addColumn("date", text, (c) => c.notNull())
      .addColumn("date_precision", text, (c) => c.notNull())
      .addColumn("title_en", text, (c) => c.notNull())
      .addColumn("title_zh", text)
      .addColumn("category", text, (c) => c.notNull())
      .addColumn("source_ids_json", text, (c) => c.notNull())
      .addColumn("origin", text, (c) => c.notNull())
      .addColumn("created_at", text, (c) => c.notNull())
      .addColumn("created_by", text, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("case_link")
      .ifNotExists()
      .addColumn("id", text, (c) => c.primaryKey())
      .addColumn("claim_id", text, (c) => c.notNull())
      .addColumn("kind", text, (c) => c.notNull())
      .addColumn("ref", text, (c) => c.notNull())
      .addColumn("stance", text, (c) => c.notNull())
      .addColumn("note", text, (c) => c.notNull())
      .addColumn("selector_json", text)
      .addColumn("expect", text)
      .addColumn("resolved_verdict", text)
      .addColumn("position", "integer", (c) => c.notNull())
      .addColumn("created_at", text, (c) => c.notNull())
      .addColumn("created_by", text, (c) => c.notNull())
      .execute();
    await db.schema.createIndex("case_link_claim").ifNotExists().on("case_link").columns(["claim_id", "kind"]).execute();
    await db.schema.createIndex("case_link_ref").ifNotExists().on("case_link").columns(["kind", "ref"]).execute();
    await db.schema.createIndex("case_event_date").ifNotExists().on("case_event").column("date").execute();
  },
};

/** Picked up by the archive's migration runner (src/evidence/store/migrate.ts). */
export const migrations: Migration[] = [claimsMigration];
