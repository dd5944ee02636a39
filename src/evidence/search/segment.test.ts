import { describe, it, expect } from "vitest";
import { charsForIndex, segmentForIndex } from "./segment.js";

describe("segmentation for the word index", () => {
  it("cuts Han runs into jieba words and keeps Latin text", () => {
    // jieba 2.0.3 default dictionary, precise mode: 中国 / 器官移植 / 发展 / 基金会
    expect(segmentForIndex("中国器官移植发展基金会 liver").split(/\s+/).filter(Boolean)).toEqual(["中国", "器官移植", "发展", "基金会", "liver"]);
  });
  it("emits the Han bigrams of each run plus its last character marked with 0", () => {
    expect(charsForIndex("人民医院，移植 abc 器")).toBe("人民 民医 医院 院0 移植 植0 器0");
    expect(charsForIndex("no han here")).toBe("");
  });
});
