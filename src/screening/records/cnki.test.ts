import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OrganAuditError } from "../../core/errors.js";
import { parseCnki } from "./cnki.js";

const fx = (name: string): string =>
  readFileSync(new URL(`../../../test/fixtures/screening/s1/${name}`, import.meta.url), "utf8");

function errorOf(f: () => unknown): OrganAuditError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(OrganAuditError);
    return e as OrganAuditError;
  }
  throw new Error("expected an OrganAuditError");
}

describe("parseCnki (three invented export flavours)", () => {
  it.each([
    ["cnki-estudy-invented.txt", null],
    ["cnki-endnote-invented.txt", null],
    ["cnki-refworks-invented.txt", null],
    ["wanfang-noteexpress-invented.txt", "single"],
  ] as const)("%s", (name, single) => {
    const recs = parseCnki(fx(name), name, "c");
    expect(recs.length).toBe(single ? 1 : 2);
    const r = recs[0]!;
    expect(r.title).toBe("脑死亡供体心脏移植的临床经验（虚构记录）");
    expect(r.authors).toEqual(["张三", "李四"]);
    expect(r.journal).toBe("虚构移植杂志");
    expect(r.year).toBe(2003);
    expect(r.keywords).toEqual(["心脏移植", "脑死亡", "供体"]);
    expect(r.language).toBe("zh");
    expect(r.source.format).toBe("cnki");
    if (!single) {
      expect(recs[1]!.doi).toBe("10.9999/xgwk.2005.01");
      expect(recs[1]!.keywords).toEqual(["肝移植", "供肝获取"]);
    }
  });
  it("E-Study: wrapped abstract lines are joined, CNKI filename becomes the source id", () => {
    const r = parseCnki(fx("cnki-estudy-invented.txt"), "e.txt", "e")[0]!;
    expect(r.abstract).toBe("目的 总结脑死亡供体心脏移植的经验。方法 这是一段虚构的摘要， 用于测试导入程序对折行的处理。");
    expect(r.id).toBe("e:XGYZ200304001");
  });
  it("RefWorks: the CNKI filename in LK becomes the source id", () => {
    expect(parseCnki(fx("cnki-refworks-invented.txt"), "r.txt", "r")[0]!.id).toBe("r:XGYZ200304001");
  });
  it("rejects an unknown first line", () => {
    expect(errorOf(() => parseCnki("hello\n", "x.txt")).code).toBe("SC_IMPORT_PARSE");
  });
});

