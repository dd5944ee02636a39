import { describe, it, expect } from "vitest";
import * as OpenCC from "opencc-js";
import { fold, toSimplified } from "./normalize.js";

describe("fold", () => {
  it("folds traditional and simplified forms of domain terms to the same string", () => {
    // pairs checked by hand against the OpenCC t→s tables and a dictionary
    const pairs: [string, string][] = [
      ["中國器官移植發展基金會", "中国器官移植发展基金会"],
      ["肝臟移植", "肝脏移植"],
      ["腎臟移植", "肾脏移植"],
      ["器官捐獻", "器官捐献"],
      ["衛生健康委員會", "卫生健康委员会"],
      ["醫院", "医院"],
      ["死刑犯", "死刑犯"],
      ["維吾爾族", "维吾尔族"],
      ["血液檢測", "血液检测"],
      ["等待時間", "等待时间"],
    ];
    for (const [t, s] of pairs) {
      expect(fold(t)).toBe(s);
      expect(fold(s)).toBe(s);
    }
  });
  it("repairs text produced by OpenCC's faulty s→t conversion of 移植发展", () => {
    const s2t = OpenCC.Converter({ from: "cn", to: "t" });
    const faulty = s2t("中国器官移植发展基金会");
    expect(faulty).toBe("中國器官移植髮展基金會"); // the known OpenCC error (STACK.md)
    expect(fold(faulty)).toBe("中国器官移植发展基金会");
    // 头发 (hair) keeps its meaning outside the phrase
    expect(toSimplified("頭髮")).toBe("头发");
  });
  it("applies NFKC (full-width, Kangxi radicals) and lower-cases", () => {
    expect(fold("ＡＢＣ Liver ⾦")).toBe("abc liver 金");
  });
  it("folds ASCII-only and mixed text like a conversion of the whole string", () => {
    // reference: the unsplit pipeline lower(OpenCC t→cn(pre-pass(NFKC(s)))) with opencc-js 1.4.2
    const t2s = OpenCC.Converter({ from: "t", to: "cn" });
    for (const s of ["Liver TRANSPLANT 2007", "臺北醫院 Liver 肝臟移植, 中國器官移植髮展基金會 TX-123456", "ＡＢＣ 醫院"]) {
      expect(fold(s)).toBe(t2s(toSimplified(s.normalize("NFKC"))).toLowerCase());
    }
    expect(fold("Liver TRANSPLANT 2007")).toBe("liver transplant 2007");
  });
  it("keeps the length of typical CJK and ASCII text (so snippets can show the original)", () => {
    const s = "臺北某醫學中心 肝臟移植團隊 Liver Transplant Team 2007";
    expect(fold(s).length).toBe(s.length);
  });
});
