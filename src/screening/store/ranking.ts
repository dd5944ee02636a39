/**
 * A project's stored ranking: the order in which the server offers records for screening at a stage
 * (`GET …/next`), computed as `screen rank --project` does (the settled include/exclude outcomes at the
 * stage train the default model — TF-IDF word unigrams + Chinese bigrams, multinomial NB — and the other
 * records are ordered by predicted relevance) and kept in the project's meta as JSON. Adapter over the
 * pure ranking modules.
 */
import { OrganAuditError } from "../../core/errors.js";
import type { ScreeningRecord } from "../records/record.js";
import { buildFeatures } from "../rank/features.js";
import { createClassifier, type ModelName } from "../rank/models.js";
import { rankRows } from "../rank/rank.js";
import { stageOutcomes } from "../review/conflicts.js";
import type { Decision, ScreeningStage } from "../review/decision.js";
import type { ScreeningProject } from "./project.js";

export interface StoredRanking {
  stage: ScreeningStage;
  model: ModelName;
  /** record ids, highest predicted relevance first (records without a settled outcome at the stage) */
  ids: string[];
  nIncluded: number;
  nExcluded: number;
  computedAt: string;
}

const key = (stage: ScreeningStage): string => `ranking:${stage}`;

/** Rank the records without a settled include/exclude at `stage` from those with one. Throws SC_RANK_NEED_BOTH. */
export function computeRanking(
  records: readonly ScreeningRecord[],
  log: readonly Decision[],
  stage: ScreeningStage,
  opts: { model?: ModelName; seed?: number } = {},
): { ids: string[]; nIncluded: number; nExcluded: number } {
  const outcomes = stageOutcomes(log, stage, 1);
  const labels = new Map<number, 0 | 1>();
  records.forEach((r, i) => {
    const s = outcomes.get(r.id)?.status;
    if (s === "include") labels.set(i, 1);
    else if (s === "exclude") labels.set(i, 0);
  });
  const nIncluded = [...labels.values()].filter((v) => v === 1).length;
  const nExcluded = labels.size - nIncluded;
  if (nIncluded === 0 || nExcluded === 0) throw new OrganAuditError("SC_RANK_NEED_BOTH", { included: nIncluded, excluded: nExcluded });
  const X = buildFeatures(records, { ngramMax: 1, sublinearTf: false, chinese: "bigram", keywords: false }).matrix;
  const ranked = rankRows(X, labels, createClassifier(opts.model ?? "nb", opts.seed ?? 1));
  return { ids: ranked.map((r) => (records[r.row] as ScreeningRecord).id), nIncluded, nExcluded };
}

export async function loadRanking(p: ScreeningProject, stage: ScreeningStage): Promise<StoredRanking | null> {
  const v = await p.getMeta(key(stage));
  return v === null ? null : (JSON.parse(v) as StoredRanking);
}

/** Compute the ranking from the project's records and decisions and store it (replacing an earlier one). */
export async function updateRanking(
  p: ScreeningProject,
  stage: ScreeningStage,
  computedAt: string,
  opts: { model?: ModelName } = {},
): Promise<StoredRanking> {
  const r = computeRanking(await p.records(), await p.decisions(), stage, opts);
  const stored: StoredRanking = { stage, model: opts.model ?? "nb", ids: r.ids, nIncluded: r.nIncluded, nExcluded: r.nExcluded, computedAt };
  await p.setMeta(key(stage), JSON.stringify(stored));
  return stored;
}
