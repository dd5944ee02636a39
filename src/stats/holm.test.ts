import { describe, it, expect } from "vitest";
import { holmAdjust } from "./holm.js";

describe("holmAdjust", () => {
  it("matches a hand-computed step-down example", () => {
    // p = [0.01, 0.04, 0.03, 0.005], m = 4. Sorted: 0.005, 0.01, 0.03, 0.04.
    //   0.005 * 4 = 0.02; 0.01 * 3 = 0.03; 0.03 * 2 = 0.06; 0.04 * 1 = 0.04 -> running max 0.06.
    // Python (no statsmodels):
    //   p=[0.01,0.04,0.03,0.005]; o=sorted(range(4),key=lambda i:p[i]); r=0; a=[0]*4
    //   for k,i in enumerate(o): r=max(r,min(1,(4-k)*p[i])); a[i]=r
    //   -> [0.03, 0.06, 0.06, 0.02]
    const adj = holmAdjust([0.01, 0.04, 0.03, 0.005]);
    const want = [0.03, 0.06, 0.06, 0.02];
    adj.forEach((a, i) => expect(a).toBeCloseTo(want[i] as number, 12));
  });
  it("passes nulls through and does not count them in m", () => {
    const adj = holmAdjust([0.01, null, 0.04, 0.03, 0.005]);
    expect(adj[1]).toBeNull();
    expect(adj[0]).toBeCloseTo(0.03, 12);
    expect(adj[4]).toBeCloseTo(0.02, 12);
  });
  it("caps at 1 and keeps ties monotone", () => {
    expect(holmAdjust([0.6, 0.6, 0.9])).toEqual([1, 1, 1]);
    expect(holmAdjust([])).toEqual([]);
  });
  it("rejects values outside [0, 1]", () => {
    expect(() => holmAdjust([Number.NaN])).toThrow(RangeError);
    expect(() => holmAdjust([1.2])).toThrow(RangeError);
  });
});
