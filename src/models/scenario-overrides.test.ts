import { describe, expect, it } from "vitest";
import { canonicalJson } from "../core/canonical.js";
import { OrganAuditError } from "../core/errors.js";
import { accountingFinding, evaluateAtQuantiles, runAccounting } from "./accounting.js";
import { distQuantile } from "./distributions.js";
import {
  accountingFindingWithOverrides,
  applyOverrides,
  overrideLabel,
  parseJsonPath,
  scenarioSliders,
  scenarioWithOverrides,
} from "./scenario-overrides.js";
import { validateScenario } from "./scenario.js";

const src = { source: "S1" };
/** A small scenario with every distribution kind, two years, one of them by organ. */
function raw(): Record<string, unknown> {
  return {
    name: "t",
    years: [
      {
        year: 2000,
        transplants: { uniform: [9000, 11000], ...src },
        executions: { triangular: [1000, 2000, 4000], ...src },
        shareUsed: { uniform: [0.2, 0.5], ...src, shared: "share" },
        organsPerExecuted: { pert: [2, 2.8, 3.5], ...src },
        voluntaryDonors: { fixed: 100, ...src },
        organsPerDonor: { normal: [2.5, 0.2], ...src },
        livingDonorTransplants: { lognormal: [6, 0.1], ...src },
      },
      {
        year: 2001,
        transplantsByOrgan: { kidney: { fixed: 6000, ...src }, liver: { fixed: 3000, ...src } },
        executions: { fixed: 1500, ...src },
        shareUsed: { fixed: 0.5, ...src },
        organsPerExecuted: { fixed: 3, ...src },
        voluntaryDonors: { fixed: 0, ...src },
        organsPerDonor: { fixed: 2.5, ...src },
        livingDonorTransplants: { fixed: 500, ...src },
      },
    ],
  };
}

function codeOf(f: () => unknown): { code: string; path: string | undefined; message: string } {
  try {
    f();
  } catch (e) {
    if (e instanceof OrganAuditError) return { code: e.code, path: e.location?.path, message: e.message };
    throw e;
  }
  throw new Error("expected an OrganAuditError");
}

describe("parseJsonPath", () => {
  it("reads dotted names, indices and quoted names, with or without $", () => {
    expect(parseJsonPath("$.years[3].executions.triangular[1]")).toEqual(["years", 3, "executions", "triangular", 1]);
    expect(parseJsonPath("years[0].transplantsByOrgan[\"small bowel\"].fixed")).toEqual(["years", 0, "transplantsByOrgan", "small bowel", "fixed"]);
  });
  it.each(["$", "", "$.years[x]", "$..a", "$.years[0", "years 0"])("refuses %j with M_ACC_OVERRIDE_PATH", (p) => {
    const e = codeOf(() => parseJsonPath(p));
    expect(e.code).toBe("M_ACC_OVERRIDE_PATH");
    expect(e.path).toBe(p);
  });
});

describe("applyOverrides", () => {
  it("replaces the number at a JSON path and leaves the input unchanged", () => {
    const r = raw();
    const before = canonicalJson(r);
    const out = applyOverrides(r, [{ path: "$.years[0].executions.triangular[2]", value: 5000 }]) as ReturnType<typeof raw>;
    expect(canonicalJson(r)).toBe(before);
    expect(((out.years as Record<string, Record<string, unknown>>[])[0]!.executions as { triangular: number[] }).triangular).toEqual([1000, 2000, 5000]);
  });

  it("names the path when it leads nowhere or to a non-number", () => {
    for (const [p, detail] of [
      ["$.years[5].executions.fixed", "no value at $.years[5]"],
      ["$.years[0].executions.fixed", "no value at $.years[0].executions.fixed"],
      ["$.years[0].executions", "holds object"],
      ["$.years[0].executions.source", "holds string"],
      ["$.years[0].__proto__.x", "no value at $.years[0].__proto__"],
    ] as const) {
      const e = codeOf(() => applyOverrides(raw(), [{ path: p, value: 1 }]));
      expect(e.code).toBe("M_ACC_OVERRIDE_PATH");
      expect(e.path).toBe(p);
      expect(e.message).toContain(detail);
    }
  });

  it("refuses unknown variables and out-of-range scale factors", () => {
    expect(codeOf(() => applyOverrides(raw(), [{ path: "scale.prisoners", value: 2 }]))).toMatchObject({ code: "M_ACC_OVERRIDE_PATH", path: "scale.prisoners" });
    expect(codeOf(() => applyOverrides(raw(), [{ path: "scale.executions", value: -1 }]))).toMatchObject({ code: "M_ACC_OVERRIDE_VALUE", path: "scale.executions" });
    expect(codeOf(() => applyOverrides(raw(), [{ path: "scale.executions", value: 101 }]))).toMatchObject({ code: "M_ACC_OVERRIDE_VALUE" });
    expect(codeOf(() => applyOverrides(raw(), [{ path: "$.years[0].executions.triangular[0]", value: Number.NaN }]))).toMatchObject({ code: "M_ACC_OVERRIDE_VALUE" });
  });

  it("scale.<variable> multiplies the variable: every quantile of every year scales by the factor", () => {
    const base = validateScenario(raw());
    for (const variable of ["transplants", "executions", "shareUsed", "organsPerExecuted", "voluntaryDonors", "organsPerDonor", "livingDonorTransplants"] as const) {
      const k = variable === "shareUsed" ? 1.6 : 1.7;
      const scaled = validateScenario(applyOverrides(raw(), [{ path: `scale.${variable}`, value: k }]));
      base.years.forEach((y, yi) => {
        const a = variable === "transplants" ? y.transplants.map((t) => t.spec) : [y[variable]];
        const sy = scaled.years[yi]!;
        const b = variable === "transplants" ? sy.transplants.map((t) => t.spec) : [sy[variable]];
        a.forEach((spec, i) => {
          for (const p of [0.05, 0.5, 0.95]) expect(distQuantile(b[i]!.dist, p)).toBeCloseTo(k * distQuantile(spec.dist, p), 6);
        });
      });
    }
  });

  it("scale 0 turns a lognormal into a fixed 0 and is valid", () => {
    const s = validateScenario(applyOverrides(raw(), [{ path: "scale.livingDonorTransplants", value: 0 }]));
    expect(s.years[0]!.livingDonorTransplants.dist).toEqual({ kind: "fixed", value: 0 });
  });

  it("the identity moves exactly by the scaled term", () => {
    // executions ×2 in a fixed year: unexplained falls by E·S·O = 1500 × 0.5 × 3 = 2250
    const a = evaluateAtQuantiles(validateScenario(raw()), () => 0.5).years[1]!.unexplained;
    const b = evaluateAtQuantiles(validateScenario(applyOverrides(raw(), [{ path: "scale.executions", value: 2 }])), () => 0.5).years[1]!.unexplained;
    expect(a - b).toBeCloseTo(2250, 9);
  });

  it("applies overrides in order", () => {
    const out = applyOverrides(raw(), [
      { path: "$.years[1].executions.fixed", value: 100 },
      { path: "scale.executions", value: 3 },
    ]) as { years: { executions: { fixed?: number } }[] };
    expect(out.years[1]!.executions.fixed).toBe(300);
  });
});

describe("scenarioWithOverrides", () => {
  it("validation of the changed scenario names the JSON path of the value made invalid", () => {
    const e = codeOf(() => scenarioWithOverrides(raw(), [{ path: "scale.shareUsed", value: 3 }]));
    expect(e.code).toBe("M_ACC_DIST_PARAMS");
    expect(e.path).toBe("$.years[0].shareUsed.uniform");
    const e2 = codeOf(() => scenarioWithOverrides(raw(), [{ path: "$.years[0].executions.triangular[1]", value: 9000 }]));
    expect(e2).toMatchObject({ code: "M_ACC_DIST_PARAMS", path: "$.years[0].executions.triangular" });
    expect(e2.message).toContain("mode 9000 outside");
  });

  it("renames a changed scenario and keeps an unchanged one", () => {
    expect(scenarioWithOverrides(raw(), []).name).toBe("t");
    expect(scenarioWithOverrides(raw(), [{ path: "scale.executions", value: 1.5 }, { path: "years[1].executions.fixed", value: 10 }]).name).toBe(
      "t (modified: executions ×1.5; $.years[1].executions.fixed = 10)",
    );
    expect(overrideLabel({ path: "scale.shareUsed", value: 0.25 })).toBe("shareUsed ×0.25");
  });
});

describe("accountingFindingWithOverrides", () => {
  const input = { name: "t.json", sha256: "0".repeat(64) };
  it("without overrides is the library's finding, byte for byte", () => {
    const s = validateScenario(raw());
    const { result } = runAccounting(s, { draws: 2000, seed: 7 });
    expect(canonicalJson(accountingFindingWithOverrides(s, result, input, []))).toBe(canonicalJson(accountingFinding(s, result, input)));
  });
  it("records the overrides as parameters, adds a caveat and changes the id", () => {
    const overrides = [{ path: "scale.executions", value: 1.5 }];
    const s = scenarioWithOverrides(raw(), overrides);
    const { result } = runAccounting(s, { draws: 2000, seed: 7 });
    const plain = accountingFinding(s, result, input);
    const f = accountingFindingWithOverrides(s, result, input, overrides);
    expect(f.provenance.parameters.overrides).toEqual(overrides);
    expect(f.id).not.toBe(plain.id);
    expect(f.caveats.map((c) => c.code)).toContain("C_ACC_OVERRIDDEN");
    expect(f.statement).toBe(plain.statement);
    expect(f.statement).toContain('scenario "t (modified: executions ×1.5)"');
  });
});

describe("scenarioSliders", () => {
  it("one scale slider per non-zero variable, value 1 inside the range; shares capped at ≤ 1", () => {
    const sliders = scenarioSliders(validateScenario(raw()));
    expect(sliders.map((s) => s.name)).toEqual(["transplants", "executions", "shareUsed", "organsPerExecuted", "voluntaryDonors", "organsPerDonor", "livingDonorTransplants"]);
    for (const s of sliders) {
      expect(s.path).toBe(`scale.${s.name}`);
      expect(s.min).toBeLessThanOrEqual(1);
      expect(s.max).toBeGreaterThanOrEqual(1);
    }
    const share = sliders.find((s) => s.name === "shareUsed")!;
    // largest upper bound 0.5 → factor up to 2, and the result stays valid
    expect(share).toMatchObject({ min: 0, max: 2 });
    expect(() => scenarioWithOverrides(raw(), [{ path: share.path, value: share.max }])).not.toThrow();
    const tx = sliders.find((s) => s.name === "transplants")!;
    expect(tx.baseline).toMatchObject({ from: 2000, to: 2001, lowMedian: 9000, highMedian: 10000, uncertain: true });
    expect(sliders.find((s) => s.name === "executions")!.baseline).toMatchObject({ lowMedian: 1500 });
  });

  it("no slider for a variable that is 0 in every year; share max is limited by the largest share", () => {
    const r = raw() as { years: Record<string, unknown>[] };
    r.years[0]!.voluntaryDonors = { fixed: 0, ...src };
    r.years[0]!.shareUsed = { uniform: [0, 0.8], ...src };
    const sliders = scenarioSliders(validateScenario(r));
    expect(sliders.some((s) => s.name === "voluntaryDonors")).toBe(false);
    const share = sliders.find((s) => s.name === "shareUsed")!;
    expect(share.max).toBe(1.25);
    expect(() => scenarioWithOverrides(r, [{ path: share.path, value: share.max }])).not.toThrow();
  });
});
