import { describe, expect, it } from "vitest";
import { entityKeys, foldName, matchEntities } from "./alias.js";

// Reference values: the simplified forms are the standard mainland names of these public bodies and
// officials (as written in the shipped sources, e.g. GOVCN2013, CD2015MAR); the traditional forms
// are the same names as printed in Taiwan/Hong Kong sources (e.g. WIKISRC2023, GOVCN2007).
describe("foldName", () => {
  it("folds traditional to simplified, including the foundation name that s→t conversion gets wrong", () => {
    expect(foldName("中國器官移植發展基金會")).toBe("中国器官移植发展基金会");
    expect(foldName("黃潔夫")).toBe("黄洁夫");
    expect(foldName("天津市第一中心醫院")).toBe("天津市第一中心医院");
    expect(foldName("中國肝移植註冊中心")).toBe("中国肝移植注册中心");
    expect(foldName("國家衛生健康委員會")).toBe("国家卫生健康委员会");
  });
  it("drops tone marks, case, spaces and hyphens from pinyin and English", () => {
    expect(foldName("Huáng Jiéfū")).toBe("huangjiefu");
    expect(foldName("huang jie-fu")).toBe("huangjiefu");
    expect(foldName("Zhōngguó Hóngshízìhuì")).toBe("zhongguohongshizihui");
    expect(foldName("  Matthew  P. Robertson ")).toBe("matthewprobertson");
  });
  it("normalises full-width forms (NFKC)", () => {
    expect(foldName("ＮＨＣ")).toBe("nhc");
  });
});

describe("matchEntities", () => {
  const entities = [
    { id: "a", name: "Huang Jiefu", aliases: [{ text: "黄洁夫", lang: "zh-Hans" as const }, { text: "Huáng Jiéfū", lang: "pinyin" as const }] },
    { id: "b", name: "Tianjin First Central Hospital", aliases: [{ text: "天津市第一中心医院", lang: "zh-Hans" as const }] },
    { id: "c", name: "China Liver Transplant Registry", aliases: [{ text: "中国肝移植注册中心", lang: "zh-Hans" as const }] },
  ];
  it("finds an entity from its traditional name, its pinyin without tones, or a substring", () => {
    expect(matchEntities(entities, "黃潔夫").map((e) => e.id)).toEqual(["a"]);
    expect(matchEntities(entities, "huang jiefu").map((e) => e.id)).toEqual(["a"]);
    expect(matchEntities(entities, "第一中心醫院").map((e) => e.id)).toEqual(["b"]);
    expect(matchEntities(entities, "移植").map((e) => e.id)).toEqual(["c"]);
  });
  it("ranks exact key matches before substring matches and ignores one-character substrings", () => {
    const list = [...entities, { id: "d", name: "Huang", aliases: [] }];
    expect(matchEntities(list, "huang").map((e) => e.id)).toEqual(["d", "a"]);
    expect(matchEntities(entities, "移")).toEqual([]);
    expect(matchEntities(entities, "   ")).toEqual([]);
  });
  it("lists each key once", () => {
    expect(entityKeys({ name: "NHC", aliases: [{ text: "nhc", lang: "en" }] })).toEqual(["nhc"]);
  });
});
