import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { canonicalJson } from "../../core/canonical.js";
import { leafHash, toHex } from "../custody/merkle.js";
import { initArchive, type Archive } from "./archive.js";
import { verifyItem } from "./verify-item.js";

describe("verifyItem", () => {
  let root: string;
  let a: Archive;
  let id: string;
  let other: string;
  let textId: string;
  let sha: string;

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), "oa-ev-vitem-"));
    a = await initArchive(join(root, "archive"), { actor: "tester" });
    const r = await a.addItem({
      bytes: Buffer.from("<p>器官移植</p>"),
      filename: "a.html",
      evidenceType: "hospital-web-page",
      addedBy: "tester",
      derived: [{ kind: "text", text: "器官移植", method: "test" }],
    });
    id = r.id;
    sha = r.sha256;
    textId = r.derived[0]!.id;
    other = (
      await a.addItem({ bytes: Buffer.from("other"), filename: "b.txt", evidenceType: "other", addedBy: "tester" })
    ).id;
  });
  afterEach(async () => {
    await a.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("verifies an untouched item: blobs, rows, and inclusion of each of its entries in the signed head", async () => {
    const v = (await verifyItem(a, id))!;
    expect(v.ok).toBe(true);
    expect(v.failures).toEqual([]);
    expect(v.treeHeadSignatureOk).toBe(true);
    expect(v.blobs.map((b) => [b.role, b.ok])).toEqual([
      ["original", true],
      ["text", true],
    ]);
    expect(v.rows.map((r) => [r.table, r.ok])).toEqual([
      ["items", true],
      ["derived", true],
    ]);
    expect(v.entries.map((e) => e.action)).toEqual(["add", "derive"]);
    expect(v.entries.every((e) => e.included && e.leafOk && e.proof.length > 0)).toBe(true);
    expect(await verifyItem(a, "item-missing")).toBeUndefined();
  });

  it("names a changed or missing derived blob, and leaves other items verified", async () => {
    const d = (await a.getDerived(textId))!;
    writeFileSync(a.blobs.path(d.blobSha256), "changed");
    let v = (await verifyItem(a, id))!;
    expect(v.ok).toBe(false);
    expect(v.failures).toEqual([
      expect.objectContaining({
        kind: "blob",
        sha256: d.blobSha256,
        message: expect.stringContaining(`derived text ${textId}`),
      }),
    ]);
    unlinkSync(a.blobs.path(d.blobSha256));
    v = (await verifyItem(a, id))!;
    expect(v.blobs.find((b) => b.id === textId)?.problem).toBe("missing");
    expect((await verifyItem(a, other))!.ok).toBe(true);
  });

  it("detects a changed item row", async () => {
    await sql`update items set note = 'edited' where id = ${id}`.execute(a.db);
    const v = (await verifyItem(a, id))!;
    expect(v.ok).toBe(false);
    expect(v.failures).toEqual([expect.objectContaining({ kind: "row", table: "items", rowId: id })]);
  });

  it("detects a rewritten custody entry even when its stored leaf hash was rewritten too", async () => {
    const row = await a.db.selectFrom("custody_log").selectAll().where("seq", "=", 1).executeTakeFirstOrThrow();
    const forged = canonicalJson({ ...(JSON.parse(row.entry) as Record<string, unknown>), actor: "someone-else" });
    await a.db.updateTable("custody_log").set({ entry: forged }).where("seq", "=", 1).execute();
    let v = (await verifyItem(a, id))!;
    expect(v.ok).toBe(false);
    expect(v.failures.some((f) => f.kind === "entry" && f.seq === 1 && /leaf hash/.test(f.message))).toBe(true);
    await a.db
      .updateTable("custody_log")
      .set({ leaf_hash: toHex(leafHash(Buffer.from(forged, "utf8"))) })
      .where("seq", "=", 1)
      .execute();
    v = (await verifyItem(a, id))!;
    expect(v.ok).toBe(false);
    expect(v.entries.find((e) => e.seq === 1)).toMatchObject({ leafOk: true, included: false });
    expect(v.failures.some((f) => f.kind === "entry" && f.seq === 1 && /not included/.test(f.message))).toBe(true);
    expect(sha).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses a tree head whose signature does not verify", async () => {
    const head = (await a.log.treeHead())!;
    await a.db
      .updateTable("tree_heads")
      .set({ root_hash: "0".repeat(64) })
      .where("tree_size", "=", head.treeSize)
      .execute();
    const v = (await verifyItem(a, id))!;
    expect(v.ok).toBe(false);
    expect(v.treeHeadSignatureOk).toBe(false);
    expect(v.failures.some((f) => f.kind === "tree-head")).toBe(true);
  });
});
