/**
 * The interface every ranking classifier implements, and class balancing. Pure.
 */
import type { SparseMatrix } from "./tfidf.js";

export interface Classifier {
  readonly name: string;
  /** train on rows `rows` of X with labels y (1 relevant, 0 irrelevant); may warm-start from the last fit */
  fit(X: SparseMatrix, rows: ArrayLike<number>, y: ArrayLike<number>): void;
  /** relevance score of row i of X: higher means more likely relevant (a log-odds or margin, not a probability) */
  score(X: SparseMatrix, i: number): number;
}

/**
 * "Balanced" sample weights as scikit-learn's `compute_sample_weight("balanced")`: a record of class c
 * gets n / (2 n_c), so both classes carry the same total weight. Throws when a class is absent.
 */
export function balancedWeights(y: ArrayLike<number>): Float64Array {
  let pos = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === 1) pos++;
  const neg = y.length - pos;
  if (pos === 0 || neg === 0) throw new RangeError("balanced weights need both classes");
  const w = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) w[i] = y[i] === 1 ? y.length / (2 * pos) : y.length / (2 * neg);
  return w;
}
