import { describe, it, expect } from "vitest";
import { wilsonInterval, emergencyShareFinding, emergencyPoolFinding } from "./ondemand.js";
import { canonicalJson } from "../core/canonical.js";

const input = { name: "test", sha256: "0".repeat(64) };
const SUN2022 = { A: 28.72, B: 28.17, O: 34.2, AB: 8.91 };

describe("Wilson interval", () => {
  it("METHODS.md C11: p = 0.266, n = 4,331 -> [0.2531, 0.2794] (+-1e-4)", () => {
    // python (test/fixtures/models-other/reference/misc_ref.py): z = norm.ppf(0.975); c = (p + z*z/(2n))/(1 + z*z/n); h = z/(1 + z*z/n)*sqrt(p(1-p)/n + z*z/(4n^2))
    //   -> (0.25305195954544496, 0.2793627736680217)
    const ci = wilsonInterval(0.266, 4331);
    expect(Math.abs(ci.low - 0.2531)).toBeLessThan(1e-4);
    expect(Math.abs(ci.high - 0.2794)).toBeLessThan(1e-4);
    expect(ci.low).toBeCloseTo(0.25305195954544496, 12);
    expect(ci.high).toBeCloseTo(0.2793627736680217, 12);
  });
  it("count form matches scipy.stats.binomtest(1152, 4331).proportion_ci(method='wilson')", () => {
    // python -> (0.25304151512928363, 0.279351994701304)
    const ci = wilsonInterval(1152 / 4331, 4331);
    expect(ci.low).toBeCloseTo(0.25304151512928363, 12);
    expect(ci.high).toBeCloseTo(0.279351994701304, 12);
  });
  it("rejects bad input", () => {
    expect(() => wilsonInterval(1.2, 10)).toThrow(/Wilson/);
    expect(() => wilsonInterval(0.5, 0)).toThrow(/Wilson/);
  });
});

describe("emergency share finding", () => {
  it("CLTR 2006: 26.6% of 4,331 -> 1,152 emergency liver transplants", () => {
    const f = emergencyShareFinding({ share: 0.266, n: 4331, label: "CLTR 2006 report", inputs: [input] });
    expect(f.result.count).toBe(1152);
    expect(f.interval!.low).toBeCloseTo(0.25305195954544496, 12);
    expect(f.verdict).toBe("estimate");
    expect(() => emergencyShareFinding({ n: 10, label: "x", inputs: [input] })).toThrow(/exactly one/);
  });
});

describe("emergency pool finding", () => {
  it("72 hours with probability 0.5: lambda_g = ln2/3 per day; throughput 1152/0.8", () => {
    const f = emergencyPoolFinding({
      emergenciesPerYear: 1152, withinDays: 3, probability: 0.5, frequencies: SUN2022, usable: 0.8, organ: "liver",
      official: { donorsPerYear: null, basis: "none before 2010", predatesVoluntarySystem: true }, label: "CLTR 2006", inputs: [input],
    });
    const ab = f.result.groups.find((g) => g.group === "AB")!;
    expect(ab.donorsPerYear).toBeCloseTo((Math.LN2 / 3 / (0.0891 * 0.8)) * 365, 9);
    expect(f.result.throughputDonorsPerYear).toBeCloseTo(1440, 9);
    // speed bound of the least demanding group (O): ln2/3/(0.342*0.8)*365 = 308.2 < 1440
    expect(f.result.minimumDonorsPerYear).toBeCloseTo(1440, 9);
    expect(f.result.allGroupsDonorsPerYear).toBeCloseTo(ab.donorsPerYear, 12);
    expect(f.result.ratioToOfficial).toBeNull();
    expect(f.verdict).toBe("estimate");
    expect(f.statement).toContain("about zero");
    expect(() => canonicalJson(f)).not.toThrow();
  });
});
