/**
 * The screening record shared by every screening module (importers, dedupe, rules, ranking,
 * simulation, review). Pure types and small pure helpers only: no I/O.
 */

/** Language of a record, detected from its title and abstract ("und" when there is no text). */
export type RecordLanguage = "zh" | "en" | "und";

/** Where an imported record came from: the file, its format and the 1-based line where it starts. */
export interface RecordSource {
  file: string;
  format: RecordFormat;
  /** 1-based line in the source file where the record starts (for error messages and audit) */
  line: number;
  /** identifier the source gave the record (RIS ID, PMID, CNKI file name, CSV record_id), if any */
  sourceId?: string;
}

export type RecordFormat = "ris" | "csv" | "tsv" | "medline" | "pubmed-xml" | "cnki" | "fulltext";

export interface ScreeningRecord {
  /** stable id within a project: `<source-file-stem>:<sourceId or ordinal>` */
  id: string;
  source: RecordSource;
  title: string;
  abstract: string;
  authors: string[];
  year: number | null;
  /** lower-cased DOI without the https://doi.org/ prefix, or null */
  doi: string | null;
  journal: string | null;
  keywords: string[];
  language: RecordLanguage;
  /** full text (plain text or text extracted from a PDF), when loaded */
  fullText?: string;
  /** labels carried in the source (e.g. ASReview `label_included` → 0/1); empty object when none */
  labels: Record<string, number>;
  /** PubMed id, when known */
  pmid?: string;
}

const HAN = /\p{Script=Han}/gu;
const LATIN = /[A-Za-z]/g;

/**
 * Detect zh/en from text: "zh" when Han characters are at least 20 % of the Han + Latin letters
 * (Chinese abstracts often carry English terms), "en" when there are Latin letters, else "und".
 */
export function detectLanguage(text: string): RecordLanguage {
  const han = (text.match(HAN) ?? []).length;
  const latin = (text.match(LATIN) ?? []).length;
  if (han + latin === 0) return "und";
  return han / (han + latin) >= 0.2 ? "zh" : "en";
}

/** Normalise a DOI: trim, lower-case, strip `doi:` and resolver prefixes. Null when it is not a DOI. */
export function normaliseDoi(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let s = raw.trim().toLowerCase();
  s = s.replace(/^(https?:\/\/)?(dx\.)?doi\.org\//, "").replace(/^doi:\s*/, "");
  const m = /10\.\d{4,9}\/\S+/.exec(s);
  if (!m) return null;
  return m[0].replace(/[.,;]+$/, "");
}

/** First plausible 4-digit year (1800–2099) in a string, or null. */
export function parseYear(raw: string | null | undefined): number | null {
  if (!raw) return null;
  const m = /(?:^|\D)(1[89]\d\d|20\d\d)(?!\d)/.exec(raw);
  return m ? Number(m[1]) : null;
}

/** Build a record with defaults; `language` is detected from title + abstract when not given. */
export function makeRecord(
  init: Partial<Omit<ScreeningRecord, "id" | "source">> & { id: string; source: RecordSource },
): ScreeningRecord {
  const title = (init.title ?? "").trim();
  const abstract = (init.abstract ?? "").trim();
  const r: ScreeningRecord = {
    id: init.id,
    source: init.source,
    title,
    abstract,
    authors: init.authors ?? [],
    year: init.year ?? null,
    doi: normaliseDoi(init.doi ?? null),
    journal: init.journal ?? null,
    keywords: init.keywords ?? [],
    language: init.language ?? detectLanguage(`${title} ${abstract}`),
    labels: init.labels ?? {},
  };
  if (init.fullText !== undefined) r.fullText = init.fullText;
  if (init.pmid !== undefined) r.pmid = init.pmid;
  return r;
}
