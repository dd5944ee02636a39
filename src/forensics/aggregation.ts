import { OrganAuditError } from "../core/errors.js";
import { caveat, makeFinding, type Caveat, type Finding, type InputRef } from "../core/finding.js";
import { binomialSf } from "../stats/binomial.js";
import { fmt, fmtP } from "./digits.js";

/**
 * Aggregation coherence (METHODS.md C5, C7): parts against a whole (provinces vs nation, annual values vs a
 * cumulative total, a table's components vs its total) and cumulative counters over time (decreases,
 * implausible daily jumps, round-number increments). Qualified figures ("more than 570", "about 1,700")
 * are read as intervals so that a "570+" whole is consistent with parts summing to 573.
 */

export const AGGREGATION_METHOD_VERSION = "1.0.0";

export type Qualifier = "exact" | "more than" | "about" | "less than";

const QUALIFIER_SYNONYMS: Record<string, Qualifier> = {
  exact: "exact",
  "": "exact",
  "more than": "more than",
  "over": "more than",
  "at least": "more than",
  "+": "more than",
  "nearly": "about",
  "about": "about",
  "approx": "about",
  "approximately": "about",
  "approx (close to)": "about",
  "around": "about",
  "close to": "about",
  "less than": "less than",
  "under": "less than",
  "at most": "less than",
  "fewer than": "less than",
};

/** Map a qualifier as written in a source ("more than", "approx", "over", "+") to one of four readings. */
export function parseQualifier(raw: string | undefined): Qualifier {
  const k = (raw ?? "").trim().toLowerCase();
  const q = QUALIFIER_SYNONYMS[k];
  if (q === undefined) {
    throw new OrganAuditError("F_CHK_BAD_QUALIFIER", { value: raw ?? "", allowed: Object.keys(QUALIFIER_SYNONYMS).filter((s) => s).join(", ") });
  }
  return q;
}

/** Rounding unit implied by a stated figure: 10^(trailing zeros) for integers (570 -> 10, 18000 -> 1000), 10^-decimals otherwise. */
export function roundingUnit(v: number): number {
  if (!Number.isFinite(v)) throw new OrganAuditError("F_CHK_NOT_FINITE", { what: "stated value", value: String(v) });
  if (v === 0) return 1;
  if (Number.isInteger(v)) {
    let u = 1;
    while (Number.isInteger(v / (u * 10)) && u < 1e15) u *= 10;
    return u;
  }
  const s = String(v);
  const dec = s.includes("e") ? 0 : (s.split(".")[1] ?? "").length;
  return 10 ** -dec;
}

export interface Interval {
  low: number;
  high: number;
  /** true when high itself is excluded ("more than 570" = [570, 580)) */
  highOpen: boolean;
}

export interface QualifiedValue {
  label?: string;
  value: number;
  qualifier?: string;
}

/** The interval a qualified figure stands for under the rounding reading (see C_CHK_QUALIFIER_READING). */
export function qualifiedInterval(v: QualifiedValue): Interval {
  const q = parseQualifier(v.qualifier);
  if (!Number.isFinite(v.value)) throw new OrganAuditError("F_CHK_NOT_FINITE", { what: v.label ?? "value", value: String(v.value) });
  const u = roundingUnit(v.value);
  if (q === "exact") return { low: v.value, high: v.value, highOpen: false };
  if (q === "more than") return { low: v.value, high: v.value + u, highOpen: true };
  if (q === "about") return { low: v.value - u, high: v.value + u, highOpen: false };
  return { low: v.value - u, high: v.value, highOpen: true };
}

/** Whether t lies at or below the interval's upper end. */
function belowHigh(t: number, iv: Interval): boolean {
  return iv.highOpen ? t < iv.high : t <= iv.high;
}

/** Two intervals with closed lower ends overlap iff the larger lower end lies within both. */
function overlaps(a: Interval, b: Interval): boolean {
  const t = Math.max(a.low, b.low);
  return belowHigh(t, a) && belowHigh(t, b);
}

export interface PartsWholeOptions {
  input: InputRef;
  name?: string;
  /** true (default): the parts should add up to the whole; false: the parts are a subset and the remainder is implied */
  complete?: boolean;
}

export interface PartsWholeResult {
  parts: { label: string; value: number; qualifier: Qualifier }[];
  whole: { value: number; qualifier: Qualifier; interval: Interval };
  sum: number;
  sumInterval: Interval;
  /** whole - sum of part values (for incomplete parts: what the whole implies for the parts not listed) */
  remainder: number;
  remainderInterval: { low: number; high: number };
  complete: boolean;
  /** consistent when read literally ("more than V" only a lower bound) */
  literallyConsistent: boolean;
  consistent: boolean;
}

/**
 * Parts against a whole. Complete parts must sum into the whole's interval; incomplete parts are only
 * contradicted by a negative remainder (the listed parts exceed the whole). Rule-based, no p-value.
 */
export function partsWholeFinding(parts: readonly QualifiedValue[], whole: QualifiedValue, opts: PartsWholeOptions): Finding<PartsWholeResult> {
  if (parts.length === 0) throw new OrganAuditError("E_EMPTY_INPUT", { what: "no parts to add up" });
  const complete = opts.complete ?? true;
  const pi = parts.map(qualifiedInterval);
  const wi = qualifiedInterval(whole);
  const sum = parts.reduce((s, p) => s + p.value, 0);
  const sumInterval: Interval = {
    low: pi.reduce((s, i) => s + i.low, 0),
    high: pi.reduce((s, i) => s + i.high, 0),
    highOpen: pi.some((i) => i.highOpen),
  };
  const remainderInterval = { low: wi.low - sumInterval.high, high: wi.high - sumInterval.low };
  const wq = parseQualifier(whole.qualifier);
  const literalWhole: Interval = wq === "more than" ? { low: whole.value, high: Number.MAX_VALUE, highOpen: false } : wq === "less than" ? { low: -Number.MAX_VALUE, high: whole.value, highOpen: true } : wi;
  let consistent: boolean;
  let literallyConsistent: boolean;
  if (complete) {
    consistent = overlaps(sumInterval, wi);
    literallyConsistent = overlaps(sumInterval, literalWhole);
  } else {
    // only the listed parts exceeding the whole is a contradiction
    consistent = belowHigh(sumInterval.low, wi);
    literallyConsistent = belowHigh(sumInterval.low, literalWhole);
  }
  const remainder = whole.value - sum;
  const caveats: Caveat[] = [];
  if (wq !== "exact" || parts.some((p) => parseQualifier(p.qualifier) !== "exact")) caveats.push(caveat("C_CHK_QUALIFIER_READING", {}));
  if (!complete) caveats.push(caveat("C_CHK_INCOMPLETE_PARTS", {}));
  caveats.push(caveat("C_CHK_RULE_VERDICT", {}));
  const name = opts.name ?? "parts vs whole";
  const wholeText = `${wq === "exact" ? "" : `${wq} `}${fmt(whole.value)}`;
  const partsText = parts.map((p) => fmt(p.value)).join(" + ");
  const statement = complete
    ? consistent
      ? `${name}: ${partsText} = ${fmt(sum)}, consistent with the stated whole (${wholeText}).`
      : `${name}: ${partsText} = ${fmt(sum)}, inconsistent with the stated whole (${wholeText}; difference ${fmt(remainder)})${literallyConsistent ? `; read literally as a lower bound, "${wholeText}" would not be contradicted` : ""}.`
    : consistent
      ? `${name}: the whole (${wholeText}) minus the listed parts (${partsText}) implies ${fmt(remainder)} for the parts not listed; no contradiction.`
      : `${name}: the listed parts (${partsText} = ${fmt(sum)}) exceed the whole (${wholeText}): a negative remainder of ${fmt(remainder)}, inconsistent${literallyConsistent ? ` under the rounding reading; read literally as a lower bound, "${wholeText}" would not be contradicted` : ""}.`;
  return makeFinding<PartsWholeResult>({
    method: "forensics.aggregation.parts-whole",
    methodVersion: AGGREGATION_METHOD_VERSION,
    title: `Aggregation coherence: ${name}`,
    verdict: consistent ? "pass" : "flag",
    statement,
    statistic: { name: "remainder", value: remainder },
    result: {
      parts: parts.map((p, i) => ({ label: p.label ?? `part ${i + 1}`, value: p.value, qualifier: parseQualifier(p.qualifier) })),
      whole: { value: whole.value, qualifier: wq, interval: wi },
      sum,
      sumInterval,
      remainder,
      remainderInterval,
      complete,
      literallyConsistent,
      consistent,
    },
    caveats,
    inputs: [opts.input],
    parameters: { complete },
  });
}

export interface CounterPoint {
  /** ISO date YYYY-MM-DD; YYYY-MM and YYYY are read as the last day of the month / year */
  date: string;
  value: number;
  qualifier?: string;
}

/** Parse an ISO date (or year-month, or year: end of period) to a UTC day number. */
export function parseIsoDay(date: string): number {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(date.trim());
  if (!m) throw new OrganAuditError("F_CHK_BAD_DATE", { value: date });
  const y = Number(m[1]);
  const mo = m[2] !== undefined ? Number(m[2]) : 12;
  let d: number;
  if (m[3] !== undefined) d = Number(m[3]);
  else d = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (mo < 1 || mo > 12 || back.getUTCDate() !== d || back.getUTCMonth() !== mo - 1) throw new OrganAuditError("F_CHK_BAD_DATE", { value: date });
  return Math.round(t / 86_400_000);
}

export interface CounterOptions {
  input: InputRef;
  name?: string;
  /** an increment that is an exact multiple of this between two exact readings is a round-number jump (default 1000) */
  roundUnit?: number;
  /** largest plausible increase per day; larger increases are flagged (default: not checked) */
  maxPerDay?: number;
  alpha?: number;
}

export interface CounterStep {
  from: string;
  to: string;
  days: number;
  increment: number;
  perDay: number;
  decrease: boolean;
  roundJump: boolean;
  tooFast: boolean;
}

export interface CounterResult {
  points: { date: string; value: number; qualifier: Qualifier }[];
  steps: CounterStep[];
  decreases: number;
  roundJumps: number;
  /** steps between two exact readings with a positive increment: those eligible to be round-number jumps */
  eligibleSteps: number;
  tooFast: number;
  /** P(at least this many round jumps) if each eligible increment is a multiple of roundUnit with probability 1/roundUnit */
  roundJumpPValue: number | null;
}

/**
 * Cumulative-counter coherence: sort dated readings; flag decreases (a later reading whose interval lies
 * wholly below an earlier one), increases faster than maxPerDay, and round-number increments (binomial
 * p-value under uniform last digits). Verdict: flag on any decrease or too-fast step (rule-based; the finding's
 * pValue is then null), or round-jump p < alpha (the finding's pValue is the round-jump p-value).
 */
export function counterFinding(points: readonly CounterPoint[], opts: CounterOptions): Finding<CounterResult> {
  const roundUnit = opts.roundUnit ?? 1000;
  const alpha = opts.alpha ?? 0.05;
  if (!(Number.isInteger(roundUnit) && roundUnit >= 2)) throw new OrganAuditError("F_CHK_BAD_OPTION", { option: "roundUnit", detail: `must be an integer >= 2, found ${roundUnit}` });
  if (opts.maxPerDay !== undefined && !(opts.maxPerDay > 0)) throw new OrganAuditError("F_CHK_BAD_OPTION", { option: "maxPerDay", detail: `must be positive, found ${opts.maxPerDay}` });
  const pts = points.map((p) => ({ ...p, day: parseIsoDay(p.date), q: parseQualifier(p.qualifier), iv: qualifiedInterval(p) }));
  pts.sort((a, b) => a.day - b.day);
  for (let i = 1; i < pts.length; i++) {
    if (pts[i]!.day === pts[i - 1]!.day) throw new OrganAuditError("F_CHK_DUPLICATE_DATE", { date: pts[i]!.date });
  }
  const steps: CounterStep[] = [];
  let eligible = 0;
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1]!;
    const b = pts[i]!;
    const days = b.day - a.day;
    const increment = b.value - a.value;
    const bothExact = a.q === "exact" && b.q === "exact";
    const decrease = b.iv.highOpen ? b.iv.high <= a.iv.low : b.iv.high < a.iv.low;
    const isEligible = bothExact && increment > 0 && Number.isInteger(increment);
    if (isEligible) eligible++;
    const roundJump = isEligible && increment % roundUnit === 0;
    const perDay = increment / days;
    const tooFast = opts.maxPerDay !== undefined && bothExact && perDay > opts.maxPerDay;
    steps.push({ from: a.date, to: b.date, days, increment, perDay, decrease, roundJump, tooFast });
  }
  const decreases = steps.filter((s) => s.decrease).length;
  const roundJumps = steps.filter((s) => s.roundJump).length;
  const tooFast = steps.filter((s) => s.tooFast).length;
  const roundJumpPValue = eligible ? (roundJumps ? binomialSf(roundJumps, eligible, 1 / roundUnit) : 1) : null;
  const caveats: Caveat[] = [];
  if (pts.some((p) => p.q !== "exact")) caveats.push(caveat("C_CHK_QUALIFIER_READING", {}));
  caveats.push(caveat("C_CHK_ROUND_JUMP", { unit: roundUnit }));
  if (pts.length < 2) caveats.push(caveat("C_CHK_FEW_POINTS", { n: pts.length, need: 2 }));
  const name = opts.name ?? "counter";
  const flagged = decreases > 0 || tooFast > 0 || (roundJumpPValue !== null && roundJumpPValue < alpha);
  const verdict = pts.length < 2 ? "insufficient-data" : flagged ? "flag" : "pass";
  const parts: string[] = [];
  for (const s of steps) {
    if (s.decrease) parts.push(`goes down from ${s.from} to ${s.to} (${fmt(s.increment)})`);
    if (s.roundJump) parts.push(`rises by exactly ${fmt(s.increment)} between ${s.from} and ${s.to}`);
    if (s.tooFast) parts.push(`rises by ${fmt(s.perDay)} per day between ${s.from} and ${s.to} (above ${fmt(opts.maxPerDay!)})`);
  }
  const statement =
    verdict === "insufficient-data"
      ? `${name}: ${pts.length} reading(s); a counter check needs at least 2.`
      : parts.length
        ? `${name}: ${parts.join("; ")}${roundJumps ? ` (round-jump p = ${fmtP(roundJumpPValue!)} over ${eligible} exact increments)` : ""}; ${verdict === "flag" ? "inconsistent with a counter of individual events" : "not significant at this alpha"}.`
        : `${name}: ${pts.length} readings never decrease and show no round-number or implausible jumps; consistent with a running count.`;
  return makeFinding<CounterResult>({
    method: "forensics.aggregation.counter",
    methodVersion: AGGREGATION_METHOD_VERSION,
    title: `Cumulative counter coherence: ${name}`,
    verdict,
    statement,
    statistic: { name: "anomalous steps", value: decreases + roundJumps + tooFast },
    // a decrease or a too-fast step is a rule-based flag: the finding then carries no p-value, so that a
    // multiplicity correction cannot undo it; otherwise the round-jump p-value decides
    pValue: decreases > 0 || tooFast > 0 ? null : roundJumpPValue,
    result: {
      points: pts.map((p) => ({ date: p.date, value: p.value, qualifier: p.q })),
      steps,
      decreases,
      roundJumps,
      eligibleSteps: eligible,
      tooFast,
      roundJumpPValue,
    },
    caveats,
    inputs: [opts.input],
    parameters: { roundUnit, maxPerDay: opts.maxPerDay ?? null, alpha },
  });
}
