/**
 * Forensic battery benchmark and calibration report. Run: node --import tsx bench/forensics.ts [--quick]
 *
 * 1. Times the full battery (runAudit: fit, peer benchmark, prediction, dispersion, digit tests, Holm)
 *    on every comparator series (leave-one-out against the others), and a named peer in the same run:
 *    a plain numpy polyfit (degree 2) loop over the same windowed series via `python3 -c` (timed inside
 *    python, interpreter start-up excluded). The peer does far less work (one fit per series, no peers,
 *    no Monte Carlo); the ratio says how much the whole battery costs relative to a bare fit.
 * 2. Calibration: false-flag rate per test on real comparators (leave-one-out) and on synthetic series
 *    with Poisson / negative binomial counting noise, and the flag rate on manufactured round(a x^2) series.
 * 3. Digit-test calibration on simulated samples (null: Benford-distributed counts; manufactured: heaped
 *    to multiples of 10, or uniform first digits), since the battery's annual series are too short for them.
 * `--quick` uses fewer series (about 1.5 minutes on 2 cores instead of about 4).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runAudit } from "../src/forensics/audit.js";
import { calibrate, calibrateDigits, type CalibrationReport } from "../src/forensics/calibration.js";
import { windowSeries } from "../src/forensics/fit.js";
import { parseModelName } from "../src/forensics/models.js";
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

function timeBattery(model: string): { ms: number; perSeries: number; n: number } {
  const spec = parseModelName(model);
  // warm-up (JIT) on one series, not timed
  runAudit(peers.series[0]!, { spec, peers: { ...peers, series: peers.series.slice(1) }, seed: 1, sims: SIMS, from, to });
  const t0 = performance.now();
  peers.series.forEach((target, i) => {
    const rest = { name: peers.name, series: peers.series.filter((_, j) => j !== i) };
    runAudit(target, { spec, peers: rest, seed: mixSeed(1, i), sims: SIMS, from, to });
  });
  const ms = performance.now() - t0;
  return { ms, perSeries: ms / peers.series.length, n: peers.series.length };
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

function printReport(rep: CalibrationReport, label: string): void {
  console.log(`\n## Calibration: ${label} (alpha ${rep.alpha}, seed ${rep.seed}, window ${from}-${to})`);
  for (const g of rep.groups) {
    console.log(`\n${g.name}: ${g.runs} series; share with any flag after Holm: ${g.anyFlagRate === null ? "-" : g.anyFlagRate.toFixed(3)}`);
    console.log("  test                             runs decided flags(Holm) rate   own-rule flags  allowance(99.9%)");
    for (const t of g.rates) {
      console.log(
        `  ${t.test.padEnd(32)} ${String(t.runs).padStart(4)} ${String(t.decided).padStart(7)} ${String(t.flags).padStart(11)} ${t.rate === null ? "   -  " : t.rate.toFixed(3).padStart(6)} ${String(t.flagsOwnRule).padStart(15)} ${String(t.allowance).padStart(17)}`,
      );
    }
  }
}

console.log("# Forensic battery benchmark");
for (const model of ["quadratic", "quadratic1"]) {
  const b = timeBattery(model);
  console.log(`full battery (${model}, ${SIMS} Monte Carlo sims) on ${b.n} comparator series: ${b.ms.toFixed(0)} ms total, ${b.perSeries.toFixed(1)} ms per series`);
  const p = numpyPeer();
  if ("skipped" in p) console.log(`  peer skipped: ${p.skipped}`);
  else console.log(`  peer: numpy.polyfit(deg 2) loop over the same ${b.n} windowed series: ${p.ms.toFixed(3)} ms; battery / peer = ${(b.ms / p.ms).toFixed(0)}x`);
}

const n = quick ? 20 : 100;
for (const model of ["quadratic", "quadratic1"]) {
  const t0 = performance.now();
  const rep = calibrate(peers, { spec: parseModelName(model), seed: 20261128, sims: quick ? 99 : SIMS, from, to, synthetic: model === "quadratic" ? n : Math.min(n, 20), manufactured: model === "quadratic" ? n : Math.min(n, 20) });
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
