import { sql, type Expression, type Kysely } from "kysely";
import type { Migration } from "./migration.js";
import { dialectOf } from "./sqlite-dialect.js";

/**
 * Column types that differ by dialect (everything else is portable):
 * - `text`: on PostgreSQL `text collate "C"`, so that ORDER BY and comparisons follow code-point order as
 *   SQLite's BINARY collation does, whatever the server's default collation (lists come back in the same
 *   order on both dialects);
 * - `big`: sizes in bytes (an original may exceed 2^31 bytes): bigint on PostgreSQL, integer on SQLite
 *   (SQLite integers are 64-bit; the declared type of existing archives stays as it was).
 * Values read back are the same JS types on both dialects (src/db/open.ts parses int8 as a number), so
 * the custody log's row digests do not depend on the dialect.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function columnTypes(db: Kysely<any>): { text: "text" | Expression<unknown>; big: "integer" | "bigint" } {
  const pg = dialectOf(db) === "postgres";
  return { text: pg ? sql`text collate "C"` : "text", big: pg ? "bigint" : "integer" };
}

/** The archive core's migrations (portable SQL through the schema builder). */
export const coreMigrations: Migration[] = [
  {
    id: "core-0001-initial",
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    up: async (db: Kysely<any>) => {
      const { text, big } = columnTypes(db);
      await db.schema
        .createTable("items")
        .addColumn("id", text, (c) => c.primaryKey())
        .addColumn("sha256", text, (c) => c.notNull())
        .addColumn("size", big, (c) => c.notNull())
        .addColumn("mime", text, (c) => c.notNull())
        .addColumn("filename", text)
        .addColumn("url", text)
        .addColumn("captured_at", text, (c) => c.notNull())
        .addColumn("added_at", text, (c) => c.notNull())
        .addColumn("added_by", text, (c) => c.notNull())
        .addColumn("language", text)
        .addColumn("evidence_type", text, (c) => c.notNull())
        .addColumn("source", text)
        .addColumn("tags", text, (c) => c.notNull())
        .addColumn("duplicate_of", text)
        .addColumn("restricted", "integer", (c) => c.notNull())
        .addColumn("sensitive", text)
        .addColumn("sensitive_digest", text)
        .addColumn("note", text)
        .execute();
      await db.schema.createIndex("items_sha256").on("items").column("sha256").execute();
      await db.schema
        .createTable("derived")
        .addColumn("id", text, (c) => c.primaryKey())
        .addColumn("item_id", text, (c) => c.notNull().references("items.id"))
        .addColumn("kind", text, (c) => c.notNull())
        .addColumn("sha256", text, (c) => c.notNull())
        .addColumn("size", big, (c) => c.notNull())
        .addColumn("blob_sha256", text, (c) => c.notNull())
        .addColumn("mime", text, (c) => c.notNull())
        .addColumn("method", text, (c) => c.notNull())
        .addColumn("language", text)
        .addColumn("created_at", text, (c) => c.notNull())
        .addColumn("created_by", text, (c) => c.notNull())
        .addColumn("sealed", "integer", (c) => c.notNull())
        .addColumn("redacts", text)
        .execute();
      await db.schema.createIndex("derived_item").on("derived").column("item_id").execute();
      await db.schema.createIndex("derived_blob").on("derived").column("blob_sha256").execute();
      await db.schema
        .createTable("custody_log")
        .addColumn("seq", "integer", (c) => c.primaryKey())
        .addColumn("entry", text, (c) => c.notNull())
        .addColumn("leaf_hash", text, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("tree_heads")
        .addColumn("tree_size", "integer", (c) => c.primaryKey())
        .addColumn("root_hash", text, (c) => c.notNull())
        .addColumn("timestamp", text, (c) => c.notNull())
        .addColumn("key_id", text, (c) => c.notNull())
        .addColumn("signature", text, (c) => c.notNull())
        .execute();
    },
  },
  {
    id: "core-0002-blob-shred",
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    up: async (db: Kysely<any>) => {
      const { text } = columnTypes(db);
      // clear blobs of sealed texts waiting to be removed (not evidence; not pinned by the log)
      await db.schema
        .createTable("blob_shred")
        .addColumn("sha256", text, (c) => c.primaryKey())
        .addColumn("queued_at", text, (c) => c.notNull())
        .execute();
    },
  },
];
