import { readFileSync } from "node:fs";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { SearchIndex } from "./index-store.js";
import { pinyinForIndex, syllables } from "./pinyin.js";

// real hospital names: the hospital_zh column of the shipped data package
const csv = readFileSync(new URL("../../../data/china_hospital_capacity.csv", import.meta.url), "utf8").split("\n");
const col = csv[0]!.split(",").indexOf("hospital_zh");
const hospitals = [...new Set(csv.slice(1).map((l) => l.split(",")[col] ?? "").filter((h) => /\p{Script=Han}/u.test(h)))];

describe("pinyin of names (pure)", () => {
  it("gives toneless syllables, reading polyphonic characters from the phrase", () => {
    expect(syllables("郑州")).toEqual(["zheng", "zhou"]);
    expect(syllables("重庆")).toEqual(["chong", "qing"]); // 重 is zhong elsewhere
    expect(syllables("银行")).toEqual(["yin", "hang"]); // 行 is xing elsewhere
  });
  it("indexes the syllables of each Han run, then the joined syllables of the words inside it and of the short run", () => {
    const v = pinyinForIndex("四川大学华西医院.html");
    expect(v.startsWith("si chuan da xue hua xi yi yuan ")).toBe(true);
    expect(v.split(" ")).toContain("sichuan");
    expect(v.split(" ")).toContain("yiyuan");
    expect(v.split(" ")).toContain("huaxi");
    expect(v.split(" ")).toContain("sichuandaxuehuaxiyiyuan");
    expect(pinyinForIndex("report.pdf")).toBe("");
    expect(pinyinForIndex("郑州大学第一附属医院", 2)).toBe("zheng zhou zhengzhou");
  });
});

describe("pinyin search of names in titles (SQLite index)", () => {
  const db = new Database(":memory:");
  afterAll(() => db.close());
  const idx = new SearchIndex(db);
  hospitals.forEach((h, i) => idx.add({ itemId: `h${i}`, sha256: "0".repeat(64), text: "hospital page", title: `${h}.html` }));
  const titles = (q: string): string[] =>
    idx
      .search(q, { limit: 100 })
      .results.map((r) => r.title!.replace(/\.html$/, ""))
      .sort();

  it("finds the data package's hospital names from pinyin with or without spaces and tones", () => {
    expect(hospitals.length).toBeGreaterThan(30);
    expect(hospitals).toContain("四川大学华西医院");
    expect(titles("huaxi")).toEqual(["四川大学华西医院"]);
    expect(titles("hua xi")).toEqual(["四川大学华西医院"]);
    expect(titles('"hua xi"')).toEqual(["四川大学华西医院"]);
    expect(titles("Huáxī")).toEqual(["四川大学华西医院"]);
    const xiangya = hospitals.filter((h) => h.includes("湘雅")).sort();
    expect(xiangya.length).toBeGreaterThanOrEqual(3);
    expect(titles("xiangya")).toEqual(xiangya);
    expect(titles("tianjin")).toEqual(hospitals.filter((h) => h.startsWith("天津")).sort());
    expect(titles("zhongnan")).toEqual(hospitals.filter((h) => h.includes("中南")).sort());
    expect(titles("zhongnan yiyuan")).toEqual(hospitals.filter((h) => h.includes("中南") && h.includes("医院")).sort());
  });
  it("a phrase needs adjacent syllables; syllables of different names do not combine into a phrase", () => {
    expect(titles('"xi hua"')).toEqual([]);
    expect(titles("zzzz")).toEqual([]);
  });
});
