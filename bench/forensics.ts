/**
 * Forensic battery benchmark and calibration report. Run: node --import tsx bench/forensics.ts [--quick]
 *
 * 1. Times the full battery (runAudit: fit with model comparison, peer benchmark, prediction, dispersion
 *    with Monte Carlo, digit tests, Holm) on every comparator series (leave-one-out against the others),
 *    from a cold fit cache, for the default model (poly2) and the one-parameter quadratic with x0 fitted
 *    (quadratic1); then the same loop split by test, to show where the time goes. A named peer in the
 *    same run: a plain numpy polyfit (degree 2) loop over the same windowed series via `python3 -c`
 *    (timed inside python, interpreter start-up excluded). The peer does far less work (one fit per
 *    series, no peers, no Monte Carlo); the ratio says how much the whole battery costs relative to a bare fit.
 * 2. Calibration (per test: decided runs, flags after Holm, flags by the test's own rule, rates, and the
 *    99.9% binomial allowance for chance flags at alpha): (a) real comparators leave-one-out, (b) peer
 *    curves + Poisson noise, (c) peer-like: peer curves + negative binomial noise with phi estimated from
 *    the peers, (d) manufactured round(a x^2) and round(a (x - x0)^2). Printed as markdown tables (the
 *    ones in docs/FORENSICS.md).
 * 3. Digit-test calibration on simulated samples (null: Benford-distributed counts; manufactured: heaped
 *    to multiples of 10, or uniform first digits), since the battery's annual series are too short for them.
 * `--quick` uses fewer series.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runAudit } from "../src/forensics/audit.js";
import { calibrate, calibrateDigits, type CalibrationReport } from "../src/forensics/calibration.js";
import { dispersionFinding } from "../src/forensics/dispersion.js";
import { clearFitCache } from "../src/forensics/fit-cache.js";
import { fitFinding, windowSeries } from "../src/forensics/fit.js";
import { parseModelName } from "../src/forensics/models.js";
import { peerBenchmarkFinding } from "../src/forensics/peers.js";
import { predictionFinding } from "../src/forensics/predict.js";
import type { PeerSet } from "../src/forensics/series.js";
import { mixSeed } from "../src/stats/rng.js";

const quick = process.argv.includes("--quick");
const fixture = fileURLToPath(new URL("../test/fixtures/forensics-checks/peer_donors.json", import.meta.url));
const raw = JSON.parse(readFileSync(fixture, "utf8")) as Record<string, { x: number[]; y: number[] }>;
const input = { name: "test/fixtures/forensics-checks/peer_donors.json", sha256: "" };
const peers: PeerSet = {
  name: "GODT deceased donors (20 comparator countries)",
  series: Object.entries(raw).map(([k, v]) => ({ name: k, x: v.x, y: v.y, input })),
};
const from = 2009;
const to = 2017;
const SIMS = 199;

function timeBattery(model: string): { ms: number; msNoComparison: number; perSeries: number; n: number; parts: Record<string, number> } {
  const spec = parseModelName(model);
  // warm-up (JIT) on one series, not timed; then a cold fit cache
  runAudit(peers.series[0]!, { spec, peers: { ...peers, series: peers.series.slice(1) }, seed: 1, sims: SIMS, from, to });
  clearFitCache();
  const t0 = performance.now();
  peers.series.forEach((target, i) => {
    const rest = { name: peers.name, series: peers.series.filter((_, j) => j !== i) };
    runAudit(target, { spec, peers: rest, seed: mixSeed(1, i), sims: SIMS, from, to });
  });
  const ms = performance.now() - t0;
  // the same loop without the descriptive AICc comparison of 7 candidate models in the fit finding
  clearFitCache();
  const t1 = performance.now();
  peers.series.forEach((target, i) => {
    const rest = { name: peers.name, series: peers.series.filter((_, j) => j !== i) };
    runAudit(target, { spec, peers: rest, seed: mixSeed(1, i), sims: SIMS, from, to, candidates: [spec] });
  });
  const msNoComparison = performance.now() - t1;
  // the same loop split by test (cold cache again)
  clearFitCache();
  const parts: Record<string, number> = { "fit + model comparison": 0, "peer benchmark": 0, prediction: 0, dispersion: 0 };
  const w = { from, to };
  peers.series.forEach((target, i) => {
    const rest = { name: peers.name, series: peers.series.filter((_, j) => j !== i) };
    let t = performance.now();
    fitFinding(target, spec, w);
    parts["fit + model comparison"]! += performance.now() - t;
    t = performance.now();
    peerBenchmarkFinding(target, rest, spec, w);
    parts["peer benchmark"]! += performance.now() - t;
    t = performance.now();
    predictionFinding(target, spec, { ...w, peers: rest });
    parts.prediction! += performance.now() - t;
    t = performance.now();
    dispersionFinding(target, spec, { ...w, peers: rest, seed: mixSeed(1, i), sims: SIMS });
    parts.dispersion! += performance.now() - t;
  });
  return { ms, msNoComparison, perSeries: ms / peers.series.length, n: peers.series.length, parts };
}

function numpyPeer(): { ms: number } | { skipped: string } {
  const data = peers.series.map((s) => {
    const w = windowSeries(s, { from, to });
    return { x: w.x, y: w.y };
  });
  const code = [
    "import sys, json, time",
    "import numpy as np",
    "d = json.load(sys.stdin)",
    "xs = [(np.array(s['x'], float), np.array(s['y'], float)) for s in d]",
    "t0 = time.perf_counter()",
    "for _ in range(5):",
    "    for x, y in xs:",
    "        if len(x) >= 3: np.polyfit(x - x[0], y, 2)",
    "print((time.perf_counter() - t0) * 1000 / 5)",
  ].join("\n");
  const r = spawnSync("python3", ["-c", code], { input: JSON.stringify(data), encoding: "utf8" });
  if (r.error || r.status !== 0) return { skipped: `python3/numpy not available (${r.error?.message ?? r.stderr.trim().split("\n").pop()})` };
  return { ms: Number(r.stdout.trim()) };
}

const pct = (v: number | null) => (v === null ? "-" : `${(100 * v).toFixed(1)}%`);

function printReport(rep: CalibrationReport, label: string): void {
  console.log(`\n## Calibration: ${label} (alpha ${rep.alpha}, seed ${rep.seed}, window ${from}-${to}, NB phi from peers ${rep.nbPhi === null ? "n/a" : rep.nbPhi.toPrecision(4)})`);
  const tests = ["forensics.peer-benchmark", "forensics.predict", "forensics.dispersion"];
  console.log("\n| group | series | test | decided | flags after Holm (rate) | flags by own rule (rate) | chance allowance (99.9%) |");
  console.log("|---|---|---|---|---|---|---|");
  for (const g of rep.groups) {
    for (const t of g.rates.filter((q) => tests.includes(q.test))) {
      console.log(`| ${g.name} | ${g.runs} | ${t.test.replace("forensics.", "")} | ${t.decided} | ${t.flags} (${pct(t.rate)}) | ${t.flagsOwnRule} (${pct(t.rateOwnRule)}) | ${t.allowance} |`);
    }
    console.log(`| ${g.name} | ${g.runs} | any finding of the battery | ${g.runs} | ${pct(g.anyFlagRate)} | | |`);
  }
  const other = rep.groups.flatMap((g) => g.rates.filter((q) => !tests.includes(q.test)).map((q) => `${g.name.slice(0, 3)} ${q.test}: ${q.decided} decided, ${q.flags} flags`));
  console.log(`\nother tests (digit tests cannot decide on 9 values): ${other.join("; ")}`);
}

console.log("# Forensic battery benchmark");
for (const model of ["quadratic", "quadratic1"]) {
  const b = timeBattery(model);
  console.log(`full battery (${model}, ${SIMS} Monte Carlo sims, cold fit cache) on ${b.n} comparator series: ${b.ms.toFixed(0)} ms total, ${b.perSeries.toFixed(1)} ms per series`);
  console.log(`  the same without the descriptive 7-model AICc comparison (runAudit candidates: [${model}]): ${b.msNoComparison.toFixed(0)} ms total`);
  console.log(`  split by test (cold cache): ${Object.entries(b.parts).map(([k, v]) => `${k} ${v.toFixed(0)} ms`).join(", ")}`);
  const p = numpyPeer();
  if ("skipped" in p) console.log(`  peer skipped: ${p.skipped}`);
  else console.log(`  peer: numpy.polyfit(deg 2) loop over the same ${b.n} windowed series: ${p.ms.toFixed(3)} ms; battery / peer = ${(b.ms / p.ms).toFixed(0)}x`);
}

const n = quick ? 20 : 200;
for (const model of ["quadratic", "quadratic1"]) {
  const t0 = performance.now();
  const m = model === "quadratic" ? n : Math.min(n, 100);
  const rep = calibrate(peers, { spec: parseModelName(model), seed: 20261128, sims: quick ? 99 : SIMS, from, to, synthetic: m, manufactured: m });
  printReport(rep, `${model} model`);
  console.log(`\n(calibration run took ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

{
  const t0 = performance.now();
  const reps = quick ? 50 : 200;
  const rows = calibrateDigits({ seed: 20261128, reps, n: 1500, sims: 20 });
  console.log(`\n## Calibration: digit tests on simulated samples (${reps} samples of n = 1500 per row, alpha 0.05)`);
  console.log("  sample        test               decided flags rate   allowance(99.9%)");
  for (const r of rows) {
    console.log(`  ${r.sample.padEnd(13)} ${r.test.padEnd(18)} ${String(r.decided).padStart(7)} ${String(r.flags).padStart(5)} ${r.rate === null ? "  -  " : r.rate.toFixed(3)} ${String(r.allowance).padStart(17)}`);
  }
  console.log(`\n(digit calibration took ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
