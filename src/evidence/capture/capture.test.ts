import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { createServer, type Server } from "node:http";
import { gzipSync } from "node:zlib";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import Database from "better-sqlite3";
import { openArchive, type Archive } from "../store/archive.js";
import { attachIndexer } from "../search/index-writer.js";
import { SearchIndex } from "../search/index-store.js";
import { sha256Hex } from "../../core/hash.js";
import { captureUrl } from "./capture.js";
import { readWarc } from "./warc.js";
import { chromiumAvailable } from "./browser.js";

const fx = (f: string): Buffer => readFileSync(new URL(`../../../test/fixtures/evidence/content/${f}`, import.meta.url));

let server: Server;
let base: string;
let dir: string;
let archive: Archive;
const meta = { evidenceType: "hospital-web-page", addedBy: "test" };

beforeAll(async () => {
  server = createServer((req, res) => {
    switch (req.url) {
      case "/utf8":
        res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
        res.end(fx("hospital_utf8_mixed.html"));
        return;
      case "/gbk": // no charset in the header: the page's <meta http-equiv> says gbk
        res.writeHead(200, { "Content-Type": "text/html" });
        res.end(fx("hospital_gbk.html"));
        return;
      case "/big5":
        res.writeHead(200, { "Content-Type": "text/html; charset=big5" });
        res.end(fx("hospital_big5.html"));
        return;
      case "/old-address":
        res.writeHead(301, { Location: "/gbk" });
        res.end();
        return;
      case "/gzip":
        res.writeHead(200, { "Content-Type": "text/html; charset=big5", "Content-Encoding": "gzip" });
        res.end(gzipSync(fx("hospital_big5.html")));
        return;
      case "/big":
        res.writeHead(200, { "Content-Type": "text/plain" });
        res.end(Buffer.alloc(300_000, 0x61));
        return;
      case "/slow":
        res.writeHead(200, { "Content-Type": "text/html" });
        res.write("<html>");
        return; // never ends
      default:
        res.writeHead(404, { "Content-Type": "text/plain" });
        res.end("not found");
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = mkdtempSync(join(tmpdir(), "oa-capture-"));
  archive = await openArchive(join(dir, "a"), { create: true, actor: "test" });
  attachIndexer(archive);
});

afterAll(async () => {
  await archive.close();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

function search(q: string): string[] {
  const db = new Database(join(dir, "a", "archive.db"), { readonly: true });
  try {
    return new SearchIndex(db).search(q).results.map((r) => r.id);
  } finally {
    db.close();
  }
}

describe("captureUrl against a local HTTP server", () => {
  it("records the redirect and the GBK page as WARC 1.1 with sha256 digests, and indexes its text", async () => {
    const r = await captureUrl(archive, `${base}/old-address`, meta);
    expect(r).toMatchObject({ status: 200, redirects: 1, finalUrl: `${base}/gbk`, charset: "gb18030", mime: "text/html", existing: false });
    expect(r.sha256).toBe(sha256Hex(fx("hospital_gbk.html")));
    const warc = await readWarc(await archive.readDerived(r.warcId));
    expect(warc.map((x) => x.type)).toEqual(["warcinfo", "request", "response", "request", "response"]);
    expect(warc.every((x) => x.version === "WARC/1.1")).toBe(true);
    const [, req1, res1, req2, res2] = warc;
    expect(res1!.status).toBe(301);
    expect(res1!.httpHeaders.location).toBe("/gbk");
    expect(res2!.targetUri).toBe(`${base}/gbk`);
    expect(res2!.payloadDigest).toBe(`sha256:${r.sha256}`);
    expect(sha256Hex(res2!.payload)).toBe(r.sha256);
    expect(res1!.concurrentTo).toEqual([req1!.recordId]);
    expect(res2!.concurrentTo).toEqual([req2!.recordId]);
    expect(search("器官移植中心简介")).toEqual([r.id]);
    const item = await archive.getItem(r.id);
    expect(item?.item.url).toBe(`${base}/gbk`);
    expect(item?.derived.map((d) => d.kind).sort()).toEqual(["text", "warc"]);
  });
  it("decodes Big5 from the HTTP header and finds it with a simplified query", async () => {
    const r = await captureUrl(archive, `${base}/big5`, meta);
    expect(r.charset).toBe("big5");
    expect(search("肝脏移植团队")).toContain(r.id);
  });
  it("stores the decoded body of a gzip response and keeps the original encoding header", async () => {
    const r = await captureUrl(archive, `${base}/gzip`, meta);
    expect(r.sha256).toBe(sha256Hex(fx("hospital_big5.html")));
    const warc = await readWarc(await archive.readDerived(r.warcId));
    const res = warc.find((x) => x.type === "response")!;
    expect(res.httpHeaders["x-archive-orig-content-encoding"]).toBe("gzip");
    expect(res.httpHeaders["content-encoding"]).toBeUndefined();
    expect(Number(res.httpHeaders["content-length"])).toBe(fx("hospital_big5.html").length);
  });
  it("re-capturing identical bytes adds a new WARC to the existing item, not a second item", async () => {
    const first = await captureUrl(archive, `${base}/big5`, meta);
    const again = await captureUrl(archive, `${base}/big5`, meta);
    expect(again.id).toBe(first.id);
    expect(again.existing).toBe(true);
    expect(again.warcId).not.toBe(first.warcId);
    expect(again.textId).toBe(first.textId);
    const kinds = (await archive.getItem(first.id))!.derived.map((d) => d.kind).sort();
    expect(kinds.filter((k) => k === "text")).toHaveLength(1);
    expect(kinds.filter((k) => k === "warc").length).toBeGreaterThanOrEqual(2);
  });
  it("refuses non-HTTP URLs, timeouts and oversized bodies, storing nothing", async () => {
    const before = (await archive.listItems()).length;
    await expect(captureUrl(archive, "file:///etc/passwd", meta)).rejects.toMatchObject({ code: "EV_CAPTURE_URL" });
    await expect(captureUrl(archive, `${base}/slow`, meta, { timeoutMs: 300 })).rejects.toMatchObject({ code: "EV_CAPTURE_TIMEOUT" });
    await expect(captureUrl(archive, `${base}/big`, meta, { maxBytes: 100_000 })).rejects.toMatchObject({ code: "EV_CONTENT_TOO_LARGE" });
    expect((await archive.listItems()).length).toBe(before);
  });
  it.skipIf(!chromiumAvailable())("renders a screenshot and a PDF of the captured bytes with Chromium", async () => {
    const r = await captureUrl(archive, `${base}/utf8`, meta, { screenshot: true, pdf: true, timeoutMs: 60_000 });
    expect(r.warnings).toEqual([]);
    const png = await archive.readDerived(r.screenshotId!);
    expect(png.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
    const pdf = await archive.readDerived(r.pdfId!);
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(search("liver transplants")).toContain(r.id);
  });
});
if (!chromiumAvailable()) console.warn("capture.test: /usr/bin/chromium is absent; the screenshot/PDF test is skipped");
