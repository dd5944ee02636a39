import { describe, it, expect } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { openArchive } from "../store/archive.js";
import { attachIndexer, indexArchiveItems } from "./index-writer.js";
import { SearchIndex } from "./index-store.js";

describe("attachIndexer on the archive", () => {
  it("indexes derived text inside the archive's transaction and drops sealed text", async () => {
    const dir = mkdtempSync(join(tmpdir(), "oa-idxw-"));
    try {
      const archive = await openArchive(join(dir, "a"), { create: true, actor: "test" });
      attachIndexer(archive);
      const text = "江川市第三人民医院器官移植中心 liver transplants 2006";
      const item = await archive.addItem({ bytes: Buffer.from(text), filename: "page.txt", evidenceType: "hospital-web-page", addedBy: "test", tags: ["liver"], capturedAt: "2006-05-01T00:00:00Z" });
      const drv = await archive.addDerived(item.id, { kind: "text", text, mime: "text/plain; charset=utf-8", method: "text-decode/1", language: "zh-Hans" });
      // read through a second connection, as the CLI does
      const reader = new Database(join(dir, "a", "archive.db"), { readonly: true });
      const idx = new SearchIndex(reader);
      const r = idx.search("器官移植中心", { tags: ["liver"] }).results;
      expect(r).toHaveLength(1);
      expect(r[0]).toMatchObject({ id: item.id, sha256: item.sha256, derivedId: drv.id, evidenceType: "hospital-web-page", language: "zh-Hans", capturedAt: "2006-05-01T00:00:00Z" });
      expect(idx.search("transplanted").results.map((x) => x.id)).toEqual([item.id]);
      reader.close();
      expect(archive.keys.witnessKey).toBeDefined();
      {
        await archive.redact(drv.id, { terms: ["江川市"], actor: "test" });
        const reader2 = new Database(join(dir, "a", "archive.db"), { readonly: true });
        const idx2 = new SearchIndex(reader2);
        // the sealed original left the index; the redacted copy is indexed instead
        expect(idx2.search("江川市").results).toHaveLength(0);
        expect(idx2.search("第三人民医院").results.map((x) => x.derivedId)).not.toContain(drv.id);
        expect(idx2.search("第三人民医院").results).toHaveLength(1);
        reader2.close();
      }
      await archive.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it("indexes items written without the hook (e.g. imported from a bundle) on request", async () => {
    const dir = mkdtempSync(join(tmpdir(), "oa-idxw2-"));
    try {
      const archive = await openArchive(join(dir, "a"), { create: true, actor: "test" });
      const text = "临河市第五人民医院肾移植科 kidney transplantation";
      const item = await archive.addItem({ bytes: Buffer.from(text), filename: "p.txt", evidenceType: "hospital-web-page", addedBy: "test", derived: [{ kind: "text", text, method: "t", mime: "text/plain; charset=utf-8" }] });
      const count = (): number => {
        const db = new Database(join(dir, "a", "archive.db"), { readonly: true });
        try {
          return new SearchIndex(db).search("肾移植科").results.length;
        } finally {
          db.close();
        }
      };
      expect(count()).toBe(0); // no hook attached: not indexed
      expect(await indexArchiveItems(archive, { itemIds: [item.id] })).toEqual({ texts: 1 });
      expect(count()).toBe(1);
      expect(await indexArchiveItems(archive, { itemIds: [] })).toEqual({ texts: 0 });
      await archive.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
