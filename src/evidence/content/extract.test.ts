import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { extractText } from "./extract.js";
import { joinCjkLines } from "./pdf-text.js";
import { sniffMime } from "./mime.js";
import { imageMeta } from "./image-meta.js";
import { normalizeCjk } from "./cjk-compat.js";

const fx = (f: string): Uint8Array => readFileSync(new URL(`../../../test/fixtures/evidence/content/${f}`, import.meta.url));

describe("extractText", () => {
  it("extracts the GBK hospital page without script text", async () => {
    const r = await extractText(fx("hospital_gbk.html"), { filename: "hospital_gbk.html" });
    expect(r).toMatchObject({ mime: "text/html", charset: "gb18030", title: "江川市第三人民医院 器官移植中心简介", lang: "zh-CN" });
    expect(r.text).toContain("中心2006年完成肝移植312例、肾移植508例，平均等待时间为两周。");
    expect(r.text).not.toContain("不应出现的脚本文字");
    expect(r.text).not.toContain("请启用脚本");
  });
  it("extracts text from a Chromium-printed Chinese PDF, folding radicals and joining wrapped lines", async () => {
    const r = await extractText(fx("notice_zh.pdf"));
    expect(r.mime).toBe("application/pdf");
    expect(r.pages).toBe(1);
    // the PDF's font maps 金 to Kangxi ⾦ (U+2FA6) and 民 to ⺠ (U+2EA0); the line wraps after "1月1"
    expect(r.text).toContain("专项基金");
    expect(r.text).toContain("自2015年1月1日起公民自愿捐献为唯一合法来源");
    expect(r.text).not.toMatch(/[\u2e80-\u2fdf]/);
    expect(r.text).toContain("Notice on organ donation (invented fixture).");
  });
  it("refuses a truncated PDF with EV_CONTENT_PDF", async () => {
    await expect(extractText(fx("notice_zh_truncated.pdf"))).rejects.toMatchObject({ code: "EV_CONTENT_PDF" });
  });
  it("returns image metadata and no text for a PNG", async () => {
    // 1x1 PNG header with width 640, height 480 in IHDR
    const png = Buffer.from("89504e470d0a1a0a0000000d4948445200000280000001e00802000000", "hex");
    const r = await extractText(png, { filename: "photo.bin" });
    expect(r).toMatchObject({ mime: "image/png", text: null, image: { format: "png", width: 640, height: 480 } });
  });
});

describe("helpers", () => {
  it("sniffs MIME types by magic number before extension", () => {
    expect(sniffMime(Buffer.from("%PDF-1.7\n"), "x.txt")).toBe("application/pdf");
    expect(sniffMime(Buffer.from("<!DOCTYPE html><html>"), "x.txt")).toBe("text/html");
    expect(sniffMime(Buffer.from("plain words"), "notes.txt")).toBe("text/plain");
    expect(sniffMime(Buffer.from([0, 1, 2, 3]), "blob")).toBe("application/octet-stream");
  });
  it("reads JPEG and GIF dimensions from headers", () => {
    // SOI, APP0 (length 16), SOF0 with height 0x0100 = 256 and width 0x0200 = 512
    const jpeg = Buffer.from("ffd8ffe000104a46494600010100000100010000ffc0001108010002000301220002110103110100", "hex");
    expect(imageMeta(jpeg, "image/jpeg")).toEqual({ format: "jpeg", width: 512, height: 256 });
    const gif = Buffer.from("474946383961200010000000", "hex"); // GIF89a, 32 x 16 little-endian
    expect(imageMeta(gif, "image/gif")).toEqual({ format: "gif", width: 32, height: 16 });
  });
  it("joins lines wrapped inside Chinese text only", () => {
    expect(joinCjkLines("自2015年1月1\n日起\nNotice\non")).toBe("自2015年1月1日起\nNotice\non");
  });
  it("folds Kangxi and supplement radicals", () => {
    expect(normalizeCjk("基\u2fa6会 公\u2ea0 \u2ee2")).toBe("基金会 公民 马");
  });
});
