import { parse } from "csv-parse/sync";
import chardet from "chardet";
import iconv from "iconv-lite";
import { OrganAuditError } from "../core/errors.js";

export interface CsvRow {
  /** 1-based line number in the file where the record starts (the header is line 1) */
  line: number;
  cells: string[];
}

export interface CsvTable {
  file: string;
  header: string[];
  rows: CsvRow[];
  /** facts about the bytes that a validator may report */
  bom: boolean;
  lineEndings: "LF" | "CRLF" | "CR" | "mixed" | "none";
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** Guess the encoding of bytes that are not valid UTF-8 (e.g. GB18030, Big5). */
export function detectEncoding(bytes: Uint8Array): string {
  const guess = chardet.detect(bytes);
  return guess ?? "unknown";
}

/**
 * Decode bytes as text. With no encoding given, the bytes must be valid UTF-8 (a BOM is tolerated and
 * reported); otherwise an E_ENCODING error names the detected encoding. With an explicit encoding
 * (e.g. "gb18030", "big5"), iconv-lite decodes.
 */
export function decodeText(
  bytes: Uint8Array,
  file: string,
  encoding?: string,
): { text: string; bom: boolean } {
  if (encoding && !/^utf-?8$/i.test(encoding)) {
    if (!iconv.encodingExists(encoding)) {
      throw new OrganAuditError("E_USAGE", { detail: `unknown encoding "${encoding}"` }, { file });
    }
    return { text: iconv.decode(Buffer.from(bytes), encoding), bom: false };
  }
  const bom = bytes.length >= 3 && UTF8_BOM.every((b, i) => bytes[i] === b);
  const body = bom ? bytes.subarray(3) : bytes;
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(body);
    return { text, bom };
  } catch {
    const bad = firstInvalidUtf8Line(body);
    throw new OrganAuditError("E_ENCODING", { detected: detectEncoding(bytes) }, { file, line: bad });
  }
}

function firstInvalidUtf8Line(bytes: Uint8Array): number {
  let line = 1;
  let start = 0;
  const dec = new TextDecoder("utf-8", { fatal: true });
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        dec.decode(bytes.subarray(start, i));
      } catch {
        return line;
      }
      line++;
      start = i + 1;
    }
  }
  return line;
}

function lineEndingsOf(text: string): CsvTable["lineEndings"] {
  const crlf = (text.match(/\r\n/g) ?? []).length;
  const lf = (text.match(/\n/g) ?? []).length - crlf;
  const cr = (text.match(/\r/g) ?? []).length - crlf;
  const kinds = [crlf > 0, lf > 0, cr > 0].filter(Boolean).length;
  if (kinds === 0) return "none";
  if (kinds > 1) return "mixed";
  return crlf > 0 ? "CRLF" : lf > 0 ? "LF" : "CR";
}

/**
 * Parse CSV text (RFC 4180: quoted fields, embedded newlines) into a header and rows with the line
 * number where each record starts. Malformed quoting or ragged rows raise an error naming the line.
 */
export function parseCsvText(text: string, file: string, opts: { bom?: boolean; delimiter?: string } = {}): CsvTable {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter: opts.delimiter ?? ",",
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
      record_delimiter: ["\r\n", "\n", "\r"],
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    const err = e as { message?: string; lines?: number };
    throw new OrganAuditError(
      "E_CSV_PARSE",
      { detail: (err.message ?? String(e)).replace(/^Invalid [^:]*: /, "") },
      { file, ...(err.lines !== undefined ? { line: err.lines } : {}) },
    );
  }
  if (records.length === 0) throw new OrganAuditError("E_EMPTY_INPUT", { what: "the CSV file has no header" }, { file });
  const [first, ...rest] = records;
  const header = first!.record.map((h) => h.trim());
  // info.lines is the line where the record ends; compute start lines from the text itself
  const rows: CsvRow[] = [];
  let prevEnd = first!.info.lines;
  for (const r of rest) {
    const span = countNewlines(r.record);
    const startLine = r.info.lines - span;
    rows.push({ line: Math.max(startLine, prevEnd + 1), cells: r.record });
    prevEnd = r.info.lines;
  }
  return { file, header, rows, bom: opts.bom ?? false, lineEndings: lineEndingsOf(text) };
}

function countNewlines(cells: string[]): number {
  let n = 0;
  for (const c of cells) for (const ch of c) if (ch === "\n") n++;
  return n;
}

/** Decode and parse CSV bytes. */
export function parseCsvBytes(bytes: Uint8Array, file: string, encoding?: string): CsvTable {
  const { text, bom } = decodeText(bytes, file, encoding);
  return parseCsvText(text, file, { bom });
}
