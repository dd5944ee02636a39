import { describe, it, expect } from "vitest";
import { canonicalJson } from "../core/canonical.js";
import { fitModel } from "./fit.js";
import { buildPeerSet, calibrateFalseFlags, peerBenchmarkFinding, type PeerRow } from "./peers.js";
import type { PeerSet, Series } from "./series.js";

const ser = (name: string, x: number[], y: number[]): Series => ({
  name,
  x,
  y,
  input: { name, sha256: "0".repeat(64) },
});
const X = [2010, 2011, 2012, 2013, 2014, 2015, 2016, 2017];
const quad = { kind: "poly", degree: 2 } as const;

/**
 * A series y = base(x) + c * e with a fixed zero-mean pattern e chosen orthogonal to 1, x, x^2, so
 * that the quadratic fit's residuals are exactly c * e and 1 - R^2 can be set to any target value.
 */
function withOneMinusR2(target: number): number[] {
  const t = X.map((x) => x - 2013.5);
  const base = t.map((v) => 1000 + 200 * v + 30 * v * v);
  const raw = [1, -2, 0, 3, -1, -2, 2, -1];
  const e = fitModel(X, raw, quad).residuals!; // part of raw orthogonal to the quadratic space
  const ssE = e.reduce((s, v) => s + v * v, 0);
  const mean = base.reduce((s, v) => s + v, 0) / base.length;
  const tssBase = base.reduce((s, v) => s + (v - mean) ** 2, 0);
  // (c^2 ssE) / (tssBase + c^2 ssE) = target  ->  c^2 = target tssBase / (ssE (1 - target))
  const c = Math.sqrt((target * tssBase) / (ssE * (1 - target)));
  return base.map((b, i) => b + c * e[i]!);
}

/*
 * Parametric reference (scipy 1.17): peers' 1 - R^2 P = [0.01, 0.02, 0.03, 0.05, 0.07, 0.1]
 *   v = np.log10(P); n = len(v); t = (np.log10(T) - v.mean()) / (v.std(ddof=1) * np.sqrt(1 + 1/n))
 *   p = scipy.stats.t.cdf(t, n - 1); skew = scipy.stats.skew(v)
 *   T = 0.001: t = -3.89627790727686, p = 0.005726088429207674; skew = -0.30319911859051624
 *   T = 0.04:  t = 0.12126603992640961, p = 0.5458984877695983
 *   T = 0.009: t = -1.503289355840519, p = 0.09654309359075235
 *   T = 0.01 among [0.02, 0.03, 0.05, 0.07, 0.1, 0.2]: t = -1.9766123213338866, p = 0.052516024057069725
 */
describe("peerBenchmarkFinding (METHODS.md C2)", () => {
  const peers: PeerSet = {
    name: "synthetic comparators",
    series: [0.01, 0.02, 0.03, 0.05, 0.07, 0.1].map((v, i) => ser(`peer${i}`, X, withOneMinusR2(v))),
  };
  it("target 1 - R^2 = 0.001 vs comparators 0.01-0.1: ranked first, 1.0-2.0 orders of magnitude, flagged", () => {
    const f = peerBenchmarkFinding(ser("China", X, withOneMinusR2(0.001)), peers, quad);
    expect(f.result.target!.oneMinusR2).toBeCloseTo(0.001, 10);
    expect(f.verdict).toBe("flag");
    expect(f.result.rank).toBe(1);
    expect(f.result.rankPValue).toBeCloseTo(1 / 7, 12);
    expect(f.result.parametric!.t!).toBeCloseTo(-3.89627790727686, 8);
    expect(Math.abs(f.pValue! - 0.005726088429207674) / 0.005726088429207674).toBeLessThan(1e-6);
    expect(f.result.parametric!.skewness!).toBeCloseTo(-0.30319911859051624, 8);
    expect(f.statement).toContain("1.6 orders of magnitude below the median peer (1 order of magnitude below the nearest peer, peer0)");
    expect(f.result.log10RatioNearest).toBeCloseTo(-1, 9); // vs 0.01
    // median of 0.02..0.1 peers = (0.03 + 0.05) / 2 = 0.04 -> log10(0.001 / 0.04)
    expect(f.result.log10RatioMedian).toBeCloseTo(Math.log10(0.001 / 0.04), 9);
    expect(-f.result.log10RatioNearest!).toBeGreaterThanOrEqual(1.0 - 1e-9);
    expect(-f.result.log10RatioMedian!).toBeLessThanOrEqual(2.0);
    expect(f.result.nearestPeer).toBe("peer0");
    expect(() => canonicalJson(f)).not.toThrow();
  });
  it("an exactly quadratic series ranks first; its log ratio is null (not -Infinity) with a caveat", () => {
    const exact = X.map((x) => 5 * (x - 2009) ** 2);
    const f = peerBenchmarkFinding(ser("exact", X, exact), peers, quad);
    expect(f.result.rank).toBe(1);
    expect(f.result.log10RatioNearest).toBeNull();
    expect(f.caveats.map((c) => c.code)).toContain("C_PEER_PERFECT");
    expect(() => canonicalJson(f)).not.toThrow();
  });
  it("a target inside the peer range passes with its rank and percentile", () => {
    const f = peerBenchmarkFinding(ser("mid", X, withOneMinusR2(0.04)), peers, quad);
    expect(f.verdict).toBe("pass");
    expect(f.result.rank).toBe(4); // 0.01, 0.02, 0.03 are more regular
    expect(f.result.percentile).toBeCloseTo(50, 12); // more regular than 0.05, 0.07, 0.1
    expect(f.result.rankPValue).toBeCloseTo(4 / 7, 12);
    expect(Math.abs(f.pValue! - 0.5458984877695983)).toBeLessThan(1e-7);
  });
  it("ranked first but not far enough below the peers: parametric p >= alpha -> pass", () => {
    // 1 - R^2 = 0.009 just below the most regular peer (0.01): more regular than all, yet p = 0.0965
    const f = peerBenchmarkFinding(ser("near", X, withOneMinusR2(0.009)), peers, quad);
    expect(f.result.rank).toBe(1);
    expect(Math.abs(f.pValue! - 0.09654309359075235)).toBeLessThan(1e-7);
    expect(f.verdict).toBe("pass");
  });
  it("an exact fit gets p = 0; negative values or a constant series give insufficient-data", () => {
    const exact = peerBenchmarkFinding(ser("exact", X, X.map((x) => 5 * (x - 2009) ** 2)), peers, quad);
    expect(exact.pValue).toBe(0);
    expect(exact.result.parametric!.t).toBeNull();
    expect(exact.verdict).toBe("flag");
    const neg = peerBenchmarkFinding(ser("neg", X, withOneMinusR2(0.04).map((v, i) => (i === 3 ? -v : v))), peers, quad);
    expect(neg.verdict).toBe("insufficient-data");
    expect(neg.caveats[0]!.code).toBe("C_PEER_NEGATIVE");
    const flat = peerBenchmarkFinding(ser("flat", X, X.map(() => 5)), peers, quad);
    expect(flat.verdict).toBe("insufficient-data");
    expect(() => canonicalJson(flat)).not.toThrow();
  });
  it("peers lacking the target's years are skipped and counted; too few peers -> insufficient-data", () => {
    const few: PeerSet = {
      name: "few",
      series: [...peers.series.slice(0, 3), ser("short", X.slice(3), withOneMinusR2(0.05).slice(3))],
    };
    const f = peerBenchmarkFinding(ser("China", X, withOneMinusR2(0.001)), few, quad);
    expect(f.verdict).toBe("insufficient-data");
    expect(f.result.skipped).toEqual(["short"]);
    expect(f.caveats.map((c) => c.code)).toEqual(expect.arrayContaining(["C_PEER_TOO_FEW", "C_PEER_SKIPPED"]));
  });
  it("match by length uses each peer's own most recent points", () => {
    const shifted: PeerSet = { name: "shifted", series: peers.series.map((s) => ({ ...s, x: s.x.map((x) => x - 5) })) };
    expect(peerBenchmarkFinding(ser("China", X, withOneMinusR2(0.001)), shifted, quad).verdict).toBe(
      "insufficient-data",
    );
    const f = peerBenchmarkFinding(ser("China", X, withOneMinusR2(0.001)), shifted, quad, { match: "length" });
    expect(f.verdict).toBe("flag");
    expect(f.result.peers.length).toBe(6);
  });
});

describe("buildPeerSet", () => {
  const rows: PeerRow[] = [
    ...[2010, 2011, 2012, 2013].map((x, i) => ({ key: "A", x, y: 10 + i })),
    ...[2010, 2011, 2012, 2013].map((x) => ({ key: "B", x, y: 7 })), // carried forward
    ...[2010, 2012, 2013].map((x, i) => ({ key: "C", x, y: 5 + i })), // a gap
    { key: "A", x: 2011, y: 11 }, // exact duplicate, merged
    { key: "A", x: 2012, y: 99 }, // conflicting duplicate, first kept
    { key: "A", x: 2009, y: 1 }, // outside the window
  ];
  it("keeps complete keys, skips short ones, reports conflicts and repeated runs", () => {
    const b = buildPeerSet(rows, { name: "demo", from: 2010, to: 2013 });
    expect(b.peerSet.series.map((s) => s.name)).toEqual(["A", "B"]);
    expect(b.peerSet.series[0]!.y).toEqual([10, 11, 12, 13]);
    expect(b.skipped).toEqual([{ key: "C", n: 3 }]);
    expect(b.conflicts).toEqual([{ key: "A", x: 2012, values: [12, 99] }]);
    expect(b.repeatedRuns).toEqual(["B"]);
    expect(b.caveats.map((c) => c.code)).toEqual(["C_PEER_CONFLICT", "C_PEER_REPEATED_VALUES", "C_PEER_SKIPPED"]);
  });
  it("minPoints and exclude", () => {
    const b = buildPeerSet(rows, { name: "demo", from: 2010, to: 2013, minPoints: 3, exclude: ["B"] });
    expect(b.peerSet.series.map((s) => s.name)).toEqual(["A", "C"]);
  });
});

describe("calibrateFalseFlags (leave-one-out)", () => {
  it("peer benchmark flags only the most regular peer, and only when it is far enough below the rest", () => {
    const peers: PeerSet = {
      name: "synthetic",
      series: [0.01, 0.02, 0.03, 0.05, 0.07, 0.1, 0.2].map((v, i) => ser(`peer${i}`, X, withOneMinusR2(v))),
    };
    const c = calibrateFalseFlags(peers, quad, { seed: 5, sims: 49, tests: ["peers", "dispersion"] });
    const pr = c.rows.find((r) => r.test === "peers")!;
    expect(pr.runs).toBe(7);
    // peer0 (0.01) among 0.02..0.2: rank first, but parametric p = 0.052516024057069725 (scipy, above) -> pass
    expect(pr.flags).toBe(0);
    expect(pr.falseFlagRate).toBe(0);
    expect(c.perPeer[0]!.verdicts.peers).toBe("pass");
    expect(c.rows.find((r) => r.test === "dispersion")!.runs).toBe(7);
  });
});
