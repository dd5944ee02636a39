import { describe, expect, it } from "vitest";
import { canonicalJson } from "../core/canonical.js";
import { OrganAuditError } from "../core/errors.js";
import { accountingFinding, evaluateAtQuantiles, runAccounting, uncertainFactors } from "./accounting.js";
import type { Summary } from "./quantiles.js";
import { validateScenario, type Scenario } from "./scenario.js";

type Spec = Record<string, unknown>;
const fixed = (v: number): Spec => ({ fixed: v, source: "assumption", rationale: "test value" });
const dist = (d: Spec): Spec => ({ ...d, source: "assumption", rationale: "test value" });

/**
 * C10 worked example (METHODS.md §8 C10, Minghui 2010): 10,000 executions × 0.30 suitable × 2
 * organs = 6,000 organs a year from executions. Plus 100 voluntary donors × 2.5 organs and 500
 * living-donor transplants: explained = 6,750.
 */
function c10Year(y: number, over: Spec = {}): Spec {
  return {
    year: y,
    transplants: fixed(10000),
    executions: fixed(10000),
    shareUsed: fixed(0.3),
    organsPerExecuted: fixed(2),
    voluntaryDonors: fixed(100),
    organsPerDonor: fixed(2.5),
    livingDonorTransplants: fixed(500),
    ...over,
  };
}
const scenario = (years: Spec[], extra: Spec = {}): Scenario => validateScenario({ name: "t", years, ...extra });

/**
 * 4 relative standard errors of a sample standard deviation: SE(s)/σ ≈ sqrt((κ − 1)/(4n)), κ the
 * kurtosis; every variable checked with it here has κ ≤ 3 (uniforms, their sums and products,
 * normals), so sqrt(2/(4n)) bounds the SE.
 */
function sdTolerance(n: number): number {
  return 4 * Math.sqrt(2 / (4 * n));
}

function expectAllEqual(s: Summary, v: number): void {
  for (const k of ["mean", "p05", "p25", "p50", "p75", "p95"] as const) expect(s[k]).toBe(v);
  expect(s.sd).toBe(0);
}

describe("all-fixed inputs give the exact identity", () => {
  it("C10: 10,000 × 0.30 × 2 = 6,000 organs from executions; unexplained 3,250 a year", () => {
    const s = scenario([c10Year(2000), c10Year(2001)]);
    expect(evaluateAtQuantiles(s, () => 0.5).years[0]!.unexplained).toBe(10000 - 6000 - 250 - 500);
    const { result } = runAccounting(s, { draws: 1000, seed: 1 });
    expectAllEqual(result.years[0]!.unexplained, 3250);
    expectAllEqual(result.years[0]!.explained as Summary, 6750);
    expectAllEqual(result.total.unexplained, 6500);
    expect(result.years[0]!.pCovered).toBe(0);
    expect(result.years[0]!.shareExplained!.p50).toBe(0.675);
    expect(result.total.pCovered).toBe(0);
    expect(uncertainFactors(s)).toEqual([]);
  });
  it("covered exactly when explained ≥ transplants", () => {
    const s = scenario([c10Year(2000, { transplants: fixed(6750) })]);
    const { result } = runAccounting(s, { draws: 10, seed: 1 });
    expect(result.years[0]!.unexplained.p50).toBe(0);
    expect(result.years[0]!.pCovered).toBe(1);
  });
});

describe("uncertain inputs match closed forms within Monte Carlo error", () => {
  const n = 200_000;
  // unexplained = T − 6,750 (all other inputs fixed), so its distribution is T's, shifted.
  const c = 6750;

  it("uniform transplants U(10000, 20000): mean within 4 SE, quantiles within 4 asymptotic SE", () => {
    const s = scenario([c10Year(2000, { transplants: dist({ uniform: [10000, 20000] }) })]);
    const u = runAccounting(s, { draws: n, seed: 42 }).result.years[0]!;
    const sd = 10000 / Math.sqrt(12);
    expect(Math.abs(u.unexplained.mean - (15000 - c))).toBeLessThan((4 * sd) / Math.sqrt(n));
    const ps = { p05: 0.05, p25: 0.25, p50: 0.5, p75: 0.75, p95: 0.95 } as const;
    for (const [k, p] of Object.entries(ps)) {
      const exact = 10000 + 10000 * p - c;
      // asymptotic SE of a sample quantile: sqrt(p(1−p)/n)/f(q), f = 1/10000 on the support
      const se = Math.sqrt((p * (1 - p)) / n) * 10000;
      expect(Math.abs(u.unexplained[k as keyof typeof ps] - exact)).toBeLessThan(4 * se);
    }
    // P(covered) = P(T ≤ 6,750) = 0 here; shift the threshold with transplants U(5000, 15000):
    const s2 = scenario([c10Year(2000, { transplants: dist({ uniform: [5000, 15000] }) })]);
    const p = runAccounting(s2, { draws: n, seed: 42 }).result.years[0]!.pCovered;
    const exactP = (6750 - 5000) / 10000; // 0.175
    expect(Math.abs(p - exactP)).toBeLessThan(4 * Math.sqrt((exactP * (1 - exactP)) / n));
  });

  it("normal transplants N(8750, 2000): quantiles and P(covered) against scipy", () => {
    // U ~ N(2000, 2000). scipy: stats.norm(2000, 2000).ppf([.05,.25,.5,.75,.95]) and .pdf at those points; .cdf(0)
    const q = [-1289.707253902946, 651.0204996078367, 2000.0, 3348.9795003921636, 5289.707253902945];
    const dens = [
      5.156782018768564e-5, 1.588882863420535e-4, 1.9947114020071635e-4, 1.588882863420535e-4, 5.1567820187685675e-5,
    ];
    const s = scenario([c10Year(2000, { transplants: dist({ normal: [8750, 2000] }) })]);
    const u = runAccounting(s, { draws: n, seed: 7 }).result.years[0]!;
    expect(Math.abs(u.unexplained.mean - 2000)).toBeLessThan((4 * 2000) / Math.sqrt(n));
    (["p05", "p25", "p50", "p75", "p95"] as const).forEach((k, i) => {
      const p = [0.05, 0.25, 0.5, 0.75, 0.95][i]!;
      const se = Math.sqrt((p * (1 - p)) / n) / dens[i]!;
      expect(Math.abs(u.unexplained[k] - q[i]!)).toBeLessThan(4 * se);
    });
    const pc = 0.15865525393145707;
    expect(Math.abs(u.pCovered - pc)).toBeLessThan(4 * Math.sqrt((pc * (1 - pc)) / n));
  });

  it("a product of independent uniforms: mean of E·S·O is the product of means", () => {
    // E ~ U(5000, 15000), S ~ U(0.2, 0.6), O = 2: E[E·S·O] = 10000 · 0.4 · 2 = 8000;
    // Var(E·S) = E[E²]E[S²] − (E[E]E[S])², E[E²] = 1e8 + 1e8/12, E[S²] = 0.16 + 0.16/12
    const s = scenario([
      c10Year(2000, { executions: dist({ uniform: [5000, 15000] }), shareUsed: dist({ uniform: [0.2, 0.6] }) }),
    ]);
    const x = runAccounting(s, { draws: n, seed: 9 }).result.years[0]!.explained as Summary;
    const varES = (1e8 + 1e8 / 12) * (0.16 + 0.16 / 12) - (10000 * 0.4) ** 2;
    const sd = 2 * Math.sqrt(varES);
    expect(Math.abs(x.mean - (8000 + 250 + 500))).toBeLessThan((4 * sd) / Math.sqrt(n));
    expect(Math.abs(x.sd - sd) / sd).toBeLessThan(sdTolerance(n));
  });
});

describe("sharing a draw and correlating years", () => {
  const n = 100_000;
  const sdU = 10000 / Math.sqrt(12);
  const years = (extra: Spec): Spec[] =>
    [2000, 2001].map((y) => c10Year(y, { transplants: dist({ uniform: [10000, 20000], ...extra }) }));

  it("independent years: sd of the 2-year total is sqrt(2)·sd; shared: 2·sd (comonotonic)", () => {
    const ind = runAccounting(scenario(years({})), { draws: n, seed: 3 }).result.total.unexplained;
    const sh = runAccounting(scenario(years({ shared: "volume" })), { draws: n, seed: 3 }).result.total.unexplained;
    expect(Math.abs(ind.sd / (Math.SQRT2 * sdU) - 1)).toBeLessThan(sdTolerance(n));
    expect(Math.abs(sh.sd / (2 * sdU) - 1)).toBeLessThan(sdTolerance(n));
    // comonotonic: the total's quantiles are twice the one-year quantiles (up to sampling noise)
    expect(Math.abs(sh.p05 - 2 * (10000 + 500 - 6750))).toBeLessThan(4 * 2 * Math.sqrt((0.05 * 0.95) / n) * 10000);
  });

  it("Gaussian-copula AR(1): sd of a 2-year sum of normals is sd·sqrt(2 + 2·rho)", () => {
    const rho = 0.8;
    const ys = [2000, 2001].map((y) =>
      c10Year(y, { executions: dist({ normal: [5000, 500] }), shareUsed: fixed(1), organsPerExecuted: fixed(1) }),
    );
    const total = runAccounting(scenario(ys, { yearCorrelation: { executions: rho } }), { draws: n, seed: 5 }).result
      .total.unexplained;
    const expected = 500 * Math.sqrt(2 + 2 * rho);
    // SE of a sample sd of a normal variable: sd/sqrt(2n)
    expect(Math.abs(total.sd - expected)).toBeLessThan((4 * expected) / Math.sqrt(2 * n));
    const indep = runAccounting(scenario(ys), { draws: n, seed: 5 }).result.total.unexplained;
    expect(Math.abs(indep.sd - 500 * Math.SQRT2)).toBeLessThan((4 * 500 * Math.SQRT2) / Math.sqrt(2 * n));
  });
});

describe("Gaussian copula with non-normal marginals", () => {
  it("uniform marginals: Pearson = Spearman = (6/π)·arcsin(rho/2), so sd of the 2-year sum is σ·sqrt(2(1 + that))", () => {
    // python3: rs = 6/pi*asin(0.8/2) = 0.7859, sd = 10000/sqrt(12)*sqrt(2*(1+rs)) = 5455.8
    const rho = 0.8;
    const rs = (6 / Math.PI) * Math.asin(rho / 2);
    const ys = [2000, 2001].map((y) => c10Year(y, { transplants: dist({ uniform: [10000, 20000] }) }));
    const n = 100_000;
    const total = runAccounting(scenario(ys, { yearCorrelation: { transplants: rho } }), { draws: n, seed: 8 }).result
      .total.unexplained;
    const expected = (10000 / Math.sqrt(12)) * Math.sqrt(2 * (1 + rs));
    expect(Math.abs(total.sd / expected - 1)).toBeLessThan(sdTolerance(n));
    expect(Math.abs(total.mean - 2 * (15000 - 6750))).toBeLessThan((4 * expected) / Math.sqrt(n));
  });
});

describe("reproducibility and output", () => {
  const s = scenario(
    [
      c10Year(2000, {
        transplantsByOrgan: {
          kidney: dist({ triangular: [5000, 6000, 9000] }),
          liver: dist({ pert: [1000, 2000, 4000] }),
        },
        transplants: undefined,
      }),
      c10Year(2001, { executions: dist({ lognormal: [9, 0.3] }), voluntaryDonors: dist({ normal: [50, 40] }) }),
    ].map((y) => Object.fromEntries(Object.entries(y).filter(([, v]) => v !== undefined))),
  );

  it("same scenario and seed give byte-identical output; another seed does not", () => {
    const a = canonicalJson(runAccounting(s, { draws: 5000, seed: 11 }).result);
    const b = canonicalJson(runAccounting(s, { draws: 5000, seed: 11 }).result);
    const c = canonicalJson(runAccounting(s, { draws: 5000, seed: 12 }).result);
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it("streams are tied to the input, not to evaluation order: adding a year leaves earlier years unchanged", () => {
    const one = runAccounting(scenario([c10Year(2000, { transplants: dist({ uniform: [1, 2] }) })]), {
      draws: 1000,
      seed: 2,
    }).result;
    const two = runAccounting(scenario([c10Year(2000, { transplants: dist({ uniform: [1, 2] }) }), c10Year(2001)]), {
      draws: 1000,
      seed: 2,
    }).result;
    expect(canonicalJson(one.years[0])).toBe(canonicalJson(two.years[0]));
  });

  it("reports transplants by organ and a finding with the seed, verdict estimate, no NaN", () => {
    const { result } = runAccounting(s, { draws: 2000, seed: 11 });
    expect(Object.keys(result.years[0]!.byOrgan!)).toEqual(["kidney", "liver"]);
    expect(result.years[1]!.byOrgan).toBeUndefined();
    const f = accountingFinding(s, result, { name: "t.json", sha256: "0".repeat(64) });
    expect(f.verdict).toBe("estimate");
    expect(f.provenance.seed).toBe(11);
    expect(f.provenance.parameters.draws).toBe(2000);
    expect(f.caveats.map((c) => c.code)).toEqual(["C_ACC_IDENTITY", "C_ACC_ASSUMPTIONS", "C_ACC_INDEPENDENCE"]);
    expect(() => canonicalJson(f)).not.toThrow();
    expect(f.statement).toMatch(/unexplained/);
  });

  it("rejects a bad number of draws", () => {
    expect(() => runAccounting(s, { draws: 1, seed: 1 })).toThrow(OrganAuditError);
    expect(() => runAccounting(s, { draws: 2.5, seed: 1 })).toThrow(/draws must be an integer/);
  });

  it("zero transplants in every draw: share explained is null with a caveat", () => {
    const z = scenario([c10Year(2000, { transplants: fixed(0) })]);
    const { result } = runAccounting(z, { draws: 10, seed: 1 });
    expect(result.years[0]!.shareExplained).toBeNull();
    const f = accountingFinding(z, result, { name: "z", sha256: "0".repeat(64) });
    expect(f.caveats.map((c) => c.code)).toContain("C_ACC_NO_SHARE");
    expect(f.statement).toContain("can account for");
  });
});

describe("bulk-stream engine: determinism and internal consistency", () => {
  // every driver at once: a year-correlated triangular chain, a shared uniform, a truncated normal
  // (rejection), a lognormal, a PERT (gamma ratio), organs; 20,001 draws cross block boundaries
  const ys = [2000, 2001, 2002].map((y, k) =>
    c10Year(y, {
      transplantsByOrgan: {
        kidney: dist({ triangular: [5000, 6000 + 100 * k, 9000] }),
        liver: dist({ pert: [1000, 2000, 4000] }),
      },
      transplants: undefined,
      executions: dist({ triangular: [1500, 4000, 12000] }),
      shareUsed: dist({ uniform: [0.2, 1], shared: "share" }),
      voluntaryDonors: dist({ normal: [100, 50] }),
      livingDonorTransplants: dist({ lognormal: [7, 0.35] }),
    }),
  );
  const s = scenario(
    ys.map((y) => Object.fromEntries(Object.entries(y).filter(([, v]) => v !== undefined))),
    { yearCorrelation: { executions: 0.8 } },
  );

  it("same scenario and seed: byte-identical result across runs, in both detail modes", () => {
    for (const detail of ["full", "core"] as const) {
      const a = canonicalJson(runAccounting(s, { draws: 20_001, seed: 4, detail }).result);
      const b = canonicalJson(runAccounting(s, { draws: 20_001, seed: 4, detail }).result);
      expect(a).toBe(b);
      expect(canonicalJson(runAccounting(s, { draws: 20_001, seed: 5, detail }).result)).not.toBe(a);
    }
  });

  it("totals are the sums of the years (cumulative explained = cumulative transplants − unexplained)", () => {
    const r = runAccounting(s, { draws: 20_001, seed: 4 }).result;
    const sum = (f: (y: (typeof r.years)[number]) => number): number => r.years.reduce((acc, y) => acc + f(y), 0);
    const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);
    expect(
      rel(
        r.total.unexplained.mean,
        sum((y) => y.unexplained.mean),
      ),
    ).toBeLessThan(1e-12);
    expect(
      rel(
        r.total.transplants.mean,
        sum((y) => y.transplants.mean),
      ),
    ).toBeLessThan(1e-12);
    expect(
      rel(
        r.total.explained.mean,
        sum((y) => y.explained.mean),
      ),
    ).toBeLessThan(1e-12);
    // core detail: the same unexplained and share summaries, means only for transplants and explained
    const c = runAccounting(s, { draws: 20_001, seed: 4, detail: "core" }).result;
    expect(canonicalJson(c.total.unexplained)).toBe(canonicalJson(r.total.unexplained));
    expect(canonicalJson(c.total.shareExplained)).toBe(canonicalJson(r.total.shareExplained));
    expect(rel(c.total.explained.mean, r.total.explained.mean)).toBeLessThan(1e-12);
    expect(canonicalJson(c.years.map((y) => y.unexplained))).toBe(canonicalJson(r.years.map((y) => y.unexplained)));
  });

  it("PERT organ volume: mean and sd of the by-organ draws match the Beta closed form", () => {
    // PERT(1000, 2000, 4000), lambda 4 = 1000 + 3000·Beta(7/3, 11/3): mean (1000 + 4·2000 + 4000)/6 = 2166.67,
    // sd = 3000·sqrt(αβ/((α+β)²(α+β+1))) = 552.77 (python3: scipy.stats.beta(7/3, 11/3).std()*3000 -> 552.7707983925666);
    // Beta(7/3, 11/3) has kurtosis below 3, so sdTolerance applies
    const n = 50_000;
    const liver = runAccounting(s, { draws: n, seed: 6 }).result.years[0]!.byOrgan!.liver!;
    expect(Math.abs(liver.mean - 2166.6666666666665)).toBeLessThan((4 * 552.7707983925666) / Math.sqrt(n));
    expect(Math.abs(liver.sd / 552.7707983925666 - 1)).toBeLessThan(sdTolerance(n));
  });
});
