import { parse } from "csv-parse/sync";
import { OrganAuditError } from "../core/errors.js";
import { message, type MessageArgs, type MessageCode } from "../core/messages.js";
import { sha256Hex } from "../core/hash.js";
import { decodeText, detectEncoding, parseCsvText, type CsvTable } from "./csv.js";
import { asList, DataPackage, type Field, type Resource } from "./descriptor.js";

/** One fault found in a data package, located by file, line (1-based) and field. */
export interface ValidationIssue {
  severity: "error" | "warning";
  code: MessageCode;
  message: string;
  file: string;
  line?: number;
  field?: string;
}

export interface ResourceSummary {
  name: string;
  path: string;
  rows: number;
  sha256: string;
}

export interface ValidationReport {
  valid: boolean;
  errors: number;
  warnings: number;
  resources: ResourceSummary[];
  issues: ValidationIssue[];
}

/** A typed cell value after casting by the Table Schema. */
export type Cell = string | number | boolean | null;

export interface TypedTable {
  resource: Resource;
  header: string[];
  rows: { line: number; values: Record<string, Cell> }[];
  sha256: string;
}

const MAX_ISSUES_PER_RESOURCE = 200;

class IssueSink {
  readonly issues: ValidationIssue[] = [];
  private perFile = new Map<string, number>();
  add<C extends MessageCode>(
    severity: "error" | "warning",
    code: C,
    args: MessageArgs<C>,
    loc: { file: string; line?: number; field?: string },
  ): void {
    const n = (this.perFile.get(loc.file) ?? 0) + 1;
    this.perFile.set(loc.file, n);
    if (n > MAX_ISSUES_PER_RESOURCE) return;
    const issue: ValidationIssue = { severity, code, message: message(code, args), file: loc.file };
    if (loc.line !== undefined) issue.line = loc.line;
    if (loc.field !== undefined) issue.field = loc.field;
    this.issues.push(issue);
  }
}

/** Cast one raw cell by its field type; returns the typed value or an error description. */
export function castCell(raw: string, field: Field, missing: string[]): { ok: true; value: Cell } | { ok: false } {
  if (missing.includes(raw)) return { ok: true, value: null };
  switch (field.type) {
    case "string":
    case "any":
      return { ok: true, value: raw };
    case "integer":
      return /^[-+]?\d+$/.test(raw) && Number.isSafeInteger(Number(raw)) ? { ok: true, value: Number(raw) } : { ok: false };
    case "number": {
      if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw)) return { ok: false };
      return { ok: true, value: Number(raw) };
    }
    case "boolean":
      if (["true", "True", "TRUE", "1"].includes(raw)) return { ok: true, value: true };
      if (["false", "False", "FALSE", "0"].includes(raw)) return { ok: true, value: false };
      return { ok: false };
    case "year":
      return /^\d{4}$/.test(raw) ? { ok: true, value: Number(raw) } : { ok: false };
    case "date":
      return isIsoDate(raw) ? { ok: true, value: raw } : { ok: false };
    case "datetime":
      return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/.test(raw) &&
        isIsoDate(raw.slice(0, 10))
        ? { ok: true, value: raw }
        : { ok: false };
  }
}

function isIsoDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === mo - 1 && dt.getUTCDate() === d;
}

function compareCells(a: Cell, b: Cell): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function checkConstraints(
  value: Cell,
  raw: string,
  field: Field,
  sink: IssueSink,
  loc: { file: string; line: number; field: string },
): void {
  const c = field.constraints;
  if (!c || value === null) return;
  const fail = (constraint: string) => sink.add("error", "D_CONSTRAINT", { constraint, value: raw }, loc);
  if (c.minimum !== undefined && compareCells(value, c.minimum) < 0) fail(`minimum ${c.minimum}`);
  if (c.maximum !== undefined && compareCells(value, c.maximum) > 0) fail(`maximum ${c.maximum}`);
  if (typeof value === "string") {
    if (c.minLength !== undefined && [...value].length < c.minLength) fail(`minLength ${c.minLength}`);
    if (c.maxLength !== undefined && [...value].length > c.maxLength) fail(`maxLength ${c.maxLength}`);
    if (c.pattern !== undefined && !new RegExp(`^(?:${c.pattern})$`, "u").test(value)) fail(`pattern ${c.pattern}`);
  }
  if (c.enum !== undefined && !c.enum.some((e) => e === value || String(e) === raw)) {
    fail(`enum [${c.enum.join(", ")}]`);
  }
}

/** Find the line and field of the first byte sequence that is not valid UTF-8. */
function locateInvalidUtf8(bytes: Uint8Array, header: string[]): { line: number; field?: string } {
  const dec = new TextDecoder("utf-8", { fatal: true });
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      const slice = bytes.subarray(start, i);
      try {
        dec.decode(slice);
      } catch {
        const text = new TextDecoder("utf-8").decode(slice);
        let field: string | undefined;
        try {
          const cells = (parse(text, { relax_quotes: true, relax_column_count: true }) as string[][])[0] ?? [];
          const idx = cells.findIndex((c) => c.includes("\uFFFD"));
          if (idx >= 0) field = header[idx] ?? `column ${idx + 1}`;
        } catch {
          /* the line alone may not parse; report the line only */
        }
        return field !== undefined ? { line, field } : { line };
      }
      line++;
      start = i + 1;
    }
  }
  return { line };
}

/**
 * Validate one resource's bytes against its Table Schema. Returns the typed table (possibly with
 * rows that failed, which are kept out of `rows`) and records issues in the sink.
 */
function validateResource(res: Resource, bytes: Uint8Array, sink: IssueSink): TypedTable | null {
  const file = res.path;
  const fields = res.schema.fields;
  const names = fields.map((f) => f.name);
  const sha256 = sha256Hex(bytes);
  let decoded: { text: string; bom: boolean };
  try {
    decoded = decodeText(bytes, file);
  } catch {
    const where = locateInvalidUtf8(bytes, names);
    sink.add("error", "E_ENCODING", { detected: detectEncoding(bytes) }, { file, ...where });
    return null;
  }
  if (decoded.bom) sink.add("error", "D_BOM", {}, { file, line: 1 });
  let table: CsvTable;
  try {
    table = parseCsvText(decoded.text, file, { bom: decoded.bom });
  } catch (e) {
    const err = e as OrganAuditError;
    const detail = (err.details as string | undefined) ?? err.message;
    sink.add("error", "E_CSV_PARSE", { detail }, { file, ...(err.location?.line ? { line: err.location.line } : {}) });
    return null;
  }
  if (table.lineEndings !== "LF" && table.lineEndings !== "none") {
    sink.add("error", "D_LINE_ENDINGS", { found: table.lineEndings }, { file, line: firstNonLfLine(decoded.text) });
  }
  if (table.header.length !== names.length || table.header.some((h, i) => h !== names[i])) {
    sink.add(
      "error",
      "D_HEADER_MISMATCH",
      { expected: names.join(","), found: table.header.join(",") },
      { file, line: 1, field: firstHeaderDifference(names, table.header) },
    );
    return null;
  }
  const missing = res.schema.missingValues ?? [""];
  const out: TypedTable = { resource: res, header: table.header, rows: [], sha256 };
  const uniqueSeen = new Map<string, Map<string, number>>();
  for (const row of table.rows) {
    if (row.cells.length !== names.length) {
      sink.add("error", "D_ROW_LENGTH", { expected: names.length, found: row.cells.length }, { file, line: row.line });
      continue;
    }
    const values: Record<string, Cell> = {};
    fields.forEach((f, i) => {
      const raw = row.cells[i] ?? "";
      const loc = { file, line: row.line, field: f.name };
      const cast = castCell(raw, f, missing);
      if (!cast.ok) {
        sink.add("error", "D_TYPE", { type: f.type + (f.type === "date" ? " (YYYY-MM-DD)" : ""), value: raw }, loc);
        values[f.name] = null;
        return;
      }
      values[f.name] = cast.value;
      if (cast.value === null && f.constraints?.required) {
        sink.add("error", "D_REQUIRED", {}, loc);
      }
      checkConstraints(cast.value, raw, f, sink, loc);
      if (f.constraints?.unique && cast.value !== null) {
        const seen = uniqueSeen.get(f.name) ?? new Map<string, number>();
        uniqueSeen.set(f.name, seen);
        const prev = seen.get(raw);
        if (prev !== undefined) sink.add("error", "D_DUPLICATE_KEY", { key: `${f.name}=${raw}`, firstLine: prev }, loc);
        else seen.set(raw, row.line);
      }
    });
    // rows with cell errors are kept (with null cells) so that cross-table checks still see them
    out.rows.push({ line: row.line, values });
  }
  // primary key
  const pk = asList(res.schema.primaryKey);
  if (pk.length > 0) {
    const seen = new Map<string, number>();
    for (const r of out.rows) {
      const key = pk.map((k) => String(r.values[k])).join("|");
      const prev = seen.get(key);
      if (prev !== undefined) {
        sink.add("error", "D_DUPLICATE_KEY", { key: `${pk.join("+")}=${key}`, firstLine: prev }, { file, line: r.line, field: pk[0]! });
      } else seen.set(key, r.line);
    }
  }
  return out;
}

function firstNonLfLine(text: string): number {
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "\r") return line;
    if (text[i] === "\n") line++;
  }
  return line;
}

function firstHeaderDifference(expected: string[], found: string[]): string {
  const n = Math.max(expected.length, found.length);
  for (let i = 0; i < n; i++) if (expected[i] !== found[i]) return expected[i] ?? found[i] ?? "";
  return "";
}

/** Cross-table checks: foreign keys, monotonic counters, one default row per series key. */
function crossChecks(tables: Map<string, TypedTable>, sink: IssueSink): void {
  for (const t of tables.values()) {
    const res = t.resource;
    const file = res.path;
    for (const fk of res.schema.foreignKeys ?? []) {
      const local = asList(fk.fields);
      const remote = asList(fk.reference.fields);
      const target = fk.reference.resource === "" ? t : tables.get(fk.reference.resource);
      if (!target) {
        sink.add("error", "D_PACKAGE_INVALID", { detail: `foreign key of ${res.name} references unknown resource "${fk.reference.resource}"` }, { file });
        continue;
      }
      const keys = new Set(target.rows.map((r) => remote.map((k) => String(r.values[k])).join("|")));
      for (const r of t.rows) {
        if (local.some((k) => r.values[k] === null)) continue;
        const key = local.map((k) => String(r.values[k])).join("|");
        if (!keys.has(key)) {
          sink.add("error", "D_FOREIGN_KEY", { value: key, reference: `${fk.reference.resource}.${remote.join("+")}` }, { file, line: r.line, field: local[0]! });
        }
      }
    }
    const mono = res["x-monotonic"];
    if (mono) {
      const pkField = asList(res.schema.primaryKey)[0];
      const acknowledged = new Set(mono.acknowledged ?? []);
      const groups = new Map<string, { line: number; order: Cell; value: number; id: string }[]>();
      for (const r of t.rows) {
        if (r.values.status === "excluded") continue;
        const v = r.values[mono.value];
        if (typeof v !== "number") continue;
        const key = mono.key.map((k) => String(r.values[k])).join(" / ");
        const list = groups.get(key) ?? [];
        list.push({ line: r.line, order: r.values[mono.order] ?? null, value: v, id: pkField ? String(r.values[pkField]) : "" });
        groups.set(key, list);
      }
      for (const [key, list] of groups) {
        list.sort((a, b) => compareCells(a.order, b.order) || a.line - b.line);
        // Compare each reading with the largest reading of strictly earlier dates: two readings of the
        // same date are a conflict between statements, not a decrease (and the default-key check covers it).
        let maxBefore: { value: number; line: number } | null = null;
        let i = 0;
        while (i < list.length) {
          let j = i;
          while (j < list.length && compareCells(list[j]!.order, list[i]!.order) === 0) j++;
          let maxHere: { value: number; line: number } | null = null;
          for (let k = i; k < j; k++) {
            const p = list[k]!;
            if (maxBefore && p.value < maxBefore.value) {
              sink.add(
                acknowledged.has(p.id) ? "warning" : "error",
                "D_DECREASING_COUNTER",
                { series: key, previous: String(maxBefore.value), value: String(p.value), previousLine: maxBefore.line },
                { file, line: p.line, field: mono.value },
              );
            }
            if (!maxHere || p.value > maxHere.value) maxHere = { value: p.value, line: p.line };
          }
          if (maxHere && (!maxBefore || maxHere.value >= maxBefore.value)) maxBefore = maxHere;
          i = j;
        }
      }
    }
    const dkey = res["x-default-key"];
    if (dkey) {
      const seen = new Map<string, number>();
      for (const r of t.rows) {
        if (r.values.status !== "default") continue;
        const key = dkey.map((k) => String(r.values[k])).join(" / ");
        const prev = seen.get(key);
        if (prev !== undefined) {
          sink.add("error", "D_DUPLICATE_KEY", { key: `default row for ${key}`, firstLine: prev }, { file, line: r.line, field: "status" });
        } else seen.set(key, r.line);
      }
    }
  }
}

/**
 * Validate a data package given its descriptor text and a function that returns a resource's bytes
 * (or null when the file is missing). Pure with respect to the file system: the caller reads files.
 */
export function validatePackageContent(
  descriptorText: string,
  readResource: (path: string) => Uint8Array | null,
  descriptorFile = "datapackage.json",
): { report: ValidationReport; tables: Map<string, TypedTable>; descriptor: DataPackage | null } {
  const sink = new IssueSink();
  const tables = new Map<string, TypedTable>();
  let json: unknown;
  try {
    json = JSON.parse(descriptorText);
  } catch (e) {
    sink.add("error", "E_INVALID_JSON", { detail: (e as Error).message }, { file: descriptorFile });
    return { report: summarise(sink, []), tables, descriptor: null };
  }
  const parsed = DataPackage.safeParse(json);
  if (!parsed.success) {
    for (const iss of parsed.error.issues) {
      sink.add("error", "D_PACKAGE_INVALID", { detail: `${iss.path.join(".")}: ${iss.message}` }, { file: descriptorFile, field: iss.path.join(".") });
    }
    return { report: summarise(sink, []), tables, descriptor: null };
  }
  const pkg = parsed.data;
  const summaries: ResourceSummary[] = [];
  const names = new Set<string>();
  for (const res of pkg.resources) {
    if (names.has(res.name)) sink.add("error", "D_PACKAGE_INVALID", { detail: `duplicate resource name "${res.name}"` }, { file: descriptorFile });
    names.add(res.name);
    if (res.path.includes("..") || res.path.startsWith("/")) {
      sink.add("error", "D_PACKAGE_INVALID", { detail: `resource path must be relative and inside the package: ${res.path}` }, { file: descriptorFile, field: res.name });
      continue;
    }
    const bytes = readResource(res.path);
    if (bytes === null) {
      sink.add("error", "E_FILE_NOT_FOUND", { file: res.path }, { file: res.path });
      continue;
    }
    const t = validateResource(res, bytes, sink);
    if (t) {
      tables.set(res.name, t);
      summaries.push({ name: res.name, path: res.path, rows: t.rows.length, sha256: t.sha256 });
    }
  }
  crossChecks(tables, sink);
  return { report: summarise(sink, summaries), tables, descriptor: pkg };
}

function summarise(sink: IssueSink, resources: ResourceSummary[]): ValidationReport {
  const errors = sink.issues.filter((i) => i.severity === "error").length;
  const warnings = sink.issues.length - errors;
  const issues = [...sink.issues].sort(
    (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0)),
  );
  return { valid: errors === 0, errors, warnings, resources, issues };
}

export function formatIssue(i: ValidationIssue): string {
  const where = [i.line !== undefined ? `${i.file}:${i.line}` : i.file, i.field !== undefined ? `field "${i.field}"` : undefined]
    .filter(Boolean)
    .join(", ");
  return `${i.severity}: ${where}: ${i.message} [${i.code}]`;
}
