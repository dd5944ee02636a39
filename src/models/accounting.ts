import { caveat, makeFinding, type Caveat, type Finding, type InputRef } from "../core/finding.js";
import { OrganAuditError } from "../core/errors.js";
import { createRng, mixSeed, type Rng } from "../stats/rng.js";
import {
  distQuantile,
  fillNormals,
  fromScores,
  isDegenerate,
  needsUniforms,
  sampleInto,
  scoresToUniforms,
  type Dist,
} from "./distributions.js";
import { summarizeInPlace, summarizeWithRange, type Summary } from "./quantiles.js";
import {
  ASSUMPTION,
  VARIABLES,
  allSpecs,
  citedSources,
  type InputSpec,
  type Scenario,
  type Variable,
} from "./scenario.js";

/**
 * Monte Carlo engine of the organ-source accounting identity
 *
 *   unexplained = transplants − executions·shareUsed·organsPerExecuted − voluntaryDonors·organsPerDonor − livingDonorTransplants
 *
 * Memory is bounded and independent of the number of years: the engine walks the years in order
 * and, within a year, the draws in blocks of 8,192 (the inputs' buffers stay in cache); it keeps
 * full-length Float64Arrays only for the year's unexplained values and share explained (and, with
 * detail "full", transplants and explained), the cumulative sums of transplants and unexplained
 * (cumulative explained is their difference, formed once at the end), and the normal scores of shared
 * draws and year-correlation chains. Quantiles come from those typed arrays by a bucket histogram
 * plus selection (quantiles.ts), never from arrays of objects.
 *
 * Random streams: every uncertain input draws from its own stream
 * `createRng(mixSeed(seedOf(factor), label))`, where the label is fixed by the input's position
 * (year, variable, organ), by the shared-draw name or by the year-correlation chain. Results are
 * therefore independent of evaluation order, and the same scenario and seed give identical output.
 * A "factor" is a variable (e.g. all years of `executions`) or a shared draw (`shared:<name>`); the
 * sensitivity module re-seeds one factor at a time (Saltelli/Jansen A, B, A_B^(i) matrices).
 */

export const METHOD = "model.accounting";
/**
 * 1.1.0: inputs draw from the seed's bulk xoshiro128** stream (Rng.fillUniform) and PERT by the gamma
 * ratio, so a given seed gives different (equally distributed) draws than 1.0.0.
 */
export const METHOD_VERSION = "1.1.0";
export const DEFAULT_DRAWS = 100_000;
export const DEFAULT_SEED = 20200310;
export const MAX_DRAWS = 10_000_000;

export interface EngineOptions {
  draws: number;
  seed: number;
  /** seed for a factor's streams (Sobol hybrid runs); default: `seed` for every factor */
  factorSeed?: (factor: string) => number;
  /** keep per-draw cumulative unexplained and per-factor sums of inputs (for sensitivity) */
  keep?: boolean;
  /**
   * "full" (default): quantile summaries of transplants, explained, unexplained and share explained;
   * "core": quantiles of unexplained and share explained only, means of transplants and explained.
   */
  detail?: "full" | "core";
}

/** Mean only (detail "core"). */
export interface MeanOnly {
  mean: number;
}

export interface YearResult {
  year: number;
  transplants: Summary | MeanOnly;
  explained: Summary | MeanOnly;
  unexplained: Summary;
  /** P(unexplained ≤ 0): probability that the modelled sources cover the claimed volume */
  pCovered: number;
  /** explained / transplants per draw (can exceed 1); null where transplants are 0 in every draw */
  shareExplained: Summary | null;
  /** transplant volume by organ, when the scenario gives it by organ */
  byOrgan?: Record<string, Summary>;
}

export interface AccountingResult {
  scenario: string;
  seed: number;
  draws: number;
  firstYear: number;
  lastYear: number;
  years: YearResult[];
  /** cumulative over all years */
  total: Omit<YearResult, "year" | "byOrgan">;
}

export interface KeptDraws {
  /** cumulative unexplained per draw */
  total: Float64Array;
  /** per factor, the per-draw sum over years of its inputs */
  factors: Map<string, Float64Array>;
}

export interface EngineOutput {
  result: AccountingResult;
  kept?: KeptDraws;
}

/** The factor (sensitivity group) of an input. */
export function factorOf(variable: Variable, spec: InputSpec): string {
  return spec.shared !== undefined ? `shared:${spec.shared}` : variable;
}

/** Factors of a scenario that carry uncertainty, in a stable order. */
export function uncertainFactors(s: Scenario): string[] {
  const set = new Set<string>();
  for (const { variable, spec } of allSpecs(s)) if (!isDegenerate(spec.dist)) set.add(factorOf(variable, spec));
  const order = (f: string): number => {
    const i = (VARIABLES as readonly string[]).indexOf(f);
    return i >= 0 ? i : VARIABLES.length;
  };
  return [...set].sort((a, b) => order(a) - order(b) || (a < b ? -1 : a > b ? 1 : 0));
}

type Driver =
  | { type: "fixed"; value: number }
  | { type: "independent"; label: number }
  | { type: "shared"; group: string; label: number }
  | { type: "chain"; chain: string; rho: number; label: number };

interface PlannedInput {
  variable: Variable;
  organ: string | undefined;
  factor: string;
  dist: Dist;
  driver: Driver;
}

const SHARED_BASE = 0x40000000;
const CHAIN_BASE = 0x20000000;

function planYear(
  s: Scenario,
  yearIndex: number,
  sharedIdx: Map<string, number>,
  chainIdx: Map<string, number>,
): PlannedInput[] {
  const y = s.years[yearIndex]!;
  const out: PlannedInput[] = [];
  const add = (variable: Variable, organ: string | undefined, organIndex: number, spec: InputSpec): void => {
    const factor = factorOf(variable, spec);
    const dist = spec.dist;
    let driver: Driver;
    if (isDegenerate(dist)) driver = { type: "fixed", value: distQuantile(dist, 0.5) };
    else if (spec.shared !== undefined) {
      driver = { type: "shared", group: spec.shared, label: SHARED_BASE + sharedIdx.get(spec.shared)! };
    } else if ((s.yearCorrelation[variable] ?? 0) !== 0) {
      const chain = organ === undefined ? variable : `${variable}.${organ}`;
      driver = {
        type: "chain",
        chain,
        rho: s.yearCorrelation[variable]!,
        label: CHAIN_BASE + (chainIdx.get(chain)! << 12) + yearIndex,
      };
    } else {
      const vi = VARIABLES.indexOf(variable);
      driver = { type: "independent", label: (yearIndex << 12) | (vi << 8) | organIndex };
    }
    out.push({ variable, organ, factor, dist, driver });
  };
  y.transplants.forEach((t, k) => add("transplants", t.organ, k, t.spec));
  for (const v of VARIABLES) if (v !== "transplants") add(v, undefined, 0, y[v]);
  return out;
}

function indexNames(s: Scenario): { sharedIdx: Map<string, number>; chainIdx: Map<string, number> } {
  const shared = new Set<string>();
  const chains = new Set<string>();
  for (const y of s.years) {
    for (const t of y.transplants) {
      if (t.spec.shared !== undefined) shared.add(t.spec.shared);
      else if (s.yearCorrelation.transplants) chains.add(`transplants.${t.organ}`);
    }
    for (const v of VARIABLES) {
      if (v === "transplants") continue;
      if (y[v].shared !== undefined) shared.add(y[v].shared!);
      else if (s.yearCorrelation[v]) chains.add(v);
    }
  }
  const toIdx = (set: Set<string>): Map<string, number> => new Map([...set].sort().map((k, i) => [k, i]));
  return { sharedIdx: toIdx(shared), chainIdx: toIdx(chains) };
}

function checkDraws(draws: number): void {
  if (!Number.isInteger(draws) || draws < 2 || draws > MAX_DRAWS) {
    throw new OrganAuditError("M_ACC_DRAWS", { value: String(draws) });
  }
}

function finiteSummary(sm: Summary, what: string): Summary {
  for (const v of Object.values(sm)) {
    if (!Number.isFinite(v)) {
      throw new OrganAuditError("M_ACC_DIST_PARAMS", {
        detail: `${what} produced a non-finite value; check for extreme lognormal or normal parameters`,
      });
    }
  }
  return sm;
}

/** Slots of the per-year accumulator filled by combineYear. */
const ACC_COVERED = 0;
const ACC_M = 1;
const ACC_SUM_U = 2;
const ACC_MIN_U = 3;
const ACC_MAX_U = 4;
const ACC_SUM_R = 5;
const ACC_MIN_R = 6;
const ACC_MAX_R = 7;
const ACC_SUM_T = 8;
const ACC_SUM_X = 9;
const ACC_SIZE = 10;

function resetAcc(acc: Float64Array): void {
  acc.fill(0);
  acc[ACC_MIN_U] = Infinity;
  acc[ACC_MAX_U] = -Infinity;
  acc[ACC_MIN_R] = Infinity;
  acc[ACC_MAX_R] = -Infinity;
}

/**
 * The identity for one year, draw by draw: X = E·S·O + D·P + L, U = T − X; adds T and U to the
 * cumulative sums; writes X/T into R (from index acc[ACC_M]) for draws with T > 0. Works on one block of draws
 * and, in the same loop, accumulates in `acc` the draws with U ≤ 0, the sums (in draw order, so they
 * equal a separate pass) and ranges of U and of the ratios, and the sums of T and X.
 */
function combineYear(
  T: Float64Array,
  E: Float64Array,
  S: Float64Array,
  O: Float64Array,
  D: Float64Array,
  P: Float64Array,
  L: Float64Array,
  X: Float64Array,
  U: Float64Array,
  R: Float64Array,
  cumT: Float64Array,
  cumU: Float64Array,
  acc: Float64Array,
): void {
  const n = T.length;
  let covered = acc[ACC_COVERED]!;
  let m = acc[ACC_M]!;
  let sumU = acc[ACC_SUM_U]!;
  let minU = acc[ACC_MIN_U]!;
  let maxU = acc[ACC_MAX_U]!;
  let sumR = acc[ACC_SUM_R]!;
  let minR = acc[ACC_MIN_R]!;
  let maxR = acc[ACC_MAX_R]!;
  let sumT = acc[ACC_SUM_T]!;
  let sumX = acc[ACC_SUM_X]!;
  for (let i = 0; i < n; i++) {
    const t = T[i]!;
    const x = E[i]! * S[i]! * O[i]! + D[i]! * P[i]! + L[i]!;
    const u = t - x;
    X[i] = x;
    U[i] = u;
    cumT[i] = cumT[i]! + t;
    cumU[i] = cumU[i]! + u;
    sumT += t;
    sumX += x;
    sumU += u;
    if (u < minU) minU = u;
    if (u > maxU) maxU = u;
    if (u <= 0) covered++;
    if (t > 0) {
      const r = x / t;
      R[m++] = r;
      sumR += r;
      if (r < minR) minR = r;
      if (r > maxR) maxR = r;
    }
  }
  acc[ACC_COVERED] = covered;
  acc[ACC_M] = m;
  acc[ACC_SUM_U] = sumU;
  acc[ACC_MIN_U] = minU;
  acc[ACC_MAX_U] = maxU;
  acc[ACC_SUM_R] = sumR;
  acc[ACC_MIN_R] = minR;
  acc[ACC_MAX_R] = maxR;
  acc[ACC_SUM_T] = sumT;
  acc[ACC_SUM_X] = sumX;
}

function addInto(acc: Float64Array, v: Float64Array): void {
  for (let i = 0; i < acc.length; i++) acc[i] = acc[i]! + v[i]!;
}

/** z ← ρ·z + √(1 − ρ²)·ε, with ε standard normal from the chain's stream (`eps` is scratch). */
function ar1Step(z: Float64Array, rho: number, rng: Rng, eps: Float64Array): void {
  fillNormals(rng, eps);
  const b = Math.sqrt(1 - rho * rho);
  for (let i = 0; i < z.length; i++) z[i] = rho * z[i]! + b * eps[i]!;
}

/** Draws are processed in blocks of this size so that the per-input buffers stay in cache. */
const BLOCK = 8192;

/** Per-year state of one planned input: fills `out` with the draws off..off+out.length. */
type InputFiller = (off: number, out: Float64Array) => void;

/** Run the Monte Carlo accounting model. */
export function runAccounting(s: Scenario, opts: EngineOptions): EngineOutput {
  checkDraws(opts.draws);
  const n = opts.draws;
  const B = Math.min(n, BLOCK);
  const seedOf = opts.factorSeed ?? (() => opts.seed);
  const { sharedIdx, chainIdx } = indexNames(s);
  const stream = (factor: string, label: number): Rng => createRng(mixSeed(seedOf(factor), label));
  const full = (opts.detail ?? "full") === "full";

  // shared draws: the normal scores and, when a member needs them, their uniforms Φ(z), computed once
  const sharedZ = new Map<string, { z: Float64Array; u: Float64Array | null }>();
  // year-correlation chains: the current normal scores of every draw
  const chainZ = new Map<string, { z: Float64Array; yearIndex: number }>();
  const chainUB = new Float64Array(B);
  const chainEB = new Float64Array(B);

  // block buffers
  const tB = new Float64Array(B);
  const oB = new Float64Array(B);
  const xB = new Float64Array(B);
  const vB: Record<Exclude<Variable, "transplants">, Float64Array> = {
    executions: new Float64Array(B),
    shareUsed: new Float64Array(B),
    organsPerExecuted: new Float64Array(B),
    voluntaryDonors: new Float64Array(B),
    organsPerDonor: new Float64Array(B),
    livingDonorTransplants: new Float64Array(B),
  };
  // full-length arrays
  const U = new Float64Array(n);
  const R = new Float64Array(n);
  const T = full ? new Float64Array(n) : null;
  const X = full ? new Float64Array(n) : null;
  const organFull = new Map<string, Float64Array>();
  const cumT = new Float64Array(n);
  const cumU = new Float64Array(n);
  const factorSums = new Map<string, Float64Array>();
  const acc = new Float64Array(ACC_SIZE);

  const fillerOf = (p: PlannedInput, yearIndex: number): InputFiller => {
    const d = p.driver;
    switch (d.type) {
      case "fixed": {
        const fillFixed: InputFiller = (_off, out) => out.fill(d.value);
        return fillFixed;
      }
      case "independent": {
        const rng = stream(p.factor, d.label);
        const fillIndependent: InputFiller = (_off, out) => sampleInto(p.dist, rng, out);
        return fillIndependent;
      }
      case "shared": {
        let g = sharedZ.get(d.group);
        if (!g) {
          const z = new Float64Array(n);
          fillNormals(stream(p.factor, d.label), z);
          g = { z, u: null };
          sharedZ.set(d.group, g);
        }
        if (needsUniforms(p.dist) && !g.u) {
          g.u = new Float64Array(n);
          scoresToUniforms(g.z, g.u);
        }
        const { z, u } = g;
        const fillShared: InputFiller = (off, out) =>
          fromScores(p.dist, z.subarray(off, off + out.length), u ? u.subarray(off, off + out.length) : null, out);
        return fillShared;
      }
      case "chain": {
        const rng = stream(p.factor, d.label);
        const prev = chainZ.get(d.chain);
        const cont = prev !== undefined && prev.yearIndex === yearIndex - 1;
        const z = prev?.z ?? new Float64Array(n);
        chainZ.set(d.chain, { z, yearIndex });
        const need = needsUniforms(p.dist);
        const fillChain: InputFiller = (off, out) => {
          const zv = z.subarray(off, off + out.length);
          if (cont) ar1Step(zv, d.rho, rng, chainEB.subarray(0, out.length));
          else fillNormals(rng, zv);
          const uv = need ? chainUB.subarray(0, out.length) : null;
          if (uv) scoresToUniforms(zv, uv);
          fromScores(p.dist, zv, uv, out);
        };
        return fillChain;
      }
    }
  };
  const keepFactor = (factor: string, off: number, values: Float64Array): void => {
    if (!opts.keep) return;
    let sums = factorSums.get(factor);
    if (!sums) {
      sums = new Float64Array(n);
      factorSums.set(factor, sums);
    }
    addInto(sums.subarray(off, off + values.length), values);
  };
  const meanOnly = (sum: number, what: string): MeanOnly => finiteSummary({ mean: sum / n } as Summary, what);

  const years: YearResult[] = [];
  s.years.forEach(function runYear(y, yi) {
    const plan = planYear(s, yi, sharedIdx, chainIdx);
    const organs = plan.filter((p) => p.variable === "transplants").map((p) => ({ p, fill: fillerOf(p, yi) }));
    const others = plan.filter((p) => p.variable !== "transplants").map((p) => ({ p, fill: fillerOf(p, yi) }));
    for (const { p } of organs)
      if (p.organ !== "all" && !organFull.has(p.organ!)) organFull.set(p.organ!, new Float64Array(n));
    resetAcc(acc);
    for (let off = 0; off < n; off += B) {
      const len = Math.min(B, n - off);
      const tv = tB.subarray(0, len);
      // the first organ's draws go straight into the transplants buffer, the others are added to it
      if (organs.length === 0) tv.fill(0);
      organs.forEach(({ p, fill }, k) => {
        const ov = k === 0 ? tv : oB.subarray(0, len);
        fill(off, ov);
        keepFactor(p.factor, off, ov);
        if (k > 0) addInto(tv, ov);
        if (p.organ !== "all") organFull.get(p.organ!)!.set(ov, off);
      });
      for (const { p, fill } of others) {
        const v = vB[p.variable as Exclude<Variable, "transplants">].subarray(0, len);
        fill(off, v);
        keepFactor(p.factor, off, v);
      }
      const xv = xB.subarray(0, len);
      const end = off + len;
      combineYear(
        tv,
        vB.executions.subarray(0, len),
        vB.shareUsed.subarray(0, len),
        vB.organsPerExecuted.subarray(0, len),
        vB.voluntaryDonors.subarray(0, len),
        vB.organsPerDonor.subarray(0, len),
        vB.livingDonorTransplants.subarray(0, len),
        xv,
        U.subarray(off, end),
        R,
        cumT.subarray(off, end),
        cumU.subarray(off, end),
        acc,
      );
      if (T && X) {
        T.set(tv, off);
        X.set(xv, off);
      }
    }
    const covered = acc[ACC_COVERED]!;
    const m = acc[ACC_M]!;
    let byOrgan: Record<string, Summary> | undefined;
    for (const { p } of organs) {
      if (p.organ === "all") continue;
      byOrgan ??= {};
      byOrgan[p.organ!] = finiteSummary(summarizeInPlace(organFull.get(p.organ!)!), `transplants.${p.organ}`);
    }
    const yr: YearResult = {
      year: y.year,
      transplants: T ? finiteSummary(summarizeInPlace(T), "transplants") : meanOnly(acc[ACC_SUM_T]!, "transplants"),
      explained: X ? finiteSummary(summarizeInPlace(X), "explained") : meanOnly(acc[ACC_SUM_X]!, "explained"),
      unexplained: finiteSummary(
        summarizeWithRange(U, acc[ACC_SUM_U]!, acc[ACC_MIN_U]!, acc[ACC_MAX_U]!),
        "unexplained",
      ),
      pCovered: covered / n,
      shareExplained:
        m > 0
          ? finiteSummary(
              summarizeWithRange(R.subarray(0, m), acc[ACC_SUM_R]!, acc[ACC_MIN_R]!, acc[ACC_MAX_R]!),
              "shareExplained",
            )
          : null,
    };
    if (byOrgan) yr.byOrgan = byOrgan;
    years.push(yr);
  });

  const summarize = (a: Float64Array, what: string): Summary | MeanOnly => {
    if (full) return finiteSummary(summarizeInPlace(a), what);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += a[i]!;
    return meanOnly(sum, what);
  };
  // cumulative explained = cumulative transplants − cumulative unexplained (in the year buffer U,
  // no longer needed): one full-length array fewer to update every year
  const cumX = U;
  let covered = 0;
  let m = 0;
  for (let i = 0; i < n; i++) {
    const t = cumT[i]!;
    const u = cumU[i]!;
    const x = t - u;
    cumX[i] = x;
    if (u <= 0) covered++;
    if (t > 0) R[m++] = x / t;
  }
  const kept: KeptDraws | undefined = opts.keep ? { total: Float64Array.from(cumU), factors: factorSums } : undefined;
  const total = {
    transplants: summarize(cumT, "transplants"),
    explained: summarize(cumX, "explained"),
    unexplained: finiteSummary(summarizeInPlace(cumU), "unexplained"),
    pCovered: covered / n,
    shareExplained: m > 0 ? finiteSummary(summarizeInPlace(R.subarray(0, m)), "shareExplained") : null,
  };
  const result: AccountingResult = {
    scenario: s.name,
    seed: opts.seed,
    draws: n,
    firstYear: s.years[0]!.year,
    lastYear: s.years[s.years.length - 1]!.year,
    years,
    total,
  };
  return kept ? { result, kept } : { result };
}

/**
 * Deterministic evaluation of the identity with every input at a quantile: `probOf(factor)` gives
 * the probability for each factor's inputs (0.5 = medians). Used by the tornado analysis.
 */
export function evaluateAtQuantiles(
  s: Scenario,
  probOf: (factor: string) => number,
): { years: { year: number; unexplained: number }[]; total: number } {
  const q = (variable: Variable, spec: InputSpec): number => distQuantile(spec.dist, probOf(factorOf(variable, spec)));
  let total = 0;
  const years = s.years.map((y) => {
    let t = 0;
    for (const o of y.transplants) t += q("transplants", o.spec);
    const x =
      q("executions", y.executions) * q("shareUsed", y.shareUsed) * q("organsPerExecuted", y.organsPerExecuted) +
      q("voluntaryDonors", y.voluntaryDonors) * q("organsPerDonor", y.organsPerDonor) +
      q("livingDonorTransplants", y.livingDonorTransplants);
    total += t - x;
    return { year: y.year, unexplained: t - x };
  });
  return { years, total };
}

// ---------------------------------------------------------------------------------------------
// Finding

function fmt(x: number): string {
  const r = Math.round(x);
  const s = String(Math.abs(r)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return r < 0 ? `−${s}` : s;
}

function pct(p: number): string {
  return `${(Math.round(p * 1000) / 10).toFixed(1)}%`;
}

/** Counts of the scenario's values: how many are stated assumptions. */
export function assumptionCount(s: Scenario): { assumptions: number; total: number } {
  const specs = allSpecs(s);
  return { assumptions: specs.filter((x) => x.spec.source === ASSUMPTION).length, total: specs.length };
}

/** Build the finding (verdict "estimate") for an accounting run. */
export function accountingFinding(s: Scenario, result: AccountingResult, input: InputRef): Finding<AccountingResult> {
  const t = result.total;
  const u = t.unexplained;
  const span = `${result.firstYear}–${result.lastYear}`;
  const interval = `90% interval ${fmt(u.p05)} to ${fmt(u.p95)}`;
  let statement: string;
  if (u.p05 > 0) {
    statement =
      `Under scenario "${s.name}" (${span}), claimed transplants exceed the organs explained by executions, voluntary deceased donors and living donors: ` +
      `median cumulative unexplained ${fmt(u.p50)} (${interval}); the explained sources cover the claimed volume in ${pct(t.pCovered)} of draws. ` +
      `This is consistent with an organ source the model does not include; it does not identify that source.`;
  } else if (u.p95 < 0) {
    statement =
      `Under scenario "${s.name}" (${span}), the modelled sources can account for the claimed transplant volume: ` +
      `median cumulative unexplained ${fmt(u.p50)} (${interval}); covered in ${pct(t.pCovered)} of draws. ` +
      `The claimed volume is consistent with the identified sources under these inputs.`;
  } else {
    statement =
      `Under scenario "${s.name}" (${span}), the accounting is not decisive: median cumulative unexplained ${fmt(u.p50)} ` +
      `(${interval}, which includes 0); the explained sources cover the claimed volume in ${pct(t.pCovered)} of draws.`;
  }
  const { assumptions, total } = assumptionCount(s);
  const caveats: Caveat[] = [caveat("C_ACC_IDENTITY", {})];
  if (assumptions > 0) caveats.push(caveat("C_ACC_ASSUMPTIONS", { n: assumptions, total }));
  const anyIndependent = allSpecs(s).some(
    (x) => !isDegenerate(x.spec.dist) && x.spec.shared === undefined && !s.yearCorrelation[x.variable],
  );
  if (anyIndependent) caveats.push(caveat("C_ACC_INDEPENDENCE", {}));
  const noShare = result.years.filter((y) => y.shareExplained === null).map((y) => y.year);
  if (noShare.length > 0) caveats.push(caveat("C_ACC_NO_SHARE", { years: noShare.join(", ") }));
  const inputRef: InputRef = { ...input, sourceIds: input.sourceIds ?? citedSources(s) };
  return makeFinding({
    method: METHOD,
    methodVersion: METHOD_VERSION,
    title: `Organ-source accounting, scenario "${s.name}", ${span}`,
    verdict: "estimate",
    statement,
    statistic: { name: "median cumulative unexplained transplants", value: u.p50 },
    interval: { level: 0.9, low: u.p05, high: u.p95 },
    result,
    caveats,
    inputs: [inputRef],
    parameters: { draws: result.draws, scenario: s.name, quantileDefinition: "type 7" },
    seed: result.seed,
  });
}
