import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { OrganAuditError } from "../../core/errors.js";
import { dedupeRecords } from "../dedupe/dedupe.js";
import { importFile } from "../records/import-file.js";
import { ScreeningProject, SCHEMA_VERSION } from "./project.js";

const FX = "test/fixtures/screening/s1";
const T = "2026-11-28T12:00:00Z";

describe("ScreeningProject", () => {
  const dir = mkdtempSync(join(tmpdir(), "oa-store-"));

  it("stores imports and records, round-trips them, and refuses a second import of the same bytes", async () => {
    const path = join(dir, "a.sqlite");
    const p = ScreeningProject.open(path, { create: true });
    const imp = await importFile(`${FX}/medline-invented.nbib`);
    const row = p.addImport(imp, T);
    expect(row).toMatchObject({ id: 1, format: "medline", nRecords: 2, importedAt: T });
    expect(p.records()).toEqual(imp.records);
    expect(() => p.addImport(imp, T)).toThrow(OrganAuditError);
    expect(p.imports()).toHaveLength(1);
    p.close();
  });

  it("an import that fails half-way leaves nothing behind (one transaction)", async () => {
    const path = join(dir, "b.sqlite");
    const p = ScreeningProject.open(path, { create: true });
    const a = await importFile(`${FX}/medline-invented.nbib`);
    p.addImport(a, T);
    // same record ids, different bytes: the second record collides after the first was inserted
    const b = { ...a, sha256: "f".repeat(64), records: [{ ...a.records[0]!, id: "new-id" }, a.records[1]!] };
    expect(() => p.addImport(b, T)).toThrow(/already in the project/);
    expect(p.imports()).toHaveLength(1);
    expect(p.records({ includeDuplicates: true }).map((r) => r.id)).toEqual(a.records.map((r) => r.id));
    p.close();
  });

  it("dedupe marks duplicates; decisions are appended with increasing seq", async () => {
    const path = join(dir, "c.sqlite");
    const p = ScreeningProject.open(path, { create: true });
    p.addImport(await importFile(`${FX}/medline-invented.nbib`), T);
    p.addImport(await importFile(`${FX}/pubmed-invented.xml`), T);
    const res = dedupeRecords(p.records({ includeDuplicates: true }));
    p.applyDedupe(res);
    expect(p.records()).toHaveLength(2);
    expect(p.stored({ includeDuplicates: true }).filter((s) => s.duplicateOf !== null).map((s) => s.duplicateReason)).toEqual(["doi", "pmid"]);
    const d1 = p.appendDecision({ recordId: "x", stage: "title-abstract", reviewer: "A", decision: "include", reasonCode: null, note: "n", time: T, resolution: false });
    const d2 = p.appendDecision({ recordId: "x", stage: "title-abstract", reviewer: "B", decision: "exclude", reasonCode: "r", note: null, time: T, resolution: true });
    expect([d1.seq, d2.seq]).toEqual([1, 2]);
    expect(p.decisions()).toEqual([d1, d2]);
    p.close();
  });

  it("refuses a missing project without --create and a newer schema", () => {
    expect(() => ScreeningProject.open(join(dir, "none.sqlite"))).toThrow(/no project/);
    const path = join(dir, "new.sqlite");
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => ScreeningProject.open(path)).toThrow(/newer than this tool supports/);
  });
});
