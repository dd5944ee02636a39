/**
 * Importer adapter: reads a file, decodes it, detects or checks its format and hands the text to the
 * pure parser. UTF-8 is expected; Chinese exports and full texts in GB18030/GBK or Big5 are decoded
 * when the bytes decode strictly as Chinese (the encoding used is reported). Either the whole file is
 * imported or an OrganAuditError naming file and line is thrown.
 */
import { readFileSync, statSync } from "node:fs";
import { basename, extname } from "node:path";
import { OrganAuditError } from "../../core/errors.js";
import { sha256Hex } from "../../core/hash.js";
import { decodeText, detectEncoding } from "../../data/csv.js";
import { extractPdfText } from "../../evidence/content/pdf-text.js";
import { parseCnki } from "./cnki.js";
import { parseCsvRecords } from "./csv-records.js";
import { detectFormat, IMPORT_FORMATS, type ImportFormat } from "./detect.js";
import { parseMedline } from "./medline.js";
import { parsePubmedXml } from "./pubmed-xml.js";
import { detectLanguage, makeRecord, type ScreeningRecord } from "./record.js";
import { parseRis } from "./ris.js";

export interface ImportedFile {
  file: string;
  format: ImportFormat;
  sha256: string;
  bytes: number;
  encoding: string;
  records: ScreeningRecord[];
}

export function readBytes(file: string): Buffer {
  try {
    if (!statSync(file).isFile()) throw new Error("not a regular file");
    return readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new OrganAuditError("E_FILE_NOT_FOUND", { file }, { file });
    throw new OrganAuditError("E_FILE_READ", { detail: (e as Error).message }, { file });
  }
}

/** Decode text: explicit encoding, else UTF-8, else GB18030/Big5 when the bytes are unambiguously Chinese. */
export function decodeAuto(bytes: Uint8Array, file: string, encoding?: string): { text: string; encoding: string } {
  if (encoding) return { text: decodeText(bytes, file, encoding).text, encoding: encoding.toLowerCase() };
  try {
    return { text: decodeText(bytes, file).text, encoding: "utf-8" };
  } catch (e) {
    const enc = detectEncoding(bytes);
    if (enc === "GB18030" || enc === "Big5") return { text: decodeText(bytes, file, enc).text, encoding: enc.toLowerCase() };
    throw e;
  }
}

/** Title of a full text: its first non-blank line, at most 200 characters. */
function firstLine(text: string): string {
  const l = text.split(/\r\n|\n|\r|\f/).find((x) => x.trim() !== "") ?? "";
  return Array.from(l.trim()).slice(0, 200).join("");
}

export async function importFile(file: string, opts: { format?: string; encoding?: string } = {}): Promise<ImportedFile> {
  return importBytes(readBytes(file), file, opts);
}

/**
 * Import bytes already read (e.g. an HTTP upload) as if they were the file `file`: the name gives the
 * record ids (its stem), the format by extension, and the place named in errors. Nothing is read from disk.
 */
export async function importBytes(bytes: Buffer, file: string, opts: { format?: string; encoding?: string } = {}): Promise<ImportedFile> {
  if (bytes.length === 0) throw new OrganAuditError("SC_IMPORT_EMPTY", { format: opts.format ?? "file of 0 bytes" }, { file });
  let format: ImportFormat | null;
  if (opts.format !== undefined) {
    if (!(IMPORT_FORMATS as string[]).includes(opts.format)) {
      throw new OrganAuditError("E_USAGE", { detail: `unknown format "${opts.format}" (formats: ${IMPORT_FORMATS.join(", ")})` });
    }
    format = opts.format as ImportFormat;
  } else format = detectFormat(file, bytes);
  if (!format) throw new OrganAuditError("SC_IMPORT_FORMAT", { file }, { file });
  const stem = basename(file, extname(file));
  const base = { file, format, sha256: sha256Hex(bytes), bytes: bytes.length };
  if (format === "pdf") {
    let text: string;
    try {
      text = (await extractPdfText(bytes)).text;
    } catch (e) {
      const detail = e instanceof Error ? e.message : String(e);
      throw new OrganAuditError("SC_FULLTEXT_PDF", { detail: detail.replace(/^cannot read the PDF[^:]*: /, "").replace(/; nothing was stored$/, "") }, { file });
    }
    if (text.trim() === "") throw new OrganAuditError("SC_FULLTEXT_PDF", { detail: "no text layer (a scanned PDF needs OCR first)" }, { file });
    return { ...base, encoding: "pdf", records: [fullTextRecord(file, stem, text)] };
  }
  const { text, encoding } = decodeAuto(bytes, file, opts.encoding);
  let records: ScreeningRecord[];
  switch (format) {
    case "ris":
      records = parseRis(text, file, stem);
      break;
    case "csv":
    case "tsv":
      records = parseCsvRecords(text, file, { delimiter: format === "tsv" ? "\t" : ",", stem });
      break;
    case "medline":
      records = parseMedline(text, file, stem);
      break;
    case "pubmed-xml":
      records = parsePubmedXml(text, file, stem);
      break;
    case "cnki":
      records = parseCnki(text, file, stem);
      break;
    case "txt":
      if (text.trim() === "") throw new OrganAuditError("SC_IMPORT_EMPTY", { format: "text" }, { file });
      records = [fullTextRecord(file, stem, text)];
      break;
  }
  return { ...base, encoding, records };
}

/**
 * A full text file as a record: id = file stem (e.g. a CNKI file name), title = first line. The text is
 * kept exactly as decoded (no Unicode normalisation), so that positions and distances match R on the
 * same file; PDF text is NFKC-normalised by the extractor.
 */
export function fullTextRecord(file: string, stem: string, text: string): ScreeningRecord {
  return makeRecord({
    id: stem,
    source: { file, format: "fulltext", line: 1, sourceId: stem },
    title: firstLine(text),
    fullText: text,
    language: detectLanguage(text.slice(0, 5000)),
  });
}
