/**
 * The agreement finding for two reviewers at one screening stage: Cohen's kappa (headline
 * statistic), Gwet's AC1 and percent agreement with intervals, the cross-table, and caveats. Pure.
 */
import { caveat, hashValues, makeFinding, type Caveat, type Finding } from "../../core/finding.js";
import {
  cohenKappa,
  crossTable,
  gwetAc1,
  percentAgreement,
  type CoefficientWithSe,
  type Interval,
} from "./agreement.js";
import { reviewerPairs } from "./conflicts.js";
import type { Decision, ScreeningStage } from "./decision.js";

export const AGREEMENT_METHOD = "screening.agreement";
export const AGREEMENT_METHOD_VERSION = "1.0.0";
/** fewer pairs than this and no statistic is reported */
export const MIN_PAIRS = 10;

export interface AgreementResult {
  stage: ScreeningStage;
  reviewers: [string, string];
  n: number;
  categories: string[];
  /** rows: first reviewer; columns: second reviewer */
  table: number[][];
  percentAgreement: Interval | null;
  cohenKappa: CoefficientWithSe | null;
  gwetAc1: CoefficientWithSe | null;
}

export function agreementFinding(
  log: readonly Decision[],
  stage: ScreeningStage,
  a: string,
  b: string,
  opts: { level?: number; inputName?: string } = {},
): Finding<AgreementResult> {
  const level = opts.level ?? 0.95;
  const pairs = reviewerPairs(log, stage, a, b);
  const table = crossTable(pairs.map((p) => [p.a, p.b] as const));
  const enough = pairs.length >= MIN_PAIRS;
  const pa = enough ? percentAgreement(table, level) : null;
  const kappa = enough ? cohenKappa(table, level) : null;
  const ac1 = enough ? gwetAc1(table, level) : null;
  const caveats: Caveat[] = [];
  if (!enough) caveats.push(caveat("C_SC_REV_FEW_PAIRS", { n: pairs.length, need: MIN_PAIRS }));
  else {
    if (kappa === null) caveats.push(caveat("C_SC_REV_ONE_CATEGORY", {}));
    const maxShare = Math.max(
      ...table.categories.map((_, k) => {
        const row = (table.counts[k] as number[]).reduce((s, v) => s + v, 0);
        const col = table.counts.reduce((s, r) => s + (r[k] as number), 0);
        return (row + col) / (2 * table.n);
      }),
    );
    if (maxShare >= 0.8)
      caveats.push(caveat("C_SC_REV_KAPPA_PARADOX", { prevalence: `${(100 * maxShare).toFixed(1)} %` }));
    caveats.push(caveat("C_SC_REV_ASYMPTOTIC", { n: pairs.length }));
  }
  const result: AgreementResult = {
    stage,
    reviewers: [a, b],
    n: pairs.length,
    categories: table.categories,
    table: table.counts,
    percentAgreement: pa,
    cohenKappa: kappa,
    gwetAc1: ac1,
  };
  const fmt = (x: number): string => x.toFixed(3);
  const statement = !enough
    ? `Reviewers ${a} and ${b} both screened ${pairs.length} record(s) at the ${stage} stage; too few to report agreement.`
    : `Reviewers ${a} and ${b} agreed on ${fmt(pa?.value ?? 0)} of ${pairs.length} records at the ${stage} stage` +
      (kappa
        ? `; Cohen's kappa ${fmt(kappa.value)} (${100 * level} % CI ${fmt(kappa.low)} to ${fmt(kappa.high)})`
        : "; Cohen's kappa is undefined") +
      (ac1 ? `, Gwet's AC1 ${fmt(ac1.value)} (${fmt(ac1.low)} to ${fmt(ac1.high)})` : "") +
      ". Agreement measures consistency between reviewers, not whether their decisions are correct.";
  return makeFinding({
    method: AGREEMENT_METHOD,
    methodVersion: AGREEMENT_METHOD_VERSION,
    title: `Inter-reviewer agreement (${stage})`,
    verdict: enough && kappa !== null ? "estimate" : "insufficient-data",
    statement,
    ...(kappa
      ? {
          statistic: { name: "cohen_kappa", value: kappa.value },
          interval: { level, low: kappa.low, high: kappa.high },
        }
      : {}),
    result,
    caveats,
    inputs: [{ name: opts.inputName ?? "decision-log", sha256: hashValues(pairs), n: pairs.length }],
    parameters: { stage, reviewers: [a, b], level, minPairs: MIN_PAIRS },
  });
}
