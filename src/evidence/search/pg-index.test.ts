/**
 * The PostgreSQL search index (pg_trgm) on a real server, with the fixtures and the expectations of the
 * SQLite index's tests (index-store.test.ts); and the backend (backend.ts) over archives of both dialects.
 * PostgreSQL cases run when ORGAN_AUDIT_TEST_PG is set (test/helpers/pg.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql, type Kysely } from "kysely";
import { openDatabase } from "../../db/open.js";
import { sha256Hex } from "../../core/hash.js";
import { dropPgSchema, freshPgLocation, pgAvailable } from "../../../test/helpers/pg.js";
import { extractText } from "../content/extract.js";
import { initArchive, openArchive } from "../store/archive.js";
import { runMigrations } from "../store/migrate.js";
import type { SearchOptions } from "./index-store.js";
import { countPg, indexDocPg, pgSearchMigration, searchPg, unindexDerivedPg, wordRegex } from "./pg-index.js";
import { attachSearch, indexedTextCount, reindexArchiveWith, searchArchiveWith } from "./backend.js";
import { parseQuery } from "./query.js";

const fx = (f: string): Uint8Array => readFileSync(new URL(`../../../test/fixtures/evidence/content/${f}`, import.meta.url));

const locations: string[] = [];
let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "oa-pgsearch-"));
});
afterAll(async () => {
  for (const l of locations) await dropPgSchema(l);
  rmSync(tmp, { recursive: true, force: true });
});

function pgLocation(): string {
  const l = freshPgLocation();
  locations.push(l);
  return l;
}

describe("word terms as PostgreSQL regular expressions", () => {
  it("requires each word at a word start, in order, with a crude stem", () => {
    const re = (q: string) => wordRegex(parseQuery(q).terms[0]!);
    expect(re("transplanted")).toBe("(^|[^0-9a-z\u00b5\u00df-\u00f6\u00f8-\u024f])transplant");
    expect(re('"waiting time"')).toBe("(^|[^0-9a-z\u00b5\u00df-\u00f6\u00f8-\u024f])wait[0-9a-z\u00b5\u00df-\u00f6\u00f8-\u024f]*[^0-9a-z\u00b5\u00df-\u00f6\u00f8-\u024f]+time");
    // JS's reading of the same expression agrees with the intended matches
    const js = (q: string, text: string) => new RegExp(re(q)!.replace("(^|", "(?:^|"), "u").test(text);
    expect(js("transplanted", "liver transplantation")).toBe(true);
    expect(js("transplanted", "retransplant")).toBe(false);
    expect(js("transplanted", "肝transplant")).toBe(true);
    expect(js('"waiting time"', "the waiting  time was")).toBe(true);
    expect(js('"waiting time"', "time waiting")).toBe(false);
    // the pinyin column: no stemming, diacritics removed
    expect(wordRegex(parseQuery("Zhèngzhōu").terms[0]!, { pinyin: true })).toBe("(^|[^0-9a-z\u00b5\u00df-\u00f6\u00f8-\u024f])zhengzhou");
    expect(wordRegex(parseQuery("transplanted").terms[0]!, { pinyin: true })).toMatch(/transplanted$/);
  });
});

describe.runIf(pgAvailable)("the search index on PostgreSQL", () => {
  let db: Kysely<unknown>;
  beforeAll(async () => {
    db = (await openDatabase<unknown>(pgLocation())).db;
    await runMigrations(db, [pgSearchMigration]);
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
      await indexDocPg(db, {
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
  afterAll(async () => {
    await db?.destroy();
  });

  const ids = async (q: string, opts: SearchOptions = {}): Promise<string[]> => (await searchPg(db, q, opts)).results.map((r) => r.id).sort();

  it("uses the trigram index for substring terms", async () => {
    const idx = (await sql<{ indexdef: string }>`select indexdef from pg_indexes where schemaname = current_schema() and tablename = 'search_doc_pg'`.execute(db)).rows.map((r) => r.indexdef);
    expect(idx.some((d) => /USING gin \(norm \S*gin_trgm_ops\)/.test(d))).toBe(true);
    await sql`set enable_seqscan = off`.execute(db);
    try {
      const plan = (await sql<{ "QUERY PLAN": string }>`explain select doc_id from search_doc_pg where norm like '%器官移植%'`.execute(db)).rows.map((r) => r["QUERY PLAN"]).join("\n");
      expect(plan).toMatch(/search_doc_pg_norm/);
    } finally {
      await sql`set enable_seqscan = on`.execute(db);
    }
  });

  it("finds traditional text with a simplified query and the reverse", async () => {
    expect(await ids("肝脏移植团队")).toEqual(["big5"]);
    expect(await ids("器官移植發展")).toEqual(["big5", "gbk"]);
    expect(await ids("衛生健康委員會")).toEqual(["gbk"]);
  });
  it("finds Chinese substrings without spaces, including the undeclared-GBK notice and the PDF", async () => {
    expect(await ids("活体器官捐献人")).toEqual(["notice"]);
    expect(await ids("唯一合法来源")).toEqual(["pdf"]);
    expect(await ids("公民自愿捐献")).toEqual(["pdf"]);
    expect(await ids("1月1日起")).toEqual(["pdf"]);
  });
  it("answers 1- and 2-character Chinese queries (LIKE), never across punctuation", async () => {
    expect(await ids("肝脏")).toEqual(["big5", "gbk", "mixed"]);
    expect(await ids("腎")).toEqual(["gbk"]);
    expect(await ids("捐")).toEqual(["big5", "notice", "pdf"]);
    await indexDocPg(db, { itemId: "punct", sha256: "1".repeat(64), text: "甲乙，丙丁 A型血" });
    expect(await ids("甲乙")).toEqual(["punct"]);
    expect(await ids("丙")).toEqual(["punct"]);
    expect(await ids("乙丙")).toEqual([]);
    expect(await ids("a型")).toEqual(["punct"]);
    await unindexDerivedPg(db, "punct", "");
    expect(await ids("甲乙")).toEqual([]);
  });
  it("stems English words and combines Chinese and English terms (AND)", async () => {
    expect(await ids("transplanted")).toEqual(["mixed"]);
    expect(await ids("donation")).toEqual(["mixed", "pdf"]);
    expect(await ids("liver 1024例")).toEqual(["mixed"]);
    expect(await ids('"waiting time" 七天')).toEqual(["mixed"]);
    expect(await ids("liver 腎移植")).toEqual([]);
  });
  it("excludes negated terms", async () => {
    expect(await ids("肝脏 -团队")).toEqual(["gbk", "mixed"]);
    expect(await ids("donation -fixture")).toEqual(["mixed"]);
  });
  it("folds full-width Latin letters", async () => {
    expect(await ids("full-width abc")).toEqual(["mixed"]);
  });
  it("filters by type, language, date range and tags", async () => {
    expect(await ids("移植", { types: ["hospital-web-page"] })).toEqual(["big5", "gbk"]);
    expect(await ids("移植", { languages: ["zh"] })).toEqual(["big5", "gbk"]);
    expect(await ids("移植", { from: "2007-01-01", to: "2012-12-31" })).toEqual(["big5", "mixed", "notice"]);
    expect(await ids("移植", { tags: ["LIVER"] })).toEqual(["gbk", "mixed"]);
    expect(await ids("移植", { tags: ["liver", "江川"] })).toEqual(["gbk"]);
    await expect(searchPg(db, "移植", { from: "2007" })).rejects.toMatchObject({ code: "EV_SEARCH_BAD_FILTER" });
  });
  it("returns id, sha256 and a snippet highlighting the original characters", async () => {
    const r = (await searchPg(db, "肝脏移植", { snippet: { context: 4 } })).results.find((x) => x.id === "big5");
    expect(r?.sha256).toBe(sha256Hex(fx("hospital_big5.html")));
    expect(r?.snippet.startsWith("[肝臟移植]團隊介紹 本院器官移植發展歷程：一九九九年開始進行活體[肝臟移植]，")).toBe(true);
    expect(r?.highlights.slice(0, 2)).toEqual([[0, 4], [31, 35]]);
    expect(r?.title).toBe("臺北某醫學中心 肝臟移植團隊");
    expect(r?.evidenceType).toBe("hospital-web-page");
    expect(r?.derivedId).toBeNull();
  });
  it("ranks by the number of occurrences of the terms (higher first) and counts the matching texts", async () => {
    const res = await searchPg(db, "器官移植");
    const r = res.results;
    expect(r.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < r.length; i++) expect(r[i - 1]!.score).toBeGreaterThanOrEqual(r[i]!.score);
    expect(r[r.length - 1]!.score).toBeGreaterThan(0);
    expect(res.total).toEqual({ texts: r.length, relation: "eq" });
    expect((await searchPg(db, "器官移植", { limit: 1 })).results.map((x) => x.id)).toEqual([r[0]!.id]);
    // more matches than rankThreshold: only the most recently indexed texts are ranked, and the total says "at least"
    const bounded = await searchPg(db, "器官移植", { rankThreshold: 2, limit: 2 });
    expect(bounded.total).toEqual({ texts: 2, relation: "gte" });
    const newest = (await sql<{ item_id: string }>`select item_id from search_doc_pg where norm like '%器官移植%' order by doc_id desc limit 2`.execute(db)).rows.map((x) => x.item_id);
    expect(bounded.results.map((x) => x.id).sort()).toEqual(newest.sort());
  });
  it("re-indexing replaces the text; removing it removes it; the best text of an item is shown once", async () => {
    await indexDocPg(db, { itemId: "tmp", sha256: "0".repeat(64), text: "临时文本 alpha", tags: ["t"] });
    expect(await ids("临时文本")).toEqual(["tmp"]);
    await indexDocPg(db, { itemId: "tmp", sha256: "0".repeat(64), text: "替换后的文本 beta", tags: ["t"] });
    expect(await ids("临时文本")).toEqual([]);
    expect(await ids("替换后")).toEqual(["tmp"]);
    expect(await ids("beta")).toEqual(["tmp"]);
    await indexDocPg(db, { itemId: "tmp", derivedId: "drv-2", sha256: "0".repeat(64), text: "替换后 替换后 第二份", tags: ["t"] });
    const res = await searchPg(db, "替换后");
    expect(res.results.map((x) => [x.id, x.derivedId])).toEqual([["tmp", "drv-2"]]);
    expect(res.total?.texts).toBe(2);
    await unindexDerivedPg(db, "tmp", "");
    await unindexDerivedPg(db, "tmp", "drv-2");
    expect(await ids("beta")).toEqual([]);
  });
  it("stores the original text only when it differs from the folded text, and still shows it", async () => {
    await indexDocPg(db, { itemId: "same", sha256: "2".repeat(64), text: "肾脏移植等待时间 liver" });
    const row = (await sql<{ original: string; norm: string }>`select original, norm from search_doc_pg where item_id = 'same'`.execute(db)).rows[0];
    expect(row).toEqual({ original: "", norm: "肾脏移植等待时间 liver" });
    expect((await searchPg(db, "等待时间")).results.find((r) => r.id === "same")?.snippet).toBe("肾脏移植[等待时间] liver");
    await unindexDerivedPg(db, "same", "");
  });
  it("finds a title typed in pinyin (as the SQLite index's pinyin column), with or without tone marks", async () => {
    await indexDocPg(db, { itemId: "zz", sha256: "4".repeat(64), text: "本院简介", title: "郑州大学第一附属医院.html" });
    expect(await ids("zhengzhou")).toEqual(["zz"]);
    expect(await ids("Zhèngzhōu")).toEqual(["zz"]);
    expect(await ids('"zheng zhou"')).toEqual(["zz"]);
    expect(await ids("简介 zhengzhou")).toEqual(["zz"]);
    expect(await ids("简介")).toContain("zz");
    expect(await ids("简介 -zhengzhou")).not.toContain("zz");
    expect(await ids("zhouzheng")).toEqual([]);
    await unindexDerivedPg(db, "zz", "");
  });
  it("treats LIKE wildcards in a query as characters, and refuses an empty query", async () => {
    await indexDocPg(db, { itemId: "pct", sha256: "3".repeat(64), text: "增长了100%的移植 a_b" });
    expect(await ids("100%的")).toEqual(["pct"]);
    expect(await ids("0%的移植")).toEqual(["pct"]);
    expect(await ids("%%%")).toEqual([]);
    expect(await ids("a_b")).toEqual(["pct"]);
    expect(await ids("axb")).toEqual([]);
    await unindexDerivedPg(db, "pct", "");
    await expect(searchPg(db, "  ")).rejects.toMatchObject({ code: "EV_SEARCH_EMPTY_QUERY" });
    await expect(searchPg(db, "-肝脏")).rejects.toMatchObject({ code: "EV_SEARCH_EMPTY_QUERY" });
    expect(await countPg(db)).toBe(5);
  });
});

const cases: ["sqlite" | "postgres", boolean][] = [
  ["sqlite", true],
  ["postgres", pgAvailable],
];

describe.each(cases)("search through the backend on an archive on %s", (dialect, enabled) => {
  it.runIf(enabled)("indexes texts as they are stored, drops a sealed text, rebuilds, and answers Chinese, mixed and filtered queries", async () => {
    const dir = join(tmp, `arch-${dialect}`);
    const db = dialect === "postgres" ? pgLocation() : undefined;
    const a = await initArchive(dir, { actor: "tester", ...(db ? { db } : {}) });
    try {
      attachSearch(a);
      const add = async (name: string, text: string, type: string, lang: string, date: string, tags: string[]) =>
        a.addItem({
          bytes: Buffer.from(`<p>${text}</p>`),
          filename: name,
          evidenceType: type,
          language: lang,
          capturedAt: date,
          tags,
          addedBy: "tester",
          derived: [{ kind: "text", text, method: "test" }],
        });
      const trad = await add("trad.html", "本院肝臟移植團隊成立於一九九九年，等待時間兩週。", "hospital-web-page", "zh-Hant", "2012-03-04T00:00:00Z", ["taiwan"]);
      const simp = await add("simp.html", "中国器官移植发展基金会：肝脏移植 liver transplantation 等待时间七天", "media-report", "zh", "2008-01-01T00:00:00Z", ["liver"]);
      const en = await add("en.txt", "Waiting times for liver transplants were reported as one week.", "telephone-recording", "en", "2015-01-02T00:00:00Z", []);
      const q = async (query: string, opts: SearchOptions = {}) => (await searchArchiveWith(a, query, opts)).results.map((r) => r.id).sort();
      expect(await q("肝脏移植")).toEqual([simp.id, trad.id].sort()); // simplified query finds the traditional text
      expect(await q("肝臟移植團隊")).toEqual([trad.id]); // and the reverse
      expect(await q("等待时间")).toEqual([simp.id, trad.id].sort());
      expect(await q("肝")).toEqual([simp.id, trad.id].sort());
      expect(await q("liver 肝脏")).toEqual([simp.id]); // mixed Chinese-English (AND)
      expect(await q("liver")).toEqual([en.id, simp.id].sort());
      expect(await q("liver", { languages: ["zh"] })).toEqual([simp.id]);
      expect(await q("liver", { types: ["telephone-recording"] })).toEqual([en.id]);
      expect(await q("liver", { tags: ["LIVER"] })).toEqual([simp.id]);
      expect(await q("移植", { from: "2010-01-01", to: "2013-01-01" })).toEqual([trad.id]);
      const zz = await add("郑州大学第一附属医院.html", "医院简介：器官移植中心", "hospital-web-page", "zh", "2019-01-01T00:00:00Z", []);
      expect(await q("zhengzhou")).toEqual([zz.id]); // pinyin of the title, on both dialects
      const hit = (await searchArchiveWith(a, "肝脏移植团队")).results[0]!;
      expect(hit).toMatchObject({ id: trad.id, sha256: trad.sha256, derivedId: trad.derived[0]!.id, title: "trad.html", evidenceType: "hospital-web-page" });
      expect(hit.snippet).toContain("[肝臟移植團隊]");
      await expect(searchArchiveWith(a, "")).rejects.toMatchObject({ code: "EV_SEARCH_EMPTY_QUERY" });
      // a redacted text: the clear original leaves the index, the redacted text enters it
      const w = await add("w.txt", "证人张三说血液检测在二〇〇五年。", "testimony", "zh", "2020-01-01T00:00:00Z", []);
      expect(await q("张三")).toEqual([w.id]);
      await a.redact(w.derived[0]!.id, { terms: ["张三"], actor: "tester" });
      expect(await q("张三")).toEqual([]);
      expect(await q("血液检测")).toEqual([w.id]);
      expect(await indexedTextCount(a)).toBe(5);
      // a rebuild gives the same answers
      expect(await reindexArchiveWith(a)).toEqual({ texts: 5 });
      expect(await q("zhengzhou")).toEqual([zz.id]);
      expect(await q("肝脏移植")).toEqual([simp.id, trad.id].sort());
      expect(await q("张三")).toEqual([]);
    } finally {
      await a.close();
    }
    // reopened (a server restart): the index is in the database
    const b = await openArchive(dir, db ? { db } : {});
    try {
      expect((await searchArchiveWith(b, "等待時間")).results.length).toBe(2);
    } finally {
      await b.close();
    }
  });
});
