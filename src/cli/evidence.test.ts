import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Command, CommanderError } from "commander";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { register } from "./evidence.js";
import { reportError } from "./io.js";
import { blobPath } from "../evidence/store/layout.js";

const FIX = join(import.meta.dirname, "../../test/fixtures/evidence/core");

/** Run `organ-audit evidence ...` in-process with only the archive-core commands registered. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string; json: () => Record<string, unknown> }> {
  let stdout = "";
  let stderr = "";
  let exit = 0;
  const io = { out: (t: string) => (stdout += t.endsWith("\n") ? t : `${t}\n`), err: (t: string) => (stderr += t.endsWith("\n") ? t : `${t}\n`) };
  const program = new Command().exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
  register(program, { io, setExit: (c) => (exit = Math.max(exit, c)) });
  try {
    await program.parseAsync(["node", "organ-audit", "evidence", ...args]);
  } catch (e) {
    exit = e instanceof CommanderError ? 2 : reportError(io, e, args.includes("--json"));
  }
  return { code: exit, stdout, stderr, json: () => JSON.parse(stdout) as Record<string, unknown> };
}

const sha256File = (f: string): string => createHash("sha256").update(readFileSync(f)).digest("hex");

let root: string;
let arc: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "oa-ev-cli-"));
  arc = join(root, "archive");
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("organ-audit evidence (archive core CLI)", () => {
  let htmlId = "";
  it("init creates the layout with 0600 key files and no key in the database", async () => {
    const r = await cli(["init", "--archive", arc, "--empty", "--json", "--actor", "tester"]);
    expect(r.code).toBe(0);
    const out = r.json();
    expect(String(out.archiveId)).toMatch(/^arc-/);
    for (const f of readdirSync(join(arc, "keys"))) {
      const { statSync } = await import("node:fs");
      expect(statSync(join(arc, "keys", f)).mode & 0o777).toBe(0o600);
    }
    const pem = readFileSync(join(arc, "keys", "signing-ed25519.pem"), "utf8").split("\n")[1]!;
    const wk = readFileSync(join(arc, "keys", "witness-aes256gcm.key"), "utf8").trim();
    const db = readFileSync(join(arc, "archive.db"));
    expect(db.includes(Buffer.from(pem))).toBe(false);
    expect(db.includes(Buffer.from(wk))).toBe(false);
    expect((await cli(["init", "--archive", arc, "--empty"])).code).toBe(2);
  });

  it("add prints {id, sha256} of the original bytes and stores the decoded text", async () => {
    const f = join(FIX, "hospital-notice-utf8.html");
    const r = await cli(["add", f, "--archive", arc, "--type", "hospital-web-page", "--tag", "liver", "--json", "--actor", "tester"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const out = r.json();
    htmlId = String(out.id);
    expect(out.sha256).toBe(sha256File(f));
    expect(readFileSync(blobPath(arc, String(out.sha256)))).toEqual(readFileSync(f));
    const g = join(FIX, "notice-gbk.html");
    const r2 = (await cli(["add", g, "--archive", arc, "--type", "policy-document", "--json"])).json();
    const show = (await cli(["show", String(r2.id), "--archive", arc, "--json"])).json() as { derived: { id: string; kind: string }[]; custody: unknown[] };
    expect(show.derived.map((d) => d.kind)).toEqual(["text"]);
    expect(show.custody).toHaveLength(2);
    // the same file again: nothing new
    const again = (await cli(["add", f, "--archive", arc, "--type", "hospital-web-page", "--json"])).json();
    expect(again).toMatchObject({ id: htmlId, existing: true });
    // the same bytes under another name: linked, stored once
    const copy = join(root, "copy.html");
    writeFileSync(copy, readFileSync(f));
    const dup = (await cli(["add", copy, "--archive", arc, "--type", "hospital-web-page", "--json"])).json();
    expect(dup).toMatchObject({ duplicateOf: htmlId, sha256: sha256File(f), existing: false });
  });

  it("bad input: zero-byte, unknown type, truncated PDF and invalid encoding are refused with nothing stored", async () => {
    const before = (await cli(["verify", "--archive", arc, "--json"])).json() as { counts: { items: number; blobs: number } };
    const empty = join(root, "empty.txt");
    writeFileSync(empty, "");
    const e1 = await cli(["add", empty, "--archive", arc, "--json"]);
    expect(e1.code).toBe(2);
    expect((e1.json().error as { code: string }).code).toBe("EV_ARCH_EMPTY_FILE");
    const e2 = await cli(["add", join(FIX, "call-transcript-en.txt"), "--archive", arc, "--type", "rumour", "--json"]);
    expect(e2.code).toBe(2);
    expect((e2.json().error as { code: string }).code).toBe("EV_ARCH_BAD_TYPE");
    const doc = await PDFDocument.create();
    doc.addPage().drawText("Annual transplant report 2006", { font: await doc.embedFont(StandardFonts.Helvetica) });
    const pdf = Buffer.from(await doc.save());
    const cut = join(root, "truncated.pdf");
    writeFileSync(cut, pdf.subarray(0, Math.floor(pdf.length / 3)));
    const e3 = await cli(["add", cut, "--archive", arc, "--type", "medical-paper", "--json"]);
    expect(e3.code).toBe(2);
    expect((e3.json().error as { code: string }).code).toBe("EV_CONTENT_PDF");
    const bad = join(root, "bad-utf8.txt");
    writeFileSync(bad, Buffer.concat([Buffer.from("器官移植 "), Buffer.from([0xff, 0xfe, 0xfd, 0x80, 0x81]), Buffer.from(" transplant")]));
    const e4 = await cli(["add", bad, "--archive", arc, "--type", "other", "--json"]);
    expect(e4.code, e4.stdout).toBe(2);
    expect((e4.json().error as { code: string }).code).toBe("EV_CONTENT_ENCODING");
    const after = (await cli(["verify", "--archive", arc, "--json"])).json() as { ok: boolean; counts: { items: number; blobs: number } };
    expect(after.ok).toBe(true);
    expect(after.counts.items).toBe(before.counts.items);
    expect(after.counts.blobs).toBe(before.counts.blobs);
    expect(readdirSync(join(arc, "tmp"))).toEqual([]);
  });

  it("verify exits 0 on an untouched archive and 1 naming the item after one byte changes", async () => {
    expect((await cli(["verify", "--archive", arc])).code).toBe(0);
    const sha = sha256File(join(FIX, "hospital-notice-utf8.html"));
    const file = blobPath(arc, sha);
    const orig = readFileSync(file);
    const t = Buffer.from(orig);
    t[100] = t[100]! ^ 1;
    writeFileSync(file, t);
    const r = await cli(["verify", "--archive", arc, "--json"]);
    expect(r.code).toBe(1);
    const failures = (r.json() as { failures: { itemId?: string }[] }).failures;
    expect(failures.map((f) => f.itemId)).toContain(htmlId);
    writeFileSync(file, orig);
    expect((await cli(["verify", "--archive", arc])).code).toBe(0);
  });

  it("export, offline bundle verify with a trusted key, import elsewhere; log proofs", async () => {
    const bundle = join(root, "case.zip");
    const ex = await cli(["export", bundle, "--archive", arc, "--json"]);
    expect(ex.code, ex.stderr + ex.stdout).toBe(0);
    const cfg = join(arc, "config.json");
    expect((await cli(["verify", bundle, "--trusted-key", cfg])).code).toBe(0);
    // a key that did not sign it
    const other = join(root, "other");
    await cli(["init", "--archive", other, "--empty"]);
    const wrong = await cli(["verify", bundle, "--trusted-key", join(other, "config.json"), "--json"]);
    expect(wrong.code).toBe(1);
    const im = await cli(["import", bundle, "--archive", other, "--json"]);
    expect(im.code, im.stdout + im.stderr).toBe(0);
    expect((im.json().imported as string[]).length).toBe(3);
    expect((await cli(["verify", "--archive", other])).code).toBe(0);
    const lg = (await cli(["log", "--archive", arc, "--proof", "1", "--consistency", "2", "--json"])).json() as {
      treeHead: { treeSize: number };
      inclusion: { path: string[] };
      consistency: { path: string[] };
    };
    expect(lg.treeHead.treeSize).toBeGreaterThan(5);
    expect(lg.inclusion.path.length).toBeGreaterThan(0);
    expect(lg.consistency.path.length).toBeGreaterThan(0);
    expect(existsSync(join(root, "evil.txt"))).toBe(false);
  });

  it("redact seals the original text and logs the action", async () => {
    const show = (await cli(["show", htmlId, "--archive", arc, "--json"])).json() as { derived: { id: string; kind: string }[] };
    const textId = show.derived.find((d) => d.kind === "text")!.id;
    const r = await cli(["redact", textId, "--term", "咨询电话", "--reason", "test", "--archive", arc, "--json"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ sealedId: textId, replaced: 1 });
    const after = (await cli(["show", htmlId, "--archive", arc, "--json"])).json() as { derived: { kind: string; sealed: boolean }[]; custody: { action: string }[] };
    expect(after.derived.find((d) => d.kind === "text")?.sealed).toBe(true);
    expect(after.custody.map((e) => e.action)).toContain("redact");
    expect((await cli(["verify", "--archive", arc])).code).toBe(0);
  });
});

describe("organ-audit evidence init with the starter case", () => {
  it("verifies the starter case's rows, and names a changed claim row", async () => {
    const dir = join(root, "starter");
    const r = await cli(["init", "--archive", dir, "--json"]);
    expect(r.code).toBe(0);
    const out = r.json();
    if (out.starterError || !out.starter) {
      console.warn(`starter case not loaded (${String(out.starterError ?? "module absent")}): skipping the claim-row tamper check`);
      return;
    }
    const v = (await cli(["verify", "--archive", dir, "--json"])).json() as { ok: boolean; counts: { rows: number } };
    expect(v.ok).toBe(true);
    expect(v.counts.rows).toBeGreaterThan(10);
    const { openArchive } = await import("../evidence/store/archive.js");
    const { sql } = await import("kysely");
    const a = await openArchive(dir, { readonly: true });
    const claim = (await sql<{ id: string; statement: string }>`select id, statement from case_claim limit 1`.execute(a.db)).rows[0]!;
    await sql`update case_claim set statement = ${claim.statement + " (edited)"} where id = ${claim.id}`.execute(a.db);
    await a.close();
    const bad = await cli(["verify", "--archive", dir, "--json"]);
    expect(bad.code).toBe(1);
    const failures = (bad.json() as { failures: { table?: string; rowId?: string }[] }).failures;
    expect(failures).toEqual([expect.objectContaining({ table: "case_claim", rowId: claim.id })]);
  });

  it("delete-request is logged and deletes nothing", async () => {
    const dir = join(root, "delreq");
    await cli(["init", "--archive", dir, "--empty"]);
    const id = String((await cli(["add", join(FIX, "call-transcript-en.txt"), "--archive", dir, "--type", "telephone-recording", "--json"])).json().id);
    const r = await cli(["delete-request", id, "--reason", "source asked for removal", "--archive", dir, "--json"]);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ action: "delete-request", itemId: id, data: { reason: "source asked for removal" } });
    expect((await cli(["show", id, "--archive", dir, "--json"])).code).toBe(0);
    expect((await cli(["verify", "--archive", dir])).code).toBe(0);
  });
});

describe("organ-audit evidence verify on a damaged database file", () => {
  it("exits 1 with a database failure instead of crashing", async () => {
    const dir = join(root, "damaged");
    await cli(["init", "--archive", dir, "--empty"]);
    await cli(["add", join(FIX, "call-transcript-en.txt"), "--archive", dir, "--type", "telephone-recording"]);
    const dbFile = join(dir, "archive.db");
    const t = readFileSync(dbFile);
    t.write("NOT SQLite file!", 0, "latin1");
    writeFileSync(dbFile, t);
    const r = await cli(["verify", "--archive", dir, "--json"]);
    expect(r.code).toBe(1);
    expect((r.json() as { failures: { kind: string }[] }).failures[0]?.kind).toBe("database");
  });
});

describe("organ-audit evidence verify --known-head", () => {
  it("accepts a tree head saved earlier and rejects one from another archive", async () => {
    const dir = join(root, "known");
    await cli(["init", "--archive", dir, "--empty"]);
    await cli(["add", join(FIX, "notice-gbk.html"), "--archive", dir, "--type", "policy-document"]);
    const saved = join(root, "published-head.json");
    writeFileSync(saved, JSON.stringify((await cli(["log", "--archive", dir, "--json"])).json().treeHead));
    await cli(["add", join(FIX, "report-big5.html"), "--archive", dir, "--type", "ngo-report"]);
    expect((await cli(["verify", "--archive", dir, "--known-head", saved])).code).toBe(0);
    const other = join(root, "known-other");
    await cli(["init", "--archive", other, "--empty"]);
    const r = await cli(["verify", "--archive", other, "--known-head", saved, "--json"]);
    expect(r.code).toBe(1);
    expect(JSON.stringify(r.json().failures)).toMatch(/belongs to archive/);
    expect((await cli(["verify", "--archive", dir, "--known-head", join(FIX, "README.md")])).code).toBe(2);
  });
});
