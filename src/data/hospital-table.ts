import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { OrganAuditError } from "../core/errors.js";
import type { InputRef } from "../core/finding.js";
import type { HospitalUnit, ParamRange, VolumeClaim } from "../models/capacity.js";
import type { CsvTable } from "./csv.js";
import { columnIndex, parseNumberCell, readCsvFile } from "./user-csv.js";

/**
 * Adapters for hospital capacity tables:
 * - the shipped long-format table china_hospital_capacity.csv (one reported figure per row), and
 * - a user's wide table, one hospital unit per row (columns in USER_HOSPITAL_COLUMNS).
 */

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Where a shipped table lives: `dir` if given, else the package's own data/ folder. */
export function resolveDataFile(name: string, dir?: string): string {
  return join(dir ?? join(REPO_ROOT, "data"), name);
}

export const HOSPITAL_CAPACITY_FILE = "china_hospital_capacity.csv";

/** Default ranges where a hospital reports nothing. They are assumptions, labelled as such. */
export const DEFAULT_OCCUPANCY: ParamRange = {
  low: 0.6,
  high: 1.0,
  basis: "ASSUMPTION: 60-100% occupancy where the hospital reports none (reported values in the table run 90-131%)",
  assumed: true,
};
export function defaultStay(organ: string): ParamRange {
  const o = organ.toLowerCase();
  if (o === "kidney")
    return { low: 10, high: 30, basis: "ASSUMPTION: kidney stay 10-30 days (COHRC_ZZ7 assumes 20 days)", assumed: true };
  if (o === "liver")
    return { low: 14, high: 40, basis: "ASSUMPTION: liver stay 14-40 days (COHRC_SHGEN reports 25 days for re-transplants)", assumed: true };
  return { low: 10, high: 40, basis: "ASSUMPTION: stay 10-40 days for mixed transplant beds (kidney and liver ranges combined)", assumed: true };
}
export const DEDICATED_BEDS: ParamRange = { low: 1, high: 1, basis: "transplant-dedicated beds", assumed: false };

/** Column access for the shipped long table: all in one place so the curated package can repoint it. */
const LONG = {
  hospital: "hospital_en",
  hospitalZh: "hospital_zh",
  organ: "organ",
  measure: "measure",
  value: "value",
  period: "year_or_period",
  qualifier: "qualifier",
  source: "source_id",
  notes: "notes",
} as const;
/** optional column of the curated package: rows marked "excluded" are not used */
const LONG_STATUS = "status";

interface LongRow {
  line: number;
  hospital: string;
  hospitalZh: string;
  organ: string;
  measure: string;
  value: number | null;
  period: string;
  qualifier: string;
  source: string;
  notes: string;
}

function longRows(table: CsvTable): LongRow[] {
  // every column is required except the Chinese name
  const idx = Object.fromEntries(
    Object.entries(LONG).map(([k, c]) => [k, k === "hospitalZh" ? table.header.indexOf(c) : columnIndex(table, c)]),
  ) as Record<keyof typeof LONG, number>;
  const si = table.header.indexOf(LONG_STATUS);
  const rows = si < 0 ? table.rows : table.rows.filter((r) => (r.cells[si] ?? "").trim() !== "excluded");
  return rows.map((r) => {
    const cell = (k: keyof typeof LONG): string => (r.cells[idx[k]] ?? "").trim();
    const raw = cell("value");
    return {
      line: r.line,
      hospital: cell("hospital"),
      hospitalZh: idx.hospitalZh >= 0 ? cell("hospitalZh") : "",
      organ: cell("organ"),
      measure: cell("measure"),
      value: raw === "" ? null : parseNumberCell(raw, { file: table.file, line: r.line, field: LONG.value }),
      period: cell("period"),
      qualifier: cell("qualifier"),
      source: cell("source"),
      notes: cell("notes"),
    };
  });
}

/** stay rows: the curated package renames assumed stays to avg_length_of_stay_days_assumed */
const STAY_MEASURE = /^avg_length_of_stay_days(_assumed)?$/;

/** notes that mark a reported stay as not a transplant stay */
const NOT_TRANSPLANT_STAY = /not transplant-specific|not first transplants/i;

function withExcluded(r: ParamRange, excluded: LongRow[]): ParamRange {
  if (excluded.length === 0) return r;
  const why = excluded.map((x) => `${x.value} days (${x.source}, line ${x.line}: ${x.notes})`).join("; ");
  return { ...r, basis: `${r.basis}; not used, as the table marks it as not a transplant stay: ${why}` };
}

/** Latest year named in a period label, null when undated. */
function yearOf(period: string): number | null {
  const ys = [...period.matchAll(/(?:19|20)\d{2}/g)].map((m) => Number(m[0]));
  return ys.length ? Math.max(...ys) : null;
}

/** A claim is compared with a bed count when either is undated or their years are at most 2 apart. */
export function periodsClose(a: string, b: string): boolean {
  const ya = yearOf(a);
  const yb = yearOf(b);
  return ya === null || yb === null || Math.abs(ya - yb) <= 2;
}

const organMatches = (unitOrgan: string, rowOrgan: string): boolean =>
  unitOrgan === rowOrgan || unitOrgan === "all" || rowOrgan === "all";

/**
 * Hospital units from the shipped long table: one unit per `transplant_beds` row (planned beds
 * excluded; department, building and whole-hospital beds are not transplant beds and are left out).
 * Occupancy = range of the hospital's bed_utilisation_pct rows; stay = its avg_length_of_stay_days
 * rows; defaults (labelled assumptions) otherwise. Claimed annual volumes of the same hospital and
 * organ are attached for comparison.
 */
export function hospitalUnitsFromLongTable(table: CsvTable): HospitalUnit[] {
  const rows = longRows(table);
  const units: HospitalUnit[] = [];
  for (const r of rows) {
    if (r.measure !== "transplant_beds" || r.value === null || /planned/i.test(r.qualifier)) continue;
    const same = rows.filter((x) => x.hospital === r.hospital && organMatches(r.organ, x.organ) && x.value !== null);
    const util = same.filter((x) => x.measure === "bed_utilisation_pct");
    const stayAll = same.filter((x) => STAY_MEASURE.test(x.measure));
    // stays the table itself marks as not transplant stays (whole-department or re-transplant figures) are not used
    const stay = stayAll.filter((x) => !NOT_TRANSPLANT_STAY.test(x.notes));
    const excluded = stayAll.filter((x) => NOT_TRANSPLANT_STAY.test(x.notes));
    const range = (xs: LongRow[], scale: number, what: string): ParamRange => {
      const vals = xs.map((x) => x.value! * scale);
      return {
        low: Math.min(...vals),
        high: Math.max(...vals),
        basis: `${what} reported: ${xs.map((x) => `${x.value} (${x.qualifier}, ${x.period}, ${x.source}, line ${x.line})`).join("; ")}`,
        // a source's own assumption (e.g. COHRC's 20-day stay) is not a hospital figure
        assumed: xs.some((x) => /_assumed$/.test(x.measure) || /^assum/i.test(x.qualifier)),
      };
    };
    const surgeonRow = same.find((x) => x.measure === "surgeons");
    const claims: VolumeClaim[] = same
      .filter((x) => x.measure === "annual_transplants_claimed" && periodsClose(r.period, x.period))
      .map((x) => ({ value: x.value!, period: x.period, qualifier: x.qualifier, sourceId: x.source }));
    units.push({
      hospital: r.hospital,
      ...(r.hospitalZh ? { hospitalZh: r.hospitalZh } : {}),
      organ: r.organ,
      period: r.period,
      beds: r.value,
      occupancy: util.length > 0 ? range(util, 0.01, "bed utilisation %") : DEFAULT_OCCUPANCY,
      stayDays: withExcluded(stay.length > 0 ? range(stay, 1, "average stay (days)") : defaultStay(r.organ), excluded),
      transplantShare: DEDICATED_BEDS,
      ...(surgeonRow ? { surgeons: { value: surgeonRow.value!, basis: `surgeons ${surgeonRow.value} (${surgeonRow.qualifier}, ${surgeonRow.period}, ${surgeonRow.source}, line ${surgeonRow.line})` } } : {}),
      claims,
      sourceIds: [...new Set([r.source, ...util.map((x) => x.source), ...stay.map((x) => x.source)])],
      origin: `${table.file}:${r.line}`,
    });
  }
  return units;
}

/** Read the shipped hospital capacity table. */
export function readShippedHospitalUnits(dir?: string): { units: HospitalUnit[]; input: InputRef } {
  const file = resolveDataFile(HOSPITAL_CAPACITY_FILE, dir);
  const { table, sha256 } = readCsvFile(file);
  const units = hospitalUnitsFromLongTable(table);
  return {
    units,
    input: { name: `data/${HOSPITAL_CAPACITY_FILE}`, sha256, n: units.length, sourceIds: [...new Set(units.flatMap((u) => u.sourceIds))].sort() },
  };
}

/**
 * Columns of a user's hospital table (CSV, UTF-8, header row). One row = one hospital unit.
 * - hospital (required): name
 * - beds (required): transplant beds of the unit
 * - organ: kidney, liver, ... (default "all")
 * - period: when the bed count applies (free text)
 * - occupancy_pct, or occupancy_pct_low + occupancy_pct_high: bed occupancy in percent (default 60-100, an assumption)
 * - stay_days, or stay_days_low + stay_days_high: average length of stay (default by organ, an assumption)
 * - transplant_share, or transplant_share_low + transplant_share_high: fraction 0-1 of the beds used for transplants (default 1)
 * - turnover, or turnover_low + turnover_high: patients per bed per year; replaces occupancy and stay (give one or the other)
 * - surgeons: transplant surgeons of the unit (for a surgeon-based ceiling)
 * - claimed_annual: a claimed annual transplant volume for the unit, for comparison
 * - source_id: citation of the row
 */
export const USER_HOSPITAL_COLUMNS = [
  "hospital", "beds", "organ", "period", "occupancy_pct", "occupancy_pct_low", "occupancy_pct_high",
  "stay_days", "stay_days_low", "stay_days_high", "transplant_share", "transplant_share_low",
  "transplant_share_high", "turnover", "turnover_low", "turnover_high", "surgeons", "claimed_annual", "source_id",
] as const;

export function hospitalUnitsFromUserTable(table: CsvTable): HospitalUnit[] {
  const file = table.file;
  const opt = (c: string): number => table.header.indexOf(c);
  const hi = columnIndex(table, "hospital");
  const bi = columnIndex(table, "beds");
  const units: HospitalUnit[] = [];
  for (const row of table.rows) {
    const cell = (c: string): string => {
      const i = opt(c);
      return i < 0 ? "" : (row.cells[i] ?? "").trim();
    };
    const num = (c: string): number | null => {
      const raw = cell(c);
      return raw === "" ? null : parseNumberCell(raw, { file, line: row.line, field: c });
    };
    const hospital = (row.cells[hi] ?? "").trim();
    if (hospital === "") throw new OrganAuditError("D_REQUIRED", {}, { file, line: row.line, field: "hospital" });
    const bedsRaw = (row.cells[bi] ?? "").trim();
    if (bedsRaw === "") throw new OrganAuditError("D_REQUIRED", {}, { file, line: row.line, field: "beds" });
    const beds = parseNumberCell(bedsRaw, { file, line: row.line, field: "beds" });
    if (beds < 0) throw new OrganAuditError("D_CONSTRAINT", { constraint: "beds >= 0", value: bedsRaw }, { file, line: row.line, field: "beds" });
    const sourceId = cell("source_id");
    const range = (base: string, scale: number, fallback: ParamRange, positive: boolean): ParamRange => {
      const single = num(base);
      const lo = num(`${base}_low`);
      const hiV = num(`${base}_high`);
      let low: number;
      let high: number;
      let field = base;
      if (single !== null) {
        if (lo !== null || hiV !== null)
          throw new OrganAuditError("E_INVALID_VALUE", { detail: `give either ${base} or ${base}_low/${base}_high, not both` }, { file, line: row.line, field: base });
        low = high = single;
      } else if (lo !== null || hiV !== null) {
        if (lo === null || hiV === null)
          throw new OrganAuditError("E_INVALID_VALUE", { detail: `${base}_low and ${base}_high must be given together` }, { file, line: row.line, field: lo === null ? `${base}_low` : `${base}_high` });
        low = lo;
        high = hiV;
        field = `${base}_low`;
      } else return fallback;
      if (!(positive ? low > 0 : low >= 0) || high < low)
        throw new OrganAuditError("D_CONSTRAINT", { constraint: positive ? "0 < low <= high" : "0 <= low <= high", value: `${low}..${high}` }, { file, line: row.line, field });
      return { low: low * scale, high: high * scale, basis: sourceId ? `user table (${sourceId}), line ${row.line}` : `user table, line ${row.line}`, assumed: false };
    };
    const organ = cell("organ") || "all";
    const claimed = num("claimed_annual");
    const turnover = range("turnover", 1, { low: 0, high: 0, basis: "", assumed: true }, false);
    const hasTurnover = turnover.basis !== "";
    if (hasTurnover) {
      for (const c of ["occupancy_pct", "occupancy_pct_low", "stay_days", "stay_days_low"])
        if (cell(c) !== "")
          throw new OrganAuditError("E_INVALID_VALUE", { detail: "turnover replaces occupancy and stay: give turnover or occupancy/stay, not both" }, { file, line: row.line, field: c });
    }
    const surgeons = num("surgeons");
    units.push({
      hospital,
      organ,
      period: cell("period"),
      beds,
      occupancy: range("occupancy_pct", 0.01, DEFAULT_OCCUPANCY, false),
      stayDays: range("stay_days", 1, defaultStay(organ), true),
      transplantShare: range("transplant_share", 1, { ...DEDICATED_BEDS, basis: "default: all beds used for transplants" }, false),
      ...(hasTurnover ? { turnover } : {}),
      ...(surgeons !== null ? { surgeons: { value: surgeons, basis: `user table, line ${row.line}` } } : {}),
      claims: claimed === null ? [] : [{ value: claimed, period: cell("period"), qualifier: "as given", sourceId: sourceId || "user" }],
      sourceIds: sourceId ? [sourceId] : [],
      origin: `${file}:${row.line}`,
    });
  }
  if (units.length === 0) throw new OrganAuditError("E_EMPTY_INPUT", { what: "the hospital table has no rows" }, { file });
  return units;
}

export function readUserHospitalTable(file: string): { units: HospitalUnit[]; input: InputRef } {
  const { table, sha256 } = readCsvFile(file);
  const units = hospitalUnitsFromUserTable(table);
  const sourceIds = [...new Set(units.flatMap((u) => u.sourceIds))].sort();
  return { units, input: { name: file, sha256, n: units.length, ...(sourceIds.length ? { sourceIds } : {}) } };
}
