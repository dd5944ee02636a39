import { describe, it, expect } from "vitest";
import { canonicalJson } from "../core/canonical.js";
import { consistencyFinding } from "./consistency.js";
import type { Series } from "./series.js";

const input = { name: "test", sha256: "0".repeat(64) };
const s = (name: string, x: number[], y: number[]): Series => ({ name, x, y, input });

describe("consistencyFinding: expect equal", () => {
  it("passes China 2015 donors reported by COTDF and in the GODT submission (both 2,766)", () => {
    // /work/shared/data/china_deceased_donors.csv: 2015 deceased_donors 2766 (CD2017, COTDF) and 2766 (GODT2018)
    const f = consistencyFinding(s("COTDF", [2015], [2766]), s("GODT", [2015], [2766]), { expect: "equal" });
    expect(f.verdict).toBe("pass");
    expect(f.result.exactlyEqual).toBe(1);
  });
  it("flags 2015 organs donated 7,758 (NHFPC) vs 7,785 (press on KGM 2016)", () => {
    const f = consistencyFinding(s("NHFPC", [2014, 2015], [4548, 7758]), s("press", [2015], [7785]), { expect: "equal" });
    expect(f.verdict).toBe("flag");
    expect(f.result.x).toEqual([2015]);
    expect(f.result.difference).toEqual([27]);
    expect(f.result.violations).toEqual([2015]);
    // a relative tolerance of 0.5% accepts it: 27 / 7785 = 0.00347
    expect(consistencyFinding(s("NHFPC", [2015], [7758]), s("press", [2015], [7785]), { expect: "equal", tolerance: 0.005 }).verdict).toBe("pass");
  });
});

describe("consistencyFinding: expect independent", () => {
  const x = [2010, 2011, 2012, 2013, 2014, 2015, 2016];
  const donors = [34, 132, 426, 849, 1700, 2766, 4080];
  it("flags a series that is round(2.75 x donors)", () => {
    // numpy: b = np.round(2.75*a) = [94, 363, 1172, 2335, 4675, 7606, 11220];
    // np.polyfit(a, b, 1) -> slope 2.749854915567365, intercept 0.31413688982006144, max |residual| 0.4128333491526064
    const b = [94, 363, 1172, 2335, 4675, 7606, 11220];
    const f = consistencyFinding(s("donors", x, donors), s("organs", x, b), { expect: "independent" });
    expect(f.verdict).toBe("flag");
    expect(f.result.identicalUpToScale).toBe(true);
    expect(f.result.affine!.slope).toBeCloseTo(2.749854915567365, 10);
    expect(f.result.affine!.intercept).toBeCloseTo(0.31413688982006144, 8);
    expect(f.result.affine!.maxAbsResidual).toBeCloseTo(0.4128333491526064, 8);
    expect(f.result.scale).toBeCloseTo(2.75, 2);
  });
  it("passes real Spanish donors vs kidney+liver transplants 2003-2010 (GODT)", () => {
    // np.polyfit -> slope 1.2792082394592834, intercept 1136.4802059864844, R2 0.5664703654751582, max|res| 129.85
    const xs = [2003, 2004, 2005, 2006, 2007, 2008, 2009, 2010];
    const a = [1443, 1495, 1546, 1509, 1550, 1577, 1606, 1502];
    const b = [2997, 3086, 3158, 3088, 3161, 3153, 3163, 2928];
    const f = consistencyFinding(s("donors", xs, a), s("kidney+liver", xs, b), { expect: "independent" });
    expect(f.verdict).toBe("pass");
    expect(f.result.affine!.r2).toBeCloseTo(0.5664703654751582, 10);
    expect(f.result.affine!.maxAbsResidual).toBeCloseTo(129.85098165432828, 8);
  });
  it("needs 4 shared points", () => {
    const f = consistencyFinding(s("a", [1, 2, 3], [1, 2, 3]), s("b", [1, 2, 3], [2, 4, 6]), { expect: "independent" });
    expect(f.verdict).toBe("insufficient-data");
    expect(() => canonicalJson(f)).not.toThrow();
  });
});

describe("consistencyFinding: expect proportional", () => {
  it("passes a fixed proportion and flags a drifting one", () => {
    const x = [1, 2, 3, 4];
    const a = [100, 200, 300, 400];
    expect(consistencyFinding(s("a", x, a), s("b", x, [50, 100, 150, 201]), { expect: "proportional" }).verdict).toBe("pass");
    const f = consistencyFinding(s("a", x, a), s("b", x, [50, 100, 180, 201]), { expect: "proportional" });
    expect(f.verdict).toBe("flag");
    expect(f.result.violations).toEqual([3]);
  });
  it("treats a zero in the reference series as a violation, not NaN", () => {
    const f = consistencyFinding(s("a", [1, 2, 3], [0, 2, 3]), s("b", [1, 2, 3], [1, 4, 6]), { expect: "proportional" });
    expect(f.result.ratio[0]).toBeNull();
    expect(f.verdict).toBe("flag");
    expect(() => canonicalJson(f)).not.toThrow();
  });
  it("rejects a bad expectation", () => {
    expect(() => consistencyFinding(s("a", [1], [1]), s("b", [1], [1]), { expect: "same" as "equal" })).toThrow(/expect/);
  });
});
