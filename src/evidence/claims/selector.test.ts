import { describe, expect, it } from "vitest";
import { makeFinding, type Finding } from "../../core/finding.js";
import { matchesSelector, resolveSelector, selectorLabel } from "./selector.js";

function finding(method: string, title: string, parameters: Record<string, unknown>, input = "data/x.csv"): Finding {
  return makeFinding({ method, methodVersion: "1", title, verdict: "pass", statement: "s", result: {}, inputs: [{ name: input, sha256: "0".repeat(64) }], parameters });
}

const fits = [
  finding("forensics.fit", "poly2 fit", { model: "poly2", from: 2010, to: 2018 }),
  finding("forensics.fit", "quadratic1 fit", { model: "quadratic1-x0", from: 2010, to: 2018 }),
  finding("forensics.fit", "quadratic1 fit", { model: "quadratic1-x0", from: 2010, to: 2017 }),
  finding("forensics.aggregation.counter", "National counter: cumulative registered volunteers", { alpha: 0.05 }, "data/china_cumulative_counters.csv#measure=cumulative_registered_volunteers"),
];

describe("resolveSelector", () => {
  it("resolves a selector that picks exactly one finding by method and parameter subset", () => {
    const r = resolveSelector(fits, { method: "forensics.fit", parameters: { model: "quadratic1-x0", to: 2017 } });
    expect(r.status).toBe("resolved");
    expect(r.status === "resolved" && r.finding.id).toBe(fits[2]!.id);
  });
  it("reports several matches as ambiguous with the candidate ids", () => {
    const r = resolveSelector(fits, { method: "forensics.fit", parameters: { model: "quadratic1-x0" } });
    expect(r).toEqual({ status: "ambiguous", candidates: [fits[1]!.id, fits[2]!.id] });
  });
  it("reports no match as unresolved: wrong method, missing parameter, different value type", () => {
    expect(resolveSelector(fits, { method: "model.accounting" }).status).toBe("unresolved");
    expect(resolveSelector(fits, { method: "forensics.fit", parameters: { seed: 1 } }).status).toBe("unresolved");
    expect(resolveSelector(fits, { method: "forensics.fit", parameters: { model: "poly2", to: "2018" } }).status).toBe("unresolved");
  });
  it("matches title and input substrings", () => {
    expect(matchesSelector(fits[3]!, { method: "forensics.aggregation.counter", titleIncludes: "registered volunteers" })).toBe(true);
    expect(matchesSelector(fits[3]!, { method: "forensics.aggregation.counter", titleIncludes: "deceased donors" })).toBe(false);
    expect(matchesSelector(fits[3]!, { method: "forensics.aggregation.counter", inputIncludes: "cumulative_registered" })).toBe(true);
    expect(matchesSelector(fits[3]!, { method: "forensics.aggregation.counter", inputIncludes: "china_deceased" })).toBe(false);
  });
  it("labels selectors with sorted parameters", () => {
    expect(selectorLabel({ method: "forensics.fit", parameters: { to: 2017, model: "quadratic1-x0" } })).toBe("forensics.fit{model=quadratic1-x0,to=2017}");
    expect(selectorLabel({ method: "m", titleIncludes: "x" })).toBe('m{title~"x"}');
    expect(selectorLabel({ method: "m" })).toBe("m");
  });
});
