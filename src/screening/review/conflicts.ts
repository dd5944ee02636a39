/**
 * Per-record outcome of a screening stage from the decision log, for single or dual screening, and
 * the list of conflicts awaiting resolution. Pure.
 *
 * Rules: a resolution decision (the latest one) settles the record. Otherwise, when at least
 * `requiredReviewers` reviewers have decided and all agree, the record takes their decision; when
 * they disagree (include vs exclude, or either vs maybe) it is a conflict; when fewer reviewers than
 * required have decided it is pending. Records with no decision at the stage are not listed.
 */
import { currentDecisions, type Decision, type DecisionValue, type ScreeningStage } from "./decision.js";

export type StageStatus = DecisionValue | "conflict" | "pending";

export interface StageOutcome {
  recordId: string;
  stage: ScreeningStage;
  status: StageStatus;
  /** reason code of the settling decision (for exclusions), else null */
  reasonCode: string | null;
  /** the reviewers' current decisions, in log order */
  reviews: Array<{ reviewer: string; decision: DecisionValue; reasonCode: string | null; note: string | null }>;
  /** reviewer who recorded the resolution, when the record was resolved */
  resolvedBy: string | null;
}

export function stageOutcomes(
  log: readonly Decision[],
  stage: ScreeningStage,
  requiredReviewers = 1,
): Map<string, StageOutcome> {
  const byRecord = new Map<string, Decision[]>();
  for (const d of currentDecisions(log)) {
    if (d.stage !== stage) continue;
    const list = byRecord.get(d.recordId) ?? [];
    list.push(d);
    byRecord.set(d.recordId, list);
  }
  const out = new Map<string, StageOutcome>();
  for (const [recordId, ds] of byRecord) {
    const reviews = ds
      .filter((d) => !d.resolution)
      .map((d) => ({ reviewer: d.reviewer, decision: d.decision, reasonCode: d.reasonCode, note: d.note }));
    const resolutions = ds.filter((d) => d.resolution);
    const resolution = resolutions[resolutions.length - 1];
    let status: StageStatus;
    let reasonCode: string | null = null;
    if (resolution) {
      status = resolution.decision;
      reasonCode = resolution.reasonCode;
    } else if (reviews.length < requiredReviewers) {
      status = "pending";
    } else {
      const values = new Set(reviews.map((r) => r.decision));
      if (values.size === 1) {
        status = (reviews[0] as (typeof reviews)[number]).decision;
        reasonCode = reviews.find((r) => r.reasonCode !== null)?.reasonCode ?? null;
      } else status = "conflict";
    }
    out.set(recordId, {
      recordId,
      stage,
      status,
      reasonCode,
      reviews,
      resolvedBy: resolution ? resolution.reviewer : null,
    });
  }
  return out;
}

/** Records whose reviewers disagree and that have no resolution yet, in order of record id. */
export function listConflicts(log: readonly Decision[], stage: ScreeningStage): StageOutcome[] {
  return [...stageOutcomes(log, stage, 1).values()]
    .filter((o) => o.status === "conflict")
    .sort((a, b) => (a.recordId < b.recordId ? -1 : a.recordId > b.recordId ? 1 : 0));
}

/**
 * Pairs of current decisions by reviewers `a` and `b` on the records both screened at `stage`
 * (resolutions ignored), in order of record id: the input of the agreement statistics.
 */
export function reviewerPairs(
  log: readonly Decision[],
  stage: ScreeningStage,
  a: string,
  b: string,
): Array<{ recordId: string; a: DecisionValue; b: DecisionValue }> {
  const ra = new Map<string, DecisionValue>();
  const rb = new Map<string, DecisionValue>();
  for (const d of currentDecisions(log)) {
    if (d.stage !== stage || d.resolution) continue;
    if (d.reviewer === a) ra.set(d.recordId, d.decision);
    else if (d.reviewer === b) rb.set(d.recordId, d.decision);
  }
  return [...ra.keys()]
    .filter((id) => rb.has(id))
    .sort()
    .map((id) => ({ recordId: id, a: ra.get(id) as DecisionValue, b: rb.get(id) as DecisionValue }));
}

/** Reviewers who have current (non-resolution) decisions at `stage`, by number of decisions then name. */
export function reviewersAt(log: readonly Decision[], stage: ScreeningStage): string[] {
  const counts = new Map<string, number>();
  for (const d of currentDecisions(log))
    if (d.stage === stage && !d.resolution) counts.set(d.reviewer, (counts.get(d.reviewer) ?? 0) + 1);
  return [...counts.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).map(([r]) => r);
}
