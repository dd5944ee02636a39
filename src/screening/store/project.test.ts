import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { OrganAuditError } from "../../core/errors.js";
import { dedupeRecords } from "../dedupe/dedupe.js";
import { importFile } from "../records/import-file.js";
import { dropPgSchema, freshPgLocation, pgAvailable } from "../../../test/helpers/pg.js";
import { SCHEMA_VERSION } from "./project.js";
import { DEFAULT_PROJECT, ScreeningStore, withProjectFile } from "./store.js";

const FX = "test/fixtures/screening/s1";
const T = "2026-11-28T12:00:00Z";
const dir = mkdtempSync(join(tmpdir(), "oa-store-"));
const pgLocations: string[] = [];
afterAll(async () => {
  for (const l of pgLocations) await dropPgSchema(l);
});

let n = 0;
function location(dialect: "sqlite" | "postgres"): string {
  if (dialect === "sqlite") return join(dir, `s${++n}.sqlite`);
  const l = freshPgLocation();
  pgLocations.push(l);
  return l;
}

describe.each([
  ["sqlite", true],
  ["postgres", pgAvailable],
] as const)("ScreeningStore on %s", (dialect, enabled) => {
  it.runIf(enabled)("stores imports and records, round-trips them, and refuses a second import of the same bytes", async () => {
    const store = await ScreeningStore.open(location(dialect), { create: true });
    const p = await store.project(DEFAULT_PROJECT, { create: true });
    const imp = await importFile(`${FX}/medline-invented.nbib`);
    const row = await p.addImport(imp, T);
    expect(row).toMatchObject({ id: 1, format: "medline", nRecords: 2, importedAt: T, bytes: imp.bytes });
    expect(await p.records()).toEqual(imp.records);
    await expect(p.addImport(imp, T)).rejects.toThrow(/already imported/);
    expect(await p.imports()).toHaveLength(1);
    expect(await p.recordCount()).toBe(2);
    expect((await p.recordAt(1))?.record).toEqual(imp.records[1]);
    expect(await p.recordAt(2)).toBeNull();
    expect((await p.recordById(imp.records[0]!.id))?.record).toEqual(imp.records[0]);
    expect(await p.recordById("nope")).toBeNull();
    expect(await p.records({ offset: 1, limit: 5 })).toEqual([imp.records[1]]);
    await store.close();
  });

  it.runIf(enabled)("an import that fails half-way leaves nothing behind (one transaction)", async () => {
    const store = await ScreeningStore.open(location(dialect), { create: true });
    const p = await store.project(DEFAULT_PROJECT, { create: true });
    const a = await importFile(`${FX}/medline-invented.nbib`);
    await p.addImport(a, T);
    // same record ids, different bytes: the second record collides after the first was inserted
    const b = { ...a, sha256: "f".repeat(64), records: [{ ...a.records[0]!, id: "new-id" }, a.records[1]!] };
    await expect(p.addImport(b, T)).rejects.toThrow(/already in the project/);
    // a batch: the first file is fine, the second collides: neither lands
    const c = { ...a, sha256: "e".repeat(64), records: [{ ...a.records[0]!, id: "other-id" }] };
    await expect(p.addImports([c, b], T)).rejects.toThrow(OrganAuditError);
    // a record id twice in one file
    const d = { ...a, sha256: "d".repeat(64), records: [{ ...a.records[0]!, id: "twice" }, { ...a.records[1]!, id: "twice" }] };
    const err = await p.addImport(d, T).catch((e: unknown) => e);
    expect((err as OrganAuditError).location).toMatchObject({ line: a.records[1]!.source.line });
    expect(await p.imports()).toHaveLength(1);
    expect((await p.records({ includeDuplicates: true })).map((r) => r.id)).toEqual(a.records.map((r) => r.id));
    await store.close();
  });

  it.runIf(enabled)("dedupe marks duplicates; decisions are appended with increasing seq; the log is append-only", async () => {
    const store = await ScreeningStore.open(location(dialect), { create: true });
    const p = await store.project(DEFAULT_PROJECT, { create: true });
    await p.addImport(await importFile(`${FX}/medline-invented.nbib`), T);
    await p.addImport(await importFile(`${FX}/pubmed-invented.xml`), T);
    const res = dedupeRecords(await p.records({ includeDuplicates: true }));
    await p.applyDedupe(res);
    expect(await p.records()).toHaveLength(2);
    expect(await p.recordCount({ includeDuplicates: true })).toBe(4);
    expect((await p.stored({ includeDuplicates: true })).filter((s) => s.duplicateOf !== null).map((s) => s.duplicateReason)).toEqual(["doi", "pmid"]);
    const d1 = await p.appendDecision({ recordId: "x", stage: "title-abstract", reviewer: "A", decision: "include", reasonCode: null, note: "n", time: T, resolution: false });
    const d2 = await p.appendDecision({ recordId: "x", stage: "title-abstract", reviewer: "B", decision: "exclude", reasonCode: "r", note: null, time: T, resolution: true });
    expect([d1.seq, d2.seq]).toEqual([1, 2]);
    expect(await p.decisions()).toEqual([d1, d2]);
    expect(await p.decisions({ stage: "full-text" })).toEqual([]);
    await expect(sql`UPDATE screening_decisions SET decision = 'include'`.execute(store.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM screening_decisions`.execute(store.db)).rejects.toThrow(/append-only/);
    expect(await p.decisions()).toEqual([d1, d2]);
    await store.close();
  });

  it.runIf(enabled)("projects share one database without seeing each other; names are unique", async () => {
    const loc = location(dialect);
    const store = await ScreeningStore.open(loc, { create: true });
    const a = await store.project("default", { create: true });
    const made = await store.createProject("Kidney review 肾移植");
    expect(made.id).toMatch(/^p-[0-9a-f]{12}$/);
    await expect(store.createProject("Kidney review 肾移植")).rejects.toMatchObject({ code: "SC_STORE_EXISTS" });
    await expect(store.createProject("  ")).rejects.toMatchObject({ code: "SC_STORE" });
    const b = await store.project(made.id);
    expect((await store.project("Kidney review 肾移植")).id).toBe(made.id);
    await expect(store.project("none")).rejects.toThrow(/no screening project "none"/);
    const imp = await importFile(`${FX}/medline-invented.nbib`);
    await a.addImport(imp, T);
    // the same bytes may be imported into another project
    await b.addImport(imp, T);
    await a.appendDecision({ recordId: imp.records[0]!.id, stage: "title-abstract", reviewer: "A", decision: "include", reasonCode: null, note: null, time: T, resolution: false });
    const db = await b.appendDecision({ recordId: imp.records[0]!.id, stage: "title-abstract", reviewer: "A", decision: "exclude", reasonCode: null, note: null, time: T, resolution: false });
    expect(db.seq).toBe(1);
    expect((await a.decisions()).map((d) => d.decision)).toEqual(["include"]);
    expect((await store.projects()).items.map((p) => p.name).sort()).toEqual(["Kidney review 肾移植", "default"]);
    expect((await store.projects({ offset: 1, limit: 1 })).items).toHaveLength(1);
    await a.setMeta("rules", "x");
    await a.setMeta("rules", "y");
    expect(await a.getMeta("rules")).toBe("y");
    expect(await b.getMeta("rules")).toBeNull();
    await store.close();
    // reopening keeps everything (migrations run once)
    const again = await ScreeningStore.open(loc);
    expect(await (await again.project("default")).recordCount()).toBe(2);
    await again.close();
  });

  it.runIf(enabled)("next undecided record per reviewer, in import order or a given order", async () => {
    const store = await ScreeningStore.open(location(dialect), { create: true });
    const p = await store.project(DEFAULT_PROJECT, { create: true });
    const imp = await importFile(`${FX}/medline-invented.nbib`);
    await p.addImport(imp, T);
    const [r1, r2] = imp.records.map((r) => r.id) as [string, string];
    expect((await p.nextUndecided("A", "title-abstract"))?.record.id).toBe(r1);
    await p.appendDecision({ recordId: r1, stage: "title-abstract", reviewer: "A", decision: "include", reasonCode: null, note: null, time: T, resolution: false });
    expect((await p.nextUndecided("A", "title-abstract"))?.record.id).toBe(r2);
    expect((await p.nextUndecided("B", "title-abstract"))?.record.id).toBe(r1);
    expect((await p.nextUndecided("A", "full-text"))?.record.id).toBe(r1);
    expect((await p.nextUndecided("B", "title-abstract", [r2, "gone", r1]))?.record.id).toBe(r2);
    expect((await p.nextUndecided("B", "title-abstract", [r2]))?.record.id).toBe(r2);
    expect((await p.nextUndecided("A", "title-abstract", ["gone"]))?.record.id).toBe(r2);
    expect([...(await p.decidedBy("A", "title-abstract"))]).toEqual([r1]);
    await p.appendDecision({ recordId: r2, stage: "title-abstract", reviewer: "A", decision: "exclude", reasonCode: null, note: null, time: T, resolution: false });
    expect(await p.nextUndecided("A", "title-abstract")).toBeNull();
    expect(await p.nextUndecided("A", "title-abstract", [r2])).toBeNull();
    await store.close();
  });

  it.runIf(enabled)("concurrent writers: decisions get distinct consecutive seq; the same bytes land once", async () => {
    const loc = location(dialect);
    const store = await ScreeningStore.open(loc, { create: true });
    const p = await store.project(DEFAULT_PROJECT, { create: true });
    // PostgreSQL: a second connection pool on the same database, as a second server process would have.
    // SQLite: the same store (better-sqlite3 is synchronous: a second connection in this process would wait
    // for the lock while blocking the event loop that must release it; other processes wait as they should)
    const other = dialect === "postgres" ? await ScreeningStore.open(loc) : store;
    const q = await other.project(DEFAULT_PROJECT);
    const d = (k: number) => ({ recordId: `r${k}`, stage: "title-abstract" as const, reviewer: k % 2 ? "A" : "B", decision: "include" as const, reasonCode: null, note: null, time: T, resolution: false });
    const made = await Promise.all(Array.from({ length: 24 }, (_, k) => (k % 2 ? p : q).appendDecision(d(k))));
    expect(made.map((x) => x.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 24 }, (_, k) => k + 1));
    expect((await p.decisions()).map((x) => x.seq)).toEqual(Array.from({ length: 24 }, (_, k) => k + 1));
    const imp = await importFile(`${FX}/medline-invented.nbib`);
    const both = await Promise.allSettled([p.addImport(imp, T), q.addImport(imp, T)]);
    expect(both.map((x) => x.status).sort()).toEqual(["fulfilled", "rejected"]);
    const why = both.find((x) => x.status === "rejected") as PromiseRejectedResult;
    expect(why.reason).toBeInstanceOf(OrganAuditError);
    expect(await p.imports()).toHaveLength(1);
    expect(await p.recordCount()).toBe(2);
    if (other !== store) await other.close();
    await store.close();
  });

  it.runIf(enabled)("a large import (3000 records) lands in one transaction, in order", async () => {
    const store = await ScreeningStore.open(location(dialect), { create: true });
    const p = await store.project(DEFAULT_PROJECT, { create: true });
    const base = await importFile(`${FX}/medline-invented.nbib`);
    const r0 = base.records[0]!;
    const records = Array.from({ length: 3000 }, (_, k) => ({ ...r0, id: `big:${k}`, title: `${r0.title} ${k}`, source: { ...r0.source, line: k + 1 } }));
    const t0 = Date.now();
    await p.addImport({ ...base, sha256: "a".repeat(64), records }, T);
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(await p.recordCount()).toBe(3000);
    expect((await p.recordAt(2999))?.record.id).toBe("big:2999");
    expect((await p.records({ offset: 1500, limit: 2 })).map((r) => r.id)).toEqual(["big:1500", "big:1501"]);
    // one bad record at the end: none of the 3000 of the next file land
    const clash = records.map((r, k) => ({ ...r, id: k === 2999 ? "big:0" : `big2:${k}` }));
    await expect(p.addImport({ ...base, sha256: "b".repeat(64), records: clash }, T)).rejects.toThrow(/"big:0" is already in the project/);
    expect(await p.recordCount()).toBe(3000);
    await store.close();
  });

  it.runIf(enabled)("attaching full texts is all or nothing", async () => {
    const store = await ScreeningStore.open(location(dialect), { create: true });
    const p = await store.project(DEFAULT_PROJECT, { create: true });
    const imp = await importFile(`${FX}/medline-invented.nbib`);
    await p.addImport(imp, T);
    const id = imp.records[0]!.id;
    await expect(p.attachFullTexts([{ key: id, file: "a.txt", text: "A" }, { key: "none", file: "none.txt", text: "B" }])).rejects.toThrow(/no record match the full text "none"/);
    expect((await p.records()).every((r) => r.fullText === undefined)).toBe(true);
    expect(await p.attachFullTexts([{ key: id, file: "a.txt", text: "全文" }])).toEqual([id]);
    expect((await p.recordById(id))?.record.fullText).toBe("全文");
    await store.close();
  });
});

describe("ScreeningStore: SQLite project files", () => {
  it("refuses a missing project without create and a newer schema", async () => {
    await expect(ScreeningStore.open(join(dir, "none.sqlite"))).rejects.toThrow(/no project/);
    const path = join(dir, "new.sqlite");
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    await expect(ScreeningStore.open(path)).rejects.toThrow(/newer than this tool supports/);
    // an existing file without a "default" project is not silently made one
    const empty = join(dir, "empty.sqlite");
    await (await ScreeningStore.open(empty, { create: true })).close();
    await expect(withProjectFile(empty, false, () => 1)).rejects.toThrow(/no screening project "default"/);
    expect(new Database(empty).pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
  });

  it("migrates a schema-version-1 file (made by the old better-sqlite3 store) in one transaction", async () => {
    const path = join(dir, "v1.sqlite");
    const imp = await importFile(`${FX}/medline-invented.nbib`);
    // The old store's SCHEMA and statements, copied verbatim from src/screening/store/project.ts before
    // the move to kysely (schema version 1, PRAGMA user_version = 1).
    const old = new Database(path);
    old.pragma("journal_mode = WAL");
    old.pragma("foreign_keys = ON");
    old.exec(`
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS imports (
  id INTEGER PRIMARY KEY,
  file TEXT NOT NULL,
  format TEXT NOT NULL,
  sha256 TEXT NOT NULL UNIQUE,
  bytes INTEGER NOT NULL,
  encoding TEXT NOT NULL,
  n_records INTEGER NOT NULL,
  imported_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS records (
  id TEXT PRIMARY KEY,
  import_id INTEGER NOT NULL REFERENCES imports(id),
  ordinal INTEGER NOT NULL,
  title TEXT NOT NULL,
  doi TEXT,
  year INTEGER,
  language TEXT NOT NULL,
  json TEXT NOT NULL,
  duplicate_of TEXT REFERENCES records(id),
  duplicate_reason TEXT,
  duplicate_similarity REAL
);
CREATE INDEX IF NOT EXISTS records_import ON records(import_id, ordinal);
CREATE TABLE IF NOT EXISTS decisions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  record_id TEXT NOT NULL,
  stage TEXT NOT NULL,
  reviewer TEXT NOT NULL,
  decision TEXT NOT NULL,
  reason_code TEXT,
  note TEXT,
  time TEXT NOT NULL,
  resolution INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS decisions_record ON decisions(record_id, stage);
`);
    old.pragma("user_version = 1");
    const info = old
      .prepare("INSERT INTO imports (file, format, sha256, bytes, encoding, n_records, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(imp.file, imp.format, imp.sha256, imp.bytes, imp.encoding, imp.records.length, T);
    const ins = old.prepare("INSERT INTO records (id, import_id, ordinal, title, doi, year, language, json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    imp.records.forEach((r, i) => ins.run(r.id, Number(info.lastInsertRowid), i, r.title, r.doi, r.year, r.language, JSON.stringify(r)));
    old.prepare("UPDATE records SET duplicate_of = ?, duplicate_reason = ?, duplicate_similarity = ? WHERE id = ?").run(imp.records[0]!.id, "fuzzy", 0.93, imp.records[1]!.id);
    const dec = old.prepare("INSERT INTO decisions (record_id, stage, reviewer, decision, reason_code, note, time, resolution) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    dec.run(imp.records[0]!.id, "title-abstract", "A", "include", null, "note 注", T, 0);
    dec.run(imp.records[0]!.id, "full-text", "B", "exclude", "wrong-population", null, T, 1);
    old.prepare("INSERT INTO meta (key, value) VALUES (?, ?)").run("k", "v");
    old.close();

    const p = await withProjectFile(path, false, async (p) => ({
      imports: await p.imports(),
      stored: await p.stored({ includeDuplicates: true }),
      decisions: await p.decisions(),
      meta: await p.getMeta("k"),
      next: await p.appendDecision({ recordId: imp.records[1]!.id, stage: "title-abstract", reviewer: "A", decision: "maybe", reasonCode: null, note: null, time: T, resolution: false }),
    }));
    expect(p.imports).toEqual([{ id: 1, file: imp.file, format: imp.format, sha256: imp.sha256, bytes: imp.bytes, encoding: imp.encoding, nRecords: 2, importedAt: T }]);
    expect(p.stored.map((s) => s.record)).toEqual(imp.records);
    expect(p.stored[1]).toMatchObject({ duplicateOf: imp.records[0]!.id, duplicateReason: "fuzzy", duplicateSimilarity: 0.93, importId: 1 });
    expect(p.decisions).toEqual([
      { seq: 1, recordId: imp.records[0]!.id, stage: "title-abstract", reviewer: "A", decision: "include", reasonCode: null, note: "note 注", time: T, resolution: false },
      { seq: 2, recordId: imp.records[0]!.id, stage: "full-text", reviewer: "B", decision: "exclude", reasonCode: "wrong-population", note: null, time: T, resolution: true },
    ]);
    expect(p.meta).toBe("v");
    expect(p.next.seq).toBe(3);
    const raw = new Database(path);
    expect(raw.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    const tables = (raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    expect(tables).not.toContain("records");
    expect(tables).toContain("screening_records");
    raw.close();
  });

  it("a version-1 file whose rows cannot be copied is left exactly as it was", async () => {
    const path = join(dir, "v1-bad.sqlite");
    const old = new Database(path);
    // a v1 file missing a column the copy needs (hand-damaged): the copy fails, the old tables stay
    old.exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE imports (id INTEGER PRIMARY KEY, file TEXT);
      CREATE TABLE records (id TEXT PRIMARY KEY);
      CREATE TABLE decisions (seq INTEGER PRIMARY KEY);
      INSERT INTO imports (id, file) VALUES (1, 'a.ris');`);
    old.pragma("user_version = 1");
    old.close();
    await expect(ScreeningStore.open(path)).rejects.toMatchObject({ code: "SC_STORE" });
    const raw = new Database(path);
    expect(raw.pragma("user_version", { simple: true })).toBe(1);
    expect(raw.prepare("SELECT file FROM imports").all()).toEqual([{ file: "a.ris" }]);
    expect(raw.prepare("SELECT count(*) AS n FROM screening_projects").get()).toEqual({ n: 0 });
    raw.close();
  });
});
