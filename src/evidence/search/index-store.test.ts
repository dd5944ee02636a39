import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { extractText } from "../content/extract.js";
import { SearchIndex } from "./index-store.js";
import { sha256Hex } from "../../core/hash.js";

const fx = (f: string): Uint8Array => readFileSync(new URL(`../../../test/fixtures/evidence/content/${f}`, import.meta.url));

let dir: string;
let db: Database.Database;
let idx: SearchIndex;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "oa-search-"));
  db = new Database(join(dir, "archive.db"));
  idx = new SearchIndex(db);
  const docs: { id: string; file: string; type: string; date: string; tags: string[] }[] = [
    { id: "gbk", file: "hospital_gbk.html", type: "hospital-web-page", date: "2006-05-01T00:00:00Z", tags: ["liver", "江川"] },
    { id: "big5", file: "hospital_big5.html", type: "hospital-web-page", date: "2012-03-04T00:00:00Z", tags: ["taiwan"] },
    { id: "mixed", file: "hospital_utf8_mixed.html", type: "media-report", date: "2008-01-01T00:00:00Z", tags: ["liver"] },
    { id: "notice", file: "notice_undeclared_gbk.txt", type: "policy-document", date: "2007-05-01T00:00:00Z", tags: [] },
    { id: "pdf", file: "notice_zh.pdf", type: "policy-document", date: "2015-01-02T00:00:00Z", tags: [] },
  ];
  for (const d of docs) {
    const bytes = fx(d.file);
    const ex = await extractText(bytes, { filename: d.file });
    idx.add({
      itemId: d.id,
      sha256: sha256Hex(bytes),
      text: ex.text ?? "",
      title: ex.title ?? null,
      evidenceType: d.type,
      language: ex.lang ?? null,
      capturedAt: d.date,
      tags: d.tags,
    });
  }
});

afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const ids = (q: string, opts = {}): string[] => idx.search(q, opts).results.map((r) => r.id).sort();

describe("SearchIndex on a real SQLite database", () => {
  it("finds traditional text with a simplified query and the reverse", () => {
    expect(ids("肝脏移植团队")).toEqual(["big5"]); // Big5 page says 肝臟移植團隊
    expect(ids("器官移植發展")).toEqual(["big5", "gbk"]); // GBK page: 中国器官移植发展基金会
    expect(ids("衛生健康委員會")).toEqual(["gbk"]);
  });
  it("finds Chinese substrings without spaces, including the undeclared-GBK notice and the PDF", () => {
    expect(ids("活体器官捐献人")).toEqual(["notice"]);
    expect(ids("唯一合法来源")).toEqual(["pdf"]);
    expect(ids("公民自愿捐献")).toEqual(["pdf"]); // ⺠ (U+2EA0) in the PDF text was folded to 民
    expect(ids("1月1日起")).toEqual(["pdf"]); // the line wrap inside the date was joined
  });
  it("answers 1- and 2-character Chinese queries by LIKE (trigram cannot)", () => {
    expect(ids("肝脏")).toEqual(["big5", "gbk", "mixed"]);
    expect(ids("腎")).toEqual(["gbk"]);
    expect(ids("捐")).toEqual(["big5", "notice", "pdf"]);
  });
  it("stems English words and combines Chinese and English terms (AND)", () => {
    expect(ids("transplanted")).toEqual(["mixed"]);
    expect(ids("donation")).toEqual(["mixed", "pdf"]);
    expect(ids("liver 1024例")).toEqual(["mixed"]);
    expect(ids('"waiting time" 七天')).toEqual(["mixed"]);
    expect(ids("liver 腎移植")).toEqual([]);
  });
  it("excludes negated terms", () => {
    expect(ids("肝脏 -团队")).toEqual(["gbk", "mixed"]);
    expect(ids("donation -fixture")).toEqual(["mixed"]);
  });
  it("folds full-width Latin letters", () => {
    expect(ids("full-width abc")).toEqual(["mixed"]);
  });
  it("filters by type, language, date range and tags", () => {
    expect(ids("移植", { types: ["hospital-web-page"] })).toEqual(["big5", "gbk"]);
    expect(ids("移植", { languages: ["zh"] })).toEqual(["big5", "gbk"]);
    expect(ids("移植", { from: "2007-01-01", to: "2012-12-31" })).toEqual(["big5", "mixed", "notice"]);
    expect(ids("移植", { tags: ["LIVER"] })).toEqual(["gbk", "mixed"]);
    expect(ids("移植", { tags: ["liver", "江川"] })).toEqual(["gbk"]);
    expect(() => idx.search("移植", { from: "2007" })).toThrow(/--from/);
  });
  it("returns id, sha256 and a snippet highlighting the original characters", () => {
    const r = idx.search("肝脏移植", { snippet: { context: 4 } }).results.find((x) => x.id === "big5");
    expect(r?.sha256).toBe(sha256Hex(fx("hospital_big5.html")));
    // the first match is the heading 肝臟移植團隊介紹 at offset 0; later matches in the window are highlighted too
    expect(r?.snippet.startsWith("[肝臟移植]團隊介紹 本院器官移植發展歷程：一九九九年開始進行活體[肝臟移植]，")).toBe(true);
    expect(r?.highlights.slice(0, 2)).toEqual([[0, 4], [31, 35]]); // 8 + 1 + 11 + 11 characters before the second
    expect(r?.title).toBe("臺北某醫學中心 肝臟移植團隊");
    expect(r?.evidenceType).toBe("hospital-web-page");
  });
  it("ranks the document with more matches first", () => {
    const r = idx.search("器官移植").results;
    expect(r.length).toBeGreaterThanOrEqual(3);
    expect(r[0]!.score).toBeGreaterThanOrEqual(r[r.length - 1]!.score);
  });
  it("re-indexing replaces the text; removing an item removes it", () => {
    idx.add({ itemId: "tmp", sha256: "0".repeat(64), text: "临时文本 alpha", tags: ["t"] });
    expect(ids("临时文本")).toEqual(["tmp"]);
    idx.add({ itemId: "tmp", sha256: "0".repeat(64), text: "替换后的文本 beta", tags: ["t"] });
    expect(ids("临时文本")).toEqual([]);
    expect(ids("替换后")).toEqual(["tmp"]);
    expect(ids("beta")).toEqual(["tmp"]);
    idx.removeItem("tmp");
    expect(ids("替换后")).toEqual([]);
    expect(ids("beta")).toEqual([]);
    expect(db.prepare("SELECT count(*) AS n FROM search_tag WHERE tag = 't'").get()).toEqual({ n: 0 });
  });
  it("answers 1-2 character terms exactly through the per-character index (no match across punctuation)", () => {
    idx.add({ itemId: "punct", sha256: "1".repeat(64), text: "甲乙，丙丁 A型血" });
    expect(ids("甲乙")).toEqual(["punct"]);
    expect(ids("丙")).toEqual(["punct"]);
    expect(ids("乙丙")).toEqual([]); // 乙 and 丙 are separated by a comma
    expect(ids("a型")).toEqual(["punct"]); // mixed script, 2 characters: LIKE on the folded text
    idx.removeItem("punct");
  });
  it("ranks every match by bm25 up to the threshold, and beyond it returns the newest matches unranked and says so", () => {
    for (let i = 0; i < 6; i++) idx.add({ itemId: `common-${i}`, sha256: "3".repeat(64), text: `常见词 common word ${"filler ".repeat(i)}` });
    const all = idx.search("常见词", { rankThreshold: 10 });
    expect(all.ranking?.method).toBe("bm25");
    expect(all.total).toEqual({ texts: 6, relation: "eq" });
    expect(all.results.map((r) => r.id).sort()).toEqual([0, 1, 2, 3, 4, 5].map((i) => `common-${i}`));
    expect(all.results[0]!.score).toBeGreaterThan(0);
    // bm25 prefers the shortest text (fewest fillers)
    expect(all.results[0]!.id).toBe("common-0");
    const few = idx.search("common word", { rankThreshold: 3, limit: 3 });
    expect(few.ranking?.method).toBe("recency");
    expect(few.ranking?.description).toMatch(/^more than 3 texts match; above 3 matches none is ranked: .*not ranked by relevance/);
    // a lower bound unless exactTotal
    expect(few.total).toEqual({ texts: 4, relation: "gte" });
    expect(idx.search("common word", { rankThreshold: 3, limit: 3, exactTotal: true }).total).toEqual({ texts: 6, relation: "eq" });
    const filtered = idx.search("common word", { rankThreshold: 3, limit: 3, from: "1900-01-01", to: "2999-12-31" });
    expect(filtered.results).toEqual([]); // the texts have no capture date
    const noDate = idx.search("common word", { rankThreshold: 3, limit: 3, types: ["nope"] });
    expect(noDate.total).toEqual({ texts: 0, relation: "eq" });
    for (let i = 0; i < 6; i++) idx.add({ itemId: `common-${i}`, sha256: "3".repeat(64), text: `常见词 common word ${"filler ".repeat(i)}`, evidenceType: "other" });
    const typed = idx.search("common word", { rankThreshold: 3, limit: 3, types: ["other"] });
    expect(typed.total).toEqual({ texts: 4, relation: "gte" });
    expect(typed.ranking?.description).toMatch(/^more than 3 texts match/);
    expect(idx.search("common word", { rankThreshold: 3, limit: 3, types: ["other"], exactTotal: true }).total).toEqual({ texts: 6, relation: "eq" });
    // the most recently indexed first, score 0 (no relevance claimed)
    expect(few.results.map((r) => [r.id, r.score])).toEqual([["common-5", 0], ["common-4", 0], ["common-3", 0]]);
    // with a filter that leaves few matches, they are ranked again
    expect(idx.search("common word", { rankThreshold: 3, tags: ["none"] }).total).toEqual({ texts: 0, relation: "eq" });
    // Infinity ranks everything; nonsense thresholds and limits fall back to the defaults
    expect(idx.search("common word", { rankThreshold: Number.POSITIVE_INFINITY }).ranking?.method).toBe("bm25");
    expect(idx.search("common word", { rankThreshold: Number.NaN, limit: Number.NaN }).results).toHaveLength(6);
    expect(idx.search("common word", { rankThreshold: -5, limit: 2 }).results).toHaveLength(2);
    for (let i = 0; i < 6; i++) idx.removeItem(`common-${i}`);
    expect(idx.search("常见词").results).toEqual([]);
  });
  it("answers a Chinese + English query with one MATCH on the single FTS5 table", () => {
    const both = ids("移植 liver", { limit: 100 });
    expect(both.length).toBeGreaterThan(0);
    const zh = new Set(ids("移植", { limit: 100 }));
    expect(both).toEqual(ids("liver", { limit: 100 }).filter((x) => zh.has(x)));
    // the old three-table layout is gone
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name IN ('search_tri', 'search_words', 'search_chars')").all()).toEqual([]);
  });
  it("gives the same items on the fast path (no filters) and the general path (a no-op filter)", () => {
    for (const q of ["器官", "器官移植", "transplants", "移植 liver"]) {
      expect(ids(q, { limit: 50 })).toEqual(ids(q, { limit: 50, from: "1900-01-01" }));
    }
  });
  it("gives the same items and scores on the multi-index fast path as on the general path", () => {
    // fast path: no filters, so the first index ranks and the others filter as rowid sets; the general
    // path (a no-op date filter) joins all indexes in SQL; both must agree item for item
    const scored = (q: string, opts = {}): string[] =>
      idx
        .search(q, { limit: 50, ...opts })
        .results.map((r) => `${r.id}:${r.score}`)
        .sort();
    for (const q of ["器官移植 liver", "移植 liver", "肝 器官移植", "医院 transplant 移植"]) {
      const fast = scored(q);
      expect(fast).toEqual(scored(q, { from: "1900-01-01" }));
    }
    // the fixtures hold matches for these two (so the comparison is not between two empty lists)
    expect(ids("移植 liver").length).toBeGreaterThan(0);
    expect(ids("肝 器官移植").length).toBeGreaterThan(0);
  });
  it("stores the original text only when it differs from the folded text, and still shows it", () => {
    idx.add({ itemId: "same", sha256: "2".repeat(64), text: "肾脏移植等待时间 liver" });
    const row = db.prepare("SELECT original, norm FROM search_doc WHERE item_id = 'same'").get() as { original: string; norm: string };
    expect(row).toEqual({ original: "", norm: "肾脏移植等待时间 liver" });
    expect(idx.search("等待时间").results.find((r) => r.id === "same")?.snippet).toBe("肾脏移植[等待时间] liver");
    idx.removeItem("same");
  });
  it("rebuild() restores the bm25 statistics that deletions of contentless rows leave behind", () => {
    const fresh = new SearchIndex(new Database(":memory:"));
    const docs = ["肝移植 liver one", "肝移植 liver two two", "kidney three"].map((text, i) => ({ itemId: `s${i}`, sha256: "4".repeat(64), text }));
    fresh.addMany(docs);
    const scores = (x: SearchIndex): number[] => x.search("liver").results.map((r) => r.score);
    const want = scores(fresh);
    for (let k = 0; k < 5; k++) fresh.add(docs[2]!); // re-indexing deletes and inserts the row
    expect(fresh.search("liver").results.map((r) => r.id)).toEqual(["s0", "s1"]);
    expect(fresh.rebuild()).toBe(3);
    expect(scores(fresh)).toEqual(want);
    fresh.db.close();
  });
  it("answers terms with no indexable piece by a scan, and excludes with NOT IN when no positive term is indexed", () => {
    idx.add({ itemId: "n1", sha256: "6".repeat(64), text: "a count of 7,319 liver grafts" });
    idx.add({ itemId: "n2", sha256: "6".repeat(64), text: "a count of 7,319 kidney grafts" });
    const both = idx.search("7,319");
    expect(both.results.map((r) => r.id).sort()).toEqual(["n1", "n2"]);
    expect(both.ranking).toMatchObject({ method: "recency" });
    expect(both.ranking?.description).toMatch(/no indexed term/);
    expect(both.results[0]!.snippet).toContain("[7,319]");
    expect(ids("7,319 -liver")).toEqual(["n2"]);
    expect(ids("7,319 -\"liver grafts\"")).toEqual(["n2"]);
    expect(ids("grafts -7,319")).toEqual([]);
    idx.removeItem("n1");
    idx.removeItem("n2");
  });
  it("does not match a Latin phrase across Chinese text", () => {
    idx.add({ itemId: "gap", sha256: "5".repeat(64), text: "the liver 肝脏 transplant list" });
    expect(ids('"liver transplant"', { limit: 100 })).not.toContain("gap");
    expect(ids("liver transplant", { limit: 100 })).toContain("gap");
    idx.removeItem("gap");
  });
  it("never passes query syntax through to FTS5: operators, quotes and odd characters are searched as text", () => {
    const nasty = ['"', "-", "*", "NEAR(a b)", "a OR b", "{words}: x", "^x", '" OR 1=1 --', "🙂", "a\u0000b", "AND", "NOT liver", "(", ")", "a:b", "x*",
      "ＡＢＣ", "𠀀𠀁", "〇", "肝*", '"肝 "', "-\"\"", "liver -", "'", "\\", "%", "_", "chars : 肝", "{words pinyin}", "移植 OR liver", "\u3000", "a\tb"];
    for (const q of nasty) {
      try {
        const r = idx.search(q);
        expect(Array.isArray(r.results)).toBe(true);
      } catch (e) {
        expect((e as { code?: string }).code).toBe("EV_SEARCH_EMPTY_QUERY");
      }
    }
    // operators are words here, not syntax: "liver OR 移植" needs all three terms
    expect(ids("移植 OR liver", { limit: 100 })).toEqual([]);
    expect(ids("NOT liver", { limit: 100 })).toEqual([]);
  });
  it("handles very long queries and many terms", () => {
    const longText = "器官移植".repeat(1000);
    idx.add({ itemId: "long", sha256: "7".repeat(64), text: `${longText} end` });
    expect(ids(longText)).toEqual(["long"]); // one phrase of 3,999 bigrams
    expect(ids(Array.from({ length: 200 }, () => "器官").join(" "))).toContain("long");
    expect(ids(`${longText} -end`)).toEqual([]);
    idx.removeItem("long");
  });
  it("refuses an empty query", () => {
    expect(() => idx.search("  ")).toThrow(/empty/);
    expect(() => idx.search("-肝脏")).toThrow(/empty/);
  });
});
