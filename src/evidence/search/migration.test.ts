import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { openArchive } from "../store/archive.js";
import { verifyArchive } from "../store/verify.js";
import { SearchIndex } from "./index-store.js";
import { attachIndexer } from "./index-writer.js";
import { migration, searchSchemaState } from "./migration.js";

// The schema of search-0001-index (three FTS5 tables), as that migration created it: the fixture of an index
// built before the single-table schema.
const V1_SQL = [
  `CREATE TABLE IF NOT EXISTS search_doc (doc_id INTEGER PRIMARY KEY, item_id TEXT NOT NULL, derived_id TEXT NOT NULL DEFAULT '',
    sha256 TEXT NOT NULL, title TEXT, evidence_type TEXT, language TEXT, captured_at TEXT, tags TEXT NOT NULL DEFAULT '[]',
    original TEXT NOT NULL, norm TEXT NOT NULL, UNIQUE (item_id, derived_id))`,
  `CREATE INDEX IF NOT EXISTS search_doc_type ON search_doc (evidence_type)`,
  `CREATE TABLE IF NOT EXISTS search_tag (doc_id INTEGER NOT NULL, tag TEXT NOT NULL, PRIMARY KEY (doc_id, tag))`,
  `CREATE INDEX IF NOT EXISTS search_tag_tag ON search_tag (tag)`,
  `CREATE VIRTUAL TABLE IF NOT EXISTS search_tri USING fts5(norm, content='search_doc', content_rowid='doc_id', tokenize='trigram')`,
  `CREATE VIRTUAL TABLE IF NOT EXISTS search_words USING fts5(words, content='', contentless_delete=1, tokenize='porter unicode61 remove_diacritics 2')`,
  `CREATE VIRTUAL TABLE IF NOT EXISTS search_chars USING fts5(chars, content='', contentless_delete=1, tokenize='unicode61')`,
];

const root = mkdtempSync(join(tmpdir(), "oa-search-mig-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("search index migration to the single FTS5 table", () => {
  it("declares itself SQLite-only", () => {
    expect(migration.id).toBe("search-0002-single-table");
    expect(migration.dialects).toEqual(["sqlite"]);
  });

  it("upgrades a version-1 index in place from the texts stored in search_doc", () => {
    const db = new Database(join(root, "v1.db"));
    for (const s of V1_SQL) db.exec(s);
    db.prepare("INSERT INTO search_doc (item_id, derived_id, sha256, title, original, norm) VALUES (?, '', ?, ?, ?, ?)").run(
      "old-1",
      "a".repeat(64),
      "郑州大学第一附属医院.html",
      "鄭州大學第一附屬醫院 肝臟移植 liver transplants",
      "郑州大学第一附属医院 肝脏移植 liver transplants",
    );
    db.exec("INSERT INTO search_tri (search_tri) VALUES ('rebuild')");
    expect(searchSchemaState(db)).toBe("legacy");
    // a read-only connection cannot upgrade: a clear error, nothing changed
    const ro = new Database(join(root, "v1.db"), { readonly: true });
    expect(() => new SearchIndex(ro)).toThrow(/older schema/);
    ro.close();
    const idx = new SearchIndex(db);
    expect(searchSchemaState(db)).toBe("current");
    expect(idx.search("肝脏移植").results.map((r) => r.id)).toEqual(["old-1"]);
    expect(idx.search("transplanted").results.map((r) => r.id)).toEqual(["old-1"]);
    expect(idx.search("zhengzhou").results.map((r) => r.id)).toEqual(["old-1"]);
    expect(idx.search("肝臟移植").results[0]!.snippet).toContain("[肝臟移植]");
    expect(idx.rebuild()).toBe(1);
    expect(idx.search("liver 附属医院").results.map((r) => r.id)).toEqual(["old-1"]);
    db.close();
  });

  it("an archive created with the old schema opens, migrates, searches and verifies", async () => {
    const dir = join(root, "archive");
    const a = await openArchive(dir, { create: true, actor: "test" });
    attachIndexer(a);
    const text = "江川市第三人民医院器官移植中心 liver transplants 2006";
    const item = await a.addItem({
      bytes: Buffer.from(text),
      filename: "江川医院.txt",
      evidenceType: "hospital-web-page",
      addedBy: "test",
      derived: [{ kind: "text", text, method: "t", mime: "text/plain; charset=utf-8" }],
    });
    await a.close();
    // turn the index back into version 1, as an archive made before this schema has it
    const db = new Database(join(dir, "archive.db"));
    const doc = db.prepare("SELECT doc_id, norm FROM search_doc").get() as { doc_id: number; norm: string };
    db.exec("DROP TABLE search_fts");
    for (const s of V1_SQL) db.exec(s);
    db.exec("INSERT INTO search_tri (search_tri) VALUES ('rebuild')");
    db.prepare("INSERT INTO search_words (rowid, words) VALUES (?, ?)").run(doc.doc_id, doc.norm);
    db.prepare("DELETE FROM schema_migrations WHERE id = 'search-0002-single-table'").run();
    db.prepare("INSERT INTO schema_migrations (id, applied_at) VALUES ('search-0001-index', '2026-11-01T00:00:00Z')").run();
    expect(searchSchemaState(db)).toBe("legacy");
    db.close();

    const b = await openArchive(dir, { actor: "test" });
    const applied = (await b.db.selectFrom("schema_migrations" as never).select("id" as never).execute()) as unknown as { id: string }[];
    expect(applied.map((r) => r.id)).toContain("search-0002-single-table");
    const report = await verifyArchive(b);
    expect(report.failures).toEqual([]);
    await b.close();
    const reader = new Database(join(dir, "archive.db"), { readonly: true });
    expect(searchSchemaState(reader)).toBe("current");
    const idx = new SearchIndex(reader);
    expect(idx.search("器官移植中心 liver").results.map((r) => r.id)).toEqual([item.id]);
    expect(idx.search("jiangchuan").results.map((r) => r.id)).toEqual([item.id]);
    reader.close();
  });
});
