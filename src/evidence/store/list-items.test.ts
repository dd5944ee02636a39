import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initArchive, type Archive } from "./archive.js";
import { listItemsPage } from "./list-items.js";

describe("listItemsPage", () => {
  let root: string;
  let a: Archive;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "oa-ev-list-"));
    a = await initArchive(join(root, "archive"), { actor: "tester" });
    const add = (name: string, type: string, capturedAt: string, tags: string[], language?: string) =>
      a.addItem({
        bytes: Buffer.from(name),
        filename: name,
        evidenceType: type,
        addedBy: "tester",
        capturedAt,
        tags,
        ...(language ? { language } : {}),
      });
    await add("a.txt", "media-report", "2014-12-03T10:00:00Z", ["liver", "2014"], "zh");
    await add("b.txt", "media-report", "2015-01-01T00:00:00Z", ["liver-x"], "en");
    await add("c.txt", "testimony", "2015-06-30T23:59:59Z", ["liver", "50%_off"]);
    await a.addItem({
      bytes: Buffer.from("w"),
      filename: "w.txt",
      evidenceType: "testimony",
      addedBy: "tester",
      sensitive: { name: "Witness" },
    });
  });
  afterAll(async () => {
    await a.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("pages in insertion order with the total of the filtered set", async () => {
    const p = await listItemsPage(a, { offset: 1, limit: 2 });
    expect(p.total).toBe(4);
    expect(p.items.map((i) => i.filename)).toEqual(["b.txt", "c.txt"]);
    expect((await listItemsPage(a, { offset: 10, limit: 2 })).items).toEqual([]);
  });

  it("filters by type, language, exact tag and inclusive capture days", async () => {
    const names = async (f: Parameters<typeof listItemsPage>[1]) =>
      (await listItemsPage(a, f)).items.map((i) => i.filename);
    expect(await names({ offset: 0, limit: 50, evidenceType: "media-report" })).toEqual(["a.txt", "b.txt"]);
    expect(await names({ offset: 0, limit: 50, language: "en" })).toEqual(["b.txt"]);
    expect(await names({ offset: 0, limit: 50, tag: "liver" })).toEqual(["a.txt", "c.txt"]);
    expect(await names({ offset: 0, limit: 50, tag: "50%_off" })).toEqual(["c.txt"]);
    expect(await names({ offset: 0, limit: 50, tag: "5%" })).toEqual([]);
    expect(await names({ offset: 0, limit: 50, tag: "liver_x" })).toEqual([]);
    expect(await names({ offset: 0, limit: 50, from: "2015-01-01", to: "2015-06-30" })).toEqual(["b.txt", "c.txt"]);
    expect(await names({ offset: 0, limit: 50, to: "2014-12-03" })).toEqual(["a.txt"]);
    const f = await listItemsPage(a, { offset: 0, limit: 1, evidenceType: "testimony" });
    expect(f.total).toBe(2);
  });

  it("never opens sealed witness fields", async () => {
    const p = await listItemsPage(a, { offset: 0, limit: 50, evidenceType: "testimony" });
    expect(p.items.find((i) => i.filename === "w.txt")?.sensitive).toBe("sealed");
  });

  it("refuses malformed day bounds", async () => {
    await expect(listItemsPage(a, { offset: 0, limit: 5, from: "2015-1-1" })).rejects.toMatchObject({
      code: "EV_SEARCH_BAD_FILTER",
    });
    await expect(listItemsPage(a, { offset: 0, limit: 5, to: "2015-02-30x" })).rejects.toMatchObject({
      code: "EV_SEARCH_BAD_FILTER",
    });
  });
});
