import { describe, expect, it } from "vitest";
import { canonicalJson } from "../core/canonical.js";
import { runAccounting } from "./accounting.js";
import { validateScenario } from "./scenario.js";
import {
  compareResults,
  runSensitivity,
  sensitivityFinding,
  sobolIndices,
  spearmanSensitivity,
  tornado,
} from "./sensitivity.js";

type Spec = Record<string, unknown>;
const a = (d: Spec): Spec => ({ ...d, source: "assumption", rationale: "test value" });
function yearOf(y: number, over: Spec = {}): Spec {
  return {
    year: y,
    transplants: a({ fixed: 10000 }),
    executions: a({ fixed: 10000 }),
    shareUsed: a({ fixed: 0.3 }),
    organsPerExecuted: a({ fixed: 2 }),
    voluntaryDonors: a({ fixed: 100 }),
    organsPerDonor: a({ fixed: 2.5 }),
    livingDonorTransplants: a({ fixed: 500 }),
    ...over,
  };
}

// Additive model: Y = T − 6,250 − L with T ~ U(10000, 20000), L ~ U(0, 5000):
// Var T = 1e8/12, Var L = 2.5e7/12, so S_T = S_T,total = 0.8 and S_L = S_L,total = 0.2 exactly.
const additive = validateScenario({
  name: "additive",
  years: [
    yearOf(2000, { transplants: a({ uniform: [10000, 20000] }), livingDonorTransplants: a({ uniform: [0, 5000] }) }),
  ],
});

// Product model: Y = 10,000 − 250 − 500 − 2·E·S with E ~ U(5000, 15000), S ~ U(0.2, 0.6).
// Var(ES) = E[E²]E[S²] − (E[E]E[S])² = (1e8 + 1e8/12)(0.16 + 0.16/12) − 4000² = 2,777,777.78;
// V_E = Var(E)·E[S]² = (1e8/12)·0.16, V_S = Var(S)·E[E]² = (0.16/12)·1e8, each 1,333,333.33,
// so S_E = S_S = 0.48 and the totals are 1 − 0.48 = 0.52 (interaction 0.04).
const product = validateScenario({
  name: "product",
  years: [yearOf(2000, { executions: a({ uniform: [5000, 15000] }), shareUsed: a({ uniform: [0.2, 0.6] }) })],
});

describe("Sobol indices (Saltelli 2010 first order, Jansen total) against closed forms", () => {
  it("additive model: S = ST = variance shares 0.8 / 0.2, within 4 Monte Carlo SE", () => {
    const r = sobolIndices(additive, { draws: 20_000, seed: 1 });
    const exact: Record<string, number> = { transplants: 0.8, livingDonorTransplants: 0.2 };
    expect(r.entries.map((e) => e.factor)).toEqual(["transplants", "livingDonorTransplants"]);
    for (const e of r.entries) {
      expect(Math.abs(e.first! - exact[e.factor]!)).toBeLessThan(4 * e.firstSE!);
      expect(Math.abs(e.total! - exact[e.factor]!)).toBeLessThan(4 * e.totalSE!);
    }
  });
  it("product model: first order 0.48 each, total 0.52 each", () => {
    const r = sobolIndices(product, { draws: 20_000, seed: 2 });
    for (const e of r.entries) {
      expect(Math.abs(e.first! - 0.48)).toBeLessThan(4 * e.firstSE!);
      expect(Math.abs(e.total! - 0.52)).toBeLessThan(4 * e.totalSE!);
    }
    expect(r.sumFirst!).toBeLessThan(1);
  });
  it("is reproducible from the seed", () => {
    expect(canonicalJson(sobolIndices(product, { draws: 2000, seed: 3 }))).toBe(
      canonicalJson(sobolIndices(product, { draws: 2000, seed: 3 })),
    );
  });
});

describe("tornado and Spearman", () => {
  it("tornado values are exact evaluations at the 5% and 95% quantiles", () => {
    const t = tornado(additive);
    // medians: T 15,000, L 2,500 → 15,000 − 6,250 − 2,500 = 6,250
    expect(t.baseline).toBe(6250);
    expect(t.bars).toEqual([
      { factor: "transplants", low: 10500 - 6250 - 2500, high: 19500 - 6250 - 2500, swing: 9000 },
      { factor: "livingDonorTransplants", low: 15000 - 6250 - 250, high: 15000 - 6250 - 4750, swing: 4500 },
    ]);
  });
  it("Spearman: transplants push the residual up, living donors down", () => {
    const r = spearmanSensitivity(additive, { draws: 20_000, seed: 4 });
    const rho = Object.fromEntries(r.map((e) => [e.factor, e.rho!]));
    // for independent uniforms with variance shares 0.8/0.2 the rank correlations are close to
    // the linear ones, sqrt(0.8) = 0.894 and −sqrt(0.2) = −0.447
    expect(rho.transplants!).toBeGreaterThan(0.85);
    expect(rho.livingDonorTransplants!).toBeLessThan(-0.4);
    expect(rho.livingDonorTransplants!).toBeGreaterThan(-0.5);
  });
  it("a scenario without uncertainty has nothing to rank: insufficient-data finding", () => {
    const fixedOnly = validateScenario({ name: "fixed", years: [yearOf(2000)] });
    const r = runSensitivity(fixedOnly, { draws: 100, seed: 1 });
    expect(r.tornado.bars).toEqual([]);
    const f = sensitivityFinding(fixedOnly, r, { name: "f", sha256: "0".repeat(64) }, { draws: 100, seed: 1 });
    expect(f.verdict).toBe("insufficient-data");
    expect(() => canonicalJson(f)).not.toThrow();
  });
});

describe("scenario comparison", () => {
  it("compares per-year means over the common years", () => {
    const s1 = validateScenario({ name: "one", years: [yearOf(2000), yearOf(2001)] });
    const s2 = validateScenario({
      name: "two",
      years: [yearOf(2001, { transplants: a({ fixed: 12000 }) }), yearOf(2002)],
    });
    const c = compareResults(
      runAccounting(s1, { draws: 10, seed: 1 }).result,
      runAccounting(s2, { draws: 10, seed: 1 }).result,
    );
    expect(c.commonYears).toEqual([2001]);
    expect(c.years[0]).toEqual({ year: 2001, meanA: 3250, meanB: 5250, difference: 2000, pCoveredA: 0, pCoveredB: 0 });
    expect(c.totalCommon).toEqual({ meanA: 3250, meanB: 5250, difference: 2000 });
  });
});
