/**
 * Rank the unscreened records by predicted relevance from the screened ones. Pure.
 */
import type { Classifier } from "./classifier.js";
import type { SparseMatrix } from "./tfidf.js";

export interface Ranked {
  /** row of the feature matrix (index of the record in the input order) */
  row: number;
  score: number;
  /** 1-based rank among the unscreened records */
  rank: number;
}

/**
 * Fit `model` on the labelled rows (label 1 relevant, 0 irrelevant) and return every other row,
 * highest score first; ties keep the input order. Throws RangeError unless both classes are present.
 */
export function rankRows(X: SparseMatrix, labels: ReadonlyMap<number, 0 | 1>, model: Classifier): Ranked[] {
  const rows = Int32Array.from(labels.keys());
  const y = Uint8Array.from(labels.values());
  model.fit(X, rows, y);
  const out: Array<{ row: number; score: number }> = [];
  for (let i = 0; i < X.nRows; i++) if (!labels.has(i)) out.push({ row: i, score: model.score(X, i) });
  out.sort((a, b) => b.score - a.score || a.row - b.row);
  return out.map((o, k) => ({ ...o, rank: k + 1 }));
}
