import { describe, expect, it } from "vitest";
import { splitRanges } from "../../web/src/text.js";

describe("splitRanges (web app highlighting)", () => {
  it("marks the given ranges and keeps the text exactly", () => {
    const t = "中國器官移植發展基金會";
    const parts = splitRanges(t, [[2, 6]]);
    expect(parts).toEqual([
      { text: "中國", mark: false },
      { text: "器官移植", mark: true },
      { text: "發展基金會", mark: false },
    ]);
    expect(parts.map((p) => p.text).join("")).toBe(t);
  });

  it("merges overlapping and touching ranges, sorts them, drops empty and inverted ones", () => {
    expect(
      splitRanges("abcdefgh", [
        [5, 7],
        [0, 2],
        [1, 3],
        [3, 4],
        [6, 6],
        [7, 5],
      ]),
    ).toEqual([
      { text: "abcd", mark: true },
      { text: "e", mark: false },
      { text: "fg", mark: true },
      { text: "h", mark: false },
    ]);
  });

  it("clips ranges outside the text and ignores non-numbers", () => {
    expect(
      splitRanges("abc", [
        [-5, 1],
        [2, 99],
        [Number.NaN, 2],
      ]),
    ).toEqual([
      { text: "a", mark: true },
      { text: "b", mark: false },
      { text: "c", mark: true },
    ]);
  });

  it("UTF-16 offsets: a character outside the BMP counts two", () => {
    const t = "𠀀器官";
    expect(splitRanges(t, [[2, 4]])).toEqual([
      { text: "𠀀", mark: false },
      { text: "器官", mark: true },
    ]);
  });

  it("empty text or no ranges: one plain part; markup stays text", () => {
    expect(splitRanges("", [[0, 3]])).toEqual([{ text: "", mark: false }]);
    expect(splitRanges("<script>x</script>", [])).toEqual([{ text: "<script>x</script>", mark: false }]);
  });
});
