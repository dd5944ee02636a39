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
  it("flags a target predicted better than every peer; exact p = 1/(n+1)", () => {
    const x = [2010, 2011, 2012, 2013, 2014, 2015, 2016, 2017];
    const target = ser(
      "T",
      x,
      x.map((v) => 100 + 7 * (v - 2010) ** 2),
    );
    // peers: same trend with alternating noise of growing size
    const peers: PeerSet = {
      name: "P",
      series: [1, 2, 3, 4, 5, 6].map((j) =>
        ser(
          `p${j}`,
          x,
          x.map((v, i) => 100 + 7 * (v - 2010) ** 2 + (i % 2 === 0 ? 5 * j : -5 * j)),
        ),
      ),
    };
    const f = predictionFinding(target, { kind: "quadratic1", x0: 2010 }, { peers });
    expect(f.verdict).toBe("flag");
    expect(f.pValue).toBeCloseTo(1 / 7, 12);
    expect(f.result.rank).toBe(1);
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
