import { describe, it, expect } from "vitest";
import { makeSnippet, matchRanges, crudeStem } from "./snippet.js";
import { fold } from "./normalize.js";
import { parseQuery } from "./query.js";

describe("snippets", () => {
  it("highlights a simplified query inside traditional text, showing the original characters", () => {
    const original = "本院器官移植發展歷程：一九九九年開始進行活體肝臟移植，至今累計完成四百餘例。";
    const s = makeSnippet(original, fold(original), parseQuery("肝脏移植").terms, { context: 5 });
    expect(s.text).toBe("…始進行活體[肝臟移植]，至今累計完成四百餘例。"); // 5 characters of context
    expect(s.ranges).toEqual([[6, 10]]); // "…" + 5 characters, then 4 highlighted
  });
  it("highlights every term and stemmed English words", () => {
    const original = "The centre reported 1,024 liver transplants; transplantation of livers 肝移植.";
    const s = makeSnippet(original, fold(original), parseQuery("transplant liver 移植").terms, { open: "<b>", close: "</b>" });
    expect(s.text).toBe(
      "The centre reported 1,024 <b>liver</b> <b>transplants</b>; <b>transplantation</b> of <b>livers</b> 肝<b>移植</b>.",
    );
  });
  it("returns the start of the text when nothing matches", () => {
    const s = makeSnippet("abc def", "abc def", parseQuery("zzz").terms);
    expect(s).toEqual({ text: "abc def", ranges: [] });
  });
  it("merges overlapping ranges", () => {
    expect(matchRanges("器官移植器官", parseQuery("器官移 官移植").terms)).toEqual([[0, 4]]);
    expect(crudeStem("transplantation")).toBe("transplant");
    expect(crudeStem("uses")).toBe("uses");
  });
});
