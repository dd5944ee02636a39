import { describe, it, expect } from "vitest";
import { mean, sd } from "./moments.js";

describe("mean and sd", () => {
  it("match numpy (ddof=1)", () => {
    // python3 -c "import numpy as np; a=[2.75,2.75,2.76,2.75,2.75]; print(np.mean(a), np.std(a, ddof=1))"
    // -> 2.752 0.004472135954999484
    expect(mean([2.75, 2.75, 2.76, 2.75, 2.75])).toBeCloseTo(2.752, 14);
    expect(sd([2.75, 2.75, 2.76, 2.75, 2.75])).toBeCloseTo(0.004472135954999484, 12);
    expect(sd([5])).toBe(0);
  });
});
