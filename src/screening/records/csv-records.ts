/**
 * CSV/TSV importer with ASReview-style columns (pure: text in, records out). Column names are matched
 * case-insensitively: title (or primary_title), abstract (notes_abstract), authors (author), year
 * (publication_year, py), doi, journal (secondary_title), keywords, record_id (id), pubmedid (pmid),
 * and label columns: any column named `label*`, `included` or `final_included`, with values 0/1 or
 * empty (unlabelled). A record needs a title or an abstract; any bad cell is an error naming line and
 * column, and nothing is imported.
 */
import { OrganAuditError } from "../../core/errors.js";
import { parseCsvText } from "../../data/csv.js";
import { makeRecord, normaliseDoi, parseYear, type ScreeningRecord } from "./record.js";

const ALIASES: Record<string, string[]> = {
  title: ["title", "primary_title", "ti"],
  abstract: ["abstract", "notes_abstract", "ab"],
  authors: ["authors", "author", "au"],
  year: ["year", "publication_year", "py"],
  doi: ["doi"],
  journal: ["journal", "secondary_title", "source"],
  keywords: ["keywords", "keyword", "kw"],
  id: ["record_id", "id"],
  pmid: ["pubmedid", "pmid", "pubmed_id"],
};

export function isLabelColumn(name: string): boolean {
  const n = name.toLowerCase();
  return n.startsWith("label") || n === "included" || n === "final_included";
}

export function parseCsvRecords(text: string, file: string, opts: { delimiter?: "," | "\t"; stem?: string } = {}): ScreeningRecord[] {
  const delimiter = opts.delimiter ?? ",";
  const format = delimiter === "\t" ? "tsv" : "csv";
  const table = parseCsvText(text.replace(/^\ufeff/, ""), file, { delimiter });
  const lower = table.header.map((h) => h.toLowerCase());
  const col = (key: string): number => {
    for (const a of ALIASES[key]!) {
      const i = lower.indexOf(a);
      if (i >= 0) return i;
    }
    return -1;
  };
  const ti = col("title");
  const ab = col("abstract");
  if (ti < 0 && ab < 0) {
    throw new OrganAuditError(
      "E_CSV_MISSING_COLUMN",
      { column: "title or abstract", available: table.header.join(", ") },
      { file, line: 1 },
    );
  }
  const idx = { au: col("authors"), yr: col("year"), doi: col("doi"), jr: col("journal"), kw: col("keywords"), id: col("id"), pmid: col("pmid") };
  const labelCols = table.header.map((h, i) => [h, i] as const).filter(([h]) => isLabelColumn(h));
  const stem = opts.stem ?? file;
  const out: ScreeningRecord[] = [];
  const ids = new Map<string, number>();
  for (const [k, row] of table.rows.entries()) {
    if (row.cells.length !== table.header.length) {
      throw new OrganAuditError("D_ROW_LENGTH", { expected: table.header.length, found: row.cells.length }, { file, line: row.line });
    }
    const cell = (i: number): string => (i >= 0 ? (row.cells[i] ?? "").trim() : "");
    const title = cell(ti);
    const abstract = cell(ab);
    if (title === "" && abstract === "") {
      throw new OrganAuditError("SC_IMPORT_PARSE", { format: format.toUpperCase(), detail: "record has neither title nor abstract" }, { file, line: row.line });
    }
    const labels: Record<string, number> = {};
    for (const [h, i] of labelCols) {
      const v = cell(i);
      if (v === "") continue;
      if (v !== "0" && v !== "1") {
        throw new OrganAuditError("SC_IMPORT_PARSE", { format: format.toUpperCase(), detail: `label must be 0, 1 or empty, found "${v}"` }, { file, line: row.line, field: h });
      }
      labels[h] = Number(v);
    }
    const yearRaw = cell(idx.yr);
    const year = parseYear(yearRaw);
    if (yearRaw !== "" && year === null) {
      throw new OrganAuditError("D_TYPE", { type: "a year", value: yearRaw }, { file, line: row.line, field: table.header[idx.yr]! });
    }
    const sourceId = cell(idx.id) || undefined;
    const id = `${stem}:${sourceId ?? k + 1}`;
    if (ids.has(id)) {
      throw new OrganAuditError("D_DUPLICATE_KEY", { key: sourceId ?? id, firstLine: ids.get(id)! }, { file, line: row.line, field: table.header[idx.id] ?? "id" });
    }
    ids.set(id, row.line);
    const pmid = cell(idx.pmid) || undefined;
    out.push(
      makeRecord({
        id,
        source: { file, format, line: row.line, ...(sourceId ? { sourceId } : {}) },
        title,
        abstract,
        authors: cell(idx.au) === "" ? [] : cell(idx.au).split(/\s*;\s*/).filter((s) => s !== ""),
        year,
        doi: normaliseDoi(cell(idx.doi)),
        journal: cell(idx.jr) || null,
        keywords: cell(idx.kw) === "" ? [] : cell(idx.kw).split(/\s*;\s*/).filter((s) => s !== ""),
        labels,
        ...(pmid ? { pmid } : {}),
      }),
    );
  }
  if (out.length === 0) throw new OrganAuditError("SC_IMPORT_EMPTY", { format: format.toUpperCase() }, { file });
  return out;
}
