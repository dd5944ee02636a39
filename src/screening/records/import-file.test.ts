import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import iconv from "iconv-lite";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { OrganAuditError } from "../../core/errors.js";
import { readFileSync } from "node:fs";
import { importBytes, importFile } from "./import-file.js";

const dir = mkdtempSync(join(tmpdir(), "oa-import-"));
const FX = "test/fixtures/screening/s1";

async function errorOf(p: Promise<unknown>): Promise<OrganAuditError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(OrganAuditError);
    return e as OrganAuditError;
  }
  throw new Error("expected an OrganAuditError");
}

describe("importFile", () => {
  it("detects the format, hashes the bytes and names records by file stem", async () => {
    const r = await importFile(`${FX}/van_de_Schoot_2017_included-3.ris`);
    expect(r.format).toBe("ris");
    expect(r.encoding).toBe("utf-8");
    expect(r.records).toHaveLength(8);
    expect(r.records[0]!.id).toBe("van_de_Schoot_2017_included-3:1506");
    expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("reads a full text kept exactly as written (no normalisation), id = file stem", async () => {
    const r = await importFile(`${FX}/fulltext-invented.txt`);
    expect(r.format).toBe("txt");
    expect(r.records[0]!.id).toBe("fulltext-invented");
    expect(r.records[0]!.title).toBe("虚构论文全文");
    expect(r.records[0]!.fullText).toBe("虚构论文全文\n供体于脑死亡 后立即气管插管接简易呼吸囊行控制呼吸。\n");
    expect(r.records[0]!.language).toBe("zh");
  });

  it("decodes a GB18030 CNKI export and reports the encoding", async () => {
    const f = join(dir, "gbk.txt");
    writeFileSync(f, iconv.encode("%0 Journal Article\n%A 张三\n%T 脑死亡供体的维护与器官捐献（虚构）\n%D 2010\n", "gb18030"));
    const r = await importFile(f);
    expect(r.encoding).toBe("gb18030");
    expect(r.records[0]!.title).toBe("脑死亡供体的维护与器官捐献（虚构）");
  });

  it("extracts the text layer of a PDF", async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage();
    page.drawText("Organ procurement after brain death", { x: 50, y: 700, font: await doc.embedFont(StandardFonts.Helvetica), size: 12 });
    const f = join(dir, "paper.pdf");
    writeFileSync(f, await doc.save());
    const r = await importFile(f);
    expect(r.format).toBe("pdf");
    expect(r.records[0]!.fullText).toContain("Organ procurement after brain death");
    expect(r.records[0]!.id).toBe("paper");
  });

  it("clear errors: damaged PDF, empty file, unknown format, missing file, bad --format", async () => {
    const bad = join(dir, "bad.pdf");
    writeFileSync(bad, "%PDF-1.7\n1 0 obj garbage");
    expect((await errorOf(importFile(bad))).code).toBe("SC_FULLTEXT_PDF");
    const empty = join(dir, "empty.ris");
    writeFileSync(empty, "");
    expect((await errorOf(importFile(empty))).code).toBe("SC_IMPORT_EMPTY");
    const unk = join(dir, "x.dat");
    writeFileSync(unk, "hello");
    expect((await errorOf(importFile(unk))).code).toBe("SC_IMPORT_FORMAT");
    expect((await errorOf(importFile(join(dir, "nope.ris")))).code).toBe("E_FILE_NOT_FOUND");
    expect((await errorOf(importFile(unk, { format: "bibtex" }))).code).toBe("E_USAGE");
  });

  it("importBytes: bytes already read (an upload) import as the named file, without touching the disk", async () => {
    const bytes = readFileSync(`${FX}/medline-invented.nbib`);
    const fromFile = await importFile(`${FX}/medline-invented.nbib`);
    const up = await importBytes(bytes, "medline-invented.nbib");
    expect(up.records.map((r) => r.id)).toEqual(fromFile.records.map((r) => r.id));
    expect(up).toMatchObject({ file: "medline-invented.nbib", format: "medline", sha256: fromFile.sha256, bytes: bytes.length });
    // a name that does not exist on disk is only a name: errors carry it, nothing is read from it
    const e = await errorOf(importBytes(Buffer.from("TI  - stray\nTY  - JOUR\nER  - \n"), "no/such/dir/up.ris"));
    expect(e.location).toEqual({ file: "no/such/dir/up.ris", line: 1 });
  });
});
