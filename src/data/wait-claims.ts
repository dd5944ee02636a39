import { OrganAuditError } from "../core/errors.js";
import type { InputRef } from "../core/finding.js";
import { ABO_GROUPS, type AboFrequencies, type AboGroup, type WaitClaim } from "../models/waittime.js";
import type { CsvTable } from "./csv.js";
import { resolveDataFile } from "./hospital-table.js";
import { columnIndex, parseNumberCell, readCsvFile } from "./user-csv.js";

/**
 * Adapters for the wait-time model: wait claims (wait_times.csv), ABO frequencies
 * (abo_blood_type_frequencies.csv), China's official deceased donors (china_deceased_donors.csv) and
 * comparator countries' donors and transplants (international_deceased_donors.csv). Each reads the
 * shared working copy or the curated package (same column names; the curated package adds `status`,
 * whose "excluded" rows are skipped, and normalised wait_days columns). Column names live in one
 * constant per table.
 */

const WAIT = {
  country: "country",
  institution: "institution",
  organ: "organ",
  period: "period",
  metric: "metric",
  value: "value",
  low: "value_low",
  high: "value_high",
  unit: "unit",
  source: "source_id",
} as const;
/** normalised waits in days (curated package only); used when present */
const WAIT_DAYS = { value: "wait_days", low: "wait_days_low", high: "wait_days_high" } as const;
const ABO = { country: "country", group: "population_group", phenotype: "phenotype", source: "source_id" } as const;
/** the percent column: "percent" in the shared copy, "value" in the curated package */
const ABO_VALUE = ["percent", "value"] as const;
const DONORS = { year: "year", start: "period_start", end: "period_end", geography: "geography", measure: "measure", value: "value", source: "source_id" } as const;
const INTL = { country: "country", year: "year", donors: "deceased_donors_actual", kidney: "dd_kidney_tx", liver: "dd_liver_tx", heart: "heart_tx", lung: "dd_lung_tx", source: "source_id" } as const;
const STATUS = "status";

export const WAIT_FILE = "wait_times.csv";
export const ABO_FILE = "abo_blood_type_frequencies.csv";
export const DONORS_FILE = "china_deceased_donors.csv";
export const INTL_FILE = "international_deceased_donors.csv";

function indices<T extends Record<string, string>>(table: CsvTable, cols: T): Record<keyof T, number> {
  return Object.fromEntries(Object.entries(cols).map(([k, c]) => [k, columnIndex(table, c)])) as Record<keyof T, number>;
}
function activeRows(table: CsvTable): CsvTable["rows"] {
  const si = table.header.indexOf(STATUS);
  return si < 0 ? table.rows : table.rows.filter((r) => (r.cells[si] ?? "").trim() !== "excluded");
}
function cellOf(r: CsvTable["rows"][number], i: number): string {
  return i < 0 ? "" : (r.cells[i] ?? "").trim();
}
function numOrNull(table: CsvTable, r: CsvTable["rows"][number], i: number, field: string): number | null {
  const raw = cellOf(r, i);
  return raw === "" ? null : parseNumberCell(raw, { file: table.file, line: r.line, field });
}
function inputOf(name: string, sha256: string, n: number, sourceIds: Iterable<string>): InputRef {
  const ids = [...new Set(sourceIds)].filter((s) => s !== "").sort();
  return { name: `data/${name}`, sha256, n, ...(ids.length ? { sourceIds: ids } : {}) };
}

/** Days per unit of a wait; null when the unit is not a duration (percent, ratio, patients). */
export function daysPerUnit(unit: string): number | null {
  const u = unit.trim().toLowerCase();
  if (u.startsWith("day")) return 1;
  if (u.startsWith("week")) return 7;
  if (u.startsWith("month")) return 30.44;
  if (u.startsWith("year")) return 365.25;
  return null;
}

/** Organ named in a claim ("unspecified (liver per ...)" -> liver, "kidney (adults)" -> kidney). */
export function organOfClaim(s: string): string {
  const m = /(kidney|liver|heart|lung|pancreas)/i.exec(s);
  return m ? m[1]!.toLowerCase() : s.trim().toLowerCase();
}

/** Wait claims with a duration: one per row that gives a value or a low/high range in a time unit. */
export function waitClaimsFromTable(table: CsvTable): WaitClaim[] {
  const i = indices(table, WAIT);
  const wd = { value: table.header.indexOf(WAIT_DAYS.value), low: table.header.indexOf(WAIT_DAYS.low), high: table.header.indexOf(WAIT_DAYS.high) };
  const claims: WaitClaim[] = [];
  for (const r of activeRows(table)) {
    const unit = cellOf(r, i.unit);
    let k = daysPerUnit(unit);
    if (k === null) continue;
    let v = numOrNull(table, r, i.value, WAIT.value);
    let lo = numOrNull(table, r, i.low, WAIT.low);
    let hi = numOrNull(table, r, i.high, WAIT.high);
    if (wd.value >= 0 && wd.low >= 0 && wd.high >= 0) {
      // the curated package's own conversion to days
      v = numOrNull(table, r, wd.value, WAIT_DAYS.value);
      lo = numOrNull(table, r, wd.low, WAIT_DAYS.low);
      hi = numOrNull(table, r, wd.high, WAIT_DAYS.high);
      k = 1;
    }
    let low: number;
    let high: number;
    if (v !== null) low = high = v;
    else if (lo !== null && hi !== null) {
      low = lo;
      high = hi;
    } else continue;
    if (!(low > 0) || high < low)
      throw new OrganAuditError("D_CONSTRAINT", { constraint: "0 < low <= high", value: `${low}..${high}` }, { file: table.file, line: r.line, field: WAIT.value });
    const metric = cellOf(r, i.metric);
    const stated = /median|average|mean/i.test(metric);
    claims.push({
      line: r.line,
      country: cellOf(r, i.country),
      institution: cellOf(r, i.institution),
      organ: organOfClaim(cellOf(r, i.organ)),
      period: cellOf(r, i.period),
      metric,
      waitDaysLow: low * k,
      waitDaysHigh: high * k,
      statistic: /average|mean/i.test(metric) && !/median/i.test(metric) ? "mean" : "median",
      statisticStated: stated,
      sourceId: cellOf(r, i.source),
    });
  }
  return claims;
}

/**
 * ABO phenotype frequencies per country: the first population group (in file order) that gives all
 * four groups (Rh-split phenotypes such as "O+" and "O-" are summed).
 */
export function aboByCountryFromTable(table: CsvTable): Map<string, { frequencies: AboFrequencies; basis: string }> {
  const i = indices(table, ABO);
  const vi = ABO_VALUE.map((c) => table.header.indexOf(c)).find((x) => x >= 0);
  if (vi === undefined) throw new OrganAuditError("E_CSV_MISSING_COLUMN", { column: ABO_VALUE.join(" or "), available: table.header.join(", ") }, { file: table.file, line: 1 });
  const groups = new Map<string, { country: string; freq: Partial<Record<AboGroup, number>>; sources: Set<string>; label: string }>();
  for (const r of activeRows(table)) {
    const ph = cellOf(r, i.phenotype).replace(/[+-]$/, "").toUpperCase();
    if (!(ABO_GROUPS as readonly string[]).includes(ph)) continue;
    const v = numOrNull(table, r, vi, table.header[vi]!);
    if (v === null) continue;
    const country = cellOf(r, i.country);
    const key = `${country}\u0000${cellOf(r, i.group)}`;
    const g = groups.get(key) ?? { country, freq: {}, sources: new Set<string>(), label: cellOf(r, i.group) };
    g.freq[ph as AboGroup] = (g.freq[ph as AboGroup] ?? 0) + v;
    g.sources.add(cellOf(r, i.source));
    groups.set(key, g);
  }
  const out = new Map<string, { frequencies: AboFrequencies; basis: string }>();
  for (const g of groups.values()) {
    if (out.has(g.country) || !ABO_GROUPS.every((x) => g.freq[x] !== undefined)) continue;
    out.set(g.country, {
      frequencies: { A: g.freq.A!, B: g.freq.B!, O: g.freq.O!, AB: g.freq.AB! },
      basis: `${g.country}, ${g.label} (${[...g.sources].join(", ")})`,
    });
  }
  return out;
}

export type DonorsByYear = Map<number, { value: number; sourceIds: string[] }>;

/** China's national full-year deceased-donor counts; where sources differ, the largest is kept (listing all sources). */
export function chinaDonorsFromTable(table: CsvTable): DonorsByYear {
  const i = indices(table, DONORS);
  const out: DonorsByYear = new Map();
  for (const r of activeRows(table)) {
    if (cellOf(r, i.geography) !== "China" || cellOf(r, i.measure) !== "deceased_donors") continue;
    const y = Number(cellOf(r, i.year));
    if (cellOf(r, i.start) !== `${y}-01-01` || cellOf(r, i.end) !== `${y}-12-31`) continue;
    const v = numOrNull(table, r, i.value, DONORS.value);
    if (v === null) continue;
    const cur = out.get(y);
    const src = cellOf(r, i.source);
    if (!cur) out.set(y, { value: v, sourceIds: [src] });
    else if (v > cur.value) out.set(y, { value: v, sourceIds: [src, ...cur.sourceIds.map((s) => `${s} gives less`)] });
    else cur.sourceIds.push(v === cur.value ? src : `${src} gives ${v}`);
  }
  return out;
}

export interface CountryYear {
  donors: number;
  /** deceased-donor transplants per deceased donor, by organ */
  perDonor: Partial<Record<string, number>>;
  sourceId: string;
}

/** Comparator countries: deceased donors and deceased-donor transplants per donor, by country and year. */
export function internationalFromTable(table: CsvTable): Map<string, Map<number, CountryYear>> {
  const i = indices(table, INTL);
  const out = new Map<string, Map<number, CountryYear>>();
  for (const r of activeRows(table)) {
    const donors = numOrNull(table, r, i.donors, INTL.donors);
    if (donors === null || donors <= 0) continue;
    const country = cellOf(r, i.country);
    const year = Number(cellOf(r, i.year));
    const perDonor: Partial<Record<string, number>> = {};
    for (const organ of ["kidney", "liver", "heart", "lung"] as const) {
      const v = numOrNull(table, r, i[organ], INTL[organ]);
      if (v !== null) perDonor[organ] = v / donors;
    }
    const m = out.get(country) ?? new Map<number, CountryYear>();
    const cur = m.get(year);
    if (!cur || donors > cur.donors) m.set(year, { donors, perDonor, sourceId: cellOf(r, i.source) });
    out.set(country, m);
  }
  return out;
}

/**
 * Usable organs per deceased donor in China: DERIVED from China's 2016 GODT submission
 * (china_transplant_volume_claims.csv: 3,264 deceased-donor liver and 7,224 deceased-donor kidney
 * transplants, 368 heart, 204 lung; china_deceased_donors.csv: 4,080 donors; source GODT2018).
 */
export const CHINA_ORGANS_PER_DONOR: Record<string, { value: number; basis: string }> = {
  liver: { value: 3264 / 4080, basis: "DERIVED: 3,264 deceased-donor liver transplants / 4,080 deceased donors, China 2016 (GODT2018)" },
  kidney: { value: 7224 / 4080, basis: "DERIVED: 7,224 deceased-donor kidney transplants / 4,080 deceased donors, China 2016 (GODT2018)" },
  heart: { value: 368 / 4080, basis: "DERIVED: 368 heart transplants / 4,080 deceased donors, China 2016 (GODT2018)" },
  lung: { value: 204 / 4080, basis: "DERIVED: 204 deceased-donor lung transplants / 4,080 deceased donors, China 2016 (GODT2018)" },
};

/** wait_times.csv country names that differ from international_deceased_donors.csv */
const COUNTRY_ALIASES: Record<string, string> = { "United States": "United States of America" };

export interface WaitData {
  claims: WaitClaim[];
  abo: Map<string, { frequencies: AboFrequencies; basis: string }>;
  chinaDonors: DonorsByYear;
  international: Map<string, Map<number, CountryYear>>;
  inputs: { claims: InputRef; abo: InputRef; donors: InputRef; international: InputRef };
}

export function readWaitData(dir?: string): WaitData {
  const w = readCsvFile(resolveDataFile(WAIT_FILE, dir));
  const a = readCsvFile(resolveDataFile(ABO_FILE, dir));
  const d = readCsvFile(resolveDataFile(DONORS_FILE, dir));
  const n = readCsvFile(resolveDataFile(INTL_FILE, dir));
  const claims = waitClaimsFromTable(w.table);
  const abo = aboByCountryFromTable(a.table);
  const chinaDonors = chinaDonorsFromTable(d.table);
  const international = internationalFromTable(n.table);
  return {
    claims,
    abo,
    chinaDonors,
    international,
    inputs: {
      claims: inputOf(WAIT_FILE, w.sha256, claims.length, claims.map((c) => c.sourceId)),
      abo: inputOf(ABO_FILE, a.sha256, abo.size, [...abo.values()].flatMap((x) => /\(([^)]*)\)$/.exec(x.basis)?.[1]?.split(", ") ?? [])),
      donors: inputOf(DONORS_FILE, d.sha256, chinaDonors.size, [...chinaDonors.values()].flatMap((x) => x.sourceIds.map((s) => s.split(" ")[0]!))),
      international: inputOf(INTL_FILE, n.sha256, [...international.values()].reduce((s, m) => s + m.size, 0), []),
    },
  };
}

/** Comparator data for a wait claim's country (China or a country in the international table). */
export function countryContext(
  data: WaitData,
  claim: Pick<WaitClaim, "country" | "organ" | "period">,
  years: number[],
): {
  frequencies: AboFrequencies | null;
  frequenciesBasis: string;
  usable: number | null;
  usableBasis: string;
  donorsByYear: DonorsByYear;
  voluntaryStartYear: number;
  label: string;
} {
  const abo = data.abo.get(claim.country) ?? null;
  if (claim.country === "China") {
    const u = CHINA_ORGANS_PER_DONOR[claim.organ];
    return {
      frequencies: abo?.frequencies ?? null,
      frequenciesBasis: abo?.basis ?? "no ABO frequencies for China",
      usable: u?.value ?? null,
      usableBasis: u?.basis ?? `no organs-per-donor figure for ${claim.organ}`,
      donorsByYear: data.chinaDonors,
      voluntaryStartYear: 2010,
      label: "China official deceased donors",
    };
  }
  const name = COUNTRY_ALIASES[claim.country] ?? claim.country;
  const rows = data.international.get(name) ?? new Map<number, CountryYear>();
  const donorsByYear: DonorsByYear = new Map([...rows].map(([y, r]) => [y, { value: r.donors, sourceIds: [r.sourceId] }]));
  // organs per donor from the claim's year, or the nearest year with a figure (stated in the basis)
  let usable: number | null = null;
  let usableBasis = `no deceased-donor ${claim.organ} transplants for ${claim.country} in the comparator table`;
  const withOrgan = [...rows].filter(([, r]) => r.perDonor[claim.organ] !== undefined);
  if (withOrgan.length > 0) {
    const target = years.length ? years[Math.floor(years.length / 2)]! : withOrgan[withOrgan.length - 1]![0];
    const [y, r] = withOrgan.reduce((a, b) => (Math.abs(b[0] - target) < Math.abs(a[0] - target) ? b : a));
    usable = r.perDonor[claim.organ]!;
    usableBasis = `DERIVED: deceased-donor ${claim.organ} transplants per deceased donor, ${name} ${y} (${r.sourceId})${years.includes(y) ? "" : `, nearest year to the claim's ${years.join("-") || "period"}`}`;
  }
  return {
    frequencies: abo?.frequencies ?? null,
    frequenciesBasis: abo?.basis ?? `no ABO frequencies for ${claim.country} in the data`,
    usable,
    usableBasis,
    donorsByYear,
    voluntaryStartYear: 0,
    label: `${claim.country} deceased donors`,
  };
}
