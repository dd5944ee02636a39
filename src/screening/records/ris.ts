/**
 * RIS importer (pure: text in, records out). Handles the quirks of real exports: continuation lines
 * (multi-line KW, AD, UR, N1 fields, as in Embase/EndNote exports), tags followed by "  -" with or
 * without a trailing space, blank lines between records, CRLF, a BOM. Anything else that does not fit
 * (a field before the first TY, a record without ER, a line that is not a tag in front of a record) is an
 * error naming the line: a malformed file imports nothing.
 */
import { OrganAuditError } from "../../core/errors.js";
import { makeRecord, normaliseDoi, parseYear, type ScreeningRecord } from "./record.js";

const TAG = /^([A-Z][A-Z0-9]) {2}-(?: (.*)|)$/;

interface RisField {
  tag: string;
  lines: string[];
}

function fail(file: string, line: number, detail: string): OrganAuditError {
  return new OrganAuditError("SC_IMPORT_PARSE", { format: "RIS", detail }, { file, line });
}

/** Parse RIS text into records. `stem` prefixes record ids (`<stem>:<ID or ordinal>`). */
export function parseRis(text: string, file: string, stem = file): ScreeningRecord[] {
  const lines = text.replace(/^\ufeff/, "").split(/\r\n|\n|\r/);
  const out: ScreeningRecord[] = [];
  let fields: RisField[] | null = null;
  let start = 0;
  let last: RisField | null = null;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const ln = i + 1;
    const m = TAG.exec(raw);
    if (m) {
      const tag = m[1]!;
      const value = (m[2] ?? "").trim();
      if (tag === "TY") {
        if (fields) throw fail(file, ln, `a new record (TY) starts before the record at line ${start} has ended (ER)`);
        fields = [];
        start = ln;
      } else if (!fields) {
        throw fail(file, ln, `field ${tag} appears outside a record (records start with "TY  - ")`);
      }
      if (tag === "ER") {
        out.push(toRecord(fields, file, stem, start, out.length + 1));
        fields = null;
        last = null;
        continue;
      }
      last = { tag, lines: value === "" ? [] : [value] };
      fields.push(last);
      continue;
    }
    if (raw.trim() === "") continue;
    if (!fields || !last) {
      throw fail(file, ln, `unexpected text outside a record: "${raw.slice(0, 40)}" (expected a tag such as "TY  - ")`);
    }
    last.lines.push(raw.trim()); // continuation line
  }
  if (fields) throw fail(file, start, "the last record has no end tag (ER  - ); the file may be truncated");
  if (out.length === 0) throw new OrganAuditError("SC_IMPORT_EMPTY", { format: "RIS" }, { file });
  return out;
}

function toRecord(fields: RisField[], file: string, stem: string, line: number, ordinal: number): ScreeningRecord {
  const all = (...tags: string[]): string[] => fields.filter((f) => tags.includes(f.tag)).flatMap((f) => f.lines);
  const first = (...tags: string[]): string | undefined => {
    for (const t of tags) {
      const f = fields.find((x) => x.tag === t && x.lines.length > 0);
      if (f) return f.lines.join(" ");
    }
    return undefined;
  };
  const sourceId = first("ID");
  const doi =
    normaliseDoi(first("DO")) ??
    all("UR", "L1", "L2", "L3", "N1", "M3")
      .map((s) => normaliseDoi(s))
      .find((d) => d !== null) ??
    null;
  const keywords = all("KW")
    .flatMap((k) => k.split(/\s*;\s*/))
    .map((k) => k.trim())
    .filter((k) => k !== "");
  const labels: Record<string, number> = {};
  // ASReview writes its decisions as "LB  - 1|0" (some versions) or in N1 as "ASReview_relevant"/"ASReview_irrelevant"
  const lb = first("LB");
  if (lb === "1" || lb === "0") labels.label_included = Number(lb);
  for (const n of all("N1")) {
    if (/ASReview_relevant/.test(n)) labels.label_included = 1;
    else if (/ASReview_irrelevant/.test(n)) labels.label_included = 0;
  }
  return makeRecord({
    id: `${stem}:${sourceId ?? ordinal}`,
    source: { file, format: "ris", line, ...(sourceId ? { sourceId } : {}) },
    title: first("TI", "T1", "ST", "CT", "BT") ?? "",
    abstract: first("AB", "N2") ?? "",
    authors: all("AU", "A1"),
    year: parseYear(first("PY", "Y1", "DA")),
    doi,
    journal: first("T2", "JO", "JF", "J2", "JA") ?? null,
    keywords,
    labels,
  });
}
