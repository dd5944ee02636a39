/**
 * Guess the format of a bibliographic file from its name and first characters (pure).
 */
import type { RecordFormat } from "./record.js";
import { detectCnkiFlavour } from "./cnki.js";

export type ImportFormat = Exclude<RecordFormat, "fulltext"> | "txt" | "pdf";
export const IMPORT_FORMATS: ImportFormat[] = ["ris", "csv", "tsv", "medline", "pubmed-xml", "cnki", "txt", "pdf"];

export function detectFormat(fileName: string, head: Uint8Array | string): ImportFormat | null {
  const lower = fileName.toLowerCase();
  const text = typeof head === "string" ? head : new TextDecoder("utf-8").decode(head.subarray(0, 4096));
  if (text.startsWith("%PDF-") || lower.endsWith(".pdf")) return "pdf";
  const body = text.replace(/^\ufeff/, "");
  const firstLine = body.split(/\r\n|\n|\r/).find((l) => l.trim() !== "") ?? "";
  if (/^TY {2}-/.test(firstLine)) return "ris";
  if (/^PMID- ?/.test(firstLine)) return "medline";
  if (/^\s*<(\?xml|!DOCTYPE PubmedArticleSet|PubmedArticleSet)/.test(body)) return "pubmed-xml";
  if (detectCnkiFlavour(body)) return "cnki";
  if (lower.endsWith(".ris")) return "ris";
  if (lower.endsWith(".nbib") || lower.endsWith(".medline")) return "medline";
  if (lower.endsWith(".xml")) return "pubmed-xml";
  if (lower.endsWith(".tsv") || lower.endsWith(".tab")) return "tsv";
  if (lower.endsWith(".csv")) return "csv";
  if (lower.endsWith(".txt")) return "txt";
  return null;
}
