/**
 * Simulation of active-learning screening on a fully labelled dataset, ASReview's protocol: one
 * random relevant and one random irrelevant record as prior knowledge; the model is retrained after
 * every decision and the top-ranked unscreened record is screened next (ties: first in input order);
 * repeated over several seeds and averaged. A run stops once every relevant record is found — the
 * rest of the order cannot change any metric. Pure (features are computed by the caller).
 */
import { createRng } from "../../stats/rng.js";
import { createClassifier, type ModelName } from "../rank/models.js";
import type { SparseMatrix } from "../rank/tfidf.js";
import { recallCurve, screeningMetrics, type ScreeningMetrics } from "./metrics.js";

export interface SimulationRun {
  seed: number;
  /** rows given as prior knowledge: [relevant, irrelevant] */
  priors: [number, number];
  /** rows in the order screened after the priors, up to the last relevant record */
  order: number[];
  /** 1-based positions (after the priors) of the relevant records */
  foundAt: number[];
  metrics: ScreeningMetrics;
}

/** Choose the prior records of a run from its seed (shared with the scikit-learn replay). */
export function choosePriors(labels: ArrayLike<number>, seed: number): [number, number] {
  const rel: number[] = [];
  const irr: number[] = [];
  for (let i = 0; i < labels.length; i++) (labels[i] === 1 ? rel : irr).push(i);
  if (rel.length < 2 || irr.length < 1) throw new RangeError("need at least 2 relevant and 1 irrelevant record");
  const rng = createRng(seed);
  return [rel[rng.int(rel.length)] as number, irr[rng.int(irr.length)] as number];
}

/** Metrics of a given screening order (rows after the priors) against the labels. */
export function metricsOfOrder(
  labels: ArrayLike<number>,
  order: readonly number[],
): { foundAt: number[]; metrics: ScreeningMetrics } {
  const foundAt: number[] = [];
  order.forEach((row, k) => {
    if (labels[row] === 1) foundAt.push(k + 1);
  });
  return { foundAt, metrics: screeningMetrics(foundAt, labels.length - 2) };
}

export function simulateRun(X: SparseMatrix, labels: ArrayLike<number>, model: ModelName, seed: number): SimulationRun {
  const priors = choosePriors(labels, seed);
  const clf = createClassifier(model, seed);
  let remaining = -1;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) remaining++;
  const screened = new Uint8Array(X.nRows);
  const rows: number[] = [...priors];
  const y: number[] = [1, 0];
  for (const p of priors) screened[p] = 1;
  const order: number[] = [];
  while (remaining > 0) {
    clf.fit(X, rows, y);
    let best = -1;
    let bestScore = -Infinity;
    for (let i = 0; i < X.nRows; i++) {
      if (screened[i]) continue;
      const s = clf.score(X, i);
      if (best < 0 || s > bestScore) {
        best = i;
        bestScore = s;
      }
    }
    screened[best] = 1;
    order.push(best);
    rows.push(best);
    const lab = labels[best] === 1 ? 1 : 0;
    y.push(lab);
    if (lab === 1) remaining--;
  }
  return { seed, priors, order, ...metricsOfOrder(labels, order) };
}

export interface SimulationSummary {
  model: ModelName;
  seeds: number[];
  /** records in the dataset and relevant among them (priors included) */
  n: number;
  nIncluded: number;
  /** means over seeds */
  wss95: number;
  wss100: number;
  recallAt10: number;
  atd: number;
  atdShare: number;
  /** mean recall at 0, 1, …, 100 % of the records screened (priors excluded) */
  recallCurve: number[];
  runs: Array<Omit<SimulationRun, "order">>;
}

export function summarise(
  model: ModelName,
  labels: ArrayLike<number>,
  runs: readonly SimulationRun[],
): SimulationSummary {
  const mean = (f: (m: ScreeningMetrics) => number): number => runs.reduce((s, r) => s + f(r.metrics), 0) / runs.length;
  const n = labels.length - 2;
  const curves = runs.map((r) => recallCurve(r.foundAt, n));
  const curve = (curves[0] as number[]).map((_, i) => curves.reduce((s, c) => s + (c[i] as number), 0) / curves.length);
  let nIncluded = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) nIncluded++;
  return {
    model,
    seeds: runs.map((r) => r.seed),
    n: labels.length,
    nIncluded,
    wss95: mean((m) => m.wss95),
    wss100: mean((m) => m.wss100),
    recallAt10: mean((m) => m.recallAt10),
    atd: mean((m) => m.atd),
    atdShare: mean((m) => m.atdShare),
    recallCurve: curve,
    runs: runs.map(({ order: _order, ...rest }) => rest),
  };
}

/** Seeds of the runs: seed, seed+1, …, seed+runs−1. */
export function runSeeds(seed: number, runs: number): number[] {
  return Array.from({ length: runs }, (_, k) => seed + k);
}

export function simulate(
  X: SparseMatrix,
  labels: ArrayLike<number>,
  model: ModelName,
  seeds: readonly number[],
): SimulationSummary {
  return summarise(
    model,
    labels,
    seeds.map((s) => simulateRun(X, labels, model, s)),
  );
}
