/**
 * TF-IDF document vectors in compressed sparse row form (typed arrays). Same definition as
 * scikit-learn's TfidfVectorizer defaults: raw term counts (or 1 + ln(count) with sublinearTf),
 * smoothed idf = ln((1 + n) / (1 + df)) + 1, rows scaled to unit Euclidean length; vocabulary
 * sorted by code point so that column order is deterministic. Pure.
 */

export interface SparseMatrix {
  nRows: number;
  nCols: number;
  /** row i occupies indices/data [indptr[i], indptr[i+1]); column indices ascending within a row */
  indptr: Int32Array;
  indices: Int32Array;
  data: Float64Array;
}

export interface TfidfOptions {
  /** replace a count c by 1 + ln(c); default false */
  sublinearTf?: boolean;
  /** drop terms that occur in fewer documents; default 1 */
  minDf?: number;
  /** drop terms that occur in more than this share of documents; default 1 (keep all) */
  maxDfShare?: number;
}

export interface TfidfModel {
  vocabulary: string[];
  idf: Float64Array;
  matrix: SparseMatrix;
}

export function tfidf(docs: ReadonlyArray<readonly string[]>, opts: TfidfOptions = {}): TfidfModel {
  const n = docs.length;
  const df = new Map<string, number>();
  const counts = docs.map((tokens) => {
    const c = new Map<string, number>();
    for (const t of tokens) c.set(t, (c.get(t) ?? 0) + 1);
    for (const t of c.keys()) df.set(t, (df.get(t) ?? 0) + 1);
    return c;
  });
  const minDf = opts.minDf ?? 1;
  const maxDf = (opts.maxDfShare ?? 1) * n;
  const vocabulary = [...df.entries()]
    .filter(([, d]) => d >= minDf && d <= maxDf)
    .map(([t]) => t)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const column = new Map(vocabulary.map((t, j) => [t, j] as const));
  const idf = new Float64Array(vocabulary.length);
  vocabulary.forEach((t, j) => (idf[j] = Math.log((1 + n) / (1 + (df.get(t) as number))) + 1));

  const indptr = new Int32Array(n + 1);
  let nnz = 0;
  for (let i = 0; i < n; i++) {
    for (const t of (counts[i] as Map<string, number>).keys()) if (column.has(t)) nnz++;
    indptr[i + 1] = nnz;
  }
  const indices = new Int32Array(nnz);
  const data = new Float64Array(nnz);
  for (let i = 0; i < n; i++) {
    const row: Array<[number, number]> = [];
    for (const [t, c] of counts[i] as Map<string, number>) {
      const j = column.get(t);
      if (j === undefined) continue;
      const tf = opts.sublinearTf ? 1 + Math.log(c) : c;
      row.push([j, tf * (idf[j] as number)]);
    }
    row.sort((a, b) => a[0] - b[0]);
    let norm = 0;
    for (const [, v] of row) norm += v * v;
    norm = Math.sqrt(norm);
    let k = indptr[i] as number;
    for (const [j, v] of row) {
      indices[k] = j;
      data[k] = norm > 0 ? v / norm : 0;
      k++;
    }
  }
  return { vocabulary, idf, matrix: { nRows: n, nCols: vocabulary.length, indptr, indices, data } };
}

/** Dot product of row i of X with a dense vector w. */
export function rowDot(X: SparseMatrix, i: number, w: Float64Array): number {
  let s = 0;
  for (let k = X.indptr[i] as number, e = X.indptr[i + 1] as number; k < e; k++)
    s += (X.data[k] as number) * (w[X.indices[k] as number] as number);
  return s;
}
