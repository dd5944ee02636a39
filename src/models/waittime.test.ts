import { describe, it, expect } from "vitest";
import {
  organRatePerDay, erlangWait, gammaQuantile, requiredDonorsPerYear, simulateWait, waitTimeFinding,
  requiredFlowFinding, yearsOfPeriod, littleQueuePositions, officialFlowForPeriod, waitClaimFinding, donorGroupsFor, type WaitClaim,
} from "./waittime.js";
import { canonicalJson } from "../core/canonical.js";

// China national ABO phenotype %, SUN2022 (abo_blood_type_frequencies.csv)
const SUN2022 = { A: 28.72, B: 28.17, O: 34.2, AB: 8.91 };
const input = { name: "test", sha256: "0".repeat(64) };

describe("closed form", () => {
  it("organ rate = donors/365 x group share x usable", () => {
    // 4080 donors (2016, CD2017/GODT2018), B share 28.17/100 (sum of shares = 100), 0.8 livers per donor
    expect(organRatePerDay({ donorsPerYear: 4080, frequencies: SUN2022, usable: 0.8, group: "B" })).toBeCloseTo((4080 / 365) * 0.2817 * 0.8, 12);
    // ABO-compatible: AB receives from all groups
    expect(organRatePerDay({ donorsPerYear: 365, frequencies: SUN2022, usable: 1, group: "AB", rule: "compatible" })).toBeCloseTo(1, 12);
    expect(donorGroupsFor("B", "compatible")).toEqual(["B", "O"]);
    expect(donorGroupsFor("O", "compatible")).toEqual(["O"]);
  });

  it("Erlang quantiles match scipy.stats.gamma.ppf", () => {
    // python (test/fixtures/models-other/reference/misc_ref.py): gamma.ppf(0.5, 3) = 2.674060313723559; gamma.ppf(0.9, 3) = 5.322320337834211;
    //         gamma.ppf(0.5, 25) = 24.667468366988416; gamma.ppf(0.5, 1) = ln 2
    expect(gammaQuantile(0.5, 3)).toBeCloseTo(2.674060313723559, 9);
    expect(gammaQuantile(0.9, 3)).toBeCloseTo(5.322320337834211, 9);
    expect(gammaQuantile(0.5, 25)).toBeCloseTo(24.667468366988416, 9);
    expect(gammaQuantile(0.5, 1)).toBeCloseTo(Math.LN2, 14);
  });

  it("single recipient: median ln2/lambda, mean 1/lambda; position m: Erlang", () => {
    const w = erlangWait(0.5)!;
    expect(w.medianDays).toBeCloseTo(Math.LN2 / 0.5, 12);
    expect(w.meanDays).toBeCloseTo(2, 12);
    expect(w.within[0]!.probability).toBeCloseTo(1 - Math.exp(-3.5), 12);
    const w3 = erlangWait(0.5, 3)!;
    expect(w3.medianDays).toBeCloseTo(2.674060313723559 / 0.5, 9);
    expect(w3.meanDays).toBeCloseTo(6, 12);
    expect(erlangWait(0)).toBeNull();
  });

  it("inverse: donors needed for a median wait W", () => {
    // ln2 / (14 d) organs a day of group B; / (0.2817 x 0.8) donors a day; x 365
    const need = requiredDonorsPerYear({ waitDays: 14, group: "B", frequencies: SUN2022, usable: 0.8 });
    expect(need).toBeCloseTo((Math.LN2 / 14 / (0.2817 * 0.8)) * 365, 9);
    // mean 14 days at position 25 needs 25 / 14 a day
    const need25 = requiredDonorsPerYear({ waitDays: 14, statistic: "mean", position: 25, group: "O", frequencies: SUN2022, usable: 0.8 });
    expect(need25).toBeCloseTo((25 / 14 / (0.342 * 0.8)) * 365, 9);
    // round trip with the forward model
    const lam = organRatePerDay({ donorsPerYear: need, frequencies: SUN2022, usable: 0.8, group: "B" });
    expect(erlangWait(lam)!.medianDays).toBeCloseTo(14, 9);
    expect(() => requiredDonorsPerYear({ waitDays: 0, group: "B", frequencies: SUN2022, usable: 0.8 })).toThrow(/wait/);
  });
});

describe("Little's law queue positions", () => {
  it("for a mean wait, the requirement of every group equals the throughput bound V / usable", () => {
    // L = V W / 365; group g at position L f_g; need_g = (L f_g / W) / (f_g u) x 365 = V / u
    const { waiting, positions } = littleQueuePositions(647, 14, SUN2022);
    expect(waiting).toBeCloseTo((647 * 14) / 365, 12);
    expect(positions.O).toBeCloseTo(waiting * 0.342, 12);
    const f = requiredFlowFinding({
      waitDays: 14, statistic: "mean", frequencies: SUN2022, usable: 0.8, organ: "liver", positionByGroup: positions,
      official: { donorsPerYear: 4080, basis: "t" }, inputs: [input],
    });
    for (const g of f.result.groups) if (g.position > 1) expect(g.donorsPerYear).toBeCloseTo(647 / 0.8, 9);
    // AB: L x 0.0891 = 2.21 > 1 too
    expect(f.result.groups.every((g) => g.position > 1)).toBe(true);
    expect(f.caveats.map((c) => c.code)).not.toContain("C_WAIT_SINGLE_RECIPIENT");
  });
  it("small centres: positions floor at 1", () => {
    expect(littleQueuePositions(10, 7, SUN2022).positions.AB).toBe(1);
  });
});

describe("simulation agrees with the closed form", () => {
  it("single recipient, identical allocation: median and mean within Monte Carlo tolerance of ln2/lambda and 1/lambda", () => {
    const lam = organRatePerDay({ donorsPerYear: 4080, frequencies: SUN2022, usable: 0.8, group: "B" });
    const n = 20000;
    const s = simulateWait({ donorsPerYear: 4080, frequencies: SUN2022, usable: 0.8, group: "B", draws: n, seed: 3 });
    // Exponential(lambda): SE of the sample mean = (1/lambda)/sqrt(n); SE of the sample median =
    // 1/(2 f(median) sqrt(n)) with f(median) = lambda/2, i.e. 1/(lambda sqrt(n)). Tolerance 4 SE.
    const se = 1 / (lam * Math.sqrt(n));
    expect(s.censored).toBe(0);
    expect(Math.abs(s.medianDays! - Math.LN2 / lam)).toBeLessThan(4 * se);
    expect(Math.abs(s.meanDays! - 1 / lam)).toBeLessThan(4 * se);
  });

  it("position 3 FIFO: Erlang(3) median and mean", () => {
    const lam = organRatePerDay({ donorsPerYear: 1000, frequencies: SUN2022, usable: 1, group: "AB" });
    const n = 20000;
    const s = simulateWait({ donorsPerYear: 1000, frequencies: SUN2022, usable: 1, group: "AB", position: 3, draws: n, seed: 8 });
    // Gamma(3, lambda): sd = sqrt(3)/lambda; median density f = lambda * gamma.pdf(2.67406, 3) = lambda * 0.24659
    // (python: scipy.stats.gamma.pdf(2.674060313723559, 3) = 0.2465941462924655); tolerance 4 SE
    expect(Math.abs(s.meanDays! - 3 / lam)).toBeLessThan((4 * Math.sqrt(3)) / lam / Math.sqrt(n));
    expect(Math.abs(s.medianDays! - 2.674060313723559 / lam)).toBeLessThan(4 / (2 * 0.2465941462924655 * lam * Math.sqrt(n)));
  });

  it("is reproducible for a seed and reports censoring as null quantiles", () => {
    const a = simulateWait({ donorsPerYear: 100, frequencies: SUN2022, usable: 0.8, group: "AB", rule: "compatible", policy: "random", queueAhead: { A: 5, O: 5 }, arrivalsPerYear: { A: 50, B: 50, O: 50, AB: 10 }, draws: 500, seed: 4 });
    const b = simulateWait({ donorsPerYear: 100, frequencies: SUN2022, usable: 0.8, group: "AB", rule: "compatible", policy: "random", queueAhead: { A: 5, O: 5 }, arrivalsPerYear: { A: 50, B: 50, O: 50, AB: 10 }, draws: 500, seed: 4 });
    expect(a).toEqual(b);
    // 1 donor a year and a 30-day horizon: most patients are still waiting
    const c = simulateWait({ donorsPerYear: 1, frequencies: SUN2022, usable: 1, group: "AB", draws: 200, seed: 1, horizonDays: 30 });
    expect(c.censored).toBeGreaterThan(190);
    expect(c.medianDays).toBeNull();
    expect(c.meanDays).toBeNull();
  });
});

describe("findings", () => {
  it("forward finding has no NaN and names the rule", () => {
    const f = waitTimeFinding({ donorsPerYear: 4080, frequencies: SUN2022, usable: 0.8, organ: "liver", inputs: [input], donorsBasis: "official 2016" });
    expect(f.verdict).toBe("estimate");
    expect(f.result.groups).toHaveLength(4);
    expect(f.statement).toContain("identical ABO allocation");
    const z = waitTimeFinding({ donorsPerYear: 0, frequencies: SUN2022, usable: 0.8, organ: "liver", inputs: [input], donorsBasis: "none" });
    expect(z.verdict).toBe("insufficient-data");
    expect(() => canonicalJson(z)).not.toThrow();
  });

  it("inverse finding compares with the official flow", () => {
    const f = requiredFlowFinding({ waitDays: 14, frequencies: SUN2022, usable: 0.8, organ: "liver", official: { donorsPerYear: 50, basis: "test" }, inputs: [input] });
    // least demanding group is O (most frequent): ln2/14/(0.342*0.8)*365 = 66.05...
    expect(f.result.minimum.group).toBe("O");
    expect(f.result.minimum.donorsPerYear).toBeCloseTo((Math.LN2 / 14 / (0.342 * 0.8)) * 365, 9);
    expect(f.result.minimum.ratioToOfficial).toBeCloseTo(f.result.minimum.donorsPerYear / 50, 12);
    expect(f.verdict).toBe("flag");
  });
});

describe("claims", () => {
  const donors = new Map([[2016, { value: 4080, sourceIds: ["CD2017"] }], [2010, { value: 63, sourceIds: ["CCTV2013"] }]]);
  it("parses periods", () => {
    expect(yearsOfPeriod("2003-2006")).toEqual([2003, 2004, 2005, 2006]);
    expect(yearsOfPeriod("2016-03-03")).toEqual([2016]);
    expect(yearsOfPeriod("c.2013")).toEqual([2013]);
    expect(yearsOfPeriod("1991 registrations")).toEqual([1991]);
    expect(yearsOfPeriod("2017/18")).toEqual([2017]);
    expect(yearsOfPeriod("as of 2013-03")).toEqual([2013]);
  });
  it("2003-2006 predates the voluntary system: no ratio, said plainly", () => {
    const o = officialFlowForPeriod("2003-2006", donors);
    expect(o.donorsPerYear).toBeNull();
    expect(o.predatesVoluntarySystem).toBe(true);
    const claim: WaitClaim = { line: 2, country: "China", institution: "Tianjin", organ: "liver", period: "2003-2006", metric: "advertised average wait", waitDaysLow: 14, waitDaysHigh: 14, statistic: "mean", statisticStated: true, sourceId: "STOPOH" };
    const f = waitClaimFinding(claim, { frequencies: SUN2022, frequenciesBasis: "SUN2022", usable: 0.8, usableBasis: "test", official: o, inputs: [input] });
    expect(f.verdict).toBe("estimate");
    expect(f.result!.minimum.ratioToOfficial).toBeNull();
    expect(f.statement).toContain("about zero");
    expect(f.caveats.map((c) => c.code)).toContain("C_WAIT_NO_OFFICIAL_FLOW");
    expect(() => canonicalJson(f)).not.toThrow();
  });
  it("2016 claim of 1-2 weeks uses the long end and 2016's official flow", () => {
    const o = officialFlowForPeriod("2016-03-03", donors);
    expect(o.donorsPerYear).toBe(4080);
    const claim: WaitClaim = { line: 6, country: "China", institution: "Chaoyang", organ: "liver", period: "2016-03-03", metric: "wait stated by surgeon", waitDaysLow: 7, waitDaysHigh: 14, statistic: "median", statisticStated: false, sourceId: "U2017_20" };
    const f = waitClaimFinding(claim, { frequencies: SUN2022, frequenciesBasis: "SUN2022", usable: 0.8, usableBasis: "test", official: o, inputs: [input] });
    expect(f.result!.waitDays).toBe(14);
    expect(f.result!.shortEnd!.waitDays).toBe(7);
    expect(f.result!.shortEnd!.minimumDonorsPerYear).toBeCloseTo(2 * f.result!.minimum.donorsPerYear, 9);
    // a single first-in-line recipient is easily served by 4,080 donors: consistent (a lower bound)
    expect(f.verdict).toBe("pass");
  });
  it("no ABO data: insufficient-data", () => {
    const claim: WaitClaim = { line: 30, country: "Italy", institution: "CNT", organ: "liver", period: "2018", metric: "average waiting time", waitDaysLow: 146, waitDaysHigh: 146, statistic: "mean", statisticStated: true, sourceId: "OPEN2019" };
    const f = waitClaimFinding(claim, { frequencies: null, frequenciesBasis: "none", usable: 0.8, usableBasis: "x", official: { donorsPerYear: 1000, basis: "x" }, inputs: [input] });
    expect(f.verdict).toBe("insufficient-data");
    expect(f.result).toBeNull();
  });
});
