import { describe, it, expect } from "vitest";
import { Jieba } from "@node-rs/jieba";
import { dict } from "@node-rs/jieba/dict.js";
import { charsForIndex, decodePercent, ftsValues, segmentForIndex, wordsForIndex } from "./segment.js";

describe("segmentation for the word index", () => {
  it("cuts Han runs into jieba words and keeps Latin text", () => {
    // jieba 2.0.3 default dictionary, precise mode: 中国 / 器官移植 / 发展 / 基金会
    expect(segmentForIndex("中国器官移植发展基金会 liver").split(/\s+/).filter(Boolean)).toEqual(["中国", "器官移植", "发展", "基金会", "liver"]);
  });
  it("cuts several Han runs in one call with the same words as one call per run", () => {
    // per-run reference: jieba 2.0.3 default dictionary, precise mode, each run cut on its own
    const j = Jieba.withDict(dict);
    const text = "中国器官移植发展基金会, 2007年 人民医院; liver 等待时间";
    const perRun = text.replace(/\p{Script=Han}+/gu, (run) => ` ${j.cut(run, true).join(" ")} `);
    expect(segmentForIndex(text)).toBe(perRun);
    expect(segmentForIndex("no han here")).toBe("no han here");
  });
  it("emits the Han bigrams of each run plus its last character marked with 0", () => {
    expect(charsForIndex("人民医院，移植 abc 器")).toBe("人民 民医 医院 院0 移植 植0 器0");
    expect(charsForIndex("no han here")).toBe("");
  });
  it("keeps each Han run as one token of the words column, so a Latin phrase does not span Chinese text", () => {
    expect(wordsForIndex("liver肝transplant 2007年")).toBe("liver 肝 transplant 2007 年 ");
    expect(ftsValues("liver 肝 transplant", "郑州.html")).toEqual({ words: "liver  肝  transplant", chars: "肝0", pinyin: "zheng zhou zhengzhou" });
  });
  it("reads the Chinese of a percent-encoded URL title for the pinyin column", () => {
    expect(decodePercent("https://example.org/%E9%83%91%E5%B7%9E/index.html")).toBe("https://example.org/郑州/index.html");
    expect(decodePercent("bad %E9%83 escape")).toBe("bad %E9%83 escape");
    expect(ftsValues("text", "https://example.org/%E9%83%91%E5%B7%9E.html").pinyin).toBe("zheng zhou zhengzhou");
  });
});
