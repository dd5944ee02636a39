import { describe, it, expect } from "vitest";
import { canonicalJson } from "../core/canonical.js";
import { createRng } from "../stats/rng.js";
import { samplePoisson } from "../stats/sampling.js";
import { dispersionFinding, estimateNbPhi, orthonormalColumns, pearson } from "./dispersion.js";
import { centredGradient, fitModel } from "./fit.js";
import type { PeerSet, Series } from "./series.js";

/*
 * Reference values: test/fixtures/forensics/reference.py ("dispersion" block):
 *   b = np.linalg.lstsq(X, y); mu = X @ b; D = sum((y - mu)**2 / mu) / (n - 3)
 *   p = scipy.stats.chi2.cdf(D * (n - 3), n - 3)                        (lower tail)
 *   NB: D = sum((y - mu)**2 / (mu + phi mu**2)) / (n - 3), phi = 0.001
 *   phi estimator: scipy.optimize.brentq(lambda phi: sum(r^2/(mu+phi mu^2)) - sum(df), 0, 10)
 */
const US = [7943, 8126, 8143, 8269, 8596, 9079, 9970, 10286, 10721];
const YEARS = [2010, 2011, 2012, 2013, 2014, 2015, 2016, 2017, 2018];
const REF = {
  us: { D: 3.4685087136116404, p: 0.9980163556048609 },
  usNb: { D: 0.33395041933273495, p: 0.08064223195079845 },
  phi: 0.05474240490028998,
  smooth: { y: [50, 89, 142, 211, 298, 401, 518, 651, 802], D: 0.0030185034816918696, p: 1.2292455834044198e-7 },
};
const ser = (name: string, x: number[], y: number[]): Series => ({
  name,
  x,
  y,
  input: { name, sha256: "0".repeat(64) },
});
const quad = { kind: "poly", degree: 2 } as const;

describe("dispersionFinding", () => {
  it("Poisson dispersion index and chi-square lower tail match scipy (US 2010-2018, quadratic)", () => {
    const f = dispersionFinding(ser("US", YEARS, US), quad, { seed: 1, sims: 0 });
    expect(f.result.dispersionIndex!).toBeCloseTo(REF.us.D, 10);
    expect(Math.abs(f.result.pValueChiSquare! - REF.us.p)).toBeLessThan(1e-9);
    expect(f.verdict).toBe("pass");
  });
  it("a too-smooth series (exact quadratic +/- 1) is flagged; chi-square p matches scipy", () => {
    const f = dispersionFinding(ser("smooth", YEARS, REF.smooth.y), quad, { seed: 42, sims: 999 });
    expect(f.result.dispersionIndex!).toBeCloseTo(REF.smooth.D, 12);
    expect(Math.abs(f.result.pValueChiSquare! - REF.smooth.p) / REF.smooth.p).toBeLessThan(1e-6);
    // no simulated Poisson series is that smooth: p = 1 / (1 + 999)
    expect(f.result.pValueMonteCarlo).toBeCloseTo(1 / 1000, 12);
    expect(f.verdict).toBe("flag");
    expect(f.provenance.seed).toBe(42);
  });
  it("same seed, byte-identical finding; different seed, different draws", () => {
    const a = dispersionFinding(ser("US", YEARS, US), quad, { seed: 7, sims: 199 });
    const b = dispersionFinding(ser("US", YEARS, US), quad, { seed: 7, sims: 199 });
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(a.result.pValueMonteCarlo).not.toBeNull();
  });
  it("Poisson series simulated about a quadratic are flagged at about the nominal rate (calibration)", () => {
    const rng = createRng(2024);
    const mu = YEARS.map((_, i) => 200 + 30 * i + 4 * i * i);
    let flags = 0;
    const runs = 200;
    for (let r = 0; r < runs; r++) {
      const y = mu.map((m) => samplePoisson(rng, m));
      if (dispersionFinding(ser("sim", YEARS, y), quad, { seed: r, sims: 99 }).verdict === "flag") flags++;
    }
    // nominal 5%: 200 runs -> expect about 10; binomial 99.9% range roughly 2..22
    expect(flags).toBeGreaterThanOrEqual(2);
    expect(flags).toBeLessThanOrEqual(22);
  });
  it("negative binomial phi from peers; NB index with phi = 0.001 matches scipy", () => {
    expect(
      estimateNbPhi([
        { y: [100, 130, 90, 160], mu: [110, 120, 115, 135], df: 2 },
        { y: [50, 80, 40, 70, 65], mu: [55, 60, 60, 62, 64], df: 3 },
      ])!,
    ).toBeCloseTo(REF.phi, 10);
    expect(estimateNbPhi([{ y: [10, 11], mu: [10, 11], df: 1 }])).toBe(0);
    // peers: construct a set whose pooled estimate is unknown, but the NB index formula is checked with phi fixed
    const peers: PeerSet = {
      name: "P",
      series: [1, 2, 3].map((j) =>
        ser(
          `p${j}`,
          YEARS,
          US.map((v, i) => v + (i % 2 === 0 ? 150 * j : -150 * j)),
        ),
      ),
    };
    const mu = dispersionFinding(ser("US", YEARS, US), quad, { seed: 3, sims: 0 }).result.fitted!;
    expect(pearson(US, mu, 0.001) / 6).toBeCloseTo(REF.usNb.D, 10);
    const f = dispersionFinding(ser("US", YEARS, US), quad, { seed: 3, sims: 0, peers });
    expect(f.result.nbPeersUsed).toBe(3);
    expect(f.result.nbPhi!).toBeGreaterThan(0);
    expect(f.result.nbDispersionIndex!).toBeLessThan(f.result.dispersionIndex!);
  });
  it("cumulative input, non-positive fitted values and too few points give insufficient-data", () => {
    expect(dispersionFinding(ser("US", YEARS, US), quad, { seed: 1, cumulative: true }).verdict).toBe(
      "insufficient-data",
    );
    const neg = dispersionFinding(ser("neg", [1, 2, 3, 4, 5], [5, 0, 0, 0, 5]), quad, { seed: 1, sims: 9 });
    expect(neg.verdict).toBe("insufficient-data");
    expect(neg.caveats[0]!.code).toBe("C_DISP_NONPOSITIVE_FIT");
    const few = dispersionFinding(ser("few", [1, 2, 3], [5, 6, 9]), quad, { seed: 1, sims: 9 });
    expect(few.verdict).toBe("insufficient-data");
    expect(() => canonicalJson(few)).not.toThrow();
  });
  it("a constant series or negative values give insufficient-data, never a flag", () => {
    const flat = dispersionFinding(ser("flat", [1, 2, 3, 4, 5], [5, 5, 5, 5, 5]), quad, { seed: 1, sims: 99 });
    expect(flat.verdict).toBe("insufficient-data");
    expect(flat.caveats[0]!.code).toBe("C_FIT_CONSTANT_Y");
    const neg = dispersionFinding(ser("neg", YEARS, US.map((v, i) => (i === 4 ? -v : v))), quad, { seed: 1, sims: 99 });
    expect(neg.verdict).toBe("insufficient-data");
    expect(neg.caveats[0]!.code).toBe("C_DISP_NEGATIVE");
    expect(() => canonicalJson(flat)).not.toThrow();
  });
  it("refit by projection: for a linear model the projected residuals equal a full least-squares refit", () => {
    const fit = fitModel(YEARS, US, quad);
    const J = YEARS.map((x) => centredGradient(fit, x)!);
    const q = orthonormalColumns(J)!;
    expect(q.length).toBe(3);
    for (let a = 0; a < 3; a++)
      for (let b = 0; b < 3; b++) expect(q[a]!.reduce((s, v, i) => s + v * q[b]![i]!, 0)).toBeCloseTo(a === b ? 1 : 0, 12);
    // a "simulated" series: project (y* - mu) off the column space and compare with refitting y*
    const ys = US.map((v, i) => v + [13, -40, 7, 22, -5, 31, -17, 2, 9][i]!);
    const r = ys.map((v, i) => v - fit.fitted![i]!);
    for (const b of q) {
      const d = b.reduce((s, v, i) => s + v * r[i]!, 0);
      b.forEach((v, i) => (r[i] = r[i]! - d * v));
    }
    const refit = fitModel(YEARS, ys, quad).residuals!;
    r.forEach((v, i) => expect(v).toBeCloseTo(refit[i]!, 8));
    expect(orthonormalColumns([[1, 2], [2, 4], [3, 6]])).toBeNull(); // dependent columns
  });
  it("quadratic1 with x0 fitted: 999 simulations by linearised refit in well under a second, with a caveat", () => {
    const t0 = performance.now();
    const f = dispersionFinding(ser("smooth", YEARS, REF.smooth.y), { kind: "quadratic1" }, { seed: 42, sims: 999 });
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(f.caveats.map((c) => c.code)).toContain("C_DISP_LINEARISED");
    expect(f.result.simsValid).toBe(999);
    expect(f.verdict).toBe("flag");
  });
  it("rejects a bad seed or sims with a clear error", () => {
    expect(() => dispersionFinding(ser("US", YEARS, US), quad, { seed: -1 })).toThrow(/seed/);
    expect(() => dispersionFinding(ser("US", YEARS, US), quad, { seed: 1, sims: 1.5 })).toThrow(/sims/);
  });
});
