import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync, existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initArchive, openArchive, withArchive } from "../store/archive.js";
import { verifyArchive } from "../store/verify.js";
import { exportBundle } from "./export.js";
import { importBundle } from "./import.js";
import { verifyBundle } from "./verify-bundle.js";
import { ZipReader, ZipWriter } from "./zip.js";
import { OrganAuditError } from "../../core/errors.js";

const FIX = join(import.meta.dirname, "../../../test/fixtures/evidence/core");

let root: string;
let src: string;
const itemIds: string[] = [];
let witnessItem = "";

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "oa-ev-bundle-"));
  src = join(root, "src");
  const a = await initArchive(src, { actor: "tester" });
  for (const [f, type] of [
    ["hospital-notice-utf8.html", "hospital-web-page"],
    ["notice-gbk.html", "policy-document"],
    ["call-transcript-en.txt", "telephone-recording"],
  ] as const) {
    const r = await a.addItem({ path: join(FIX, f), evidenceType: type, addedBy: "tester" });
    await a.addDerived(r.id, { kind: "text", text: `extracted text of ${f} 器官移植`, method: "test" });
    itemIds.push(r.id);
  }
  const w = await a.addItem({ bytes: Buffer.from("audio placeholder bytes of interview W-17"), filename: "w17.m4a", evidenceType: "testimony", addedBy: "tester", sensitive: { name: "Witness Seventeen" } });
  witnessItem = w.id;
  const t = await a.addDerived(w.id, { kind: "transcript", text: "Witness Seventeen: a blood sample was taken in 2005.", method: "manual" });
  await a.redact(t.id, { terms: ["Witness Seventeen"], actor: "tester" });
  await a.close();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function zipBytesContain(file: string, needle: string): boolean {
  return readFileSync(file).includes(Buffer.from(needle, "utf8"));
}

/** Rewrite a bundle with a changed manifest, keeping every other entry: a careful forger's bundle. */
async function rewrite(file: string, out: string, edit: (m: Record<string, unknown>) => void): Promise<void> {
  const z = await ZipReader.open(file);
  const w = new ZipWriter(out);
  for (const e of z.entries) {
    let data = await z.read(e);
    if (e.name === "manifest.json") {
      const m = JSON.parse(data.toString("utf8")) as Record<string, unknown>;
      edit(m);
      data = Buffer.from(JSON.stringify(m), "utf8");
    }
    await w.addBytes(e.name, data);
  }
  await w.finish();
  await z.close();
}

describe("export bundle, verify offline, import", () => {
  it("exports a bundle that verifies offline, is a standard zip, and holds no witness data", async () => {
    const file = join(root, "all.zip");
    const r = await withArchive(src, (a) => exportBundle(a, { out: file, actor: "tester" }));
    expect(r.items).toBe(4);
    // the restricted original and the sealed transcript are left out
    expect(r.omitted).toBe(2);
    const v = await verifyBundle(file);
    expect(v.failures).toEqual([]);
    expect(v.ok).toBe(true);
    expect(v.counts.items).toBe(4);
    expect(zipBytesContain(file, "Seventeen")).toBe(false);
    expect(zipBytesContain(file, "[REDACTED]: a blood sample")).toBe(true);
    const py = spawnSync("python3", ["-c", "import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); print(z.testzip()); print(len(z.namelist()))", file], { encoding: "utf8" });
    if (py.status === null || py.error) console.warn("python3 not available: skipping the independent zip check");
    else expect(py.stdout.trim().split("\n")[0]).toBe("None");
    // the export itself is in the custody log
    const entries = await withArchive(src, (a) => a.log.entries());
    expect(entries[entries.length - 1]?.action).toBe("export");
    expect((await withArchive(src, (a) => verifyArchive(a), { readonly: true })).ok).toBe(true);
  });

  it("imports into another archive on 'another machine', which then verifies; re-import skips", async () => {
    const file = join(root, "all.zip");
    const dst = join(root, "dst");
    await withArchive(dst, async (a) => {
      const r = await importBundle(a, file, { actor: "second-investigator" });
      // the restricted testimony has no bytes in the bundle: left out, not half-imported
      expect(r.imported.sort()).toEqual([...itemIds].sort());
      expect(r.leftOut).toContain(witnessItem);
      const v = await verifyArchive(a);
      expect(v.failures).toEqual([]);
      const got = await a.getItem(itemIds[1]!);
      expect(got?.item.evidenceType).toBe("policy-document");
      expect(got?.derived).toHaveLength(1);
      const again = await importBundle(a, file, { actor: "second-investigator" });
      expect(again.imported).toEqual([]);
      expect(again.skipped.sort()).toEqual([...itemIds].sort());
    }, { create: true });
  });

  it("with --include-sensitive the bundle carries the clear fields; the importer re-seals them", async () => {
    const file = join(root, "sensitive.zip");
    await withArchive(src, (a) => exportBundle(a, { out: file, actor: "tester", itemIds: [witnessItem], includeSensitive: true }));
    expect((await verifyBundle(file)).ok).toBe(true);
    expect(zipBytesContain(file, "Witness Seventeen")).toBe(true);
    const dst = join(root, "dst-sensitive");
    await withArchive(dst, async (a) => {
      const r = await importBundle(a, file, { actor: "t" });
      expect(r.imported).toEqual([witnessItem]);
      expect((await a.getItem(witnessItem, { reveal: true }))?.item.sensitive).toEqual({ name: "Witness Seventeen" });
      const sealed = (await a.getItem(witnessItem))!.derived.find((d) => d.sealed)!;
      expect(await a.readDerivedText(sealed.id)).toBe("Witness Seventeen: a blood sample was taken in 2005.");
      expect((await verifyArchive(a)).failures).toEqual([]);
      const { execFileSync } = await import("node:child_process");
      const grep = (): string => {
        try {
          return execFileSync("grep", ["-rl", "Seventeen", join(dst, "blobs")], { encoding: "utf8" });
        } catch {
          return ""; // grep exits 1 when nothing matches
        }
      };
      expect(grep()).toBe("");
    }, { create: true });
  });

  it("a changed blob, a changed row or a forged signature fails verification, naming the item, and import stores nothing", async () => {
    const file = join(root, "all.zip");
    // 1. flip one byte inside a stored blob (entries are stored, so the bytes are found verbatim)
    const bytes = readFileSync(file);
    const needle = Buffer.from("extracted text of notice-gbk.html", "utf8");
    const at = bytes.indexOf(needle);
    expect(at).toBeGreaterThan(0);
    const t = Buffer.from(bytes);
    t[at + 3] = t[at + 3]! ^ 0x20;
    const bad1 = join(root, "bad-blob.zip");
    writeFileSync(bad1, t);
    const v1 = await verifyBundle(bad1);
    expect(v1.ok).toBe(false);
    expect(v1.failures.map((f) => f.itemId)).toContain(itemIds[1]);

    // 2. a consistent zip with one manifest row changed
    const bad2 = join(root, "bad-row.zip");
    await rewrite(file, bad2, (m) => {
      const items = m.items as { row: Record<string, unknown> }[];
      items[0]!.row.source = "forged source";
    });
    const v2 = await verifyBundle(bad2);
    expect(v2.failures).toEqual([expect.objectContaining({ kind: "row", itemId: itemIds[0] })]);

    // 3. a new tree head signed with another key
    const bad3 = join(root, "bad-sig.zip");
    await rewrite(file, bad3, (m) => {
      (m.treeHead as Record<string, unknown>).rootHash = "0".repeat(64);
    });
    const v3 = await verifyBundle(bad3);
    expect(v3.failures.some((f) => f.kind === "tree-head")).toBe(true);

    const dst = join(root, "dst-bad");
    await withArchive(dst, async (a) => {
      const before = a.blobs.list().length;
      for (const f of [bad1, bad2, bad3]) {
        await expect(importBundle(a, f, { actor: "t" })).rejects.toMatchObject({ code: "EV_BUNDLE_UNVERIFIED" });
      }
      expect(await a.listItems()).toEqual([]);
      expect(a.blobs.list().length).toBe(before);
    }, { create: true });
  });

  it("refuses path-traversal names and truncated bundles with clear errors, writing nothing", async () => {
    const dst = join(root, "dst-traversal");
    await withArchive(dst, async (a) => {
      for (const f of ["bundle-traversal.zip", "bundle-absolute.zip"]) {
        const err = await importBundle(a, join(FIX, f), { actor: "t" }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(OrganAuditError);
        expect((err as OrganAuditError).code).toBe("EV_BUNDLE_UNSAFE_NAME");
        expect((err as Error).message).toMatch(/evil\.txt/);
        const v = await verifyBundle(join(FIX, f));
        expect(v.failures[0]?.kind).toBe("name");
      }
      const whole = readFileSync(join(root, "all.zip"));
      const cut = join(root, "truncated.zip");
      writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
      await expect(importBundle(a, cut, { actor: "t" })).rejects.toMatchObject({ code: "EV_BUNDLE_INVALID" });
      expect(await a.listItems()).toEqual([]);
      expect(a.blobs.list()).toEqual([]);
    }, { create: true });
    expect(existsSync(join(root, "evil.txt"))).toBe(false);
    expect(readdirSync("/tmp").includes("evil.txt")).toBe(false);
  });

  it("refuses to overwrite an existing bundle and to export unknown items", async () => {
    const a = await openArchive(src);
    try {
      await expect(exportBundle(a, { out: join(root, "all.zip"), actor: "t" })).rejects.toMatchObject({ code: "EV_ARCH_BAD_INPUT" });
      await expect(exportBundle(a, { out: join(root, "x.zip"), actor: "t", itemIds: ["item-nope"] })).rejects.toMatchObject({ code: "EV_ARCH_NO_ITEM" });
      expect(existsSync(join(root, "x.zip"))).toBe(false);
    } finally {
      await a.close();
    }
  });
});
