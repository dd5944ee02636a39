import { OrganAuditError } from "../core/errors.js";
import { hashValues, type Finding } from "../core/finding.js";
import { binomialSf } from "../stats/binomial.js";
import { createRng, mixSeed, type Rng } from "../stats/rng.js";
import { sampleNegBinomial, samplePoisson } from "../stats/sampling.js";
import { runAudit } from "./audit.js";
import { benfordFinding, lastDigitFinding, roundingFinding } from "./digits.js";
import { windowSeries } from "./fit.js";
import type { ModelSpec } from "./models.js";
import type { PeerSet, Series } from "./series.js";

/**
 * Calibration of the battery (issue 3, item 10): how often does each test flag series that are genuine
 * (false flags), and how often does it flag series manufactured from a formula plus rounding (power)?
 *
 * - real: each comparator series in turn is the target, the other comparators are its peers
 *   (leave-one-out); real series are presumed genuine, so every flag is counted as a false flag.
 * - synthetic: smooth growth curves (logistic, with level, rate and midpoint drawn at random) with
 *   counting noise: Poisson, and negative binomial with size k (extra-Poisson variation), seeded.
 * - manufactured: y = round(a x^2) with a drawn at random, x = 1..n (the China-like case).
 *
 * For every test: runs, decided runs (not insufficient-data / estimate), flags after Holm's correction
 * across the battery (what a user sees), flags before it (the test's own rule at level alpha), and for
 * false flags a Monte Carlo allowance: the smallest count c with P(Bin(decided, alpha) > c) <= 0.001,
 * i.e. a one-sided 99.9% binomial upper bound on the number of flags a test calibrated at alpha can
 * produce by chance (more than c flags would show the test flags genuine series too often).
 */

export const CALIBRATION_METHOD_VERSION = "1.0.0";

export interface TestRate {
  test: string;
  runs: number;
  decided: number;
  /** flags after Holm's correction across the battery */
  flags: number;
  /** flags by the test's own rule before the correction (for rank tests with few peers this rule is not a level-alpha test) */
  flagsOwnRule: number;
  /** flags / decided; null when nothing was decided */
  rate: number | null;
  rateOwnRule: number | null;
  /** 99.9% binomial upper bound on chance flags among `decided` runs at level alpha (count) */
  allowance: number;
}

export interface CalibrationGroup {
  name: string;
  runs: number;
  rates: TestRate[];
  /** share of runs in which at least one finding of the battery was flagged (after Holm) */
  anyFlagRate: number | null;
}

export interface CalibrationReport {
  alpha: number;
  spec: ModelSpec;
  seed: number;
  groups: CalibrationGroup[];
  inputsHash: string;
}

export interface CalibrationOptions {
  spec: ModelSpec;
  seed: number;
  /** Monte Carlo simulations inside the battery (dispersion), default 199 */
  sims?: number;
  alpha?: number;
  from?: number;
  to?: number;
  /** synthetic series per noise family (default 40); 0 skips */
  synthetic?: number;
  /** negative binomial size k for the extra-Poisson family (default 100: about 10% extra CV) */
  nbK?: number;
  /** manufactured series (default 40); 0 skips */
  manufactured?: number;
  /** skip the real leave-one-out group */
  skipReal?: boolean;
}

/** Smallest count c with P(Bin(n, alpha) > c) <= level (default 0.001): more flags than c are not chance at 99.9%. */
export function binomialAllowance(n: number, alpha: number, level = 0.001): number {
  let c = 0;
  while (c < n && binomialSf(c + 1, n, alpha) > level) c++;
  return c;
}

const UNADJUSTED_FLAG = (f: Finding): boolean => f.verdict === "flag" || f.caveats.some((c) => c.code === "C_CHK_HOLM_DOWNGRADE");

class Tally {
  readonly rows = new Map<string, { runs: number; decided: number; flags: number; flagsOwnRule: number }>();
  runs = 0;
  anyFlag = 0;
  add(findings: readonly Finding[]): void {
    this.runs++;
    if (findings.some((f) => f.verdict === "flag")) this.anyFlag++;
    for (const f of findings) {
      let r = this.rows.get(f.method);
      if (!r) this.rows.set(f.method, (r = { runs: 0, decided: 0, flags: 0, flagsOwnRule: 0 }));
      r.runs++;
      if (f.verdict === "flag" || f.verdict === "pass") r.decided++;
      if (f.verdict === "flag") r.flags++;
      if (UNADJUSTED_FLAG(f)) r.flagsOwnRule++;
    }
  }
  group(name: string, alpha: number): CalibrationGroup {
    const rates: TestRate[] = [...this.rows.entries()].map(([test, r]) => ({
      test,
      runs: r.runs,
      decided: r.decided,
      flags: r.flags,
      flagsOwnRule: r.flagsOwnRule,
      rate: r.decided ? r.flags / r.decided : null,
      rateOwnRule: r.decided ? r.flagsOwnRule / r.decided : null,
      allowance: binomialAllowance(r.decided, alpha),
    }));
    return { name, runs: this.runs, rates, anyFlagRate: this.runs ? this.anyFlag / this.runs : null };
  }
}

function uniformIn(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng.uniform();
}

/** Years of the synthetic series: the window [from, to] (default 2009..2017, 9 points like China 2010-2018). */
function syntheticYears(opts: CalibrationOptions): number[] {
  const from = opts.from ?? 2009;
  const to = opts.to ?? 2017;
  if (!(Number.isInteger(from) && Number.isInteger(to) && to - from >= 2)) {
    throw new OrganAuditError("F_CHK_BAD_OPTION", { option: "from/to", detail: `need integer years with at least 3 points, got ${from}..${to}` });
  }
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** A smooth logistic growth curve with random level (300..8000), rate and midpoint, plus counting noise. */
export function syntheticSeries(rng: Rng, years: readonly number[], noise: "poisson" | "negbin", nbK: number): number[] {
  const L = uniformIn(rng, 300, 8000);
  const r = uniformIn(rng, 0.1, 0.6);
  const mid = years[0]! + uniformIn(rng, -2, years.length + 2);
  return years.map((t) => {
    const mu = Math.max(1, L / (1 + Math.exp(-r * (t - mid))));
    return noise === "poisson" ? samplePoisson(rng, mu) : sampleNegBinomial(rng, mu, nbK);
  });
}

/** y = round(a x^2), x = 1..n, with a drawn uniformly in [20, 100] (China-like levels). */
export function manufacturedSeries(rng: Rng, n: number): number[] {
  const a = uniformIn(rng, 20, 100);
  return Array.from({ length: n }, (_, i) => Math.round(a * (i + 1) * (i + 1)));
}

/** Run the battery on real (leave-one-out), synthetic and manufactured series and tally verdicts per test. */
export function calibrate(peers: PeerSet, opts: CalibrationOptions): CalibrationReport {
  const alpha = opts.alpha ?? 0.05;
  const sims = opts.sims ?? 199;
  const nSynth = opts.synthetic ?? 40;
  const nMan = opts.manufactured ?? 40;
  const nbK = opts.nbK ?? 100;
  const years = syntheticYears(opts);
  const from = years[0]!;
  const to = years[years.length - 1]!;
  const base = { spec: opts.spec, sims, alpha, from, to };
  const groups: CalibrationGroup[] = [];
  const input = (name: string, y: number[]) => ({ name, sha256: hashValues({ x: years, y }), n: y.length });
  if (!opts.skipReal) {
    const t = new Tally();
    peers.series.forEach((target, i) => {
      if (windowSeries(target, { from, to }).x.length < 3) return;
      const rest: PeerSet = { name: `${peers.name} without ${target.name}`, series: peers.series.filter((_, j) => j !== i) };
      t.add(runAudit(target, { ...base, peers: rest, seed: mixSeed(opts.seed, i) }).findings);
    });
    groups.push(t.group("real comparators, leave-one-out", alpha));
  }
  const families: ["poisson" | "negbin", string][] = [
    ["poisson", "synthetic: logistic growth + Poisson noise"],
    ["negbin", `synthetic: logistic growth + negative binomial noise (k = ${nbK})`],
  ];
  families.forEach(([noise, name], fi) => {
    if (nSynth <= 0) return;
    const t = new Tally();
    const rng = createRng(mixSeed(opts.seed, 1000 + fi));
    for (let i = 0; i < nSynth; i++) {
      const y = syntheticSeries(rng, years, noise, nbK);
      const s: Series = { name: `${noise} #${i + 1}`, x: years, y, input: input(`${noise}#${i + 1}`, y) };
      t.add(runAudit(s, { ...base, peers, seed: mixSeed(opts.seed, 2000 + 100_000 * fi + i) }).findings);
    }
    groups.push(t.group(name, alpha));
  });
  if (nMan > 0) {
    const t = new Tally();
    const rng = createRng(mixSeed(opts.seed, 3000));
    for (let i = 0; i < nMan; i++) {
      const y = manufacturedSeries(rng, years.length);
      const s: Series = { name: `manufactured #${i + 1}`, x: years, y, input: input(`manufactured#${i + 1}`, y) };
      t.add(runAudit(s, { ...base, peers, seed: mixSeed(opts.seed, 4000 + i) }).findings);
    }
    groups.push(t.group("manufactured: round(a x^2)", alpha));
  }
  return {
    alpha,
    spec: opts.spec,
    seed: opts.seed,
    groups,
    inputsHash: hashValues({ peers: peers.series.map((s) => [s.name, s.x, s.y]), years, nSynth, nMan, nbK }),
  };
}

export interface DigitCalibrationRow {
  test: string;
  sample: "null" | "manufactured";
  runs: number;
  decided: number;
  flags: number;
  rate: number | null;
  allowance: number;
}

/**
 * Calibration of the digit tests by simulation (the battery's series are too short for them to decide).
 * Null samples: n values floor(10^(1 + 3U)), U uniform: first digits follow Benford's law exactly (the
 * floor does not change the leading digit of a value >= 10), second and first-two digits follow it
 * closely, and last digits are close to uniform. Manufactured samples: the same values rounded to the
 * nearest 10 (heaping) for the last-digit and rounding tests, and uniform first digits (values uniform on
 * 100..999) for the Benford tests.
 */
export function calibrateDigits(opts: { seed: number; reps?: number; n?: number; alpha?: number; sims?: number }): DigitCalibrationRow[] {
  const reps = opts.reps ?? 200;
  const n = opts.n ?? 1500;
  const alpha = opts.alpha ?? 0.05;
  const sims = opts.sims ?? 100;
  const input = { name: "simulated", sha256: hashValues({ seed: opts.seed, reps, n }) };
  const rows = new Map<string, DigitCalibrationRow>();
  const tally = (test: string, sample: "null" | "manufactured", f: Finding) => {
    const key = `${sample}:${test}`;
    let r = rows.get(key);
    if (!r) rows.set(key, (r = { test, sample, runs: 0, decided: 0, flags: 0, rate: null, allowance: 0 }));
    r.runs++;
    if (f.verdict === "flag" || f.verdict === "pass") r.decided++;
    if (f.verdict === "flag") r.flags++;
  };
  const rng = createRng(mixSeed(opts.seed, 5000));
  for (let i = 0; i < reps; i++) {
    const v = Array.from({ length: n }, () => Math.floor(10 ** (1 + 3 * rng.uniform())));
    const seed = mixSeed(opts.seed, 6000 + i);
    const o = { input, alpha, seed, sims };
    tally("benford-first", "null", benfordFinding(v, "first", o));
    tally("benford-second", "null", benfordFinding(v, "second", o));
    tally("benford-firsttwo", "null", benfordFinding(v, "firsttwo", o));
    tally("last-digit", "null", lastDigitFinding(v, o));
    tally("rounding-5", "null", roundingFinding(v, { ...o, unit: 5 }));
    const heaped = v.map((x) => Math.max(10, Math.round(x / 10) * 10));
    tally("last-digit", "manufactured", lastDigitFinding(heaped, o));
    tally("rounding-5", "manufactured", roundingFinding(heaped, { ...o, unit: 5 }));
    const flat = Array.from({ length: n }, () => 100 + Math.floor(900 * rng.uniform()));
    tally("benford-first", "manufactured", benfordFinding(flat, "first", o));
    tally("benford-firsttwo", "manufactured", benfordFinding(flat, "firsttwo", o));
  }
  for (const r of rows.values()) {
    r.rate = r.decided ? r.flags / r.decided : null;
    r.allowance = binomialAllowance(r.decided, alpha);
  }
  return [...rows.values()];
}
