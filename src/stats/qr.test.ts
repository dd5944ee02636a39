import { describe, it, expect } from "vitest";
import { covarianceFromRInverse, leastSquaresQr } from "./qr.js";

/*
 * References: numpy 2.4
 *   A = np.array([[1,1],[1,2],[1,3],[1,4]], float); y = np.array([6,5,7,10], float)
 *   np.linalg.lstsq(A, y, rcond=None)[0] -> [3.5, 1.4];  np.linalg.inv(A.T @ A) -> [[1.5,-0.5],[-0.5,0.2]]
 */
describe("leastSquaresQr", () => {
  it("solves a small regression like np.linalg.lstsq and gives inv(A'A)", () => {
    const A = [
      [1, 1],
      [1, 2],
      [1, 3],
      [1, 4],
    ];
    const r = leastSquaresQr(A, [6, 5, 7, 10]);
    expect(r.rank).toBe(2);
    expect(r.coefficients![0]).toBeCloseTo(3.5, 13);
    expect(r.coefficients![1]).toBeCloseTo(1.4, 13);
    const C = covarianceFromRInverse(r.rInverse!);
    expect(C[0]![0]).toBeCloseTo(1.5, 13);
    expect(C[0]![1]).toBeCloseTo(-0.5, 13);
    expect(C[1]![0]).toBeCloseTo(-0.5, 13);
    expect(C[1]![1]).toBeCloseTo(0.2, 13);
  });
  it("solves a square system exactly", () => {
    const r = leastSquaresQr(
      [
        [2, 1],
        [1, 3],
      ],
      [3, 5],
    );
    expect(r.coefficients![0]).toBeCloseTo(0.8, 14);
    expect(r.coefficients![1]).toBeCloseTo(1.4, 14);
  });
  it("detects rank deficiency (collinear columns, zero column) and returns no coefficients", () => {
    const col = leastSquaresQr(
      [
        [1, 2],
        [2, 4],
        [3, 6],
      ],
      [1, 2, 3],
    );
    expect(col.rank).toBe(1);
    expect(col.coefficients).toBeNull();
    const zero = leastSquaresQr(
      [
        [1, 0],
        [1, 0],
        [1, 0],
      ],
      [1, 2, 3],
    );
    expect(zero.coefficients).toBeNull();
  });
  it("fewer rows than columns: no solution, no NaN", () => {
    const r = leastSquaresQr([[1, 2, 3]], [1]);
    expect(r.coefficients).toBeNull();
  });
  it("rejects mismatched lengths", () => {
    expect(() => leastSquaresQr([[1], [2]], [1])).toThrow(RangeError);
  });
});
