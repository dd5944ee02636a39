import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { OrganAuditError } from "../core/errors.js";
import type { InputRef } from "../core/finding.js";
import type { DataPackage, Resource } from "./descriptor.js";
import { formatIssue, validatePackageContent, type Cell, type TypedTable, type ValidationReport } from "./validate.js";

/** Largest resource file the loader reads into memory. */
export const MAX_RESOURCE_BYTES = 256 * 1024 * 1024;

/** The package shipped with Organ Audit: `data/` at the root of the installed package. */
export function defaultDataDir(): string {
  // this file is src/data/package.ts or dist/data/package.js; the package root is two levels up
  return resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "data");
}

/** Root of the installed package (where package.json, data/ and scenarios/ live). */
export function packageRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
}

export interface LoadedPackage {
  dir: string;
  descriptor: DataPackage;
  tables: Map<string, TypedTable>;
  report: ValidationReport;
}

/** Validate a package directory. Input errors (no datapackage.json) throw; content faults are in the report. */
export function validatePackageDir(dir: string): LoadedPackage | { dir: string; descriptor: null; report: ValidationReport; tables: Map<string, TypedTable> } {
  const descriptorPath = join(dir, "datapackage.json");
  if (!existsSync(descriptorPath)) throw new OrganAuditError("D_PACKAGE_NOT_FOUND", { dir }, { file: descriptorPath });
  const text = readFileSync(descriptorPath, "utf8");
  const { report, tables, descriptor } = validatePackageContent(
    text,
    (p) => {
      const full = join(dir, p);
      if (!existsSync(full) || !statSync(full).isFile()) return null;
      if (statSync(full).size > MAX_RESOURCE_BYTES) {
        throw new OrganAuditError("E_FILE_READ", { detail: `${p} is larger than ${MAX_RESOURCE_BYTES} bytes` }, { file: full });
      }
      return readFileSync(full);
    },
    "datapackage.json",
  );
  return descriptor ? { dir, descriptor, tables, report } : { dir, descriptor: null, tables, report };
}

const cache = new Map<string, LoadedPackage>();

/**
 * Load and validate a data package. Throws D_PACKAGE_INVALID (naming the first fault's file, line and
 * field) if the package has any error, so analyses never run on invalid data.
 */
export function loadPackage(dir: string = defaultDataDir()): LoadedPackage {
  const key = resolve(dir);
  const hit = cache.get(key);
  if (hit) return hit;
  const v = validatePackageDir(key);
  if (!v.report.valid || v.descriptor === null) {
    const first = v.report.issues.find((i) => i.severity === "error");
    throw new OrganAuditError(
      "D_PACKAGE_INVALID",
      { detail: `${v.report.errors} error(s); first: ${first ? formatIssue(first) : "unknown"}; run "organ-audit data validate ${dir}"` },
      first ? { file: join(dir, first.file), ...(first.line ? { line: first.line } : {}), ...(first.field ? { field: first.field } : {}) } : { file: dir },
    );
  }
  const loaded = v as LoadedPackage;
  cache.set(key, loaded);
  return loaded;
}

export function getTable(pkg: LoadedPackage, name: string): TypedTable {
  const t = pkg.tables.get(name);
  if (!t) {
    throw new OrganAuditError("D_UNKNOWN_TABLE", { table: name, available: [...pkg.tables.keys()].join(", ") });
  }
  return t;
}

/** Selection of one numeric series from a table of the package. */
export interface SeriesSelector {
  table: string;
  /** long tables: value of the measure column; wide tables: the column that holds the values */
  measure: string;
  geography?: string;
  body?: string;
  /** wide tables keyed by e.g. country: the key value */
  key?: string;
  from?: number;
  to?: number;
  /** which rows: "default" (the default), or "any" to include alternatives (never excluded rows) */
  status?: "default" | "any";
  /** extra equality filters on other columns */
  where?: Record<string, string>;
}

export interface SelectedPoint {
  x: number;
  y: number;
  rowId: string | null;
  sourceId: string | null;
  line: number;
  status: string | null;
}

export interface SelectedSeries {
  name: string;
  points: SelectedPoint[];
  x: number[];
  y: number[];
  input: InputRef;
}

function hint(res: Resource): NonNullable<Resource["x-series"]> {
  const h = res["x-series"];
  if (!h) throw new OrganAuditError("E_USAGE", { detail: `table "${res.name}" declares no series (x-series)` });
  return h;
}

function xNumber(v: Cell): number | null {
  if (typeof v === "number") return v;
  if (typeof v === "string" && /^\d{4}/.test(v)) {
    // dates: decimal year (day precision) so that counters can be ordered and fitted
    const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(v)!;
    const y = Number(m[1]);
    if (!m[2]) return y;
    const start = Date.UTC(y, 0, 1);
    const t = Date.UTC(y, Number(m[2]) - 1, m[3] ? Number(m[3]) : 1);
    const len = Date.UTC(y + 1, 0, 1) - start;
    return y + (t - start) / len;
  }
  return null;
}

/**
 * Select a series from a package table: filter by measure, geography, body, key and x range; by
 * default only rows with status "default" (the figure analyses use; alternatives stay in the table).
 * Duplicate x values among the selected rows are an error naming both lines.
 */
export function selectSeries(pkg: LoadedPackage, sel: SeriesSelector): SelectedSeries {
  const t = getTable(pkg, sel.table);
  const h = hint(t.resource);
  const fieldNames = new Set(t.header);
  const wide = h.measures !== undefined && h.measure === undefined;
  if (wide && !(h.measures ?? []).includes(sel.measure)) {
    throw new OrganAuditError("E_USAGE", { detail: `measure "${sel.measure}" is not a series of ${sel.table} (measures: ${(h.measures ?? []).join(", ")})` });
  }
  const yField = wide ? sel.measure : (h.y ?? "value");
  const filters: [string, string][] = [];
  if (!wide) filters.push([h.measure ?? "measure", sel.measure]);
  if (sel.geography !== undefined) filters.push([h.geography ?? "geography", sel.geography]);
  if (sel.body !== undefined) filters.push([h.body ?? "reporting_body", sel.body]);
  if (sel.key !== undefined) filters.push([h.key ?? "key", sel.key]);
  for (const [k, v] of Object.entries(sel.where ?? {})) filters.push([k, v]);
  for (const [f] of filters) {
    if (!fieldNames.has(f)) throw new OrganAuditError("E_USAGE", { detail: `table ${sel.table} has no column "${f}"` });
  }
  const status = sel.status ?? "default";
  const points: SelectedPoint[] = [];
  for (const r of t.rows) {
    const v = r.values;
    if (fieldNames.has("status")) {
      if (v.status === "excluded") continue;
      if (status === "default" && v.status !== "default") continue;
    }
    if (!filters.every(([f, want]) => String(v[f] ?? "") === want)) continue;
    const x = xNumber(v[h.x] ?? null);
    const y = v[yField];
    if (x === null || typeof y !== "number") continue;
    if (sel.from !== undefined && x < sel.from) continue;
    if (sel.to !== undefined && x > sel.to) continue;
    points.push({
      x,
      y,
      rowId: typeof v.row_id === "string" ? v.row_id : null,
      sourceId: typeof v.source_id === "string" ? v.source_id : null,
      line: r.line,
      status: typeof v.status === "string" ? v.status : null,
    });
  }
  points.sort((a, b) => a.x - b.x || a.line - b.line);
  // default figures form a series (one value per x); with alternatives included, repeats are expected
  for (let i = 1; i < points.length && status === "default"; i++) {
    if (points[i]!.x === points[i - 1]!.x) {
      throw new OrganAuditError(
        "E_DUPLICATE_X",
        { x: `${points[i]!.x} (also on line ${points[i - 1]!.line}; narrow the selection with --body or --where)` },
        { file: join(pkg.dir, t.resource.path), line: points[i]!.line, field: h.x },
      );
    }
  }
  const desc = [sel.measure, sel.geography, sel.body, sel.key].filter((s) => s !== undefined).join(", ");
  const name = `${sel.table}: ${desc}`;
  const sourceIds = [...new Set(points.map((p) => p.sourceId).filter((s): s is string => s !== null))].sort();
  return {
    name,
    points,
    x: points.map((p) => p.x),
    y: points.map((p) => p.y),
    input: {
      name: `data/${t.resource.path}#${canonicalSelector(sel)}`,
      sha256: t.sha256,
      n: points.length,
      sourceIds,
    },
  };
}

function canonicalSelector(sel: SeriesSelector): string {
  const parts: string[] = [`measure=${sel.measure}`];
  if (sel.geography !== undefined) parts.push(`geography=${sel.geography}`);
  if (sel.body !== undefined) parts.push(`body=${sel.body}`);
  if (sel.key !== undefined) parts.push(`key=${sel.key}`);
  if (sel.from !== undefined) parts.push(`from=${sel.from}`);
  if (sel.to !== undefined) parts.push(`to=${sel.to}`);
  if (sel.status !== undefined) parts.push(`status=${sel.status}`);
  for (const [k, v] of Object.entries(sel.where ?? {}).sort()) parts.push(`${k}=${v}`);
  return parts.join("&");
}

/** Every distinct value of a wide table's key column with at least one numeric value of the measure. */
export function seriesKeys(pkg: LoadedPackage, table: string, measure: string): string[] {
  const t = getTable(pkg, table);
  const h = hint(t.resource);
  const keyField = h.key ?? "key";
  const keys = new Set<string>();
  for (const r of t.rows) {
    if (r.values.status === "excluded") continue;
    if (typeof r.values[measure] === "number" && typeof r.values[keyField] === "string") keys.add(r.values[keyField] as string);
  }
  return [...keys].sort();
}
