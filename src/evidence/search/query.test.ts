import { describe, it, expect } from "vitest";
import { charsPhrase, classify, ftsPlan, hanRunPhrase, termFts, likePattern, parseQuery, tokenizeQuery, trigramMatchExpression, wordMatchExpression } from "./query.js";

describe("query parsing", () => {
  it("splits on ASCII and ideographic spaces, keeps quoted phrases and negation", () => {
    expect(tokenizeQuery('器官移植　"liver transplant" -肾脏 -"kidney unit"')).toEqual([
      { text: "器官移植", negated: false, quoted: false },
      { text: "liver transplant", negated: false, quoted: true },
      { text: "肾脏", negated: true, quoted: false },
      { text: "kidney unit", negated: true, quoted: true },
    ]);
  });
  it("routes terms to the trigram, LIKE or word index", () => {
    expect(classify("器官移植")).toBe("trigram");
    expect(classify("器官")).toBe("like");
    expect(classify("肝")).toBe("like");
    expect(classify("transplants")).toBe("word");
    expect(classify("liver transplant")).toBe("word");
    expect(classify("h7n9")).toBe("word");
    expect(classify("1,024")).toBe("trigram");
    expect(classify("移植center")).toBe("trigram");
  });
  it("folds traditional queries and builds escaped FTS5 expressions", () => {
    const q = parseQuery('肝臟移植 "Liver transplants" 器官 -腎臟 say"hi');
    expect(q.terms.map((t) => [t.folded, t.kind, t.negated])).toEqual([
      ["肝脏移植", "trigram", false],
      ["liver transplants", "word", false],
      ["器官", "like", false],
      ["肾脏", "like", true],
      ["say", "word", false],
      ["hi", "word", false],
    ]);
    expect(trigramMatchExpression(q.terms)).toBe('"肝脏移植"');
    expect(wordMatchExpression(q.terms)).toBe('"liver transplants" AND "say" AND "hi"');
    expect(charsPhrase("肾脏")).toBe('"肾脏"');
    expect(charsPhrase("肾")).toBe('"肾"*');
    expect(charsPhrase("a型")).toBe(null);
    expect(trigramMatchExpression(parseQuery('a"b"c').terms)).toBe(null);
  });
  it("drops sentence punctuation around terms and empty terms", () => {
    expect(parseQuery("liver: (肝移植) * c++").terms.map((t) => [t.folded, t.kind])).toEqual([
      ["liver", "word"],
      ["肝移植", "trigram"],
      ["c++", "trigram"],
    ]);
  });
  it("escapes LIKE wildcards", () => {
    expect(likePattern("50%_a\\")).toBe("%50\\%\\_a\\\\%");
  });
  it("plans a whole query as one FTS5 expression on the single table (columns words, chars, pinyin)", () => {
    expect(hanRunPhrase("肝")).toBe('"肝"*');
    expect(hanRunPhrase("肝脏")).toBe('"肝脏"');
    expect(hanRunPhrase("器官移植")).toBe('"器官 官移 移植"');
    expect(ftsPlan(parseQuery("等待時間 liver -肾脏").terms)).toEqual({
      match: '((chars : "等待 待时 时间") AND ({words pinyin} : "liver")) NOT ((chars : "肾脏"))',
      like: [],
      exclude: null,
    });
    // mixed scripts: whole tokens inside the term pre-filter, LIKE decides; edge pieces and 1-character Han pieces are left to LIKE
    expect(termFts(parseQuery("卫医发〔2012〕772255号").terms[0]!)).toEqual({
      expr: 'chars : "卫医 医发" AND words : "2012" AND words : "772255"',
      exact: false,
    });
    expect(termFts(parseQuery("a型").terms[0]!)).toEqual({ expr: 'chars : "型"*', exact: false });
    expect(ftsPlan(parseQuery("1,024 -c++").terms)).toEqual({
      match: null,
      like: [
        { pattern: "%1,024%", negated: false },
        { pattern: "%c++%", negated: true },
      ],
      exclude: null,
    });
    // only exclusions that FTS5 can decide, and no positive FTS5 term: NOT IN
    expect(ftsPlan(parseQuery("1,024 -liver").terms).exclude).toBe('({words pinyin} : "liver")');
  });
});
