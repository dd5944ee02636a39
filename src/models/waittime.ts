import gammainc from "@stdlib/math-base-special-gammainc";
import { caveat, makeFinding, type Caveat, type Finding, type InputRef } from "../core/finding.js";
import { OrganAuditError } from "../core/errors.js";
import { createRng, mixSeed } from "../stats/rng.js";
import { sampleExponential } from "../stats/sampling.js";

/**
 * Waiting time for an organ when usable donor organs arrive as a Poisson process.
 *
 * Organs of a group compatible with a recipient of group g arrive at rate
 *     lambda_g = (donors per day) x (share of donors in compatible groups) x (usable organs per donor).
 * A recipient first in line waits Exponential(lambda_g): median ln 2 / lambda_g, mean 1 / lambda_g.
 * A recipient at position m of a FIFO queue of same-group recipients waits Gamma(m, lambda_g)
 * (Erlang). Everything else (compatible allocation with competing queues, random allocation with
 * new arrivals) is simulated with a seeded event loop.
 */
export const WAIT_METHOD = "waittime.poisson-abo";
export const WAIT_VERSION = "1.0.0";

export type AboGroup = "A" | "B" | "O" | "AB";
export const ABO_GROUPS: readonly AboGroup[] = ["A", "B", "O", "AB"];
export type AboFrequencies = Record<AboGroup, number>;
/** identical: only same-group donors (default, as most allocation systems); compatible: ABO-compatible donors */
export type AllocationRule = "identical" | "compatible";

export function parseAboGroup(s: string): AboGroup {
  const g = s.trim().toUpperCase();
  if (g === "A" || g === "B" || g === "O" || g === "AB") return g;
  throw new OrganAuditError("M_WAIT_UNKNOWN_GROUP", { group: s });
}

/** Donor groups whose organs a recipient of group `recipient` can receive. */
export function donorGroupsFor(recipient: AboGroup, rule: AllocationRule): AboGroup[] {
  if (rule === "identical") return [recipient];
  switch (recipient) {
    case "O":
      return ["O"];
    case "A":
      return ["A", "O"];
    case "B":
      return ["B", "O"];
    case "AB":
      return ["A", "B", "O", "AB"];
  }
}

/** Normalise ABO shares (percent or fractions) to fractions summing to 1. */
export function normaliseFrequencies(f: AboFrequencies): AboFrequencies {
  const total = ABO_GROUPS.reduce((s, g) => s + f[g], 0);
  if (!(total > 0) || ABO_GROUPS.some((g) => !(f[g] >= 0)))
    throw new OrganAuditError("M_WAIT_BAD_PARAM", { detail: "ABO frequencies must be non-negative with a positive sum" });
  return { A: f.A / total, B: f.B / total, O: f.O / total, AB: f.AB / total };
}

export interface RateInput {
  donorsPerYear: number;
  frequencies: AboFrequencies;
  /** usable organs of the given type per donor (e.g. liver ~0.8; kidney ~1.8) */
  usable: number;
  group: AboGroup;
  rule?: AllocationRule;
}

function checkPositive(name: string, v: number, allowZero = false): void {
  if (!Number.isFinite(v) || v < 0 || (!allowZero && v === 0))
    throw new OrganAuditError("M_WAIT_BAD_PARAM", { detail: `${name} must be ${allowZero ? ">= 0" : "> 0"}, got ${v}` });
}

/** Arrival rate (per day) of usable compatible organs for one recipient of `group`. */
export function organRatePerDay(r: RateInput): number {
  checkPositive("donors per year", r.donorsPerYear, true);
  checkPositive("usable organs per donor", r.usable);
  const f = normaliseFrequencies(r.frequencies);
  const share = donorGroupsFor(r.group, r.rule ?? "identical").reduce((s, g) => s + f[g], 0);
  return (r.donorsPerYear / 365) * share * r.usable;
}

/** Quantile of Gamma(shape m, rate 1), by bisection on the regularised incomplete gamma function. */
export function gammaQuantile(p: number, shape: number): number {
  if (!(p > 0 && p < 1) || !(shape > 0)) throw new RangeError(`gammaQuantile: p in (0,1), shape > 0; got ${p}, ${shape}`);
  if (shape === 1) return -Math.log1p(-p);
  let lo = 0;
  let hi = Math.max(1, shape);
  while (gammainc(hi, shape) < p) hi *= 2;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (gammainc(mid, shape) < p) lo = mid;
    else hi = mid;
    if (hi - lo <= 1e-14 * Math.max(1, hi)) break;
  }
  return (lo + hi) / 2;
}

export interface WaitSummary {
  /** organ arrival rate per day for this recipient */
  ratePerDay: number;
  position: number;
  meanDays: number;
  medianDays: number;
  p90Days: number;
  /** probability of an organ within 7, 14, 30 and 90 days */
  within: { days: number; probability: number }[];
}

/** Closed-form wait of a recipient at FIFO position m with organ rate `rate` per day: Erlang(m, rate). */
export function erlangWait(rate: number, position = 1): WaitSummary | null {
  if (!Number.isInteger(position) || position < 1)
    throw new OrganAuditError("M_WAIT_BAD_PARAM", { detail: `queue position must be an integer >= 1, got ${position}` });
  if (!(rate > 0)) return null;
  return {
    ratePerDay: rate,
    position,
    meanDays: position / rate,
    medianDays: gammaQuantile(0.5, position) / rate,
    p90Days: gammaQuantile(0.9, position) / rate,
    within: [7, 14, 30, 90].map((d) => ({ days: d, probability: gammainc(rate * d, position) })),
  };
}

export type WaitStatistic = "median" | "mean";

/**
 * Inverse question: donors per year needed so that a recipient of `group` at FIFO `position` has the
 * given median (or mean) wait in days.
 */
export function requiredDonorsPerYear(q: {
  waitDays: number;
  statistic?: WaitStatistic;
  group: AboGroup;
  frequencies: AboFrequencies;
  usable: number;
  position?: number;
  rule?: AllocationRule;
}): number {
  checkPositive("wait (days)", q.waitDays);
  checkPositive("usable organs per donor", q.usable);
  // a real position >= 1 is accepted: an expected number of patients ahead (e.g. from Little's law)
  // gives a Gamma wait with non-integer shape
  const m = q.position ?? 1;
  if (!Number.isFinite(m) || m < 1) throw new OrganAuditError("M_WAIT_BAD_PARAM", { detail: `queue position must be >= 1, got ${m}` });
  const f = normaliseFrequencies(q.frequencies);
  const share = donorGroupsFor(q.group, q.rule ?? "identical").reduce((s, g) => s + f[g], 0);
  if (!(share > 0)) throw new OrganAuditError("M_WAIT_BAD_PARAM", { detail: `no donors of a group compatible with ${q.group}` });
  const k = (q.statistic ?? "median") === "median" ? gammaQuantile(0.5, m) : m;
  const rate = k / q.waitDays;
  return (rate / (share * q.usable)) * 365;
}

// --------------------------------------------------------------------------------------------
// simulation

export interface SimulationInput {
  donorsPerYear: number;
  frequencies: AboFrequencies;
  usable: number;
  group: AboGroup;
  rule?: AllocationRule;
  /** position of the tagged recipient in the queue of its own group (1 = first) */
  position?: number;
  /** recipients of each group already waiting ahead of the tagged one (other than its own group's position) */
  queueAhead?: Partial<Record<AboGroup, number>>;
  /** new recipients per year joining each group's queue after the tagged recipient */
  arrivalsPerYear?: Partial<Record<AboGroup, number>>;
  /** fifo: the longest-waiting compatible recipient gets the organ; random: any compatible waiting recipient, equally likely */
  policy?: "fifo" | "random";
  draws?: number;
  seed?: number;
  /** stop a patient's simulation after this many days (reported as censored); default 36500 */
  horizonDays?: number;
}

export interface SimulationResult {
  draws: number;
  censored: number;
  meanDays: number | null;
  quantiles: { p: number; days: number | null }[];
  medianDays: number | null;
}

/** Type-7 quantile of sorted values. */
export function quantileSorted(sorted: number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * Seeded event simulation of the tagged recipient's wait. State per group: recipients ahead of the
 * tagged one and recipients who joined after. Under FIFO anyone ahead is served before the tagged
 * recipient and later arrivals never are; under `random` every compatible waiting recipient is
 * equally likely to receive an organ, so later arrivals compete.
 */
export function simulateWait(s: SimulationInput): SimulationResult {
  const rule = s.rule ?? "identical";
  const policy = s.policy ?? "fifo";
  const draws = s.draws ?? 10000;
  const seed = s.seed ?? 1;
  const horizon = s.horizonDays ?? 36500;
  const m = s.position ?? 1;
  if (!Number.isInteger(draws) || draws < 1 || draws > 10_000_000)
    throw new OrganAuditError("M_WAIT_BAD_PARAM", { detail: `draws must be an integer from 1 to 10000000, got ${draws}` });
  if (!Number.isInteger(m) || m < 1) throw new OrganAuditError("M_WAIT_BAD_PARAM", { detail: `queue position must be an integer >= 1, got ${m}` });
  checkPositive("donors per year", s.donorsPerYear);
  checkPositive("usable organs per donor", s.usable);
  const f = normaliseFrequencies(s.frequencies);
  const organRate = (s.donorsPerYear / 365) * s.usable;
  const arr = ABO_GROUPS.map((g) => (s.arrivalsPerYear?.[g] ?? 0) / 365);
  for (const a of arr) checkPositive("arrivals per year", a * 365, true);
  const totalArr = arr.reduce((a, b) => a + b, 0);
  const total = organRate + totalArr;
  const compatible: Record<AboGroup, AboGroup[]> = { A: [], B: [], O: [], AB: [] };
  for (const r of ABO_GROUPS) for (const d of donorGroupsFor(r, rule)) compatible[d].push(r);
  const tg = ABO_GROUPS.indexOf(s.group);
  const rng = createRng(seed);
  const waits: number[] = [];
  let censored = 0;
  for (let i = 0; i < draws; i++) {
    const ahead = ABO_GROUPS.map((g) => Math.max(0, Math.floor(s.queueAhead?.[g] ?? 0)));
    ahead[tg] = m - 1;
    const behind = [0, 0, 0, 0];
    let t = 0;
    let served = false;
    while (!served) {
      t += sampleExponential(rng, total);
      if (t > horizon) break;
      let u = rng.uniform() * total;
      if (u >= organRate) {
        u -= organRate;
        for (let g = 0; g < 4; g++) {
          if (u < arr[g]! || g === 3) {
            behind[g]!++;
            break;
          }
          u -= arr[g]!;
        }
        continue;
      }
      // an organ: pick its donor group
      let v = rng.uniform();
      let d: AboGroup = "AB";
      for (const g of ABO_GROUPS) {
        if (v < f[g]) {
          d = g;
          break;
        }
        v -= f[g];
      }
      const elig = compatible[d].map((g) => ABO_GROUPS.indexOf(g));
      if (policy === "fifo") {
        const withAhead = elig.filter((g) => ahead[g]! > 0);
        if (withAhead.length > 0) {
          const n = withAhead.reduce((a, g) => a + ahead[g]!, 0);
          let w = rng.uniform() * n;
          for (const g of withAhead) {
            if (w < ahead[g]!) {
              ahead[g]!--;
              break;
            }
            w -= ahead[g]!;
          }
        } else if (elig.includes(tg)) served = true;
        else {
          const withBehind = elig.filter((g) => behind[g]! > 0);
          if (withBehind.length > 0) behind[withBehind[0]!]!--;
        }
      } else {
        // random among all eligible waiting recipients; the tagged one counts once in its group
        const n = elig.reduce((a, g) => a + ahead[g]! + behind[g]! + (g === tg ? 1 : 0), 0);
        if (n === 0) continue;
        let w = rng.uniform() * n;
        for (const g of elig) {
          const c = ahead[g]! + behind[g]! + (g === tg ? 1 : 0);
          if (w < c) {
            if (g === tg && w < 1) served = true;
            else if (ahead[g]! > 0) ahead[g]!--;
            else behind[g]!--;
            break;
          }
          w -= c;
        }
      }
    }
    if (served) waits.push(t);
    else censored++;
  }
  waits.sort((a, b) => a - b);
  const qs = [0.05, 0.25, 0.5, 0.75, 0.9, 0.95];
  // censored patients sit above the horizon: a quantile is known only if it falls among the served
  const quant = (p: number): number | null => {
    const h = (draws - 1) * p;
    if (waits.length === 0 || Math.ceil(h) >= waits.length) return null;
    const lo = Math.floor(h);
    return waits[lo]! + (h - lo) * (waits[Math.ceil(h)]! - waits[lo]!);
  };
  const mean = censored === 0 && waits.length > 0 ? waits.reduce((a, b) => a + b, 0) / waits.length : null;
  return {
    draws,
    censored,
    meanDays: mean,
    quantiles: qs.map((p) => ({ p, days: quant(p) })),
    medianDays: quant(0.5),
  };
}

// --------------------------------------------------------------------------------------------
// findings

export interface WaitModelInput {
  donorsPerYear: number;
  frequencies: AboFrequencies;
  usable: number;
  organ: string;
  rule?: AllocationRule;
  position?: number;
  /** groups to report; default all four */
  groups?: AboGroup[];
  inputs: InputRef[];
  /** where donorsPerYear came from, e.g. "official 2016 (CD2017)" or "user" */
  donorsBasis: string;
  /** also simulate each group's wait (seeded; group i uses the stream mixSeed(seed, i)) */
  simulation?: {
    policy?: "fifo" | "random";
    draws?: number;
    seed?: number;
    /** recipients already waiting ahead, in total, split across groups by ABO frequency */
    queueAheadTotal?: number;
    /** new recipients a year, in total, split across groups by ABO frequency */
    arrivalsPerYearTotal?: number;
    horizonDays?: number;
  };
}

export interface WaitGroupResult {
  group: AboGroup;
  frequency: number;
  wait: WaitSummary | null;
  /** present when a simulation was requested (null where no donors arrive) */
  simulation?: SimulationResult | null;
}

/** Forward question: wait distribution per recipient blood group (closed form, optionally simulated). */
export function waitTimeFinding(w: WaitModelInput): Finding<{ groups: WaitGroupResult[] }> {
  const rule = w.rule ?? "identical";
  const position = w.position ?? 1;
  const f = normaliseFrequencies(w.frequencies);
  const sim = w.simulation;
  const simSeed = sim?.seed ?? 1;
  const split = (t: number): Record<AboGroup, number> => ({ A: t * f.A, B: t * f.B, O: t * f.O, AB: t * f.AB });
  const groups: WaitGroupResult[] = (w.groups ?? [...ABO_GROUPS]).map((g, i) => {
    const wait = erlangWait(organRatePerDay({ donorsPerYear: w.donorsPerYear, frequencies: f, usable: w.usable, group: g, rule }), position);
    const out: WaitGroupResult = { group: g, frequency: f[g], wait };
    if (sim) {
      out.simulation =
        wait === null
          ? null
          : simulateWait({
              donorsPerYear: w.donorsPerYear, frequencies: f, usable: w.usable, group: g, rule, position,
              policy: sim.policy ?? "fifo", draws: sim.draws ?? 10000, seed: mixSeed(simSeed, i),
              queueAhead: split(sim.queueAheadTotal ?? 0), arrivalsPerYear: split(sim.arrivalsPerYearTotal ?? 0),
              ...(sim.horizonDays !== undefined ? { horizonDays: sim.horizonDays } : {}),
            });
    }
    return out;
  });
  const caveats: Caveat[] = [caveat("C_WAIT_POISSON", {}), caveat("C_WAIT_ABO_POPULATION", {})];
  if (position === 1) caveats.push(caveat("C_WAIT_SINGLE_RECIPIENT", {}));
  for (const g of groups)
    if (g.simulation && g.simulation.censored > 0)
      caveats.push(caveat("C_WAIT_SIM_CENSORED", { censored: g.simulation.censored, draws: g.simulation.draws, horizon: sim?.horizonDays ?? 36500 }));
  const noFlow = groups.every((g) => g.wait === null);
  const parts = groups.map((g) => (g.wait ? `${g.group} ${fmtDays(g.wait.medianDays)}` : `${g.group} undefined`));
  return makeFinding({
    method: sim ? `${WAIT_METHOD}+simulation` : WAIT_METHOD,
    methodVersion: WAIT_VERSION,
    title: `Waiting time for a ${w.organ} at ${fmtNum(w.donorsPerYear)} deceased donors a year`,
    verdict: noFlow ? "insufficient-data" : "estimate",
    statement: noFlow
      ? `With no donors the wait for a ${w.organ} is unbounded under this model; no waiting time is defined.`
      : `With ${fmtNum(w.donorsPerYear)} deceased donors a year (${w.donorsBasis}), ${fmtNum(w.usable)} usable ${w.organ}(s) per donor and ${rule} ABO allocation, the median wait of a recipient at queue position ${position} is: ${parts.join(", ")}.`,
    result: { groups },
    caveats,
    inputs: w.inputs,
    parameters: {
      donorsPerYear: w.donorsPerYear, donorsBasis: w.donorsBasis, frequencies: f, usable: w.usable, organ: w.organ, rule, position,
      ...(sim ? { simulation: { ...sim, seed: simSeed, streams: "group i uses mixSeed(seed, i)" } } : {}),
    },
    seed: sim ? simSeed : null,
  });
}

export interface OfficialFlow {
  /** official deceased donors per year for the period, or null when there was none / no figure */
  donorsPerYear: number | null;
  basis: string;
  /** true when the period predates the voluntary system, so the official voluntary flow was ~0 */
  predatesVoluntarySystem?: boolean;
}

export interface RequiredFlowResult {
  waitDays: number;
  statistic: WaitStatistic;
  position: number;
  groups: { group: AboGroup; frequency: number; position: number; donorsPerYear: number; donorsPerDay: number; ratioToOfficial: number | null }[];
  /** the smallest requirement over the reported groups (the most conservative reading) */
  minimum: { group: AboGroup; donorsPerYear: number; ratioToOfficial: number | null };
  official: OfficialFlow;
  /** for a claimed range of waits: the requirement at the short end (the headline uses the long end) */
  shortEnd?: { waitDays: number; minimumDonorsPerYear: number; ratioToOfficial: number | null };
}

/** Inverse question, with the comparison against an official donor flow. */
export function requiredFlowFinding(q: {
  waitDays: number;
  statistic?: WaitStatistic;
  frequencies: AboFrequencies;
  usable: number;
  organ: string;
  rule?: AllocationRule;
  position?: number;
  /** per-group queue positions (override `position`), e.g. from Little's law */
  positionByGroup?: Partial<Record<AboGroup, number>>;
  groups?: AboGroup[];
  official: OfficialFlow;
  inputs: InputRef[];
  /** what the wait is (e.g. a claim), for the title */
  label?: string;
  extraCaveats?: Caveat[];
  extraParameters?: Record<string, unknown>;
  /** short end of a claimed range of waits (waitDays is then the long end) */
  shortWaitDays?: number;
}): Finding<RequiredFlowResult> {
  const rule = q.rule ?? "identical";
  const position = q.position ?? 1;
  const statistic = q.statistic ?? "median";
  const f = normaliseFrequencies(q.frequencies);
  const off = q.official.donorsPerYear;
  const posOf = (g: AboGroup): number => q.positionByGroup?.[g] ?? position;
  const groups = (q.groups ?? [...ABO_GROUPS]).map((g) => {
    const need = requiredDonorsPerYear({ waitDays: q.waitDays, statistic, group: g, frequencies: f, usable: q.usable, position: posOf(g), rule });
    return { group: g, frequency: f[g], position: posOf(g), donorsPerYear: need, donorsPerDay: need / 365, ratioToOfficial: off !== null && off > 0 ? need / off : null };
  });
  const min = groups.reduce((a, b) => (b.donorsPerYear < a.donorsPerYear ? b : a));
  const shortEnd = (d: number): NonNullable<RequiredFlowResult["shortEnd"]> => {
    const need = Math.min(
      ...groups.map((g) => requiredDonorsPerYear({ waitDays: d, statistic, group: g.group, frequencies: f, usable: q.usable, position: g.position, rule })),
    );
    return { waitDays: d, minimumDonorsPerYear: need, ratioToOfficial: off !== null && off > 0 ? need / off : null };
  };
  const caveats: Caveat[] = [caveat("C_WAIT_POISSON", {}), caveat("C_WAIT_ABO_POPULATION", {})];
  if (groups.every((g) => g.position === 1)) caveats.push(caveat("C_WAIT_SINGLE_RECIPIENT", {}));
  caveats.push(...(q.extraCaveats ?? []));
  let comparison: string;
  if (off !== null && off > 0) {
    const r = min.donorsPerYear / off;
    comparison = `that is ${fmtNum(r)} times the official flow of ${fmtNum(off)} donors a year (${q.official.basis}), so under this model the wait is ${r > 1 ? "inconsistent" : "consistent"} with the official flow`;
  } else if (q.official.predatesVoluntarySystem) {
    comparison = `the official voluntary donor flow for that period was about zero (${q.official.basis}), so no ratio is computed`;
  } else comparison = `no official donor figure is available for comparison (${q.official.basis})`;
  const statement =
    `A ${statistic} wait of ${fmtDays(q.waitDays)} for a ${q.organ} (queue position ${q.positionByGroup ? groups.map((g) => `${g.group} ${fmtNum(g.position)}`).join(", ") : position}, ${rule} ABO allocation, ${fmtNum(q.usable)} usable per donor) ` +
    `needs at least ${fmtNum(min.donorsPerYear)} deceased donors a year (${fmtNum(min.donorsPerYear / 365)} a day; group ${min.group}, the least demanding); ${comparison}.`;
  const hasRatio = off !== null && off > 0;
  return makeFinding({
    method: WAIT_METHOD + ".inverse",
    methodVersion: WAIT_VERSION,
    title: q.label ?? `Donor flow needed for a ${statistic} ${q.organ} wait of ${fmtDays(q.waitDays)}`,
    verdict: hasRatio ? (min.donorsPerYear > off ? "flag" : "pass") : "estimate",
    statement,
    ...(hasRatio ? { statistic: { name: "required / official donors per year", value: min.donorsPerYear / off } } : {}),
    result: {
      waitDays: q.waitDays,
      statistic,
      position,
      groups,
      minimum: { group: min.group, donorsPerYear: min.donorsPerYear, ratioToOfficial: min.ratioToOfficial },
      official: q.official,
      ...(q.shortWaitDays !== undefined ? { shortEnd: shortEnd(q.shortWaitDays) } : {}),
    },
    caveats,
    inputs: q.inputs,
    parameters: {
      waitDays: q.waitDays, statistic, frequencies: f, usable: q.usable, organ: q.organ, rule, position,
      ...(q.positionByGroup ? { positionByGroup: q.positionByGroup } : {}), official: q.official, ...(q.extraParameters ?? {}),
    },
  });
}

export function fmtNum(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 100) return Math.round(v).toLocaleString("en-US");
  if (a >= 1) return (Math.round(v * 100) / 100).toString();
  return Number(v.toPrecision(3)).toString();
}

export function fmtDays(d: number): string {
  return `${fmtNum(d)} days`;
}

/**
 * Expected queue positions from Little's law for a centre doing `annualVolume` transplants a year
 * with an average wait of `waitDays`: about L = V x W / 365 patients are waiting. Under identical-group
 * allocation a patient of group g waits only behind patients of group g, about L x f_g of them (patients'
 * ABO mix taken as the population's), so its expected position is max(1, L x f_g); not rounded, the wait
 * is then Gamma with that shape. Only defined for identical allocation.
 */
export function littleQueuePositions(annualVolume: number, waitDays: number, frequencies: AboFrequencies): { waiting: number; positions: Record<AboGroup, number> } {
  checkPositive("annual volume", annualVolume, true);
  checkPositive("wait (days)", waitDays);
  const f = normaliseFrequencies(frequencies);
  const L = (annualVolume * waitDays) / 365;
  const pos = (g: AboGroup): number => Math.max(1, L * f[g]);
  return { waiting: L, positions: { A: pos("A"), B: pos("B"), O: pos("O"), AB: pos("AB") } };
}

// --------------------------------------------------------------------------------------------
// claims

/** A reported or advertised waiting time (one row of the wait-claims table), already in days. */
export interface WaitClaim {
  /** 1-based line of the claim in its file */
  line: number;
  country: string;
  institution: string;
  organ: string;
  period: string;
  metric: string;
  /** single value: low = high */
  waitDaysLow: number;
  waitDaysHigh: number;
  /** median or mean; "median" also where the claim does not say (the less demanding reading) */
  statistic: WaitStatistic;
  statisticStated: boolean;
  sourceId: string;
}

/** Years named in a period label ("2003-2006" -> 2003..2006, "2016-03-03" -> 2016, "c.2013" -> 2013). */
export function yearsOfPeriod(period: string): number[] {
  const range = /^\D*((?:19|20)\d{2})\s*[-–/]\s*((?:19|20)\d{2})(?!-\d)/.exec(period);
  if (range) {
    const a = Number(range[1]);
    const b = Number(range[2]);
    if (b >= a && b - a < 50) return Array.from({ length: b - a + 1 }, (_, i) => a + i);
  }
  const one = /(?:19|20)\d{2}/.exec(period);
  return one ? [Number(one[0])] : [];
}

/**
 * The official deceased-donor flow for a claim's period: the largest official full-year figure among
 * the period's years (the reading least favourable to a finding of inconsistency). Periods wholly
 * before `voluntaryStartYear` predate the voluntary system: flow ~0, no ratio.
 */
export function officialFlowForPeriod(
  period: string,
  donorsByYear: ReadonlyMap<number, { value: number; sourceIds: string[] }>,
  opts: { voluntaryStartYear?: number; label?: string } = {},
): OfficialFlow {
  const start = opts.voluntaryStartYear ?? 2010;
  const label = opts.label ?? "official deceased donors";
  const years = yearsOfPeriod(period);
  if (years.length === 0) return { donorsPerYear: null, basis: `${label}: period "${period}" names no year` };
  const found = years.flatMap((y) => {
    const v = donorsByYear.get(y);
    return v ? [{ year: y, ...v }] : [];
  });
  if (found.length > 0) {
    const best = found.reduce((a, b) => (b.value > a.value ? b : a));
    return { donorsPerYear: best.value, basis: `${label} ${best.year}: ${best.value} (${best.sourceIds.join(", ")})` };
  }
  if (years.every((y) => y < start))
    return { donorsPerYear: null, basis: `${label}: none before the voluntary system began in ${start}`, predatesVoluntarySystem: true };
  return { donorsPerYear: null, basis: `${label}: no figure for ${years.join(", ")}` };
}

/**
 * Apply the inverse model to one wait claim: the least demanding donor flow consistent with the
 * claimed wait (long end of a range, least demanding blood group, first in line unless a queue
 * position is given), compared with the official flow.
 */
export function waitClaimFinding(
  c: WaitClaim,
  ctx: {
    frequencies: AboFrequencies | null;
    frequenciesBasis: string;
    usable: number | null;
    usableBasis: string;
    official: OfficialFlow;
    inputs: InputRef[];
    rule?: AllocationRule;
    position?: number;
  },
): Finding<RequiredFlowResult | null> {
  const label = `${c.institution || c.country}: ${c.organ} wait ${c.period} (${c.sourceId}, line ${c.line})`;
  const claimParams = { claim: c, frequenciesBasis: ctx.frequenciesBasis, usableBasis: ctx.usableBasis };
  if (ctx.frequencies === null || ctx.usable === null) {
    const missing = [ctx.frequencies === null ? "ABO frequencies" : null, ctx.usable === null ? "organs per donor" : null].filter(Boolean).join(" and ");
    return makeFinding({
      method: WAIT_METHOD + ".inverse",
      methodVersion: WAIT_VERSION,
      title: label,
      verdict: "insufficient-data",
      statement: `No ${missing} for ${c.country} (${c.organ}) in the data, so the donor flow implied by this wait cannot be computed.`,
      result: null,
      caveats: [],
      inputs: ctx.inputs,
      parameters: claimParams,
    });
  }
  const extra: Caveat[] = [];
  if (!c.statisticStated || c.statistic === "mean") extra.push(caveat("C_WAIT_AVERAGE_VS_MEDIAN", {}));
  if (ctx.official.predatesVoluntarySystem) extra.push(caveat("C_WAIT_NO_OFFICIAL_FLOW", { period: c.period }));
  return requiredFlowFinding({
    waitDays: c.waitDaysHigh,
    statistic: c.statistic,
    frequencies: ctx.frequencies,
    usable: ctx.usable,
    organ: c.organ,
    ...(ctx.rule ? { rule: ctx.rule } : {}),
    ...(ctx.position ? { position: ctx.position } : {}),
    official: ctx.official,
    inputs: ctx.inputs,
    label,
    extraCaveats: extra,
    extraParameters: claimParams,
    ...(c.waitDaysLow < c.waitDaysHigh ? { shortWaitDays: c.waitDaysLow } : {}),
  });
}
