/**
 * Chinese database exports (pure). Three text formats, designed from public descriptions of the
 * exports (the test fixtures are invented examples, not real exports):
 *
 * - "estudy": CNKI E-Study / 自定义 export, one `Field-中文名: value` per line, records starting with
 *   `DataType: ...` or `SrcDatabase-...:` (e.g. `Title-题名:`, `Author-作者: 张三;李四;`, `Source-刊名:`,
 *   `Year-年:`, `PubTime-出版时间:`, `Keyword-关键词:`, `Summary-摘要:`, `DOI-DOI:`, `Link-链接:`).
 * - "endnote": CNKI/Wanfang "EndNote" export, `%0 Journal Article`, `%A` author (one per line), `%T`,
 *   `%J`, `%D`, `%K` (keywords separated by ; or ，), `%X` abstract, `%R` DOI, records separated by
 *   blank lines.
 * - "refworks": CNKI/Wanfang RefWorks export, `RT Journal Article`, then two-letter tags and a space:
 *   `A1` authors (`;`-separated, or one per line), `T1`, `JF`, `YR`, `K1`, `AB`, `DO`, `LK` link, records
 *   separated by blank lines.
 * - "noteexpress": Wanfang/CNKI NoteExpress export, `{Reference Type}: Journal Article`, `{Title}:`,
 *   `{Author}: 张三;李四`, `{Journal}:`, `{Year}:`, `{Keywords}:`, `{Abstract}:`, `{DOI}:`.
 *
 * Lines that do not fit the detected format are errors naming the line; nothing is imported.
 */
import { OrganAuditError } from "../../core/errors.js";
import { makeRecord, normaliseDoi, parseYear, type ScreeningRecord } from "./record.js";

export type CnkiFlavour = "estudy" | "endnote" | "refworks" | "noteexpress";

const ESTUDY_START = /^(DataType|SrcDatabase-[^:：]*)\s*[:：]/;
const ESTUDY_LINE = /^([A-Za-z]+)(?:-[^:：]*)?\s*[:：]\s?(.*)$/;
const ENDNOTE_LINE = /^%([0-9A-Za-z@+!#$&()*~^>\]=<?|])(?: (.*))?$/;
const NOTEEXP_LINE = /^\{([^}]+)\}\s*[:：]\s?(.*)$/;
const REFWORKS_LINE = /^([A-Z][A-Z0-9]) (.*)$/;

function fail(file: string, line: number, detail: string): OrganAuditError {
  return new OrganAuditError("SC_IMPORT_PARSE", { format: "CNKI/Wanfang export", detail }, { file, line });
}

/** Which of the three formats a text is in, from its first non-blank line; null if none. */
export function detectCnkiFlavour(text: string): CnkiFlavour | null {
  const first = text.replace(/^\ufeff/, "").split(/\r\n|\n|\r/).find((l) => l.trim() !== "") ?? "";
  if (ESTUDY_START.test(first)) return "estudy";
  if (/^%0 /.test(first)) return "endnote";
  if (/^RT \S/.test(first)) return "refworks";
  if (/^\{Reference Type\}\s*[:：]/.test(first)) return "noteexpress";
  return null;
}

const splitList = (s: string | undefined): string[] =>
  (s ?? "")
    .split(/[;；,，]/)
    .map((x) => x.trim())
    .filter((x) => x !== "");

interface Raw {
  line: number;
  fields: Map<string, string[]>;
}

export function parseCnki(text: string, file: string, stem = file): ScreeningRecord[] {
  const flavour = detectCnkiFlavour(text);
  if (!flavour) throw fail(file, 1, "the first line is not DataType:/SrcDatabase- (CNKI E-Study), %0 (EndNote), RT (RefWorks) or {Reference Type}: (NoteExpress)");
  const lines = text.replace(/^\ufeff/, "").split(/\r\n|\n|\r/);
  const raws: Raw[] = [];
  let cur: Raw | null = null;
  let lastKey: string | null = null;
  const firstLine = lines.find((l) => l.trim() !== "") ?? "";
  // E-Study records start with DataType: (SrcDatabase- then appears inside); other exports start with SrcDatabase-
  const estudyStart = /^DataType\s*[:：]/.test(firstLine) ? /^DataType\s*[:：]/ : ESTUDY_START;
  const startRe = { estudy: estudyStart, endnote: /^%0 /, refworks: /^RT \S/, noteexpress: /^\{Reference Type\}/ }[flavour];
  const lineRe = { estudy: ESTUDY_LINE, endnote: ENDNOTE_LINE, refworks: REFWORKS_LINE, noteexpress: NOTEEXP_LINE }[flavour];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const ln = i + 1;
    if (raw.trim() === "") {
      if (flavour === "endnote" || flavour === "refworks") cur = null; // these records end at a blank line
      lastKey = null;
      continue;
    }
    const m = lineRe.exec(raw);
    if (startRe.test(raw)) {
      cur = { line: ln, fields: new Map() };
      raws.push(cur);
    } else if (!cur) {
      throw fail(file, ln, `text outside a record: "${raw.slice(0, 40)}"`);
    }
    if (!m) {
      // a wrapped line continues the previous field (abstracts are often wrapped)
      if (lastKey === null) throw fail(file, ln, `not a field line: "${raw.slice(0, 40)}"`);
      const vals = cur.fields.get(lastKey)!;
      vals[vals.length - 1] = `${vals[vals.length - 1]} ${raw.trim()}`.trim();
      continue;
    }
    const key = flavour === "endnote" || flavour === "refworks" ? m[1]! : m[1]!.trim().toLowerCase();
    const vals = cur.fields.get(key) ?? [];
    vals.push((m[2] ?? "").trim());
    cur.fields.set(key, vals);
    lastKey = key;
  }
  if (raws.length === 0) throw new OrganAuditError("SC_IMPORT_EMPTY", { format: "CNKI/Wanfang export" }, { file });
  return raws.map((r, k) => {
    const f = (key: string): string | undefined => r.fields.get(key)?.filter((v) => v !== "").join(" ");
    const all = (key: string): string[] => r.fields.get(key) ?? [];
    let title: string | undefined, abstract: string | undefined, authors: string[], journal: string | undefined;
    let year: number | null, doi: string | null, keywords: string[], sourceId: string | undefined;
    if (flavour === "estudy") {
      title = f("title");
      abstract = f("summary");
      authors = splitList(f("author"));
      journal = f("source");
      year = parseYear(f("year")) ?? parseYear(f("pubtime"));
      doi = normaliseDoi(f("doi"));
      keywords = splitList(f("keyword"));
      const link = f("link");
      sourceId = link ? /[?&]filename=([^&\s]+)/i.exec(link)?.[1] : undefined;
    } else if (flavour === "endnote") {
      title = f("T");
      abstract = f("X");
      authors = all("A").flatMap(splitList);
      journal = f("J") ?? f("B");
      year = parseYear(f("D"));
      doi = normaliseDoi(f("R"));
      keywords = all("K").flatMap(splitList);
      sourceId = f("M") ?? f("L");
    } else if (flavour === "refworks") {
      title = f("T1");
      abstract = f("AB");
      authors = all("A1").flatMap(splitList);
      journal = f("JF") ?? f("JO");
      year = parseYear(f("YR")) ?? parseYear(f("FD"));
      doi = normaliseDoi(f("DO"));
      keywords = all("K1").flatMap(splitList);
      const link = f("LK") ?? f("UL");
      sourceId = link ? /[?&]filename=([^&\s]+)/i.exec(link)?.[1] : undefined;
    } else {
      title = f("title");
      abstract = f("abstract");
      authors = splitList(f("author"));
      journal = f("journal") ?? f("secondary title");
      year = parseYear(f("year"));
      doi = normaliseDoi(f("doi"));
      keywords = splitList(f("keywords"));
      sourceId = f("accession number");
    }
    if (!title) throw fail(file, r.line, "record has no title");
    return makeRecord({
      id: `${stem}:${sourceId ?? k + 1}`,
      source: { file, format: "cnki", line: r.line, ...(sourceId ? { sourceId } : {}) },
      title,
      abstract: abstract ?? "",
      authors,
      year,
      doi,
      journal: journal ?? null,
      keywords,
    });
  });
}
