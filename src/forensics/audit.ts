import { OrganAuditError } from "../core/errors.js";
import { caveat, type Finding } from "../core/finding.js";
import { holmAdjust } from "../stats/holm.js";
import { consistencyFinding, type ConsistencyOptions } from "./consistency.js";
import { benfordFinding, lastDigitFinding, roundingFinding } from "./digits.js";
import { dispersionFinding } from "./dispersion.js";
import { fitFinding, fmt, windowSeries } from "./fit.js";
import type { ModelSpec } from "./models.js";
import { predictionFinding } from "./predict.js";
import { ratioBoundsFinding, ratioConstancyFinding, ratioPeerLevelFinding, ratioSeries, type BoundsOptions, type PeerWindow, type RatioSeries } from "./ratios.js";
import type { PeerSet, Series } from "./series.js";
import { peerBenchmarkFinding } from "./peers.js";

/**
 * The forensic battery on one series: model fit (description), peer benchmark, out-of-sample prediction,
 * residual dispersion, digit tests, and (when extra series are given) internal ratios and cross-consistency.
 * Holm's step-down correction is applied across every finding that has a p-value and could decide;
 * a finding is `flag` only if its own rule flagged it and (when it has a p-value) its Holm-adjusted
 * p-value is below alpha. Rule-based findings (no p-value) keep their own verdict.
 */

export interface AuditRatio {
  numerator: Series;
  denominator: Series;
  name?: string;
  /** peer ratio series for level and constancy checks */
  peers?: RatioSeries[];
  bounds?: BoundsOptions;
  window?: PeerWindow;
}

export interface AuditComparison {
  other: Series;
  options: ConsistencyOptions;
}

export interface AuditOptions {
  spec: ModelSpec;
  peers?: PeerSet;
  seed: number;
  /** Monte Carlo simulations for dispersion and the digit KS test (default 999) */
  sims?: number;
  from?: number;
  to?: number;
  alpha?: number;
  /** training points for the prediction check (default: all but the last) */
  k?: number;
  ratios?: AuditRatio[];
  comparisons?: AuditComparison[];
  /** run the digit tests on the series' values (default true) */
  digits?: boolean;
  /**
   * how peers are aligned with the target in the peer benchmark and the prediction check: "years"
   * (default; a peer needs every x value of the target) or "length" (each peer's latest points within
   * from..to, as many as the target has; for a target with a missing year)
   */
  peerMatch?: "years" | "length";
  /** smallest number of usable peers for the peer benchmark and prediction check (default and minimum 5) */
  minPeers?: number;
  /**
   * candidate models for the descriptive AICc comparison in the fit finding (default: fit.ts
   * DEFAULT_CANDIDATES). The comparison does not affect any verdict; the logistic candidate dominates
   * the battery's run time (Levenberg-Marquardt from 7 starts), so calibration loops may pass fewer.
   */
  candidates?: ModelSpec[];
}

export interface AuditResult {
  alpha: number;
  /** number of p-values in the Holm family */
  m: number;
  findings: Finding[];
}

export const AUDIT_METHOD_VERSION = "2.0.0";

/** Run the battery. Pure: same inputs and seed give byte-identical findings. */
export function runAudit(series: Series, opts: AuditOptions): AuditResult {
  const alpha = opts.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw new OrganAuditError("F_CHK_BAD_OPTION", { option: "alpha", detail: `must be in (0, 1), found ${alpha}` });
  const sims = opts.sims ?? 999;
  const win = { ...(opts.from !== undefined ? { from: opts.from } : {}), ...(opts.to !== undefined ? { to: opts.to } : {}) };
  const findings: Finding[] = [];
  const peerOpts = {
    alpha,
    ...(opts.peerMatch !== undefined ? { match: opts.peerMatch } : {}),
    ...(opts.minPeers !== undefined ? { minPeers: opts.minPeers } : {}),
  };
  findings.push(fitFinding(series, opts.spec, { ...win, ...(opts.candidates ? { candidates: opts.candidates } : {}) }));
  if (opts.peers && opts.peers.series.length) {
    findings.push(peerBenchmarkFinding(series, opts.peers, opts.spec, { ...win, ...peerOpts }));
  }
  findings.push(
    predictionFinding(series, opts.spec, {
      ...win,
      ...peerOpts,
      ...(opts.k !== undefined ? { k: opts.k } : {}),
      ...(opts.peers ? { peers: opts.peers } : {}),
    }),
  );
  findings.push(dispersionFinding(series, opts.spec, { ...win, seed: opts.seed, sims, alpha, ...(opts.peers ? { peers: opts.peers } : {}) }));
  if (opts.digits ?? true) {
    const values = windowSeries(series, win).y;
    const dOpts = { input: series.input, name: series.name, alpha, seed: opts.seed, sims: Math.min(sims, 1000) };
    findings.push(benfordFinding(values, "first", dOpts));
    findings.push(lastDigitFinding(values, dOpts));
    findings.push(roundingFinding(values, { ...dOpts, unit: 5 }));
  }
  for (const r of opts.ratios ?? []) {
    const rs = ratioSeries(r.numerator, r.denominator, r.name);
    findings.push(ratioBoundsFinding(rs, r.bounds ?? {}));
    if (r.peers && r.peers.length) {
      const po = { alpha, ...(r.window ? { window: r.window } : {}) };
      findings.push(ratioPeerLevelFinding(rs, r.peers, po));
      findings.push(ratioConstancyFinding(rs, r.peers, po));
    }
  }
  for (const c of opts.comparisons ?? []) findings.push(consistencyFinding(series, c.other, c.options));
  return applyHolm(findings, alpha);
}

/**
 * Holm-adjust the p-values of findings that can decide (verdict flag or pass, p-value not null); others
 * get pAdjusted null. A flag whose adjusted p-value is not below alpha becomes pass, with a caveat.
 */
export function applyHolm(findings: readonly Finding[], alpha: number): AuditResult {
  const inFamily = findings.map((f) => (f.verdict === "flag" || f.verdict === "pass") && typeof f.pValue === "number");
  const adj = holmAdjust(findings.map((f, i) => (inFamily[i] ? (f.pValue as number) : null)));
  const m = inFamily.filter(Boolean).length;
  const excluded = findings.length - m;
  const holmCaveat = caveat("C_CHK_HOLM", { m, excluded });
  const out = findings.map((f, i) => {
    const pAdjusted = adj[i] ?? null;
    let verdict = f.verdict;
    const caveats = [...f.caveats, holmCaveat];
    if (inFamily[i] && pAdjusted !== null) {
      if (f.verdict === "flag" && !(pAdjusted < alpha)) {
        verdict = "pass";
        caveats.push(caveat("C_CHK_HOLM_DOWNGRADE", { p: String(f.pValue), pAdjusted: String(pAdjusted), alpha: String(alpha) }));
      }
    }
    if (verdict !== f.verdict) {
      const statement = `${f.statement} After Holm's correction across the ${m} tests of the battery (adjusted p = ${fmt(pAdjusted!)}), this is not significant at level ${fmt(alpha)}: the battery does not flag it.`;
      return { ...f, verdict, statement, pAdjusted, caveats };
    }
    return { ...f, verdict, pAdjusted, caveats };
  });
  return { alpha, m, findings: out };
}
