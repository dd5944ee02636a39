import { describe, it, expect } from "vitest";
import { ordersPhrase, peerErrorTail, peerLowerTail } from "./peer-tail.js";

/*
 * Reference values: scipy 1.17 / numpy 2.4, computed once:
 *   P = [0.2, 0.05, 0.0, 0.11, 0.3, 0.07, 0.5]; v = np.log10([p for p in P if p > 0])   (the 0 is left out)
 *   n = 6; mean = -0.8229030026286396; sd (ddof=1) = 0.38339790504643995
 *   t = (np.log10(0.004) - v.mean()) / (v.std(ddof=1) * np.sqrt(1 + 1/n)) = -3.8033617265173403
 *   scipy.stats.t.cdf(t, n - 1) = 0.006292571222423434; scipy.stats.skew(v) = 0.08804203861872313
 *   E = [0.03, -0.05, 0.01, -0.02, 0.08, -0.04]; s = np.sqrt(np.sum(np.square(E)) / 6) = 0.04453463071962463
 *   e0 = 0.001: r = 0.02245443565695359, 2 * scipy.stats.t.cdf(r, 6) - 1 = 0.01718641190289416
 *   e0 = 0.2: 2 * scipy.stats.t.cdf(0.2 / s, 6) - 1 = 0.9958560224883759; scipy.stats.skew(E) = 0.5361747606645298
 */
const P = [0.2, 0.05, 0.0, 0.11, 0.3, 0.07, 0.5];
const E = [0.03, -0.05, 0.01, -0.02, 0.08, -0.04];

describe("peerLowerTail (log10-normal prediction distribution)", () => {
  it("matches scipy.stats.t.cdf; zero peers are left out and counted", () => {
    const r = peerLowerTail(0.004, P)!;
    expect(r.n).toBe(6);
    expect(r.excludedZero).toBe(1);
    expect(r.meanLog10).toBeCloseTo(-0.8229030026286396, 12);
    expect(r.sdLog10).toBeCloseTo(0.38339790504643995, 12);
    expect(r.t!).toBeCloseTo(-3.8033617265173403, 10);
    expect(r.df).toBe(5);
    expect(Math.abs(r.pValue - 0.006292571222423434) / 0.006292571222423434).toBeLessThan(1e-6);
    expect(r.skewness!).toBeCloseTo(0.08804203861872313, 10);
  });
  it("an exact (0) target gets p = 0 and t = null; too few, constant or negative peers give null", () => {
    const z = peerLowerTail(0, P)!;
    expect(z.pValue).toBe(0);
    expect(z.t).toBeNull();
    expect(peerLowerTail(0.01, [0.1, 0.2, 0.3, 0.4])).toBeNull();
    expect(peerLowerTail(0.01, [0.1, 0.1, 0.1, 0.1, 0.1])).toBeNull();
    expect(peerLowerTail(0.01, [0.1, 0.2, -0.3, 0.4, 0.5])).toBeNull();
    expect(peerLowerTail(Number.NaN, P)).toBeNull();
  });
});

describe("peerErrorTail (signed errors as N(0, s^2), |T_n| lower tail)", () => {
  it("matches scipy for a small and a large error", () => {
    const r = peerErrorTail(0.001, E)!;
    expect(r.rms).toBeCloseTo(0.04453463071962463, 12);
    expect(r.ratio).toBeCloseTo(0.02245443565695359, 12);
    expect(r.df).toBe(6);
    expect(Math.abs(r.pValue - 0.01718641190289416) / 0.01718641190289416).toBeLessThan(1e-6);
    expect(r.skewness!).toBeCloseTo(0.5361747606645298, 10);
    // sign of the target's error does not matter
    expect(peerErrorTail(-0.001, E)!.pValue).toBe(r.pValue);
    expect(Math.abs(peerErrorTail(0.2, E)!.pValue - 0.9958560224883759)).toBeLessThan(1e-7);
  });
  it("fewer than 5 peers or all-zero peer errors give null", () => {
    expect(peerErrorTail(0.01, E.slice(0, 4))).toBeNull();
    expect(peerErrorTail(0.01, [0, 0, 0, 0, 0])).toBeNull();
  });
});

describe("ordersPhrase", () => {
  it("says below/above with 3 significant digits", () => {
    expect(ordersPhrase(-1.2893161353805194)).toBe("1.29 orders of magnitude below");
    expect(ordersPhrase(-1)).toBe("1 order of magnitude below");
    expect(ordersPhrase(0.195)).toBe("0.195 orders of magnitude above");
  });
});
