/**
 * Named ranking models and their defaults. Pure.
 */
import type { Classifier } from "./classifier.js";
import { logisticRegression } from "./logistic.js";
import { naiveBayes } from "./naive-bayes.js";
import { linearSvm } from "./svm.js";

export const MODEL_NAMES = ["nb", "cnb", "logistic", "svm"] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export function isModelName(s: string): s is ModelName {
  return (MODEL_NAMES as readonly string[]).includes(s);
}

/** A fresh classifier; `seed` matters only for the SVM (coordinate order). */
export function createClassifier(name: ModelName, seed = 0): Classifier {
  switch (name) {
    case "nb":
      return naiveBayes({ balance: true });
    case "cnb":
      return naiveBayes({ balance: true, complement: true });
    case "logistic":
      return logisticRegression({ balance: true, C: 1 });
    case "svm":
      return linearSvm({ balance: true, C: 1, seed });
  }
}
