/**
 * PRISMA 2020 flow counts derived from the import log, the dedupe result and the decision log (pure).
 *
 * - identified: records imported, per source file (database/register export);
 * - duplicatesRemoved: records removed by dedupe;
 * - screened: unique records with a settled title/abstract decision (include or exclude);
 *   excluded: those excluded at title/abstract (with reason codes where given);
 *   awaiting: unique records with no decision, a pending second review, an unresolved conflict or "maybe";
 * - sought: records included at title/abstract; notRetrieved: full-text exclusions with reason
 *   `not-retrieved` (PRISMA counts them apart from exclusions); assessed: the other settled full-text
 *   decisions; excludedWithReasons: full-text exclusions grouped by reason code;
 * - included: full-text inclusions.
 * A record's status at a stage comes from the review module's rules (resolutions win; with dual
 * screening the reviewers must agree). Full-text decisions on records not included at title/abstract
 * are ignored and counted in `ignoredDecisions`.
 */
import { stageOutcomes, type StageOutcome } from "../review/conflicts.js";
import type { Decision } from "../review/decision.js";

export const NOT_RETRIEVED = "not-retrieved";

export interface PrismaInput {
  identified: { source: string; n: number }[];
  duplicatesRemoved: number;
  /** ids of the unique records (after dedupe) */
  recordIds: readonly string[];
  decisions: readonly Decision[];
  /** reviewers required per record (2 for dual screening) */
  requiredReviewers?: number;
}

export interface StageTally {
  settled: number;
  included: number;
  excluded: number;
  maybe: number;
  conflict: number;
  pending: number;
  undecided: number;
  excludedByReason: { reason: string; n: number }[];
}

export interface PrismaCounts {
  identified: { source: string; n: number }[];
  identifiedTotal: number;
  duplicatesRemoved: number;
  screened: number;
  screeningExcluded: number;
  screeningExcludedByReason: { reason: string; n: number }[];
  screeningAwaiting: number;
  sought: number;
  notRetrieved: number;
  assessed: number;
  fullTextExcluded: number;
  excludedWithReasons: { reason: string; n: number }[];
  fullTextAwaiting: number;
  included: number;
  titleAbstract: StageTally;
  fullText: StageTally;
  /** decisions on ids not among the unique records (removed duplicates, unknown ids) or out of order */
  ignoredDecisions: number;
}

function byReason(outs: StageOutcome[]): { reason: string; n: number }[] {
  const m = new Map<string, number>();
  for (const o of outs) {
    const r = o.reasonCode ?? "(no reason given)";
    m.set(r, (m.get(r) ?? 0) + 1);
  }
  return [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([reason, n]) => ({ reason, n }));
}

function tally(ids: readonly string[], outcomes: Map<string, StageOutcome>, excludeFilter: (o: StageOutcome) => boolean = () => true): StageTally {
  const t: StageTally = { settled: 0, included: 0, excluded: 0, maybe: 0, conflict: 0, pending: 0, undecided: 0, excludedByReason: [] };
  const excl: StageOutcome[] = [];
  for (const id of ids) {
    const o = outcomes.get(id);
    if (!o) {
      t.undecided++;
      continue;
    }
    if (o.status === "include") {
      t.included++;
      t.settled++;
    } else if (o.status === "exclude") {
      if (excludeFilter(o)) {
        t.excluded++;
        excl.push(o);
      }
      t.settled++;
    } else if (o.status === "maybe") t.maybe++;
    else if (o.status === "conflict") t.conflict++;
    else t.pending++;
  }
  t.excludedByReason = byReason(excl);
  return t;
}

export function prismaCounts(input: PrismaInput): PrismaCounts {
  const req = input.requiredReviewers ?? 1;
  const ids = input.recordIds;
  const idSet = new Set(ids);
  const ta = stageOutcomes(input.decisions, "title-abstract", req);
  const ftAll = stageOutcomes(input.decisions, "full-text", req);
  const taTally = tally(ids, ta);
  const soughtIds = ids.filter((id) => ta.get(id)?.status === "include");
  const soughtSet = new Set(soughtIds);
  const ft = new Map([...ftAll].filter(([id]) => soughtSet.has(id)));
  const ftTally = tally(soughtIds, ft, (o) => o.reasonCode !== NOT_RETRIEVED);
  const notRetrieved = soughtIds.filter((id) => {
    const o = ft.get(id);
    return o?.status === "exclude" && o.reasonCode === NOT_RETRIEVED;
  }).length;
  let ignored = 0;
  for (const d of input.decisions) {
    if (!idSet.has(d.recordId)) ignored++;
    else if (d.stage === "full-text" && !soughtSet.has(d.recordId)) ignored++;
  }
  const identifiedTotal = input.identified.reduce((s, x) => s + x.n, 0);
  return {
    identified: input.identified,
    identifiedTotal,
    duplicatesRemoved: input.duplicatesRemoved,
    screened: taTally.settled,
    screeningExcluded: taTally.excluded,
    screeningExcludedByReason: taTally.excludedByReason,
    screeningAwaiting: taTally.maybe + taTally.conflict + taTally.pending + taTally.undecided,
    sought: soughtIds.length,
    notRetrieved,
    assessed: ftTally.settled - notRetrieved,
    fullTextExcluded: ftTally.excluded,
    excludedWithReasons: ftTally.excludedByReason,
    fullTextAwaiting: ftTally.maybe + ftTally.conflict + ftTally.pending + ftTally.undecided,
    included: ftTally.included,
    titleAbstract: taTally,
    fullText: ftTally,
    ignoredDecisions: ignored,
  };
}
