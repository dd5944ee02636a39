import { describe, it, expect } from "vitest";
import { canonicalJson } from "../core/canonical.js";
import { cachedFit, clearFitCache } from "./fit-cache.js";
import { fitModel } from "./fit.js";

describe("cachedFit", () => {
  const x = [2010, 2011, 2012, 2013, 2014, 2015, 2016, 2017];
  const y = [583, 604, 630, 568, 555, 592, 515, 593]; // Argentina, GODT (a slow quadratic1 fit)
  it("returns exactly what fitModel returns, and the same object on a repeated call", () => {
    clearFitCache();
    const a = cachedFit(x, y, { kind: "quadratic1" });
    expect(canonicalJson(a)).toBe(canonicalJson(fitModel(x, y, { kind: "quadratic1" })));
    expect(cachedFit(x, y, { kind: "quadratic1" })).toBe(a);
  });
  it("keys on spec, cumulative, x and y", () => {
    const a = cachedFit(x, y, { kind: "poly", degree: 2 });
    expect(cachedFit(x, y, { kind: "poly", degree: 1 })).not.toBe(a);
    expect(cachedFit(x, y, { kind: "poly", degree: 2 }, { cumulative: true })).not.toBe(a);
    expect(cachedFit(x, y.map((v) => v + 1), { kind: "poly", degree: 2 })).not.toBe(a);
    expect(cachedFit(x, y, { kind: "quadratic1", x0: 2009 })).not.toBe(cachedFit(x, y, { kind: "quadratic1", x0: 2008 }));
  });
});
