import { describe, it, expect } from "vitest";
import { importFile } from "../records/import-file.js";
import { buildFeatures } from "../rank/features.js";
import { recallAt, recallCurve, screeningMetrics, wss } from "./metrics.js";
import { choosePriors, runSeeds, simulate, simulateRun } from "./simulate.js";

describe("screening metrics (hand-computed)", () => {
  // 10 records screened after the priors, relevant ones at positions 1, 2 and 5 (R = 3)
  const found = [1, 2, 5];
  it("WSS, recall at 10 %, ATD", () => {
    const m = screeningMetrics(found, 10);
    // WSS@95: ceil(0.95 * 3) = 3 relevant are reached at k = 5: (10 - 5)/10 - 0.05 = 0.45
    expect(m.wss95).toBeCloseTo(0.45, 12);
    expect(m.wss100).toBeCloseTo(0.5, 12);
    // 10 % of 10 = 1 record screened: 1 of 3 relevant found
    expect(m.recallAt10).toBeCloseTo(1 / 3, 12);
    expect(m.atd).toBeCloseTo(8 / 3, 12);
    expect(m.atdShare).toBeCloseTo(8 / 30, 12);
  });

  it("Cohen et al. (2006) worked definition: WSS@95 = (TN + FN)/N - 0.05", () => {
    // 2000 records, 100 relevant; 95 relevant are found after 600 screened -> (2000 - 600)/2000 - 0.05 = 0.65
    const positions = Array.from({ length: 100 }, (_, i) => (i < 94 ? i + 1 : i === 94 ? 600 : 1900 + i));
    expect(wss(positions, 2000, 0.95)).toBeCloseTo(0.65, 12);
    // random order in expectation: relevant evenly spread -> WSS@95 near 0
    const even = Array.from({ length: 100 }, (_, i) => 20 * (i + 1));
    expect(wss(even, 2000, 0.95)).toBeCloseTo(0, 12);
  });

  it("recall curve and input checks", () => {
    const c = recallCurve(found, 10, 10);
    expect(c).toEqual([0, 1 / 3, 2 / 3, 2 / 3, 2 / 3, 1, 1, 1, 1, 1, 1]);
    expect(recallAt(found, 0)).toBe(0);
    expect(() => screeningMetrics([], 10)).toThrow(RangeError);
    expect(() => screeningMetrics([3, 3], 10)).toThrow(RangeError);
    expect(() => screeningMetrics([11], 10)).toThrow(RangeError);
  });
});

describe("simulation on Cohen 2006 Antihistamines (fixture)", async () => {
  const f = await importFile("test/fixtures/screening/s2/Cohen_2006_Antihistamines.csv");
  const labels = Uint8Array.from(f.records.map((r) => (r.labels.label_included === 1 ? 1 : 0)));
  // the scikit-learn replay's features: TfidfVectorizer(stop_words="english")
  const X = buildFeatures(f.records, { ngramMax: 1, sublinearTf: false }).matrix;

  it("priors come from the seed: one relevant, one irrelevant", () => {
    const [rel, irr] = choosePriors(labels, 1);
    expect(labels[rel]).toBe(1);
    expect(labels[irr]).toBe(0);
    expect(choosePriors(labels, 1)).toEqual([285, 252]);
  });

  it("NB run reproduces the scikit-learn replay of the same protocol, record for record", () => {
    // Reference: bench/screening-sim-sklearn.py (MultinomialNB(alpha=3.822), balanced sample weights,
    // TfidfVectorizer(stop_words="english")) given priors [285, 252] (seed 1) on this file:
    // positions of the 15 remaining relevant records and the first 10 rows screened
    const run = simulateRun(X, labels, "nb", 1);
    expect(run.priors).toEqual([285, 252]);
    expect(run.foundAt).toEqual([8, 18, 23, 27, 28, 39, 40, 67, 68, 70, 79, 80, 164, 261, 302]);
    expect(run.order.slice(0, 10)).toEqual([211, 188, 206, 203, 77, 154, 182, 119, 264, 40]);
    // n = 310 - 2 priors = 308; WSS@95 = (308 - 302)/308 - 0.05
    expect(run.metrics.wss95).toBeCloseTo(6 / 308 - 0.05, 12);
  });

  it("summary: mean over seeds, deterministic for a seed list", () => {
    const s = simulate(X, labels, "nb", runSeeds(1, 2));
    expect(s.n).toBe(310);
    expect(s.nIncluded).toBe(16);
    expect(s.seeds).toEqual([1, 2]);
    expect(s.wss95).toBeCloseTo(((s.runs[0]?.metrics.wss95 ?? 0) + (s.runs[1]?.metrics.wss95 ?? 0)) / 2, 12);
    expect(s.recallCurve).toHaveLength(101);
    expect(s.recallCurve[100]).toBe(1);
    expect(JSON.stringify(simulate(X, labels, "nb", runSeeds(1, 2)))).toBe(JSON.stringify(s));
  });
});
