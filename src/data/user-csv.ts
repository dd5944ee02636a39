import { readFileSync, statSync } from "node:fs";
import { OrganAuditError } from "../core/errors.js";
import { sha256Hex } from "../core/hash.js";
import type { InputRef } from "../core/finding.js";
import { parseCsvBytes, type CsvTable } from "./csv.js";

/** A numeric (x, y) series read from a user's CSV, with the hash of the file it came from. */
export interface UserSeries {
  x: number[];
  y: number[];
  /** value of the key column per point, when a key column was requested (e.g. country) */
  keys?: string[];
  /** line number of each point in the file */
  lines: number[];
  input: InputRef;
}

/** Read a CSV file, with errors that name the file. */
export function readCsvFile(file: string, encoding?: string): { table: CsvTable; sha256: string } {
  let bytes: Buffer;
  try {
    if (!statSync(file).isFile()) throw new Error("not a regular file");
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new OrganAuditError("E_FILE_NOT_FOUND", { file }, { file });
    throw new OrganAuditError("E_FILE_READ", { detail: (e as Error).message }, { file });
  }
  return { table: parseCsvBytes(bytes, file, encoding), sha256: sha256Hex(bytes) };
}

export function columnIndex(table: CsvTable, column: string): number {
  const i = table.header.indexOf(column);
  if (i < 0) {
    throw new OrganAuditError(
      "E_CSV_MISSING_COLUMN",
      { column, available: table.header.join(", ") },
      { file: table.file, line: 1, field: column },
    );
  }
  return i;
}

/** Parse a numeric cell: accepts "1234", "1,234", " 12.5 "; anything else is an error naming the cell. */
export function parseNumberCell(raw: string, loc: { file: string; line: number; field: string }): number {
  const s = raw.trim().replace(/(\d),(?=\d{3}(\D|$))/g, "$1");
  if (s === "" || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) {
    throw new OrganAuditError("E_NOT_A_NUMBER", { value: raw }, loc);
  }
  return Number(s);
}

/**
 * Read (x, y) pairs from a CSV. Rows whose y cell is empty are skipped (missing values); non-numeric
 * cells and duplicate x values (within a key) are errors naming file, line and field. Points are
 * returned sorted by key then x.
 */
export function readSeriesCsv(
  file: string,
  opts: { x: string; y: string; key?: string; encoding?: string },
): UserSeries {
  const { table, sha256 } = readCsvFile(file, opts.encoding);
  const xi = columnIndex(table, opts.x);
  const yi = columnIndex(table, opts.y);
  const ki = opts.key !== undefined ? columnIndex(table, opts.key) : -1;
  const pts: { x: number; y: number; key: string; line: number }[] = [];
  const seen = new Map<string, number>();
  for (const row of table.rows) {
    const yRaw = row.cells[yi] ?? "";
    if (yRaw.trim() === "") continue;
    const x = parseNumberCell(row.cells[xi] ?? "", { file, line: row.line, field: opts.x });
    const y = parseNumberCell(yRaw, { file, line: row.line, field: opts.y });
    const key = ki >= 0 ? (row.cells[ki] ?? "").trim() : "";
    const k = `${key}\u0000${x}`;
    if (seen.has(k)) {
      throw new OrganAuditError("E_DUPLICATE_X", { x: String(x) }, { file, line: row.line, field: opts.x });
    }
    seen.set(k, row.line);
    pts.push({ x, y, key, line: row.line });
  }
  if (pts.length === 0) throw new OrganAuditError("E_EMPTY_INPUT", { what: `no numeric values in column "${opts.y}"` }, { file, field: opts.y });
  pts.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.x - b.x));
  const series: UserSeries = {
    x: pts.map((p) => p.x),
    y: pts.map((p) => p.y),
    lines: pts.map((p) => p.line),
    input: { name: file, sha256, n: pts.length },
  };
  if (ki >= 0) series.keys = pts.map((p) => p.key);
  return series;
}
