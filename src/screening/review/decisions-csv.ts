/**
 * Read a decision log from CSV text (pure: text in, decisions out). Columns, matched case-insensitively:
 * record_id (or id), reviewer, decision, and optionally stage (default title-abstract), reason_code
 * (or reason), note, time (default: the time given by the caller), resolution (1/0, true/false, yes/no).
 * Every row is validated; the first bad cell is an error naming file, line and column, and nothing is
 * returned (so a caller writes all decisions or none).
 */
import { OrganAuditError } from "../../core/errors.js";
import { parseCsvText } from "../../data/csv.js";
import { makeDecision, type Decision } from "./decision.js";

const ALIASES: Record<string, string[]> = {
  recordId: ["record_id", "id", "record"],
  reviewer: ["reviewer", "rater"],
  decision: ["decision", "label"],
  stage: ["stage"],
  reasonCode: ["reason_code", "reason"],
  note: ["note", "notes"],
  time: ["time", "timestamp"],
  resolution: ["resolution"],
};

const TRUE = new Set(["1", "true", "yes", "y"]);
const FALSE = new Set(["0", "false", "no", "n", ""]);

export function parseDecisionsCsv(text: string, file: string, defaultTime: string, firstSeq = 1): Decision[] {
  const table = parseCsvText(text.replace(/^\ufeff/, ""), file);
  const lower = table.header.map((h) => h.toLowerCase());
  const col = (key: string): number => {
    for (const a of ALIASES[key] ?? []) {
      const i = lower.indexOf(a);
      if (i >= 0) return i;
    }
    return -1;
  };
  for (const key of ["recordId", "reviewer", "decision"])
    if (col(key) < 0)
      throw new OrganAuditError(
        "E_CSV_MISSING_COLUMN",
        { column: (ALIASES[key] as string[])[0] as string, available: table.header.join(", ") },
        { file, line: 1 },
      );
  const out: Decision[] = [];
  for (const row of table.rows) {
    if (row.cells.length !== table.header.length)
      throw new OrganAuditError(
        "D_ROW_LENGTH",
        { expected: table.header.length, found: row.cells.length },
        { file, line: row.line },
      );
    const cell = (key: string): string | undefined => {
      const i = col(key);
      return i >= 0 ? (row.cells[i] ?? "").trim() : undefined;
    };
    const res = (cell("resolution") ?? "").toLowerCase();
    if (!TRUE.has(res) && !FALSE.has(res))
      throw new OrganAuditError(
        "SC_REV_BAD_FIELD",
        { field: "resolution", detail: `"${res}" is not 1/0, true/false or yes/no` },
        { file, line: row.line, field: "resolution" },
      );
    out.push(
      makeDecision(
        {
          seq: firstSeq + out.length,
          recordId: cell("recordId") ?? "",
          reviewer: cell("reviewer") ?? "",
          decision: (cell("decision") ?? "").toLowerCase(),
          stage: (cell("stage") || "title-abstract").toLowerCase(),
          reasonCode: cell("reasonCode") ?? null,
          note: cell("note") ?? null,
          time: cell("time") || defaultTime,
          resolution: TRUE.has(res),
        },
        { file, line: row.line },
      ),
    );
  }
  if (out.length === 0) throw new OrganAuditError("E_EMPTY_INPUT", { what: "the decision file has no rows" }, { file });
  return out;
}
