import { OrganAuditError } from "../core/errors.js";
import { hashValues, type Finding } from "../core/finding.js";
import { binomialSf } from "../stats/binomial.js";
import { createRng, mixSeed, type Rng } from "../stats/rng.js";
import { sampleNegBinomial, samplePoisson } from "../stats/sampling.js";
import { runAudit } from "./audit.js";
import { benfordFinding, lastDigitFinding, roundingFinding } from "./digits.js";
import { estimateNbPhi } from "./dispersion.js";
import { cachedFit } from "./fit-cache.js";
import { alignToX, windowSeries } from "./fit.js";
import type { ModelSpec } from "./models.js";
import type { PeerSet, Series } from "./series.js";

/**
 * Calibration of the battery (issue 3, item 10): how often does each test flag series that are genuine
 * (false flags), and how often does it flag series manufactured from a formula plus rounding (power)?
 *
 * - (a) real: each comparator series in turn is the target, the other comparators are its peers
 *   (leave-one-out); real series are presumed genuine, so every flag is counted as a false flag.
 * - (b) Poisson synthetic: synthetic target i takes the fitted curve mu of real peer j = i mod n (the
 *   same model fitted to that peer over the window) and draws Poisson counts about it; the battery
 *   judges it against the other peers. Poisson-only noise is far more regular than real registries
 *   (whose year-to-year changes include real-world shocks), so the PEER tests are expected to flag
 *   these often: that is not a false flag of the peer test, it shows that Poisson noise is not peer-like.
 * - (c) peer-like synthetic: the same curves with negative binomial noise, Var = mu + phi mu^2, phi
 *   estimated from the peers' own residuals about the same model (estimateNbPhi, pooled Pearson
 *   moment estimator); this is the null for the peer tests (target: at most nominal + allowance).
 * - (d) manufactured: y = round(a x^2) and y = round(a (x - x0)^2), x = 1..n, a and x0 drawn at random
 *   (the China-like case); flags here are power, not false flags.
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
  /** negative binomial phi of the peer-like family (estimated from the peers unless given) */
  nbPhi: number | null;
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
  /** negative binomial phi = 1/k for the peer-like family; default: estimated from the peers (estimateNbPhi) */
  nbPhi?: number;
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

/** y = round(a (x - x0)^2), x = 1..n, a uniform in [20, 100], x0 uniform in [-3, 0.5] (growth from a shifted origin). */
export function manufacturedShiftedSeries(rng: Rng, n: number): number[] {
  const a = uniformIn(rng, 20, 100);
  const x0 = uniformIn(rng, -3, 0.5);
  return Array.from({ length: n }, (_, i) => Math.round(a * (i + 1 - x0) ** 2));
}

/** The curve of each peer: the model fitted over `years` (peers lacking any year are left out), values below 1 raised to 1. */
export function peerCurves(peers: PeerSet, spec: ModelSpec, years: number[]): { index: number; name: string; mu: number[] }[] {
  const out: { index: number; name: string; mu: number[] }[] = [];
  peers.series.forEach((p, index) => {
    const y = alignToX(p, years);
    if (y === null || y.some((v) => v < 0)) return;
    const f = cachedFit(years, y, spec);
    if (f.status !== "ok" || f.fitted === null) return;
    out.push({ index, name: p.name, mu: f.fitted.map((m) => Math.max(1, m)) });
  });
  return out;
}

/**
 * phi of the negative binomial that matches the peers' residual dispersion about the model over
 * `years` (pooled Pearson moment estimator, estimateNbPhi); null when no peer can be fitted.
 */
export function peerNbPhi(peers: PeerSet, spec: ModelSpec, years: number[]): number | null {
  const groups: { y: number[]; mu: number[]; df: number }[] = [];
  for (const p of peers.series) {
    const y = alignToX(p, years);
    if (y === null || y.some((v) => v < 0)) continue;
    const f = cachedFit(years, y, spec);
    if (f.status !== "ok" || f.fitted === null || f.df <= 0 || f.fitted.some((m) => !(m > 0))) continue;
    groups.push({ y, mu: f.fitted, df: f.df });
  }
  return estimateNbPhi(groups);
}

/** Run the battery on real (leave-one-out), synthetic and manufactured series and tally verdicts per test. */
export function calibrate(peers: PeerSet, opts: CalibrationOptions): CalibrationReport {
  const alpha = opts.alpha ?? 0.05;
  const sims = opts.sims ?? 199;
  const nSynth = opts.synthetic ?? 40;
  const nMan = opts.manufactured ?? 40;
  const years = syntheticYears(opts);
  const from = years[0]!;
  const to = years[years.length - 1]!;
  // the fit finding's AICc model comparison is descriptive (no verdict): only the tested model is fitted
  const base = { spec: opts.spec, sims, alpha, from, to, candidates: [opts.spec] };
  const groups: CalibrationGroup[] = [];
  const input = (name: string, y: number[]) => ({ name, sha256: hashValues({ x: years, y }), n: y.length });
  const without = (i: number): PeerSet => ({
    name: `${peers.name} without ${peers.series[i]!.name}`,
    series: peers.series.filter((_, j) => j !== i),
  });
  if (!opts.skipReal) {
    const t = new Tally();
    peers.series.forEach((target, i) => {
      if (windowSeries(target, { from, to }).x.length < 3) return;
      t.add(runAudit(target, { ...base, peers: without(i), seed: mixSeed(opts.seed, i) }).findings);
    });
    groups.push(t.group("(a) real comparators, leave-one-out", alpha));
  }
  const curves = nSynth > 0 ? peerCurves(peers, opts.spec, years) : [];
  const phi = opts.nbPhi ?? (nSynth > 0 ? peerNbPhi(peers, opts.spec, years) : null);
  if (opts.nbPhi !== undefined && !(Number.isFinite(opts.nbPhi) && opts.nbPhi >= 0)) {
    throw new OrganAuditError("F_CHK_BAD_OPTION", { option: "nbPhi", detail: `must be a finite number >= 0, got ${opts.nbPhi}` });
  }
  const families: ["poisson" | "negbin", string][] = [
    ["poisson", "(b) synthetic: peer curves + Poisson noise"],
    ["negbin", `(c) synthetic, peer-like: peer curves + negative binomial noise (phi = ${phi === null ? "n/a" : Number(phi.toPrecision(4))}, from the peers)`],
  ];
  families.forEach(([noise, name], fi) => {
    if (nSynth <= 0 || curves.length === 0 || (noise === "negbin" && phi === null)) return;
    const t = new Tally();
    const rng = createRng(mixSeed(opts.seed, 1000 + fi));
    for (let i = 0; i < nSynth; i++) {
      const c = curves[i % curves.length]!;
      const y = c.mu.map((m) => (noise === "poisson" || phi === 0 ? samplePoisson(rng, m) : sampleNegBinomial(rng, m, 1 / phi!)));
      const s: Series = { name: `${noise} #${i + 1} (${c.name} curve)`, x: years, y, input: input(`${noise}#${i + 1}`, y) };
      t.add(runAudit(s, { ...base, peers: without(c.index), seed: mixSeed(opts.seed, 2000 + 100_000 * fi + i) }).findings);
    }
    groups.push(t.group(name, alpha));
  });
  const manufactured: [string, (rng: Rng, n: number) => number[]][] = [
    ["(d) manufactured: round(a x^2)", manufacturedSeries],
    ["(d) manufactured: round(a (x - x0)^2)", manufacturedShiftedSeries],
  ];
  manufactured.forEach(([name, make], mi) => {
    if (nMan <= 0) return;
    const t = new Tally();
    const rng = createRng(mixSeed(opts.seed, 3000 + mi));
    for (let i = 0; i < nMan; i++) {
      const y = make(rng, years.length);
      const s: Series = { name: `manufactured #${i + 1}`, x: years, y, input: input(`manufactured${mi}#${i + 1}`, y) };
      t.add(runAudit(s, { ...base, peers, seed: mixSeed(opts.seed, 4000 + 100_000 * mi + i) }).findings);
    }
    groups.push(t.group(name, alpha));
  });
  return {
    alpha,
    spec: opts.spec,
    seed: opts.seed,
    groups,
    nbPhi: phi,
    inputsHash: hashValues({ peers: peers.series.map((s) => [s.name, s.x, s.y]), years, nSynth, nMan, phi }),
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
