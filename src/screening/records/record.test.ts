import { describe, expect, it } from "vitest";
import { detectLanguage, normaliseDoi, parseYear } from "./record.js";


describe("record helpers", () => {
  it("detects zh/en/und and normalises DOIs and years", () => {
    expect(detectLanguage("脑死亡供体心脏移植 (heart transplantation)")).toBe("zh");
    expect(detectLanguage("Organ procurement in China")).toBe("en");
    expect(detectLanguage("2019 — 12")).toBe("und");
    expect(normaliseDoi("https://doi.org/10.1037/A0018601.")).toBe("10.1037/a0018601");
    expect(normaliseDoi("doi:10.1016/S0140-6736(16)31000-0")).toBe("10.1016/s0140-6736(16)31000-0");
    expect(normaliseDoi("not a doi")).toBeNull();
    expect(parseYear("2019 Mar")).toBe(2019);
    expect(parseYear("2003-04-01")).toBe(2003);
    expect(parseYear("vol 12345")).toBeNull();
  });
});

