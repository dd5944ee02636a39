import { describe, it, expect } from "vitest";
import { canonicalJson } from "../core/canonical.js";
import { predictStep, predictionFinding } from "./predict.js";
import type { PeerSet, Series } from "./series.js";

/*
 * Reference values: test/fixtures/forensics/reference.py ("prediction interval" block):
 *   X = [1, t] (t = year - 2010, exact shift), b = np.linalg.lstsq(X, y); s2 = res@res/(n-p)
 *   pred = g@b, se = sqrt(s2 * (1 + g @ inv(X'X) @ g)), PI = pred +/- stats.t.ppf(0.975, n-p) * se
 */
const US = [7943, 8126, 8143, 8269, 8596, 9079, 9970, 10286, 10721];
const YEARS = [2010, 2011, 2012, 2013, 2014, 2015, 2016, 2017, 2018];
const REF = {
  poly1: { pred: 10342.000000000005, low: 9300.161161895927, high: 11383.838838104084, rel: 0.03535117992724508 },
  poly2: { pred: 11208.785714285708, low: 10537.230528494665, high: 11880.340900076751 },
};
const ser = (name: string, x: number[], y: number[]): Series => ({
  name,
  x,
  y,
  input: { name, sha256: "0".repeat(64) },
});

describe("predictStep", () => {
  it("linear fit on 2010-2017 predicts 2018 with the numpy/scipy t interval", () => {
    const s = predictStep(YEARS, US, 8, { kind: "poly", degree: 1 });
    expect(s.predicted).toBeCloseTo(REF.poly1.pred, 8);
    expect(s.interval!.low).toBeCloseTo(REF.poly1.low, 7);
    expect(s.interval!.high).toBeCloseTo(REF.poly1.high, 7);
    expect(s.relError).toBeCloseTo(REF.poly1.rel, 12);
    expect(s.inside).toBe(true);
  });
  it("quadratic on 2010-2017 predicts 2018 with the reference interval (10721 inside)", () => {
    const s = predictStep(YEARS, US, 8, { kind: "poly", degree: 2 });
    expect(s.predicted).toBeCloseTo(REF.poly2.pred, 7);
    expect(s.interval!.low).toBeCloseTo(REF.poly2.low, 6);
    expect(s.interval!.high).toBeCloseTo(REF.poly2.high, 6);
    expect(s.inside).toBe(true);
  });
  it("METHODS.md C3: a pure quadratic series is predicted with zero error", () => {
    const x = [1, 2, 3, 4, 5, 6, 7];
    const y = x.map((v) => 3 + 2 * v + 5 * v * v);
    const s = predictStep(x, y, 6, { kind: "poly", degree: 2 });
    expect(s.absError!).toBeLessThan(1e-9);
    const q = predictStep(
      x,
      x.map((v) => 5 * v * v),
      6,
      { kind: "quadratic1", x0: 0 },
    );
    expect(q.absError!).toBeLessThan(1e-9);
  });
});

describe("predictionFinding", () => {
  it("without peers: an estimate, with rolling steps for every feasible k", () => {
    const f = predictionFinding(ser("US", YEARS, US), { kind: "poly", degree: 2 });
    expect(f.verdict).toBe("estimate");
    expect(f.result.rolling.map((r) => r.k)).toEqual([4, 5, 6, 7, 8]);
    expect(f.result.main.k).toBe(8);
    expect(f.caveats.map((c) => c.code)).toContain("C_PRED_NO_PEERS");
    expect(() => canonicalJson(f)).not.toThrow();
  });
  /*
   * Parametric reference (scipy 1.17, numpy 2.4):
   *   x = np.arange(2010, 2018.); base = 100 + 7 * (x - 2010)**2; alt = np.array([1, -1] * 4)
   *   relerr(y): least-squares fit on the first 7 points (np.linalg.lstsq), predict x = 2017, (y7 - pred) / y7
   *   P = signed peer errors; n = len(P); s = np.sqrt((P**2).sum() / n); r = abs(e0) / s
   *   p = 2 * scipy.stats.t.cdf(r, n) - 1; skew = scipy.stats.skew(P)
   * quadratic1 (x0 = 2010, X = (x - 2010)**2, no intercept): e0 = -0.21670428893905216, peers (j = 1..6,
   *   y = base + 5 j alt) -0.2358 .. -0.3379: s = 0.28816922336733897, r = 0.7520035845840898,
   *   p = 0.5195020665651602
   * poly2 (X = [1, x - 2013, (x - 2013)**2]), target base + 0.05 alt: e0 = -0.00025801041717043197,
   *   s = 0.10631644325432313, r = 0.0024268157330398703, p = 0.0018576416994720013,
   *   skew = -0.044050052612541246; log10(|e0| / median |e|) = -2.5619025500014647 and
   *   log10(|e0| / min |e|) = -2.004880595516926 (np.median, np.min of abs(P))
   */
  const x = [2010, 2011, 2012, 2013, 2014, 2015, 2016, 2017];
  const base = (v: number) => 100 + 7 * (v - 2010) ** 2;
  const noisy = (c: number) => x.map((v, i) => base(v) + (i % 2 === 0 ? c : -c));
  const sixPeers: PeerSet = { name: "P", series: [1, 2, 3, 4, 5, 6].map((j) => ser(`p${j}`, x, noisy(5 * j))) };
  it("ranks first by a hair: rank p = 1/7 but the parametric p = 0.5195 (scipy) -> pass", () => {
    const f = predictionFinding(ser("T", x, x.map(base)), { kind: "quadratic1", x0: 2010 }, { peers: sixPeers });
    expect(f.result.rank).toBe(1);
    expect(f.result.rankPValue).toBeCloseTo(1 / 7, 12);
    expect(Math.abs(f.result.main.relError!)).toBeCloseTo(0.21670428893905216, 10);
    expect(f.result.parametric!.rms).toBeCloseTo(0.28816922336733897, 10);
    expect(f.result.parametric!.ratio).toBeCloseTo(0.7520035845840898, 10);
    expect(Math.abs(f.pValue! - 0.5195020665651602)).toBeLessThan(1e-7);
    expect(f.result.pValue).toBe(f.pValue);
    expect(f.verdict).toBe("pass");
    expect(f.caveats.map((c) => c.code)).toEqual(expect.arrayContaining(["C_PRED_PARAMETRIC", "C_PEER_RANK_P"]));
  });
  it("flags a prediction two orders of magnitude more accurate than every peer's (parametric p from scipy)", () => {
    const f = predictionFinding(ser("T", x, noisy(0.05)), { kind: "poly", degree: 2 }, { peers: sixPeers });
    expect(Math.abs(f.result.main.relError!)).toBeCloseTo(0.00025801041717043197, 10);
    expect(f.result.parametric!.ratio).toBeCloseTo(0.0024268157330398703, 12);
    expect(Math.abs(f.pValue! - 0.0018576416994720013) / 0.0018576416994720013).toBeLessThan(1e-6);
    expect(f.result.parametric!.skewness!).toBeCloseTo(-0.044050052612541246, 8);
    expect(f.result.log10RatioMedian!).toBeCloseTo(-2.5619025500014647, 8);
    expect(f.result.log10RatioNearest!).toBeCloseTo(-2.004880595516926, 8);
    expect(f.verdict).toBe("flag");
    expect(f.statement).toMatch(/2\.56 orders of magnitude below the median peer/);
    expect(() => canonicalJson(f)).not.toThrow();
  });
  it("negative values and fewer than 5 peers give insufficient-data", () => {
    const neg = predictionFinding(ser("T", x, noisy(0.05).map((v, i) => (i === 2 ? -v : v))), { kind: "poly", degree: 2 }, { peers: sixPeers });
    expect(neg.verdict).toBe("insufficient-data");
    expect(neg.caveats[0]!.code).toBe("C_PEER_NEGATIVE");
    const few = predictionFinding(ser("T", x, noisy(0.05)), { kind: "poly", degree: 2 }, { peers: { name: "P", series: sixPeers.series.slice(0, 4) }, minPeers: 2 });
    expect(few.verdict).toBe("insufficient-data");
    expect(few.caveats.map((c) => c.code)).toContain("C_PEER_TOO_FEW");
  });
  it("a target in the middle of its peers passes; peers missing years are skipped and counted", () => {
    const x = [2010, 2011, 2012, 2013, 2014, 2015, 2016, 2017];
    const mk = (j: number) => x.map((v, i) => 100 + 7 * (v - 2010) ** 2 + (i % 2 === 0 ? 5 * j : -5 * j));
    const peers: PeerSet = { name: "P", series: [1, 2, 4, 5, 6].map((j) => ser(`p${j}`, x, mk(j))) };
    peers.series.push(ser("short", x.slice(2), mk(1).slice(2)));
    const f = predictionFinding(ser("T", x, mk(3)), { kind: "poly", degree: 2 }, { peers });
    expect(f.verdict).toBe("pass");
    expect(f.result.peersSkipped).toBe(1);
    expect(f.caveats.map((c) => c.code)).toContain("C_PRED_PEERS_SKIPPED");
  });
  it("too short a series is insufficient-data, never NaN", () => {
    const f = predictionFinding(ser("T", [1, 2, 3], [1, 4, 9]), { kind: "poly", degree: 2 });
    expect(f.verdict).toBe("insufficient-data");
    expect(() => canonicalJson(f)).not.toThrow();
  });
});
