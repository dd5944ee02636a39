/**
 * Schema of the search index. SQLite-specific (FTS5), isolated here: a PostgreSQL port would use
 * pg_trgm + tsvector instead. The index is derived data: it can be dropped and rebuilt from the items and
 * their derived text (SearchIndex.rebuild / `evidence reindex`), so it is not part of the custody check.
 *
 * - search_doc: one row per indexed text (an item's extracted text, or a derived OCR/translation/transcript
 *   text), with the original text ('' when it equals the folded form, which is then shown), its folded
 *   form and denormalised filter fields;
 * - search_tri: FTS5 trigram over the folded text (external content = search_doc.norm): Chinese substrings;
 * - search_words: contentless FTS5 porter unicode61 over the jieba-segmented folded text (English
 *   stemming, word-level ranking);
 * - search_chars: contentless FTS5 unicode61 over the Han bigrams of each run plus its last character
 *   marked "X0" (segment.ts): an exact index for 1-2 character Chinese queries, which the trigram index
 *   cannot answer;
 * - search_tag: one row per (doc, tag) for tag filters.
 */
import { sql, type Kysely } from "kysely";

export const SEARCH_SCHEMA_VERSION = 1;

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
  `CREATE VIRTUAL TABLE IF NOT EXISTS search_tri USING fts5(norm, content='search_doc', content_rowid='doc_id', tokenize='trigram')`,
  `CREATE VIRTUAL TABLE IF NOT EXISTS search_words USING fts5(words, content='', contentless_delete=1, tokenize='porter unicode61 remove_diacritics 2')`,
  `CREATE VIRTUAL TABLE IF NOT EXISTS search_chars USING fts5(chars, content='', contentless_delete=1, tokenize='unicode61')`,
];

/** Migration for the archive's migration runner (src/evidence/store/migrate.ts imports `migration` from this file). Idempotent. */
export const migration = {
  id: "search-0001-index",
  async up(db: Kysely<unknown>): Promise<void> {
    for (const stmt of SEARCH_SCHEMA_SQL) await sql.raw(stmt).execute(db);
  },
};

/** Minimal interface of a better-sqlite3 database used to apply the schema directly. */
export interface ExecDb {
  exec(source: string): unknown;
}

/** Apply the search schema directly on a better-sqlite3 connection (idempotent). */
export function ensureSearchSchema(db: ExecDb): void {
  for (const stmt of SEARCH_SCHEMA_SQL) db.exec(stmt);
}
