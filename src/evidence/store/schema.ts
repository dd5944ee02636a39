import type { Generated } from "kysely";

/**
 * Database tables of the archive core (Kysely types), on SQLite (DIR/archive.db) or PostgreSQL. SQL is
 * kept portable (text, integer, no SQLite-only types); dialect-specific code lives in sqlite-dialect.ts
 * (dialectOf, writeTransaction) and core-migrations.ts (columnTypes: sizes are bigint and text columns
 * collate "C" on PostgreSQL). Values read back are the same JS types on both (numbers, strings, null).
 * Search and claims tables are added by their own migrations; their Kysely types live in their own files.
 */
export interface ItemsTable {
  id: string;
  /** SHA-256 of the original bytes, lower-case hex */
  sha256: string;
  size: number;
  mime: string;
  filename: string | null;
  url: string | null;
  /** ISO 8601: when the original was captured or obtained */
  captured_at: string;
  /** ISO 8601: when it was added to this archive */
  added_at: string;
  added_by: string;
  language: string | null;
  evidence_type: string;
  source: string | null;
  /** JSON array of strings */
  tags: string;
  /** first item with the same bytes, when this one repeats them */
  duplicate_of: string | null;
  /** 1: the original bytes are left out of exports unless --include-sensitive */
  restricted: number;
  /** sealed (AES-256-GCM) JSON object of sensitive fields, or null; not covered by the row digest */
  sensitive: string | null;
  /** SHA-256 of `sensitive` (covered by the row digest) */
  sensitive_digest: string | null;
  note: string | null;
}

export interface DerivedTable {
  id: string;
  item_id: string;
  kind: string;
  /** SHA-256 of the derived content in clear */
  sha256: string;
  size: number;
  /** SHA-256 of the stored blob: equal to sha256, or the hash of the sealed form when sealed = 1 */
  blob_sha256: string;
  mime: string;
  method: string;
  language: string | null;
  created_at: string;
  created_by: string;
  sealed: number;
  /** for kind "redacted": id of the derived record it redacts */
  redacts: string | null;
}

export interface CustodyLogTable {
  seq: number;
  entry: string;
  leaf_hash: string;
}

export interface TreeHeadsTable {
  tree_size: number;
  root_hash: string;
  timestamp: string;
  key_id: string;
  signature: string;
}

export interface MigrationsTable {
  id: string;
  applied_at: string;
}

export interface BlobShredTable {
  sha256: string;
  queued_at: string;
}

export interface CoreDb {
  items: ItemsTable;
  derived: DerivedTable;
  custody_log: CustodyLogTable;
  tree_heads: TreeHeadsTable;
  schema_migrations: MigrationsTable;
  blob_shred: BlobShredTable;
}

/** Columns left out of a table's row digest (covered by another digest column). */
export const DIGEST_EXCLUDE: Record<string, readonly string[]> = { items: ["sensitive"] };

// Generated is re-exported for search and claims table types.
export type { Generated };
