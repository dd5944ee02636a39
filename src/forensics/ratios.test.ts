import { describe, it, expect } from "vitest";
import peerData from "../../test/fixtures/forensics-checks/peer_ratios.json" with { type: "json" };
import { canonicalJson } from "../core/canonical.js";
import { isOrganAuditError } from "../core/errors.js";
import { ratioBoundsFinding, ratioConstancyFinding, ratioFindings, ratioPeerLevelFinding, ratioSeries, type RatioSeries } from "./ratios.js";
import type { Series } from "./series.js";

const input = { name: "test", sha256: "0".repeat(64) };
const s = (name: string, x: number[], y: number[]): Series => ({ name, x, y, input });

// Peer ratios: GODT/national rows of /work/shared/data/international_deceased_donors.csv, built and checked by
// test/fixtures/forensics-checks/make_peer_ratios.py (prints every reference value used below).
type PeerJson = Record<string, { x: number[]; num: number[]; den: number[] }>;
function peers(key: "organs" | "kidneyLiver"): RatioSeries[] {
  const d = (peerData as unknown as Record<string, PeerJson>)[key]!;
  return Object.entries(d).map(([c, v]) => ratioSeries(s(`${c} num`, v.x, v.num), s(`${c} den`, v.x, v.den), c));
}

describe("ratioSeries", () => {
  it("aligns on shared x and drops zero denominators", () => {
    const r = ratioSeries(s("organs", [2014, 2015, 2016], [10, 7758, 11620]), s("donors", [2015, 2016, 2017], [2766, 4080, 0]));
    expect(r.x).toEqual([2015, 2016]);
    // METHODS.md C4: 7,758 / 2,766 = 2.80; 11,620 / 4,080 = 2.85 (python: 7758/2766, 11620/4080)
    expect(r.ratio[0]).toBeCloseTo(2.804772234273319, 12);
    expect(r.ratio[1]).toBeCloseTo(2.8480392156862746, 12);
    const z = ratioSeries(s("a", [1, 2], [1, 2]), s("b", [1, 2], [0, 1]));
    expect(z.droppedZeroDenominator).toEqual([1]);
  });
  it("DAFOH's first counter snapshot: 4,413 transplants / 1,622 donations = 2.72 (METHODS.md C7)", () => {
    const r = ratioSeries(s("transplants", [2014], [4413]), s("donations", [2014], [1622]), "transplants per donation");
    // python: 4413/1622 = 2.720715166461159
    expect(r.ratio[0]).toBeCloseTo(2.720715166461159, 12);
    expect(ratioBoundsFinding(r).verdict).toBe("pass");
  });
  it("errors on no overlap, unsorted or non-finite input", () => {
    expect(() => ratioSeries(s("a", [1], [1]), s("b", [2], [1]))).toThrow(/share no x/);
    expect(() => ratioSeries(s("a", [2, 1], [1, 1]), s("b", [1, 2], [1, 1]))).toThrow(/strictly increasing/);
    try {
      ratioSeries(s("a", [1, 2], [1, Number.NaN]), s("b", [1, 2], [1, 1]));
      expect.unreachable();
    } catch (e) {
      expect(isOrganAuditError(e) && e.code).toBe("F_CHK_NOT_FINITE");
    }
  });
});

describe("ratioBoundsFinding", () => {
  it("passes China 2015-2016 organs per donor (2.80, 2.85) and flags a Red Cross period with 20", () => {
    const ok = ratioBoundsFinding(ratioSeries(s("organs", [2015, 2016], [7758, 11620]), s("donors", [2015, 2016], [2766, 4080])));
    expect(ok.verdict).toBe("pass");
    expect(ok.pValue).toBeUndefined();
    const bad = ratioBoundsFinding(ratioSeries(s("organs", [1, 2, 3], [280, 2000, 290]), s("donors", [1, 2, 3], [100, 100, 100])));
    expect(bad.verdict).toBe("flag");
    expect(bad.result.above).toEqual([{ x: 2, ratio: 20 }]);
    const low = ratioBoundsFinding(ratioSeries(s("organs", [1], [50]), s("donors", [1], [100])));
    expect(low.verdict).toBe("flag");
    expect(low.result.below).toEqual([{ x: 1, ratio: 0.5 }]);
    expect(ratioBoundsFinding(ratioSeries(s("k", [1], [50]), s("l", [1], [100])), { min: null, max: null }).verdict).toBe("pass");
    expect(() => ratioBoundsFinding(ok.result as unknown as RatioSeries, { min: 5, max: 2 })).toThrow(/min/);
  });
});

describe("ratioConstancyFinding against real GODT peers", () => {
  const x = [2014, 2015, 2016, 2017, 2018];
  const den = [1000, 2000, 3000, 4000, 5000];
  const constant = ratioSeries(s("organs", x, [2750, 5500, 8280, 11000, 13750]), s("donors", x, den), "constant ratio");
  // Parametric reference values: scipy 1.17, with v = log10 of the peers' CVs (result.peers) and n = len(v):
  //   t = (log10(cv) - v.mean()) / (v.std(ddof=1) * sqrt(1 + 1/n)); p = scipy.stats.t.cdf(t, n - 1); scipy.stats.skew(v)
  it("flags a ratio constant to 2 digits (CV 0.001625) against 20 kidney+liver peers: parametric p = 0.000815, rank p = 1/21", () => {
    // make_peer_ratios.py: kidneyLiver same-length peers 20, min median CV 0.011777 (USA); const cv 0.0016250494022527198, rank p 0.047619047619047616
    // scipy: t = -3.669463638118003, p = 0.0008146356255290241, skew = 1.8116804706566212
    const f = ratioConstancyFinding(constant, peers("kidneyLiver"));
    expect(f.result.cv).toBeCloseTo(0.0016250494022527198, 12);
    expect(f.result.peers).toHaveLength(20);
    expect(f.result.rankPValue).toBeCloseTo(1 / 21, 12);
    expect(f.result.parametric?.t).toBeCloseTo(-3.669463638118003, 10);
    expect(f.pValue).toBeCloseTo(0.0008146356255290241, 12);
    expect(f.result.parametric?.skewness).toBeCloseTo(1.8116804706566212, 10);
    expect(f.result.rank).toBe(1);
    expect(f.result.constantDigits).toBe(2);
    expect(f.verdict).toBe("flag");
    // skewed peer CVs: the normal model is flagged as approximate
    expect(f.caveats.map((c) => c.code)).toEqual(expect.arrayContaining(["C_PEER_PARAMETRIC", "C_PEER_RANK_P", "C_PEER_SKEWED"]));
  });
  it("decides with 19 peers through the parametric test, where the rank test alone could not (1/20 = 0.05)", () => {
    // organs (kidney+liver+heart+lung): same-length peers 19; scipy: t = -5.9816066767408556, p = 5.851432596206194e-06
    const f = ratioConstancyFinding(constant, peers("organs"));
    expect(f.result.peers).toHaveLength(19);
    expect(f.result.rankPValue).toBeCloseTo(1 / 20, 12);
    expect(f.pValue).toBeCloseTo(5.851432596206194e-6, 15);
    expect(f.verdict).toBe("flag");
  });
  it("says insufficient-data with 4 peers (rank p cannot go below 1/5; parametric test needs 5)", () => {
    const f = ratioConstancyFinding(constant, peers("organs").slice(0, 4));
    expect(f.result.peers).toHaveLength(4);
    expect(f.result.parametric).toBeNull();
    expect(f.verdict).toBe("insufficient-data");
    expect(f.caveats.map((c) => c.code)).toEqual(expect.arrayContaining(["C_CHK_FEW_PEERS", "C_PEER_TAIL_UNAVAILABLE"]));
  });
  it("passes a varying ratio (CV 0.1049, more variable than 19 of 20 peers)", () => {
    // t2 cv 0.10488108846981181 peers <= 19, rank p 0.9523809523809523; scipy: t = 1.0139835017887973, p = 0.8383350416824061
    const v = ratioSeries(s("organs", x, [3100, 5200, 10200, 11600, 16500]), s("donors", x, den), "varying");
    const f = ratioConstancyFinding(v, peers("kidneyLiver"));
    expect(f.result.cv).toBeCloseTo(0.10488108846981181, 12);
    expect(f.result.rankPValue).toBeCloseTo(0.9523809523809523, 12);
    expect(f.pValue).toBeCloseTo(0.8383350416824061, 12);
    expect(f.verdict).toBe("pass");
  });
  it("calibration: flags none of the real peers leave-one-out (each peer's last 5 points against the other peers)", () => {
    // measured 2026-11-28: 0 of 20 (organs) and 0 of 20 (kidney+liver); the test guards against a change
    // of the test that would make ordinary registries look "frozen"
    for (const key of ["organs", "kidneyLiver"] as const) {
      const all = peers(key);
      const flagged = all.filter((t, i) => {
        const k = t.x.length;
        const last5: RatioSeries = { ...t, x: t.x.slice(k - 5), ratio: t.ratio.slice(k - 5), numerator: t.numerator.slice(k - 5), denominator: t.denominator.slice(k - 5) };
        return ratioConstancyFinding(last5, all.filter((_, j) => j !== i)).verdict === "flag";
      });
      expect(flagged.map((t) => t.name)).toEqual([]);
    }
  });
  it("needs 3 points", () => {
    const f = ratioConstancyFinding(ratioSeries(s("a", [1, 2], [2, 3]), s("b", [1, 2], [1, 1])), peers("organs"));
    expect(f.verdict).toBe("insufficient-data");
    expect(() => canonicalJson(f)).not.toThrow();
  });
});

describe("ratioPeerLevelFinding", () => {
  it("ranks the 2015-2016 mean organs per donor among 20 peers", () => {
    // level: target mean 2.8264057249797965, peers below 13 of 20 -> percentile 0.65, p = 2*min(14, 8)/21
    const r = ratioSeries(s("organs", [2015, 2016], [7758, 11620]), s("donors", [2015, 2016], [2766, 4080]));
    const f = ratioPeerLevelFinding(r, peers("organs"));
    expect(f.result.targetMean).toBeCloseTo(2.8264057249797965, 12);
    expect(f.result.percentile).toBeCloseTo(0.65, 12);
    // two-sided rank test with 20 peers: smallest attainable p = 2/21 > 0.05 -> cannot decide
    expect(f.verdict).toBe("insufficient-data");
    const g = ratioPeerLevelFinding(r, peers("organs"), { alpha: 0.1 });
    expect(g.pValue).toBeCloseTo(16 / 21, 12);
    expect(g.verdict).toBe("pass");
  });
});

describe("ratioFindings", () => {
  it("returns bounds only without peers, three findings with peers", () => {
    const num = s("organs", [2015, 2016], [7758, 11620]);
    const den = s("donors", [2015, 2016], [2766, 4080]);
    expect(ratioFindings(num, den)).toHaveLength(1);
    expect(ratioFindings(num, den, peers("organs")).map((f) => f.method)).toEqual([
      "forensics.ratios.bounds",
      "forensics.ratios.peer-level",
      "forensics.ratios.constancy",
    ]);
  });
});
