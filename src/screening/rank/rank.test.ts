import { describe, it, expect } from "vitest";
import { balancedWeights } from "./classifier.js";
import { buildFeatures } from "./features.js";
import { jiebaSegment } from "./jieba.js";
import { logisticRegression } from "./logistic.js";
import { createClassifier } from "./models.js";
import { naiveBayes } from "./naive-bayes.js";
import { rankRows } from "./rank.js";
import { linearSvm } from "./svm.js";
import { tfidf } from "./tfidf.js";
import { chineseBigrams, englishTokens, tokenize } from "./tokenize.js";

// Reference values from scikit-learn 1.2.1 (Debian python3-sklearn), computed once:
//   docs = [the six titles below]; y = [1,1,0,0,1,0]; tr = [0,1,2,3]
//   v = TfidfVectorizer(stop_words='english'); X = v.fit_transform(docs)
//   w = compute_sample_weight('balanced', y[tr])
//   nb = MultinomialNB(alpha=3.822).fit(X[tr], y[tr], sample_weight=w); lp = nb.predict_log_proba(X); lp[:,1]-lp[:,0]
//   LogisticRegression(C=1.0, class_weight='balanced', tol=1e-12, max_iter=100000).fit(X[tr], y[tr]).decision_function(X)
//   LinearSVC(C=1.0, class_weight='balanced', tol=1e-10, max_iter=1000000).fit(X[tr], y[tr]).decision_function(X)
const docs = [
  "Kidney transplantation outcomes in living donors",
  "Liver transplant waiting time and donor organ allocation",
  "Migraine treatment with triptans: a randomised trial",
  "Headache relief after oral triptan therapy",
  "Organ donor brain death declaration in transplant surgery",
  "Antihistamine drugs for allergic rhinitis in children",
];
const records = docs.map((title) => ({ title, abstract: "", keywords: [] as string[] }));
const train = [0, 1, 2, 3];
const yTrain = [1, 1, 0, 0];
const nbRef = [
  0.24021750429043465, 0.24085326760994086, -0.25465025421448395, -0.25465025421448395, 0.07558996066856949,
  -0.00721637496202554,
];
const lrRef = [
  0.40105813755444075, 0.4010581375544407, -0.40105813755444075, -0.40105813755444075, 0.13445344002146906, 0.0,
];
const svmRef = [
  0.6666666666848183, 0.666666666680467, -0.6666666666642799, -0.6666666666652025, 0.22349783807235823, 0,
];

describe("tokenisers", () => {
  it("English: scikit-learn's token pattern, stop words removed, word n-grams", () => {
    expect(englishTokens("The kidney of a donor, in 2019: X-ray")).toEqual(["kidney", "donor", "2019", "ray"]);
    expect(englishTokens("brain death declared", 2)).toEqual([
      "brain",
      "death",
      "declared",
      "brain death",
      "death declared",
    ]);
  });

  it("Chinese: a run of Han characters becomes overlapping bigrams, never one token", () => {
    expect(chineseBigrams("供体器官")).toEqual(["供体", "体器", "器官"]);
    expect(chineseBigrams("肝")).toEqual(["肝"]);
    expect(tokenize("供体器官 and liver移植")).toEqual(["供体", "体器", "器官", "liver", "移植"]);
  });

  it("Chinese with jieba words (prefixed w:) alongside or instead of bigrams", () => {
    const words = tokenize("中国器官移植发展基金会", { chinese: "words", segment: jiebaSegment });
    expect(words).toEqual(["w:中国", "w:器官移植", "w:发展", "w:基金会"]);
    const both = tokenize("器官移植", { chinese: "both", segment: jiebaSegment });
    expect(both).toEqual(["器官", "官移", "移植", "w:器官移植"]);
    expect(() => tokenize("器官", { chinese: "words" })).toThrow(/segmenter/);
  });
});

describe("TF-IDF", () => {
  it("matches scikit-learn's TfidfVectorizer(stop_words='english')", () => {
    const m = buildFeatures(records, { ngramMax: 1 });
    expect(m.vocabulary.length).toBe(31);
    expect(m.vocabulary.slice(0, 8)).toEqual([
      "allergic",
      "allocation",
      "antihistamine",
      "brain",
      "children",
      "death",
      "declaration",
      "donor",
    ]);
    expect(m.idf[m.vocabulary.indexOf("donor")]).toBeCloseTo(1.8472978603872037, 14);
    const row = (i: number): Record<string, number> => {
      const out: Record<string, number> = {};
      for (let k = m.matrix.indptr[i] as number; k < (m.matrix.indptr[i + 1] as number); k++)
        out[m.vocabulary[m.matrix.indices[k] as number] as string] = m.matrix.data[k] as number;
      return out;
    };
    const r4 = row(4);
    expect(Object.keys(r4).sort()).toEqual([
      "brain",
      "death",
      "declaration",
      "donor",
      "organ",
      "surgery",
      "transplant",
    ]);
    expect(r4.brain).toBeCloseTo(0.4076620054976741, 14);
    expect(r4.donor).toBeCloseTo(0.33428867619392344, 14);
    expect(row(0).kidney).toBeCloseTo(0.4472135954999579, 14);
  });

  it("sublinear tf and min df", () => {
    const m = tfidf([["a", "a", "b"], ["b"]], { sublinearTf: true });
    // idf(a) = ln(3/2)+1, idf(b) = 1; tf(a) = 1 + ln 2
    const va = (1 + Math.log(2)) * (Math.log(1.5) + 1);
    expect(m.matrix.data[0]).toBeCloseTo(va / Math.hypot(va, 1), 14);
    expect(tfidf([["a", "b"], ["b"]], { minDf: 2 }).vocabulary).toEqual(["b"]);
  });
});

describe("classifiers reproduce scikit-learn on the same features", () => {
  const X = buildFeatures(records, { ngramMax: 1 }).matrix;
  const scores = (clf: ReturnType<typeof naiveBayes>): number[] => {
    clf.fit(X, train, yTrain);
    return docs.map((_, i) => clf.score(X, i));
  };

  it("multinomial NB with balanced sample weights: log-odds equal to 1e-12", () => {
    scores(naiveBayes()).forEach((s, i) => expect(s).toBeCloseTo(nbRef[i] as number, 12));
  });

  it("complement NB ranks as multinomial NB under balanced weights (zero prior)", () => {
    scores(naiveBayes({ complement: true })).forEach((s, i) => expect(s).toBeCloseTo(nbRef[i] as number, 12));
  });

  it("L2 logistic regression (L-BFGS): decision function to 1e-5", () => {
    scores(logisticRegression({ tol: 1e-10, maxIter: 1000 })).forEach((s, i) =>
      expect(s).toBeCloseTo(lrRef[i] as number, 5),
    );
  });

  it("linear SVM (dual coordinate descent, squared hinge): decision function to 1e-5, seeded", () => {
    const a = scores(linearSvm({ tol: 1e-10, seed: 7 }));
    a.forEach((s, i) => expect(s).toBeCloseTo(svmRef[i] as number, 5));
    expect(scores(linearSvm({ tol: 1e-10, seed: 7 }))).toEqual(a);
  });

  it("balanced weights as compute_sample_weight('balanced')", () => {
    expect([...balancedWeights([1, 0, 0, 0])]).toEqual([2, 2 / 3, 2 / 3, 2 / 3]);
    expect(() => balancedWeights([0, 0])).toThrow(RangeError);
  });

  it("rankRows ranks unscreened rows by score, ties in input order", () => {
    const labels = new Map<number, 0 | 1>(train.map((r, k) => [r, yTrain[k] as 0 | 1]));
    const ranked = rankRows(X, labels, createClassifier("nb"));
    expect(ranked.map((r) => r.row)).toEqual([4, 5]);
    expect(ranked[0]?.rank).toBe(1);
    expect(ranked[0]?.score).toBeCloseTo(nbRef[4] as number, 12);
  });
});
