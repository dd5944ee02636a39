/**
 * Multinomial and Complement Naive Bayes over TF-IDF features with sample weights (class balancing),
 * as scikit-learn's MultinomialNB / ComplementNB(norm=False) fitted with `sample_weight`. Pure.
 *
 * Multinomial: θ_cj = ln((N_cj + α) / (N_c + α V)), N_cj = Σ_{i in c} w_i x_ij; class prior
 * ln(W_c / W) from the weighted class counts (equal priors under balanced weights).
 * Complement (Rennie et al. 2003): θ_cj = −ln((Ñ_cj + α) / (Ñ_c + α V)) with Ñ counted over the
 * other class; no prior. With two classes Complement NB therefore ranks as Multinomial NB without its
 * class prior (identical under balanced weights, whose prior is zero). The ranking score is the joint log-likelihood of "relevant" minus that of
 * "irrelevant", which orders records as the posterior probability of relevance does.
 */
import { balancedWeights, type Classifier } from "./classifier.js";
import { rowDot, type SparseMatrix } from "./tfidf.js";

export interface NaiveBayesOptions {
  /** additive smoothing; default 3.822 (ASReview's default for its NB model) */
  alpha?: number;
  /** weight the classes equally (scikit-learn "balanced" sample weights); default true */
  balance?: boolean;
  complement?: boolean;
}

export function naiveBayes(opts: NaiveBayesOptions = {}): Classifier {
  const alpha = opts.alpha ?? 3.822;
  const balance = opts.balance ?? true;
  let diff = new Float64Array(0);
  let bias = 0;
  return {
    name: opts.complement ? "complement-nb" : "multinomial-nb",
    fit(X: SparseMatrix, rows: ArrayLike<number>, y: ArrayLike<number>): void {
      const V = X.nCols;
      const w = balance ? balancedWeights(y) : new Float64Array(y.length).fill(1);
      const fc = [new Float64Array(V), new Float64Array(V)];
      const classW = [0, 0];
      for (let r = 0; r < rows.length; r++) {
        const i = rows[r] as number;
        const c = y[r] === 1 ? 1 : 0;
        const wi = w[r] as number;
        classW[c] = (classW[c] as number) + wi;
        const f = fc[c] as Float64Array;
        for (let k = X.indptr[i] as number, e = X.indptr[i + 1] as number; k < e; k++)
          f[X.indices[k] as number] = (f[X.indices[k] as number] as number) + wi * (X.data[k] as number);
      }
      const [f0, f1] = fc as [Float64Array, Float64Array];
      let t0 = 0;
      let t1 = 0;
      for (let j = 0; j < V; j++) {
        t0 += f0[j] as number;
        t1 += f1[j] as number;
      }
      // a column absent from the training rows has N_0j = N_1j = 0: its log ratio is one constant
      const d0 = Math.log(t0 + alpha * V);
      const d1 = Math.log(t1 + alpha * V);
      diff = new Float64Array(V).fill(d0 - d1);
      for (let j = 0; j < V; j++) {
        const a0 = f0[j] as number;
        const a1 = f1[j] as number;
        // with two classes the complement weights are −l0 (relevant) and −l1 (irrelevant), so the
        // score difference is l1 − l0 for both variants; they differ only by the class prior
        if (a0 !== 0 || a1 !== 0) diff[j] = Math.log(a1 + alpha) - d1 - (Math.log(a0 + alpha) - d0);
      }
      bias = opts.complement ? 0 : Math.log((classW[1] as number) / (classW[0] as number));
    },
    score(X: SparseMatrix, i: number): number {
      return bias + rowDot(X, i, diff);
    },
  };
}
