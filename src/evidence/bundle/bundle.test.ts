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
import { pgAvailable } from "../../../test/helpers/pg.js";
import { sql } from "kysely";

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

describe("bundles carry the claims module's rows", () => {
  it("exports claims, entities and links pinned by the log slice, verifies them, refuses a changed row, and imports them", async () => {
    const { addClaim, linkClaim } = await import("../claims/store.js");
    const csrc = join(root, "claims-src");
    const a = await initArchive(csrc, { actor: "tester" });
    const it1 = await a.addItem({ bytes: Buffer.from("医院网页 liver transplant"), filename: "p.txt", evidenceType: "hospital-web-page", addedBy: "tester" });
    const claim = await addClaim(a, { id: "T-C1", title: "Volume", statement: "The investigation claims that the volume exceeds the supply." }, { actor: "tester" });
    await linkClaim(a, { claimId: claim.id, kind: "item", ref: it1.id, stance: "supports", note: "page" }, { actor: "tester" });
    // a later edit of the link: the bundle must carry the latest state and the entry that pins it
    await linkClaim(a, { claimId: claim.id, kind: "item", ref: it1.id, stance: "context", note: "page, reread" }, { actor: "tester" });
    await a.close();

    const file = join(root, "claims.zip");
    const r = await withArchive(csrc, (x) => exportBundle(x, { out: file, actor: "tester" }));
    expect(r.claimRows).toBe(2);
    const v = await verifyBundle(file);
    expect(v.failures).toEqual([]);
    expect(v.counts.claimRows).toBe(2);
    expect(v.manifest?.claims?.case_link?.[0]).toMatchObject({ stance: "context", note: "page, reread" });
    // a selection of items carries no claims unless asked
    const sel = join(root, "claims-sel.zip");
    expect((await withArchive(csrc, (x) => exportBundle(x, { out: sel, actor: "tester", itemIds: [it1.id] }))).claimRows).toBe(0);

    // a forger changes the claim's statement: verify names the row; an unknown table is refused
    const forged = join(root, "claims-forged.zip");
    await rewrite(file, forged, (m) => {
      const c = m.claims as Record<string, Record<string, unknown>[]>;
      c.case_claim![0]!.statement = "The investigation claims something else.";
    });
    const fv = await verifyBundle(forged);
    expect(fv.ok).toBe(false);
    expect(fv.failures.map((f) => f.message).join("\n")).toContain("case_claim/T-C1 differs from the state recorded in log entry");
    const odd = join(root, "claims-odd.zip");
    await rewrite(file, odd, (m) => {
      (m.claims as Record<string, unknown>).items = [{ id: "x" }];
    });
    expect((await verifyBundle(odd)).failures[0]?.kind).toBe("manifest");
    const dst = join(root, "claims-dst");
    await (await initArchive(dst, { actor: "tester" })).close();
    await expect(withArchive(dst, (x) => importBundle(x, forged, { actor: "tester" }))).rejects.toThrow(/failed verification/);

    const imp = await withArchive(dst, (x) => importBundle(x, file, { actor: "importer" }));
    expect(imp.claims).toEqual({ imported: 2, present: 0, conflicts: [] });
    await withArchive(dst, async (x) => {
      const rows = await x.db.selectFrom("case_link" as never).selectAll().execute();
      expect(rows).toMatchObject([{ claim_id: "T-C1", ref: it1.id, stance: "context", note: "page, reread" }]);
      const last = (await x.log.entries()).at(-1)!;
      expect(last).toMatchObject({ action: "import", actor: "importer", data: { kind: "claims", fromArchive: v.archiveId } });
      expect(last.rows?.map((x2) => x2.table).sort()).toEqual(["case_claim", "case_link"]);
      expect((await verifyArchive(x)).failures).toEqual([]);
    });
    // importing again: the rows are present (same content), nothing is duplicated
    const again = await withArchive(dst, (x) => importBundle(x, file, { actor: "importer" }));
    expect(again.claims).toEqual({ imported: 0, present: 2, conflicts: [] });
    // an archive whose claim of the same id says something else keeps its own row and reports the conflict
    const other = join(root, "claims-other");
    const o = await initArchive(other, { actor: "tester" });
    await addClaim(o, { id: "T-C1", title: "Other", statement: "The investigation claims another thing." }, { actor: "tester" });
    await o.close();
    // a bundle whose (signed, verifying) claims rows have a column this archive lacks: refused before any write
    const wide = join(root, "claims-wide");
    const w = await initArchive(wide, { actor: "tester" });
    await sql.raw("ALTER TABLE case_claim ADD COLUMN extra TEXT").execute(w.db);
    await addClaim(w, { id: "W-C1", title: "Wide", statement: "The investigation claims a wide thing." }, { actor: "tester" });
    const wideItem = await w.addItem({ bytes: Buffer.from("wide archive item"), filename: "w.txt", evidenceType: "other", addedBy: "tester" });
    await w.close();
    const wideFile = join(root, "claims-wide.zip");
    await withArchive(wide, (x) => exportBundle(x, { out: wideFile, actor: "tester" }));
    expect((await verifyBundle(wideFile)).ok).toBe(true);
    await expect(withArchive(dst, (x) => importBundle(x, wideFile, { actor: "importer" }))).rejects.toThrow(/case_claim\/W-C1 has the column "extra"/);
    expect(await withArchive(dst, (x) => x.getItem(wideItem.id))).toBeFalsy();
    const conflict = await withArchive(other, (x) => importBundle(x, file, { actor: "importer" }));
    expect(conflict.claims).toEqual({ imported: 1, present: 0, conflicts: ["case_claim/T-C1"] });
    await withArchive(other, async (x) => {
      expect(await x.db.selectFrom("case_claim" as never).select("title" as never).execute()).toEqual([{ title: "Other" }]);
      expect((await verifyArchive(x)).failures).toEqual([]);
    });
  });
});

describe.each([
  ["sqlite", "postgres"],
  ["postgres", "sqlite"],
  ["postgres", "postgres"],
] as const)("claims in bundles across databases: %s → %s", (from, to) => {
  const locations: string[] = [];
  afterAll(async () => {
    const { dropPgSchema } = await import("../../../test/helpers/pg.js");
    for (const l of locations) await dropPgSchema(l);
  });
  it.runIf(pgAvailable)("carries the starter case's rows and the claim map survives", async () => {
    const { freshPgLocation } = await import("../../../test/helpers/pg.js");
    const { loadStarterCase } = await import("../claims/starter.js");
    const { listClaims, listLinks, listEvents } = await import("../claims/store.js");
    const opts = (d: "sqlite" | "postgres"): { db?: string } => {
      if (d === "sqlite") return {};
      const l = freshPgLocation();
      locations.push(l);
      return { db: l };
    };
    const srcDir = join(root, `x-${from}-${to}-src`);
    const srcOpts = opts(from);
    const a = await initArchive(srcDir, { actor: "tester", ...srcOpts });
    await loadStarterCase(a, { actor: "tester", findings: [] });
    const before = { claims: await listClaims(a), links: await listLinks(a), events: await listEvents(a) };
    await a.close();
    const file = join(root, `x-${from}-${to}.zip`);
    const r = await withArchive(srcDir, (x) => exportBundle(x, { out: file, actor: "tester" }), srcOpts);
    expect(r.claimRows).toBeGreaterThan(50);
    expect((await verifyBundle(file)).failures).toEqual([]);
    const dstDir = join(root, `x-${from}-${to}-dst`);
    const dstOpts = opts(to);
    await (await initArchive(dstDir, { actor: "tester", ...dstOpts })).close();
    const imp = await withArchive(dstDir, (x) => importBundle(x, file, { actor: "importer" }), dstOpts);
    expect(imp.claims.imported).toBe(r.claimRows);
    await withArchive(
      dstDir,
      async (x) => {
        expect(await listClaims(x)).toEqual(before.claims);
        expect(await listLinks(x)).toEqual(before.links);
        expect(await listEvents(x)).toEqual(before.events);
        expect((await verifyArchive(x)).failures).toEqual([]);
      },
      dstOpts,
    );
  }, 120_000);
});
