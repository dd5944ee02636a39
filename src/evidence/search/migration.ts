/**
 * Schema of the search index. SQLite-specific (FTS5), isolated here (the PostgreSQL archive has its own
 * index, search/pg-index.ts; this migration declares `dialects: ["sqlite"]`). The index is derived data: it
 * can be dropped and rebuilt from the items and their derived text (index-writer.ts reindexArchive /
 * `evidence reindex`), so it is not part of the custody check.
 *
 * - search_doc: one row per indexed text (an item's extracted text, or a derived OCR/translation/transcript
 *   text), with the original text ('' when it equals the folded form, which is then shown), its folded
 *   form and denormalised filter fields;
 * - search_fts: ONE contentless FTS5 table (porter unicode61) with three columns, so that a query with
 *   several terms is one MATCH and FTS5 intersects the doclists itself:
 *     words  the folded text with Han runs cut into words by jieba (English words with stemming, and digits),
 *     chars  the Han bigrams of each run plus its last character marked "X0" (segment.ts): 1 Han character
 *            = prefix query, 2 = one token, 3+ = a phrase of bigrams (exact substring within a Han run),
 *     pinyin toneless pinyin of the title (pinyin.ts), so a name typed in pinyin finds the Chinese;
 * - search_tag: one row per (doc, tag) for tag filters.
 *
 * History: search-0001-index made three FTS5 tables (search_tri: trigram over the folded text; search_words;
 * search_chars), intersected outside FTS5. search-0002-single-table drops them and rebuilds search_fts from
 * the texts stored in search_doc; an archive created with either schema ends at this one.
 */
import { sql, type Kysely } from "kysely";
import type Database from "better-sqlite3";
import { OrganAuditError } from "../../core/errors.js";
import { ftsValues } from "./segment.js";

export const SEARCH_SCHEMA_VERSION = 2;

/** Tables of schema version 1, dropped by version 2. */
export const LEGACY_TABLES = ["search_tri", "search_words", "search_chars"] as const;

export const SEARCH_SCHEMA_SQL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS search_doc (
    doc_id INTEGER PRIMARY KEY,
    item_id TEXT NOT NULL,
    derived_id TEXT NOT NULL DEFAULT '',
    sha256 TEXT NOT NULL,
    title TEXT,
    evidence_type TEXT,
    language TEXT,
    captured_at TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    original TEXT NOT NULL,
    norm TEXT NOT NULL,
    UNIQUE (item_id, derived_id)
  )`,
  // the UNIQUE (item_id, derived_id) index answers item_id lookups; a separate item_id index only cost
  // import time (dropped in place for indexes built before)
  `DROP INDEX IF EXISTS search_doc_item`,
  `CREATE INDEX IF NOT EXISTS search_doc_type ON search_doc (evidence_type)`,
  `CREATE TABLE IF NOT EXISTS search_tag (
    doc_id INTEGER NOT NULL,
    tag TEXT NOT NULL,
    PRIMARY KEY (doc_id, tag)
  )`,
  `CREATE INDEX IF NOT EXISTS search_tag_tag ON search_tag (tag)`,
  `CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(words, chars, pinyin, content='', contentless_delete=1, tokenize='porter unicode61 remove_diacritics 2')`,
];

const INS_FTS = "INSERT INTO search_fts (rowid, words, chars, pinyin) VALUES (?, ?, ?, ?)";
const CHUNK = 2_000;

/**
 * Migration for the archive's migration runner (src/evidence/store/migrate.ts imports `migration` from this
 * file). Idempotent: creates the single-table schema, drops the tables of search-0001-index if present, and
 * rebuilds search_fts from the texts stored in search_doc (the index is derived data). SQLite only.
 */
export const migration = {
  id: "search-0002-single-table",
  dialects: ["sqlite"] as ("sqlite" | "postgres")[],
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async up(db: Kysely<any>): Promise<void> {
    for (const t of LEGACY_TABLES) await sql.raw(`DROP TABLE IF EXISTS ${t}`).execute(db);
    for (const stmt of SEARCH_SCHEMA_SQL) await sql.raw(stmt).execute(db);
    await sql.raw("INSERT INTO search_fts (search_fts) VALUES ('delete-all')").execute(db);
    let after = -1;
    for (;;) {
      const rows = (
        await sql<{ doc_id: number; title: string | null; norm: string }>`SELECT doc_id, title, norm FROM search_doc WHERE doc_id > ${after} ORDER BY doc_id LIMIT ${CHUNK}`.execute(db)
      ).rows;
      if (rows.length === 0) break;
      for (const r of rows) {
        const v = ftsValues(r.norm, r.title);
        await sql`INSERT INTO search_fts (rowid, words, chars, pinyin) VALUES (${r.doc_id}, ${v.words}, ${v.chars}, ${v.pinyin})`.execute(db);
      }
      after = rows[rows.length - 1]!.doc_id;
    }
  },
};

/** Re-derive every FTS5 row from search_doc (sync; run it inside a transaction). Returns the number of texts. */
export function rebuildFtsSync(db: Database.Database): number {
  db.exec("INSERT INTO search_fts (search_fts) VALUES ('delete-all')");
  const ins = db.prepare(INS_FTS);
  const page = db.prepare("SELECT doc_id, title, norm FROM search_doc WHERE doc_id > ? ORDER BY doc_id LIMIT ?");
  let n = 0;
  let after = -1;
  for (;;) {
    const rows = page.all(after, CHUNK) as { doc_id: number; title: string | null; norm: string }[];
    if (rows.length === 0) break;
    for (const r of rows) {
      const v = ftsValues(r.norm, r.title);
      ins.run(r.doc_id, v.words, v.chars, v.pinyin);
    }
    n += rows.length;
    after = rows[rows.length - 1]!.doc_id;
  }
  return n;
}

/**
 * Apply the search schema directly on a better-sqlite3 connection (idempotent). A database with the tables
 * of schema version 1 is upgraded in place (legacy tables dropped, search_fts rebuilt from search_doc). On a
 * read-only connection nothing is written: the schema must already be current (else EV_SEARCH_OLD_INDEX).
 */
export function ensureSearchSchema(db: Database.Database): void {
  const state = searchSchemaState(db);
  if (state === "current") return;
  if (db.readonly) throw new OrganAuditError("EV_SEARCH_OLD_INDEX", { state });
  db.transaction(() => {
    for (const t of LEGACY_TABLES) db.exec(`DROP TABLE IF EXISTS ${t}`);
    for (const stmt of SEARCH_SCHEMA_SQL) db.exec(stmt);
    if (state === "legacy") rebuildFtsSync(db);
  })();
}

/** "current" (search_fts exists, no legacy table), "legacy" (schema version 1 tables), or "none". */
export function searchSchemaState(db: Database.Database): "current" | "legacy" | "none" {
  const names = new Set(
    (db.prepare("SELECT name FROM sqlite_master WHERE name IN ('search_doc', 'search_fts', 'search_tri', 'search_words', 'search_chars')").all() as { name: string }[]).map((r) => r.name),
  );
  if (LEGACY_TABLES.some((t) => names.has(t))) return "legacy";
  if (names.has("search_fts") && names.has("search_doc")) return "current";
  return names.has("search_doc") ? "legacy" : "none";
}

/** Minimal interface of a better-sqlite3 database that can run SQL text (kept for callers of version 1). */
export interface ExecDb {
  exec(source: string): unknown;
}
