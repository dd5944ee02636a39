/**
 * Benchmark of the organ-source accounting engine: 1,000,000 draws over 24 years, against a
 * vectorised NumPy implementation of the same model run via python3 (skipped, with a message, where
 * python3 or numpy is absent).
 *
 *   node --import tsx bench/accounting.ts [--draws N] [--repeat R]
 *
 * Each implementation runs R times (default 3), alternating TypeScript and NumPy so that both see the
 * same machine load; the table gives the median of each. Both wall-clock and CPU time (user + system of
 * the process) are reported: on a shared machine CPU time is the steadier measure, and the ratio is
 * given for both. The 1-minute load average (/proc/loadavg) is printed before and after.
 *
 * The model (same in both): per year, transplants ~ uniform (independent); executions ~ triangular
 * with a Gaussian-copula AR(1) correlation rho = 0.8 between consecutive years; shareUsed ~ uniform
 * from one shared standard-normal score per draw (constant over years); organsPerExecuted ~
 * triangular; voluntaryDonors ~ normal truncated at 0 (rejection); organsPerDonor ~ uniform;
 * livingDonorTransplants ~ lognormal. Outputs (both): per year and cumulative mean and 5/25/50/75/95 %
 * quantiles (type 7) of unexplained, P(unexplained ≤ 0), the same quantiles of share explained, means
 * of transplants and explained. The NumPy timing excludes interpreter start-up and imports.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { cpuUsage, resourceUsage } from "node:process";
import { runAccounting, type AccountingResult } from "../src/models/accounting.js";
import { validateScenario } from "../src/models/scenario.js";

const argDraws = process.argv.indexOf("--draws");
const DRAWS = argDraws > 0 ? Number(process.argv[argDraws + 1]) : 1_000_000;
const argRepeat = process.argv.indexOf("--repeat");
const REPEAT = argRepeat > 0 ? Number(process.argv[argRepeat + 1]) : 3;
if (!Number.isInteger(REPEAT) || REPEAT < 1) throw new RangeError(`--repeat must be a positive integer`);
const SEED = 12345;
const RHO = 0.8;
const FIRST = 2000;
const YEARS = 24;

interface BenchYear {
  year: number;
  t: [number, number];
  e: [number, number, number];
  s: [number, number];
  o: [number, number, number];
  d: [number, number];
  p: [number, number];
  l: [number, number];
}

// Synthetic benchmark inputs (not a shipped scenario; no claim about China is made here).
const benchYears: BenchYear[] = Array.from({ length: YEARS }, (_, k) => ({
  year: FIRST + k,
  t: [8000 + 200 * k, 16000 + 400 * k],
  e: [1500, 4000 + 100 * k, 12000],
  s: [0.2, 1],
  o: [2, 2.5, 3.2],
  d: [100 + 250 * k, 50 + 20 * k],
  p: [2.4, 3.1],
  l: [7 + 0.03 * k, 0.35],
}));

const scenario = validateScenario({
  name: "bench",
  yearCorrelation: { executions: RHO },
  years: benchYears.map((b) => ({
    year: b.year,
    transplants: { uniform: b.t, source: "assumption", rationale: "benchmark input" },
    executions: { triangular: b.e, source: "assumption", rationale: "benchmark input" },
    shareUsed: { uniform: b.s, source: "assumption", rationale: "benchmark input", shared: "share" },
    organsPerExecuted: { triangular: b.o, source: "assumption", rationale: "benchmark input" },
    voluntaryDonors: { normal: b.d, source: "assumption", rationale: "benchmark input" },
    organsPerDonor: { uniform: b.p, source: "assumption", rationale: "benchmark input" },
    livingDonorTransplants: { lognormal: b.l, source: "assumption", rationale: "benchmark input" },
  })),
});

const PY = String.raw`
import json, sys, time
import numpy as np
try:
    from scipy.special import ndtr
    ndtr_impl = "scipy.special.ndtr"
except Exception:  # numpy only: vectorised math.erfc (slower)
    import math
    _v = np.vectorize(lambda z: 0.5 * math.erfc(-z / math.sqrt(2.0)))
    ndtr = lambda z: _v(z)
    ndtr_impl = "np.vectorize(math.erfc)"
cfg = json.loads(open(sys.argv[1]).read())
n, rho, seed = cfg["draws"], cfg["rho"], cfg["seed"]
P = [0.05, 0.25, 0.5, 0.75, 0.95]
def tri_q(u, a, c, b):
    fc = (c - a) / (b - a)
    return np.where(u < fc, a + np.sqrt(u * (b - a) * (c - a)), b - np.sqrt((1 - u) * (b - a) * (b - c)))
def summ(a):
    q = np.quantile(a, P)
    return {"mean": float(a.mean()), "p05": float(q[0]), "p25": float(q[1]), "p50": float(q[2]), "p75": float(q[3]), "p95": float(q[4])}
t0 = time.perf_counter()
c0 = time.process_time()
rng = np.random.default_rng(seed)
cumT = np.zeros(n); cumX = np.zeros(n); cumU = np.zeros(n)
zshare = rng.standard_normal(n)
ushare = ndtr(zshare)
zexec = None
years = []
for y in cfg["years"]:
    T = rng.uniform(y["t"][0], y["t"][1], n)
    eps = rng.standard_normal(n)
    zexec = eps if zexec is None else rho * zexec + np.sqrt(1 - rho * rho) * eps
    E = tri_q(ndtr(zexec), *y["e"])
    S = y["s"][0] + (y["s"][1] - y["s"][0]) * ushare
    O = rng.triangular(y["o"][0], y["o"][1], y["o"][2], n)
    D = rng.normal(y["d"][0], y["d"][1], n)
    neg = D < 0
    while neg.any():
        D[neg] = rng.normal(y["d"][0], y["d"][1], int(neg.sum()))
        neg = D < 0
    Pd = rng.uniform(y["p"][0], y["p"][1], n)
    L = rng.lognormal(y["l"][0], y["l"][1], n)
    X = E * S * O + D * Pd + L
    U = T - X
    cumT += T; cumX += X; cumU += U
    pos = T > 0
    years.append({"year": y["year"], "transplants": float(T.mean()), "explained": float(X.mean()),
                  "unexplained": summ(U), "pCovered": float((U <= 0).mean()), "share": summ(X[pos] / T[pos])})
pos = cumT > 0
total = {"transplants": float(cumT.mean()), "explained": float(cumX.mean()), "unexplained": summ(cumU),
         "pCovered": float((cumU <= 0).mean()), "share": summ(cumX[pos] / cumT[pos])}
t1 = time.perf_counter()
c1 = time.process_time()
import resource
print(json.dumps({"seconds": t1 - t0, "cpuSeconds": c1 - c0, "numpy": np.__version__, "ndtr": ndtr_impl,
                  "maxRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "total": total}))
`;

interface PyOut {
  seconds: number;
  cpuSeconds: number;
  numpy: string;
  ndtr: string;
  maxRssMb: number;
  total: { unexplained: { mean: number; p50: number }; pCovered: number };
}

function runNumpy(): PyOut | string {
  const probe = spawnSync("python3", ["-c", "import numpy"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) return "python3 with numpy not available: NumPy peer skipped";
  const dir = mkdtempSync(join(tmpdir(), "oa-bench-"));
  try {
    const script = join(dir, "accounting_numpy.py");
    const cfg = join(dir, "cfg.json");
    writeFileSync(script, PY);
    writeFileSync(cfg, JSON.stringify({ draws: DRAWS, rho: RHO, seed: SEED, years: benchYears }));
    const r = spawnSync("python3", [script, cfg], { encoding: "utf8", maxBuffer: 1 << 24 });
    if (r.status !== 0) return `NumPy peer failed: ${r.stderr.trim().split("\n").pop() ?? "unknown error"}`;
    return JSON.parse(r.stdout) as PyOut;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function row(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
}

function loadAverage(): string {
  try {
    return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  } catch {
    return "n/a";
  }
}

function median(xs: number[]): number {
  const a = [...xs].sort((x, y) => x - y);
  const h = a.length >> 1;
  return a.length % 2 === 1 ? a[h]! : (a[h - 1]! + a[h]!) / 2;
}

const loadBefore = loadAverage();
// warm-up (JIT) on a small run, then the timed runs, alternating with the NumPy peer
runAccounting(scenario, { draws: 20_000, seed: SEED, detail: "core" });
const jsWall: number[] = [];
const jsCpu: number[] = [];
const pyRuns: PyOut[] = [];
let pySkip: string | null = null;
let js: AccountingResult | null = null;
for (let r = 0; r < REPEAT; r++) {
  const c0 = cpuUsage();
  const t0 = performance.now();
  js = runAccounting(scenario, { draws: DRAWS, seed: SEED, detail: "core" }).result;
  jsWall.push((performance.now() - t0) / 1000);
  const c = cpuUsage(c0);
  jsCpu.push((c.user + c.system) / 1e6);
  if (pySkip === null) {
    const py = runNumpy();
    if (typeof py === "string") pySkip = py;
    else pyRuns.push(py);
  }
}
const jsRssMb = resourceUsage().maxRSS / 1024;
const loadAfter = loadAverage();

const cellsPerSec = (s: number): number => (DRAWS * YEARS) / s;
const fmtRate = (r: number): string => `${(r / 1e6).toFixed(2)} M`;
const widths = [34, 9, 14, 9, 14, 12, 18];
const lines: string[] = [];
lines.push(
  `accounting benchmark: ${DRAWS.toLocaleString("en-US")} draws x ${YEARS} years, seed ${SEED}, median of ${REPEAT} runs each`,
);
lines.push(`load average (1, 5, 15 min) before: ${loadBefore}; after: ${loadAfter} (${availableParallelism()} CPUs)`);
lines.push(
  row(["implementation", "wall s", "draws*years/s", "CPU s", "per CPU s", "peak RSS MB", "total mean unexpl."], widths),
);
const jsW = median(jsWall);
const jsC = median(jsCpu);
lines.push(
  row(
    [
      "TypeScript (Node " + process.versions.node + ")",
      jsW.toFixed(2),
      fmtRate(cellsPerSec(jsW)),
      jsC.toFixed(2),
      fmtRate(cellsPerSec(jsC)),
      jsRssMb.toFixed(0),
      js!.total.unexplained.mean.toFixed(0),
    ],
    widths,
  ),
);
lines.push(
  `  TypeScript runs, wall s: ${jsWall.map((x) => x.toFixed(2)).join(", ")}; CPU s: ${jsCpu.map((x) => x.toFixed(2)).join(", ")}`,
);
if (pySkip !== null) {
  lines.push(pySkip);
  lines.push("ratio (TypeScript / NumPy throughput): n/a (peer skipped)");
} else {
  const py = pyRuns[0]!;
  const pyW = median(pyRuns.map((p) => p.seconds));
  const pyC = median(pyRuns.map((p) => p.cpuSeconds));
  lines.push(
    row(
      [
        `NumPy ${py.numpy} (${py.ndtr})`,
        pyW.toFixed(2),
        fmtRate(cellsPerSec(pyW)),
        pyC.toFixed(2),
        fmtRate(cellsPerSec(pyC)),
        Math.max(...pyRuns.map((p) => p.maxRssMb)).toFixed(0),
        py.total.unexplained.mean.toFixed(0),
      ],
      widths,
    ),
  );
  lines.push(
    `  NumPy runs, wall s: ${pyRuns.map((p) => p.seconds.toFixed(2)).join(", ")}; CPU s: ${pyRuns.map((p) => p.cpuSeconds.toFixed(2)).join(", ")}`,
  );
  const ratioW = pyW / jsW;
  const ratioC = pyC / jsC;
  const verdict = (r: number): string => (r >= 1 ? "at least as fast as NumPy" : "slower than NumPy");
  lines.push(`ratio (TypeScript / NumPy throughput), wall clock: ${ratioW.toFixed(2)} (${verdict(ratioW)})`);
  lines.push(`ratio (TypeScript / NumPy throughput), CPU time:   ${ratioC.toFixed(2)} (${verdict(ratioC)})`);
  // the two implementations use different generators: means agree only within Monte Carlo error
  const diff = Math.abs(js!.total.unexplained.mean - py.total.unexplained.mean);
  lines.push(
    `check: |mean difference| = ${diff.toFixed(0)} (different random streams; expected of the order of sd/sqrt(draws) = ${(js!.total.unexplained.sd / Math.sqrt(DRAWS)).toFixed(0)})`,
  );
}
process.stdout.write(`${lines.join("\n")}\n`);
