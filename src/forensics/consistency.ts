import { OrganAuditError } from "../core/errors.js";
import { caveat, makeFinding, type Caveat, type Finding } from "../core/finding.js";
import { mean } from "../stats/moments.js";
import { fmt } from "./digits.js";
import { alignSeries } from "./ratios.js";
import type { Series } from "./series.js";

/**
 * Cross-consistency of two series that should agree (COTRS vs Red Cross, a national statement vs a GODT
 * submission), or that are supposed to be independent (then being exact scalings of each other is the
 * anomaly). Rule-based verdicts (no p-value): the rule is stated in the finding.
 */

export const CONSISTENCY_METHOD_VERSION = "1.0.0";

export type Expectation = "equal" | "proportional" | "independent";

export interface ConsistencyOptions {
  expect: Expectation;
  /**
   * equal: largest allowed |a - b| / max(|a|, |b|) (default 0: any difference is reported);
   * proportional: largest allowed relative deviation of b/a from the median ratio (default 0.01)
   */
  tolerance?: number;
  /** independent: ratio counted as constant when max relative deviation from its median <= this (default 0.005) */
  scaleTolerance?: number;
  /**
   * independent: affine fit b = alpha + beta a counted as exact when every |residual| <= this (default 1, i.e.
   * rounding); used from 5 shared points (3 residual degrees of freedom), since with 4 small counts an exact
   * affine fit arises by chance (seen in real GODT windows)
   */
  residualTolerance?: number;
}

export interface ConsistencyResult {
  expect: Expectation;
  x: number[];
  a: number[];
  b: number[];
  difference: number[];
  ratio: (number | null)[];
  exactlyEqual: number;
  /** median of b / a over points with a != 0 */
  scale: number | null;
  /** max |b/a - scale| / |scale| */
  ratioMaxRelDeviation: number | null;
  affine: { intercept: number; slope: number; r2: number | null; maxAbsResidual: number } | null;
  identicalUpToScale: boolean;
  /** x values where the rule for the stated expectation fails */
  violations: number[];
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? (s[h] as number) : ((s[h - 1] as number) + (s[h] as number)) / 2;
}

function affineFit(a: readonly number[], b: readonly number[]): ConsistencyResult["affine"] {
  const ma = mean(a);
  const mb = mean(b);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  a.forEach((v, i) => {
    const w = (b[i] as number) - mb;
    sab += (v - ma) * w;
    saa += (v - ma) * (v - ma);
    sbb += w * w;
  });
  if (saa === 0) return null;
  const slope = sab / saa;
  const intercept = mb - slope * ma;
  const res = a.map((v, i) => (b[i] as number) - intercept - slope * v);
  const sse = res.reduce((s, r) => s + r * r, 0);
  return { intercept, slope, r2: sbb === 0 ? null : 1 - sse / sbb, maxAbsResidual: Math.max(...res.map(Math.abs)) };
}

/** Compare two series at their shared x values under a stated expectation. */
export function consistencyFinding(a: Series, b: Series, opts: ConsistencyOptions): Finding<ConsistencyResult> {
  const expect = opts.expect;
  if (expect !== "equal" && expect !== "proportional" && expect !== "independent") {
    throw new OrganAuditError("F_CHK_BAD_OPTION", { option: "expect", detail: `must be equal, proportional or independent, found ${String(expect)}` });
  }
  const tolerance = opts.tolerance ?? (expect === "equal" ? 0 : 0.01);
  const scaleTolerance = opts.scaleTolerance ?? 0.005;
  const residualTolerance = opts.residualTolerance ?? 1;
  for (const [k, v] of [["tolerance", tolerance], ["scaleTolerance", scaleTolerance], ["residualTolerance", residualTolerance]] as const) {
    if (!(v >= 0) || !Number.isFinite(v)) throw new OrganAuditError("F_CHK_BAD_OPTION", { option: k, detail: `must be a non-negative number, found ${v}` });
  }
  const al = alignSeries(a, b);
  const n = al.x.length;
  const difference = al.b.map((v, i) => v - (al.a[i] as number));
  const ratio = al.b.map((v, i) => ((al.a[i] as number) === 0 ? null : v / (al.a[i] as number)));
  const exactlyEqual = difference.filter((d) => d === 0).length;
  const finiteRatios = ratio.filter((r): r is number => r !== null);
  const scale = finiteRatios.length ? median(finiteRatios) : null;
  const ratioMaxRelDeviation =
    scale !== null && scale !== 0 && finiteRatios.length === n ? Math.max(...finiteRatios.map((r) => Math.abs(r - scale) / Math.abs(scale))) : null;
  const affine = n >= 3 ? affineFit(al.a, al.b) : null;
  const minPoints = expect === "independent" ? 4 : expect === "proportional" ? 2 : 1;
  const caveats: Caveat[] = [caveat("C_CHK_EXPECTATION", { expect: expect === "equal" ? "equal" : expect === "proportional" ? "proportional" : "independent" }), caveat("C_CHK_RULE_VERDICT", {})];
  const identicalUpToScale =
    n >= 4 &&
    ((ratioMaxRelDeviation !== null && ratioMaxRelDeviation <= scaleTolerance) ||
      (n >= 5 && affine !== null && affine.slope !== 0 && affine.maxAbsResidual <= residualTolerance));
  const violations: number[] = [];
  if (expect === "equal") {
    al.x.forEach((x, i) => {
      const d = Math.abs(difference[i] as number);
      const m = Math.max(Math.abs(al.a[i] as number), Math.abs(al.b[i] as number));
      if (d > 0 && (tolerance === 0 || d / m > tolerance)) violations.push(x);
    });
  } else if (expect === "proportional" && scale !== null) {
    al.x.forEach((x, i) => {
      const r = ratio[i];
      if (r === null || r === undefined || Math.abs(r - scale) / Math.abs(scale) > tolerance) violations.push(x);
    });
  }
  let verdict: Finding["verdict"];
  let statement: string;
  const na = `"${a.name}"`;
  const nb = `"${b.name}"`;
  if (n < minPoints) {
    caveats.push(caveat("C_CHK_FEW_POINTS", { n, need: minPoints }));
    verdict = "insufficient-data";
    statement = `${na} and ${nb} share ${n} x value(s); the ${expect} check needs at least ${minPoints}.`;
  } else if (expect === "equal") {
    verdict = violations.length ? "flag" : "pass";
    statement = violations.length
      ? `${na} and ${nb} should be equal but differ at ${violations.length} of ${n} shared x (${violations
          .slice(0, 6)
          .map((x) => `${x}: ${fmt(al.a[al.x.indexOf(x)] as number)} vs ${fmt(al.b[al.x.indexOf(x)] as number)}`)
          .join("; ")}${violations.length > 6 ? "; ..." : ""}); inconsistent with a single source.`
      : `${na} and ${nb} agree at all ${n} shared x (${exactlyEqual} exactly equal); consistent with a single source.`;
  } else if (expect === "proportional") {
    verdict = violations.length ? "flag" : "pass";
    statement = violations.length
      ? `The ratio ${nb}/${na} departs from its median ${fmt(scale ?? 0)} by more than ${tolerance * 100}% at ${violations.length} of ${n} shared x; inconsistent with a fixed proportion.`
      : `The ratio ${nb}/${na} stays within ${tolerance * 100}% of ${fmt(scale ?? 0)} at all ${n} shared x; consistent with a fixed proportion.`;
  } else {
    verdict = identicalUpToScale ? "flag" : "pass";
    statement = identicalUpToScale
      ? `${na} and ${nb} are supposed to be independent, yet ${nb} equals ${
          ratioMaxRelDeviation !== null && ratioMaxRelDeviation <= scaleTolerance ? `${fmt(scale ?? 0, 4)} x ${na} within ${(100 * ratioMaxRelDeviation).toFixed(2)}%` : `${fmt(affine!.intercept, 4)} + ${fmt(affine!.slope, 4)} x ${na} within ${fmt(affine!.maxAbsResidual)} unit(s)`
        } at all ${n} shared x: identical up to scale, inconsistent with independent counting.`
      : `${na} and ${nb} are not exact scalings of each other at their ${n} shared x; consistent with independent series.`;
  }
  return makeFinding<ConsistencyResult>({
    method: `forensics.consistency.${expect}`,
    methodVersion: CONSISTENCY_METHOD_VERSION,
    title: `Cross-consistency (${expect}): ${a.name} vs ${b.name}`,
    verdict,
    statement,
    statistic:
      expect === "equal"
        ? { name: "points differing", value: violations.length }
        : expect === "proportional"
          ? { name: "max relative deviation of ratio", value: ratioMaxRelDeviation ?? 0 }
          : { name: "max relative deviation of ratio", value: ratioMaxRelDeviation ?? 0 },
    result: {
      expect,
      x: al.x,
      a: al.a,
      b: al.b,
      difference,
      ratio,
      exactlyEqual,
      scale,
      ratioMaxRelDeviation,
      affine,
      identicalUpToScale,
      violations,
    },
    caveats,
    inputs: a.input.sha256 === b.input.sha256 && a.input.name === b.input.name ? [a.input] : [a.input, b.input],
    parameters: { expect, tolerance, scaleTolerance, residualTolerance },
  });
}
