import { describe, expect, it } from "vitest";
import { chinaDonorSeries, godtPeers } from "../../src/audit/standard.js";
import { canonicalJson } from "../../src/core/canonical.js";
import { loadPackage, selectSeries } from "../../src/data/package.js";
import { fitModel } from "../../src/forensics/fit.js";
import { peerBenchmarkFinding } from "../../src/forensics/peers.js";

/*
 * Reproduction of Robertson, Hinde & Lavee (2019), "Analysis of official deceased organ donation data
 * casts doubt on the credibility of China's organ transplant reform", BMC Medical Ethics 20:79, on the
 * SHIPPED data package (data/), not on a fixture.
 *
 * Published: China's official deceased-donor series follows a quadratic almost exactly, R^2 about 0.999
 * for 2010-2017 and 0.997 for 2010-2018; the same fit on 50 GODT countries leaves 1 - R^2 one to two
 * orders of magnitude larger.
 *
 * Our national series is rebuilt from official statements (data/china_deceased_donors.csv, default
 * figures): 2010 = 34, 2011 = 132 (relayed by AsiaOne), 2012 has NO official figure in the package,
 * 2013 = 849, 2014 = about 1,700 (a rounded statement), 2015 = 2,766, 2016 = 4,080, 2017 = 5,146,
 * 2018 = 6,302. The paper used the COTRS series, which could not be obtained; so the series differ
 * (a missing year, a rounded year) and the R^2 values are not expected to match to the third decimal.
 *
 * Reference values: numpy 2.4 / scipy 1.17, computed once:
 *   x = np.array([2010, 2011, 2013, 2014, 2015, 2016, 2017, 2018.]); y = np.array([34, 132, 849, 1700, 2766, 4080, 5146, 6302.])
 *   (restrict to x <= 2017 for 2010-2017)
 *   general quadratic: X = [1, x - 2014, (x - 2014)**2]; b = np.linalg.lstsq(X, y); R^2 = 1 - RSS / sum((y - mean)^2)
 *   one-parameter quadratic, x0 given: u = (x - x0)**2; a = u @ y / (u @ u); centred R^2 as above,
 *     uncentred R^2 = 1 - RSS / sum(y^2)
 *   one-parameter quadratic, x0 fitted: scipy.optimize.least_squares(lambda p: p[0]*(x - p[1])**2 - y,
 *     [50, 2008], xtol=ftol=gtol=1e-15)
 *
 *                         2010-2017 (7 points)                 2010-2018 (8 points)
 *   general quadratic     R^2 = 0.9965965997899066             R^2 = 0.9949049051118004
 *   a (x - 2010)^2        R^2 = 0.9965894064867803             R^2 = 0.9928854735052435
 *                         uncentred 0.9985263569684789         uncentred 0.9970558066727575
 *   a (x - 2009)^2        R^2 = 0.9854751770885637             R^2 = 0.991123639287414
 *   a (x - x0)^2, fitted  a = 107.39383073727288,              a = 92.31014377182181,
 *                         x0 = 2009.9838133165256,             x0 = 2009.5993627517203,
 *                         R^2 = 0.9965928933428079             R^2 = 0.9947161741185749
 *                         uncentred 0.9985278635628787         uncentred 0.9978134026327868
 *
 * How this compares with the paper: with the usual (centred) R^2 every fit gives 0.995-0.997, i.e.
 * 1 - R^2 of 0.003-0.005 instead of the published 0.001 (2010-2017) and 0.003 (2010-2018). The
 * uncentred R^2 of the fit through a fixed origin, a (x - 2010)^2, is 0.9985 and 0.9971, which round to
 * the published 0.999 and 0.997; spreadsheet software reports that uncentred R^2 for a fit through the
 * origin, which may explain the agreement, but we cannot confirm from the paper which R^2 it used. The
 * gap in the centred values is also what a missing 2012 figure and a rounded 2014 figure would cause.
 */
const pkg = loadPackage();
const target = chinaDonorSeries(pkg, 2010, 2018);

function window(to: number) {
  const keep = target.x.map((x) => x <= to);
  return { x: target.x.filter((_, i) => keep[i]), y: target.y.filter((_, i) => keep[i]) };
}

describe("RHL 2019 (a): quadratic fits to China's official deceased donors, shipped package", () => {
  it("the shipped national series is the one described above (2012 missing)", () => {
    expect(target.x).toEqual([2010, 2011, 2013, 2014, 2015, 2016, 2017, 2018]);
    expect(target.y).toEqual([34, 132, 849, 1700, 2766, 4080, 5146, 6302]);
    const all = selectSeries(pkg, { table: "china_deceased_donors", measure: "deceased_donors", geography: "China", from: 2012, to: 2012 });
    expect(all.points).toEqual([]);
  });

  const cases: { to: number; poly2: number; x2010: number; x2010u: number; x2009: number; a: number; x0: number; fitted: number; fittedU: number }[] = [
    { to: 2017, poly2: 0.9965965997899066, x2010: 0.9965894064867803, x2010u: 0.9985263569684789, x2009: 0.9854751770885637, a: 107.39383073727288, x0: 2009.9838133165256, fitted: 0.9965928933428079, fittedU: 0.9985278635628787 },
    { to: 2018, poly2: 0.9949049051118004, x2010: 0.9928854735052435, x2010u: 0.9970558066727575, x2009: 0.991123639287414, a: 92.31014377182181, x0: 2009.5993627517203, fitted: 0.9947161741185749, fittedU: 0.9978134026327868 },
  ];
  for (const c of cases) {
    it(`2010-${c.to}: R^2 of the general and one-parameter quadratics match numpy/scipy`, () => {
      const { x, y } = window(c.to);
      const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
      const poly2 = fitModel(x, y, { kind: "poly", degree: 2 });
      expect(rel(poly2.r2!, c.poly2)).toBeLessThan(1e-9);
      const q2010 = fitModel(x, y, { kind: "quadratic1", x0: 2010 });
      expect(rel(q2010.r2!, c.x2010)).toBeLessThan(1e-9);
      expect(rel(q2010.r2Uncentered!, c.x2010u)).toBeLessThan(1e-9);
      expect(rel(fitModel(x, y, { kind: "quadratic1", x0: 2009 }).r2!, c.x2009)).toBeLessThan(1e-9);
      const free = fitModel(x, y, { kind: "quadratic1" });
      expect(rel(free.coefficients![0]!, c.a)).toBeLessThan(1e-6);
      expect(Math.abs(free.coefficients![1]! - c.x0)).toBeLessThan(1e-5);
      expect(rel(free.r2!, c.fitted)).toBeLessThan(1e-9);
      expect(rel(free.r2Uncentered!, c.fittedU)).toBeLessThan(1e-9);
    });
  }
  it("compared with the published 0.999 / 0.997: centred R^2 is lower; uncentred a (x - 2010)^2 rounds to them", () => {
    const r3 = (v: number) => Math.round(v * 1000) / 1000;
    const q17 = fitModel(window(2017).x, window(2017).y, { kind: "quadratic1", x0: 2010 });
    const q18 = fitModel(window(2018).x, window(2018).y, { kind: "quadratic1", x0: 2010 });
    expect([r3(q17.r2Uncentered!), r3(q18.r2Uncentered!)]).toEqual([0.999, 0.997]);
    // the usual centred R^2 of the general quadratic does NOT reproduce 0.999 on our rebuilt series
    const p17 = fitModel(window(2017).x, window(2017).y, { kind: "poly", degree: 2 });
    expect(r3(p17.r2!)).toBe(0.997);
    expect(r3(fitModel(target.x, target.y, { kind: "poly", degree: 2 }).r2!)).toBe(0.995);
  });
});

/*
 * (b) The comparison shape. The shipped GODT panel (data/international_deceased_donors.csv) has 15-17
 * usable comparator countries, not 50; only 4 of them have data at all of China's 8 years (2012 missing),
 * so peers are matched by LENGTH: each peer's most recent n points within 2010-to (n = China's number of
 * points). numpy reference (the peers' values dumped from the shipped package with godtPeers(pkg, 2010,
 * to, 7), each peer's last n points, general quadratic as above, 1 - R^2 = RSS / TSS):
 *   2010-2017 (n = 7, 17 peers): China 1 - R^2 = 0.0034034002100934713, median peer 0.07857925989948458,
 *     log10 gap to the median -1.3633949127519926, nearest peer Spain, gap -0.4787753487976353; rank 1;
 *     log10 peers: t = -2.1704147295843317, scipy.stats.t.cdf(t, 16) = 0.022685450700047793,
 *     scipy.stats.skew = 0.2529772336836738
 *   2010-2018 (n = 8, 15 peers; Iran and Turkey have only 7 points): China 0.005095094888199655, median
 *     0.0991901191287694, gap -1.2893161353805194, nearest Canada, gap -0.6246337178637307; rank 1;
 *     t = -2.480026759535297, p = 0.013233862903647479, skew = 0.08169863107765035
 * So the published shape holds on the shipped data: China is the most regular series and 1.29-1.36
 * orders of magnitude below the median peer (inside the published "one to two orders"), but only
 * 0.48-0.62 orders below the nearest peer.
 */
describe("RHL 2019 (b): China's 1 - R^2 against the shipped GODT peers", () => {
  const cases = [
    { to: 2017, peers: 17, t: 0.0034034002100934713, median: 0.07857925989948458, gap: -1.3633949127519926, nearest: "Spain", gapNear: -0.4787753487976353, tStat: -2.1704147295843317, p: 0.022685450700047793, skew: 0.2529772336836738 },
    { to: 2018, peers: 15, t: 0.005095094888199655, median: 0.0991901191287694, gap: -1.2893161353805194, nearest: "Canada", gapNear: -0.6246337178637307, tStat: -2.480026759535297, p: 0.013233862903647479, skew: 0.08169863107765035 },
  ];
  for (const c of cases) {
    it(`2010-${c.to}: China ranks first, ${-c.gap.toFixed(2)} orders of magnitude below the median peer (numpy/scipy)`, () => {
      const { peers } = godtPeers(pkg, 2010, c.to, 7);
      const f = peerBenchmarkFinding(target, peers, { kind: "poly", degree: 2 }, { from: 2010, to: c.to, match: "length" });
      const r = f.result;
      expect(r.peers.length).toBe(c.peers);
      expect(r.rank).toBe(1);
      expect(r.target!.oneMinusR2).toBeCloseTo(c.t, 12);
      expect(r.log10RatioMedian!).toBeCloseTo(c.gap, 9);
      expect(r.nearestPeer).toBe(c.nearest);
      expect(r.log10RatioNearest!).toBeCloseTo(c.gapNear, 9);
      // the published shape: one to two orders of magnitude below the (median) peer
      expect(-r.log10RatioMedian!).toBeGreaterThanOrEqual(1);
      expect(-r.log10RatioMedian!).toBeLessThanOrEqual(2);
      expect(r.parametric!.t!).toBeCloseTo(c.tStat, 8);
      expect(Math.abs(f.pValue! - c.p) / c.p).toBeLessThan(1e-6);
      expect(r.parametric!.skewness!).toBeCloseTo(c.skew, 8);
      expect(r.rankPValue).toBeCloseTo(1 / (c.peers + 1), 12);
      // before any multiplicity correction the peer test flags (p < 0.05 and more regular than all peers)
      expect(f.verdict).toBe("flag");
      expect(f.statement).toContain(`orders of magnitude below the median peer`);
      expect(() => canonicalJson(f)).not.toThrow();
    });
  }
  it("matched by exact years instead, too few peers remain: insufficient-data, not a verdict", () => {
    const { peers } = godtPeers(pkg, 2010, 2018, 7);
    const f = peerBenchmarkFinding(target, peers, { kind: "poly", degree: 2 }, { from: 2010, to: 2018 });
    expect(f.result.peers.length).toBe(4);
    expect(f.verdict).toBe("insufficient-data");
  });
});
