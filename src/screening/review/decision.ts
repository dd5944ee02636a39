/**
 * Screening decisions: one reviewer's include/exclude/maybe on one record at one stage, with an
 * optional reason code and note. Decisions form an append-only log; a later decision by the same
 * reviewer on the same record and stage supersedes the earlier one. Pure: no I/O, no clock (the
 * adapter supplies `time`).
 */
import { OrganAuditError, type Location } from "../../core/errors.js";

export const DECISION_VALUES = ["include", "exclude", "maybe"] as const;
export type DecisionValue = (typeof DECISION_VALUES)[number];

/** PRISMA 2020 stages: screening of titles/abstracts, then assessment of full texts for eligibility. */
export const SCREENING_STAGES = ["title-abstract", "full-text"] as const;
export type ScreeningStage = (typeof SCREENING_STAGES)[number];

/** Reviewer name of a decision that resolves a conflict between reviewers (by consensus or a third reviewer). */
export interface Decision {
  /** position in the log (1-based, assigned by the store); orders decisions with the same time */
  seq: number;
  recordId: string;
  stage: ScreeningStage;
  reviewer: string;
  decision: DecisionValue;
  /** short code such as `wrong-population`, `not-human`, `duplicate` (letters, digits, `-`, `_`, `.`) */
  reasonCode: string | null;
  note: string | null;
  /** ISO 8601 UTC time the decision was recorded */
  time: string;
  /**
   * true when this decision settles a disagreement between reviewers; it then overrides the
   * reviewers' own decisions for the record and stage
   */
  resolution: boolean;
}

const REASON = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** 1-64 characters, no control characters (\p{Cc}), not starting with white space */
const REVIEWER = /^[^\s\p{Cc}][^\p{Cc}]{0,63}$/u;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

export function isDecisionValue(s: string): s is DecisionValue {
  return (DECISION_VALUES as readonly string[]).includes(s);
}

export function isScreeningStage(s: string): s is ScreeningStage {
  return (SCREENING_STAGES as readonly string[]).includes(s);
}

/** Input of `makeDecision`: strings as typed by a user or read from a file. */
export interface DecisionInit {
  seq: number;
  recordId: string;
  stage: string;
  reviewer: string;
  decision: string;
  reasonCode?: string | null;
  note?: string | null;
  time: string;
  resolution?: boolean;
}

/**
 * Validate and build a decision. Throws OrganAuditError (SC_REV_*) naming the field; `where` is
 * added to the error (file and line of a decision file, for instance).
 */
export function makeDecision(init: DecisionInit, where?: Location): Decision {
  const at = (field: string): Location => ({ ...where, field });
  if (!isDecisionValue(init.decision))
    throw new OrganAuditError(
      "SC_REV_BAD_DECISION",
      { value: init.decision, allowed: DECISION_VALUES.join(", ") },
      at("decision"),
    );
  if (!isScreeningStage(init.stage))
    throw new OrganAuditError(
      "SC_REV_BAD_STAGE",
      { value: init.stage, allowed: SCREENING_STAGES.join(", ") },
      at("stage"),
    );
  const recordId = init.recordId.trim();
  if (recordId === "")
    throw new OrganAuditError("SC_REV_BAD_FIELD", { field: "recordId", detail: "empty" }, at("recordId"));
  const reviewer = init.reviewer.trim();
  if (!REVIEWER.test(reviewer))
    throw new OrganAuditError(
      "SC_REV_BAD_FIELD",
      { field: "reviewer", detail: `"${init.reviewer}" is empty, too long (> 64) or has control characters` },
      at("reviewer"),
    );
  const reasonCode = init.reasonCode?.trim() || null;
  if (reasonCode !== null && !REASON.test(reasonCode))
    throw new OrganAuditError(
      "SC_REV_BAD_FIELD",
      { field: "reasonCode", detail: `"${reasonCode}" must be 1-64 letters, digits, "-", "_" or "."` },
      at("reasonCode"),
    );
  if (init.decision === "exclude" && init.stage === "full-text" && reasonCode === null)
    throw new OrganAuditError("SC_REV_REASON_REQUIRED", { stage: init.stage }, at("reasonCode"));
  if (!ISO.test(init.time))
    throw new OrganAuditError(
      "SC_REV_BAD_FIELD",
      { field: "time", detail: `"${init.time}" is not an ISO 8601 UTC time (YYYY-MM-DDTHH:MM:SSZ)` },
      at("time"),
    );
  if (!Number.isInteger(init.seq) || init.seq < 1)
    throw new OrganAuditError(
      "SC_REV_BAD_FIELD",
      { field: "seq", detail: `${init.seq} is not a positive integer` },
      at("seq"),
    );
  const note = init.note?.trim() || null;
  return {
    seq: init.seq,
    recordId,
    stage: init.stage,
    reviewer,
    decision: init.decision,
    reasonCode,
    note,
    time: init.time,
    resolution: init.resolution ?? false,
  };
}

/**
 * The current decisions: for each (record, stage, reviewer) the last one in log order (by `seq`).
 * Resolutions are kept under their own reviewer name with `resolution: true`.
 */
export function currentDecisions(log: readonly Decision[]): Decision[] {
  const sorted = [...log].sort((a, b) => a.seq - b.seq);
  const last = new Map<string, Decision>();
  for (const d of sorted)
    last.set(`${d.stage}\u0000${d.recordId}\u0000${d.resolution ? "\u0001" : ""}${d.reviewer}`, d);
  return [...last.values()].sort((a, b) => a.seq - b.seq);
}
