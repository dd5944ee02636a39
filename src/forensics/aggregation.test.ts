import { describe, it, expect } from "vitest";
import { canonicalJson } from "../core/canonical.js";
import { isOrganAuditError } from "../core/errors.js";
import { applyHolm } from "./audit.js";
import { counterFinding, parseIsoDay, parseQualifier, partsWholeFinding, qualifiedInterval, roundingUnit } from "./aggregation.js";

const input = { name: "test", sha256: "0".repeat(64) };

describe("qualifiers and rounding units", () => {
  it("reads stated figures as intervals", () => {
    expect(roundingUnit(570)).toBe(10);
    expect(roundingUnit(18000)).toBe(1000);
    expect(roundingUnit(573)).toBe(1);
    expect(roundingUnit(4.53)).toBeCloseTo(0.01, 12);
    expect(qualifiedInterval({ value: 570, qualifier: "more than" })).toEqual({ low: 570, high: 580, highOpen: true });
    expect(qualifiedInterval({ value: 1700, qualifier: "approx" })).toEqual({ low: 1600, high: 1800, highOpen: false });
    expect(parseQualifier("approx (close to)")).toBe("about");
    expect(parseQualifier(undefined)).toBe("exact");
    expect(() => parseQualifier("roughly-ish")).toThrow(/unknown qualifier/);
  });
});

describe("partsWholeFinding (METHODS.md C4, C5)", () => {
  it("BMC 2019 Table 7: 10,481 + 204 + 380 + 555 = 11,620", () => {
    const f = partsWholeFinding(
      [
        { label: "kidney+liver (COTRS)", value: 10481 },
        { label: "lung", value: 204 },
        { label: "heart", value: 380 },
        { label: "remainder", value: 555 },
      ],
      { value: 11620 },
      { input, name: "2016 organs" },
    );
    expect(f.result.sum).toBe(11620);
    expect(f.result.remainder).toBe(0);
    expect(f.verdict).toBe("pass");
    const off = partsWholeFinding([{ value: 10481 }, { value: 204 }, { value: 380 }, { value: 554 }], { value: 11620 }, { input });
    expect(off.verdict).toBe("flag");
    expect(off.result.remainder).toBe(1);
  });
  it("9,996 - 2,766 - 4,080 implies 3,150 donors for 2010-2014", () => {
    const f = partsWholeFinding([{ label: "2015", value: 2766 }, { label: "2016", value: 4080 }], { label: "cumulative end-2016", value: 9996 }, { input, complete: false });
    expect(f.result.remainder).toBe(3150);
    expect(f.verdict).toBe("pass");
    expect(f.caveats.map((c) => c.code)).toContain("C_CHK_INCOMPLETE_PARTS");
  });
  it("9,996 + 5,146 + 6,302 = 21,444 vs official '18,000+' at end-2018 is flagged", () => {
    const f = partsWholeFinding([{ value: 9996 }, { value: 5146 }, { value: 6302 }], { value: 18000, qualifier: "more than" }, { input });
    expect(f.result.sum).toBe(21444);
    expect(f.verdict).toBe("flag");
    expect(f.result.literallyConsistent).toBe(true);
    expect(f.statement).toMatch(/inconsistent/);
    expect(f.caveats.map((c) => c.code)).toContain("C_CHK_QUALIFIER_READING");
  });
  it("Guangdong 15+34+113+165+246 = 573 vs '570+' is consistent", () => {
    const f = partsWholeFinding([15, 34, 113, 165, 246].map((value) => ({ value })), { value: 570, qualifier: "more than" }, { input });
    expect(f.result.sum).toBe(573);
    expect(f.verdict).toBe("pass");
    // but 585 would not be "570+" under the rounding reading
    expect(partsWholeFinding([{ value: 585 }], { value: 570, qualifier: "more than" }, { input }).verdict).toBe("flag");
  });
  it("incomplete parts that exceed the whole are flagged (negative remainder)", () => {
    const f = partsWholeFinding([{ value: 600 }], { value: 570, qualifier: "more than" }, { input, complete: false });
    expect(f.verdict).toBe("flag");
    expect(f.result.remainder).toBe(-30);
  });
  it("rejects no parts", () => {
    expect(() => partsWholeFinding([], { value: 1 }, { input })).toThrow(/no parts/);
  });
});

describe("counterFinding (METHODS.md C7)", () => {
  it("flags an exact +25,000 jump between 30 and 31 Dec 2015 as a round-number jump", () => {
    // DAFOH: first reading 2014-04-07 = 21,731 registrations; on 2015-12-31 exactly 25,000 were added in one day.
    // The level on 2015-12-30 is not in our data: 101,234 is an arbitrary stand-in; only the increment matters.
    const f = counterFinding(
      [
        { date: "2014-04-07", value: 21731 },
        { date: "2015-12-30", value: 101234 },
        { date: "2015-12-31", value: 126234 },
      ],
      { input, name: "registered volunteers" },
    );
    expect(f.result.roundJumps).toBe(1);
    expect(f.result.eligibleSteps).toBe(2);
    // P(X >= 1), X ~ Bin(2, 1/1000) = 1 - 0.999^2 = 0.001999
    expect(f.pValue).toBeCloseTo(0.001999, 12);
    expect(f.verdict).toBe("flag");
    expect(f.statement).toMatch(/exactly 25,000/);
    const fast = counterFinding([{ date: "2015-12-30", value: 101234 }, { date: "2015-12-31", value: 126234 }], { input, maxPerDay: 5000 });
    expect(fast.result.tooFast).toBe(1);
  });
  it("passes the official cumulative deceased-donor readings 2013-2018 and honours qualifiers", () => {
    // /work/shared/data/china_cumulative_counters.csv, measure cumulative_deceased_donors, geography China
    const f = counterFinding(
      [
        { date: "2013-02-22", value: 659, qualifier: "exact" },
        { date: "2013-11-30", value: 1000, qualifier: "more than" },
        { date: "2013-12-31", value: 1441, qualifier: "exact" },
        { date: "2014-04-07", value: 1622, qualifier: "exact" },
        { date: "2014-08-14", value: 2107, qualifier: "exact" },
        { date: "2014-11-03", value: 2730, qualifier: "more than" },
        { date: "2015-11-09", value: 5384, qualifier: "exact" },
        { date: "2016-09-30", value: 8866, qualifier: "exact" },
        { date: "2017-05-31", value: 11977, qualifier: "exact" },
        { date: "2017-08-24", value: 12000, qualifier: "more than" },
        { date: "2017-12-10", value: 14861, qualifier: "exact" },
        { date: "2018-03-28", value: 16500, qualifier: "approx" },
        { date: "2018-12-31", value: 18000, qualifier: "more than" },
      ],
      { input },
    );
    expect(f.result.decreases).toBe(0);
    expect(f.result.roundJumps).toBe(0);
    expect(f.verdict).toBe("pass");
  });
  it("flags a counter that goes down, and reads 'YYYY' as the end of the year", () => {
    const f = counterFinding([{ date: "2020-11-30", value: 33000, qualifier: "about" }, { date: "2021-03-31", value: 30500 }], { input });
    expect(f.result.decreases).toBe(1);
    expect(f.verdict).toBe("flag");
    // rule-based flag: no p-value, so a Holm correction in a battery cannot turn it into a pass
    expect(f.pValue).toBeNull();
    expect(applyHolm([f], 0.05).findings[0]!.verdict).toBe("flag");
    expect(parseIsoDay("2024") - parseIsoDay("2024-12-30")).toBe(1);
  });
  it("errors on a bad or duplicate date; one reading is insufficient", () => {
    expect(() => counterFinding([{ date: "2015-02-30", value: 1 }], { input })).toThrow(/ISO date/);
    try {
      counterFinding([{ date: "2015-01-01", value: 1 }, { date: "2015-01-01", value: 2 }], { input });
      expect.unreachable();
    } catch (e) {
      expect(isOrganAuditError(e) && e.code).toBe("F_CHK_DUPLICATE_DATE");
    }
    const one = counterFinding([{ date: "2015-01-01", value: 1 }], { input });
    expect(one.verdict).toBe("insufficient-data");
    expect(() => canonicalJson(one)).not.toThrow();
  });
});
