/**
 * Benchmark of the screening simulation (ASReview protocol) on the labelled datasets in
 * ../shared/data/screening (Cohen et al. 2006 drug-class reviews, ASReview's copies), against a
 * scikit-learn replay of the same protocol run in the same process tree: the same texts, the same
 * prior records per seed, the same stopping point, metrics computed by the same TypeScript code
 * from each screening order. scikit-learn models: TF-IDF + MultinomialNB (alpha 3.822, ASReview's
 * default, balanced sample weights) and TF-IDF + LinearSVC (balanced class weights). The replay runs
 * with /usr/bin/python3 (Debian python3-sklearn); skipped with a message when sklearn is missing.
 *
 *   node --import tsx bench/screening-sim.ts [--seeds N] [--models nb,cnb,logistic,svm] [--features default|bigram]
 *     [--datasets ADHD,...] [--no-peer]
 * Defaults: 5 seeds, models nb and svm, default features, all datasets.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { importFile } from "../src/screening/records/import-file.js";
import { buildFeatures, recordText, type FeatureOptions } from "../src/screening/rank/features.js";
import { isModelName, type ModelName } from "../src/screening/rank/models.js";
import {
  choosePriors,
  metricsOfOrder,
  runSeeds,
  simulate,
  summarise,
  type SimulationRun,
} from "../src/screening/simulate/simulate.js";

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const SEEDS = runSeeds(1, Number(arg("--seeds") ?? 5));
const MODELS = (arg("--models") ?? "nb,svm").split(",").filter(isModelName) as ModelName[];
const ONLY = arg("--datasets")?.split(",");
const PEER = !process.argv.includes("--no-peer");
const DIR = "../shared/data/screening";
const FEATURE_SETS: Record<string, FeatureOptions> = {
  // Organ Audit's default = the scikit-learn replay's features: TfidfVectorizer(stop_words="english")
  default: { ngramMax: 1, sublinearTf: false },
  // word 1-2-grams with sublinear tf (`--ngram 2 --sublinear`)
  bigram: { ngramMax: 2, sublinearTf: true },
};
const FEATURE_NAME = arg("--features") ?? "default";
const FEATURES: FeatureOptions = FEATURE_SETS[FEATURE_NAME] ?? {};
const PY = "/usr/bin/python3";

function sklearnAvailable(): string | null {
  if (!existsSync(PY)) return `${PY} not found`;
  const r = spawnSync(PY, ["-c", "import sklearn; print(sklearn.__version__)"], { encoding: "utf8" });
  return r.status === 0 ? null : "scikit-learn is not installed for /usr/bin/python3 (Debian python3-sklearn)";
}

const fmt = (x: number): string => x.toFixed(3);

async function main(): Promise<void> {
  if (!existsSync(DIR)) {
    console.log(`skipped: ${DIR} not found (run from the repository root with ../shared beside it)`);
    return;
  }
  const files = readdirSync(DIR)
    .filter((f) => f.endsWith(".csv"))
    .filter((f) => !ONLY || ONLY.some((o) => f.includes(o)))
    .sort();
  const peerMissing = PEER ? sklearnAvailable() : "disabled (--no-peer)";
  if (peerMissing) console.log(`scikit-learn replay skipped: ${peerMissing}`);
  console.log(`seeds ${SEEDS.join(",")}; features "${FEATURE_NAME}": ${JSON.stringify(FEATURES)}, English stop words`);
  console.log("| dataset | records | relevant | model | WSS@95 | WSS@100 | recall@10% | ATD (records) | seconds |");
  console.log("|---|---|---|---|---|---|---|---|---|");
  for (const f of files) {
    const imported = await importFile(join(DIR, f));
    const records = imported.records;
    const labels = Uint8Array.from(records.map((r) => (r.labels.label_included === 1 ? 1 : 0)));
    const nRel = labels.reduce((s, v) => s + v, 0);
    const name = f.replace(/\.csv$/, "");
    const t0 = performance.now();
    const X = buildFeatures(records, FEATURES).matrix;
    const featSec = (performance.now() - t0) / 1000;
    for (const model of MODELS) {
      const t = performance.now();
      const s = simulate(X, labels, model, SEEDS);
      const sec = (performance.now() - t) / 1000;
      console.log(
        `| ${name} | ${records.length} | ${nRel} | ours ${model} | ${fmt(s.wss95)} | ${fmt(s.wss100)} | ${fmt(s.recallAt10)} | ${s.atd.toFixed(1)} | ${sec.toFixed(2)} (+${featSec.toFixed(2)} features) |`,
      );
    }
    if (!peerMissing) {
      const priors = SEEDS.map((seed) => choosePriors(labels, seed));
      const req = JSON.stringify({
        texts: records.map((r) => recordText(r)),
        labels: [...labels],
        priors,
        models: ["nb", "svm"],
        alpha: 3.822,
      });
      const r = spawnSync(PY, ["bench/screening-sim-sklearn.py"], { input: req, encoding: "utf8", maxBuffer: 1 << 28 });
      if (r.status !== 0) {
        console.log(`| ${name} | scikit-learn replay failed: ${r.stderr.split("\n").slice(-3).join(" ")} |`);
        continue;
      }
      const out = JSON.parse(r.stdout) as { orders: Record<string, number[][]>; seconds: Record<string, number> };
      for (const [model, orders] of Object.entries(out.orders)) {
        const runs: SimulationRun[] = orders.map((order, k) => ({
          seed: SEEDS[k] as number,
          priors: priors[k] as [number, number],
          order,
          ...metricsOfOrder(labels, order),
        }));
        const s = summarise(model === "nb" ? "nb" : "svm", labels, runs);
        console.log(
          `| ${name} | ${records.length} | ${nRel} | sklearn ${model} | ${fmt(s.wss95)} | ${fmt(s.wss100)} | ${fmt(s.recallAt10)} | ${s.atd.toFixed(1)} | ${(out.seconds[model] ?? 0).toFixed(2)} |`,
        );
      }
    }
  }
}

await main();
