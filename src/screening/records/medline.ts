/**
 * PubMed MEDLINE (.nbib / "PubMed format" text) importer (pure). Each record begins with "PMID- ";
 * tags are up to four letters padded to four characters, then "- "; continuation lines start with six
 * spaces. Records are separated by blank lines. Text before the first PMID, or a line that is neither a
 * tag nor a continuation, is an error naming the line.
 */
import { OrganAuditError } from "../../core/errors.js";
import { makeRecord, normaliseDoi, parseYear, type ScreeningRecord } from "./record.js";

const TAG = /^([A-Z][A-Z0-9]{0,3}) {0,3}- (.*)$/;

function fail(file: string, line: number, detail: string): OrganAuditError {
  return new OrganAuditError("SC_IMPORT_PARSE", { format: "MEDLINE", detail }, { file, line });
}

export function parseMedline(text: string, file: string, stem = file): ScreeningRecord[] {
  const lines = text.replace(/^\ufeff/, "").split(/\r\n|\n|\r/);
  const recs: { line: number; fields: { tag: string; value: string }[] }[] = [];
  let cur: (typeof recs)[number] | null = null;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const ln = i + 1;
    if (raw.trim() === "") {
      cur = null;
      continue;
    }
    const m = /^ {6}(.*)$/.exec(raw);
    if (m && cur && cur.fields.length > 0) {
      const last = cur.fields[cur.fields.length - 1]!;
      last.value = `${last.value} ${m[1]!.trim()}`;
      continue;
    }
    const t = TAG.exec(raw);
    if (!t) throw fail(file, ln, `not a MEDLINE tag line: "${raw.slice(0, 40)}"`);
    const tag = t[1]!;
    if (!cur) {
      if (tag !== "PMID") throw fail(file, ln, `a record must start with "PMID- ", found ${tag}`);
      cur = { line: ln, fields: [] };
      recs.push(cur);
    }
    cur.fields.push({ tag, value: t[2]!.trim() });
  }
  if (recs.length === 0) throw new OrganAuditError("SC_IMPORT_EMPTY", { format: "MEDLINE" }, { file });
  return recs.map((r) => {
    const all = (tag: string): string[] => r.fields.filter((f) => f.tag === tag).map((f) => f.value);
    const first = (tag: string): string | undefined => all(tag)[0];
    const pmid = first("PMID")!;
    if (!/^\d+$/.test(pmid)) throw fail(file, r.line, `PMID must be a number, found "${pmid}"`);
    const doiField = [...all("LID"), ...all("AID")].find((v) => /\[doi\]/.test(v));
    return makeRecord({
      id: `${stem}:${pmid}`,
      source: { file, format: "medline", line: r.line, sourceId: pmid },
      pmid,
      title: first("TI") ?? first("TT") ?? "",
      abstract: all("AB").join(" "),
      authors: all("FAU").length > 0 ? all("FAU") : all("AU"),
      year: parseYear(first("DP")),
      doi: normaliseDoi(doiField?.replace(/\s*\[doi\]/, "")),
      journal: first("JT") ?? first("TA") ?? null,
      keywords: [...all("OT"), ...all("MH")],
    });
  });
}
