"""scikit-learn replay of Organ Audit's screening simulation (used by bench/screening-sim.ts).

Reads JSON on stdin: {"texts": [...], "labels": [0/1...], "priors": [[rel, irr], ...],
"models": ["nb", "svm"], "alpha": 3.822}. For each model and each prior pair it replays ASReview's
protocol: TF-IDF (TfidfVectorizer(stop_words="english"), fitted on all texts), the model trained on the
screened records with balanced class weights, the top-scored unscreened record screened next (ties:
lowest row, numpy argmax), retrained after every decision, until every relevant record is found.
Prints JSON {"orders": {model: [[rows screened after the priors], ...]}, "seconds": {model: s}}.
Timing excludes interpreter start-up, imports and the TF-IDF fit.
"""
import json
import sys
import time

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.naive_bayes import MultinomialNB
from sklearn.svm import LinearSVC
from sklearn.utils.class_weight import compute_sample_weight


def replay(X, labels, prior, model, alpha, seed):
    n = X.shape[0]
    screened = np.zeros(n, dtype=bool)
    rows = [prior[0], prior[1]]
    screened[rows] = True
    remaining = int(labels.sum()) - 1
    order = []
    while remaining > 0:
        y = labels[rows]
        w = compute_sample_weight("balanced", y)
        if model == "nb":
            clf = MultinomialNB(alpha=alpha)
            clf.fit(X[rows], y, sample_weight=w)
            scores = clf.predict_log_proba(X)[:, 1] - clf.predict_log_proba(X)[:, 0]
        else:
            clf = LinearSVC(C=1.0, class_weight="balanced", random_state=seed)
            clf.fit(X[rows], y)
            scores = clf.decision_function(X)
        scores = np.where(screened, -np.inf, scores)
        best = int(np.argmax(scores))
        screened[best] = True
        rows.append(best)
        order.append(best)
        if labels[best] == 1:
            remaining -= 1
    return order


def main():
    req = json.load(sys.stdin)
    labels = np.array(req["labels"], dtype=int)
    X = TfidfVectorizer(stop_words="english").fit_transform(req["texts"]).tocsr()
    out = {"orders": {}, "seconds": {}}
    for model in req["models"]:
        t0 = time.perf_counter()
        out["orders"][model] = [
            replay(X, labels, p, model, req.get("alpha", 3.822), k) for k, p in enumerate(req["priors"])
        ]
        out["seconds"][model] = time.perf_counter() - t0
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
