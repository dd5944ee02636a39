import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import iconv from "iconv-lite";
import { canonicalCharset, charsetFromContentType, charsetFromMeta, decodeText } from "./charset.js";
import { OrganAuditError } from "../../core/errors.js";

const fx = (f: string): Uint8Array => readFileSync(new URL(`../../../test/fixtures/evidence/content/${f}`, import.meta.url));

describe("charset resolution", () => {
  it("reads the charset parameter of a Content-Type header", () => {
    expect(charsetFromContentType("text/html; charset=GBK")).toBe("GBK");
    expect(charsetFromContentType('text/html;charset="big5"')).toBe("big5");
    expect(charsetFromContentType("text/html")).toBeUndefined();
  });
  it("reads <meta charset> and http-equiv declarations", () => {
    expect(charsetFromMeta(Buffer.from('<html><head><meta charset="big5"></head>'))).toBe("big5");
    expect(charsetFromMeta(Buffer.from('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'))).toBe("gb2312");
    expect(charsetFromMeta(Buffer.from("<html><body>no meta</body></html>"))).toBeUndefined();
  });
  it("maps GB2312/GBK labels to the GB18030 decoder and rejects unknown labels", () => {
    expect(canonicalCharset("GB2312")).toBe("gb18030");
    expect(canonicalCharset("x-gbk")).toBe("gb18030");
    expect(canonicalCharset("Big5-HKSCS")).toBe("big5");
    expect(canonicalCharset("latin1")).toBe("windows-1252");
    expect(canonicalCharset("no-such-charset")).toBeUndefined();
  });
});

describe("decodeText", () => {
  it("decodes the GBK page from its meta declaration", () => {
    const d = decodeText(fx("hospital_gbk.html"), { html: true });
    expect(d).toMatchObject({ charset: "gb18030", source: "meta", declared: "gbk" });
    expect(d.text).toContain("江川市第三人民医院器官移植中心成立于2001年");
  });
  it("decodes the Big5 page from its meta declaration", () => {
    const d = decodeText(fx("hospital_big5.html"), { html: true });
    expect(d).toMatchObject({ charset: "big5", source: "meta" });
    expect(d.text).toContain("本院器官移植發展歷程");
  });
  it("lets the HTTP header win over the meta tag", () => {
    const bytes = iconv.encode('<meta charset="utf-8"><p>器官移植</p>', "gbk");
    // the meta tag lies (bytes are GBK): the header is right and is tried first
    expect(decodeText(bytes, { contentType: "text/html; charset=gbk", html: true })).toMatchObject({ charset: "gb18030", source: "header" });
    // with no header, the lying meta tag fails strict decoding and detection finds GB18030
    expect(decodeText(bytes, { html: true })).toMatchObject({ charset: "gb18030", source: "detected", declared: "utf-8" });
  });
  it("detects undeclared GBK text", () => {
    const d = decodeText(fx("notice_undeclared_gbk.txt"));
    expect(d).toMatchObject({ charset: "gb18030", source: "detected" });
    expect(d.text.startsWith("卫生部关于规范活体器官移植的若干规定")).toBe(true);
  });
  it("overrides a Latin-1 header on a GBK page (common server misconfiguration)", () => {
    const d = decodeText(fx("hospital_gbk.html"), { contentType: "text/html; charset=iso-8859-1", html: true });
    expect(d.charset).toBe("gb18030");
    expect(d.text).toContain("器官移植中心简介");
  });
  it("decodes GB18030 four-byte characters on a page labelled gb2312", () => {
    // 𠀀 (U+20000) exists only in GB18030 (4 bytes: 95 32 82 36), not in GB2312 or GBK
    const bytes = iconv.encode('<meta charset="gb2312"><p>器官𠀀移植</p>', "gb18030");
    expect(Buffer.from(bytes).includes(Buffer.from([0x95, 0x32, 0x82, 0x36]))).toBe(true);
    const d = decodeText(bytes, { html: true });
    expect(d).toMatchObject({ charset: "gb18030", source: "meta", declared: "gb2312" });
    expect(d.text).toContain("器官𠀀移植");
  });
  it("decodes a UTF-8 BOM and strips it", () => {
    const d = decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("肝移植", "utf8")]));
    expect(d).toEqual({ text: "肝移植", charset: "utf-8", source: "bom" });
  });
  it("refuses broken UTF-8 with the offset of the first bad byte", () => {
    // "器官移植 valid start\n" is 4*3 + 13 = 25 bytes of valid UTF-8; byte 25 is a lone 0x80
    let err: unknown;
    try {
      decodeText(fx("invalid_encoding.txt"));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OrganAuditError);
    expect((err as OrganAuditError).code).toBe("EV_CONTENT_ENCODING");
    expect((err as OrganAuditError).message).toContain("offset 25");
  });
  it("refuses a declared Big5 page whose bytes are not Big5 and not anything else", () => {
    const bytes = Buffer.concat([Buffer.from('<meta charset="big5">'), Buffer.from([0x00, 0x01, 0x02, 0xff, 0xff, 0xff, 0x03])]);
    expect(() => decodeText(bytes, { html: true })).toThrow(/not valid/);
  });
});
