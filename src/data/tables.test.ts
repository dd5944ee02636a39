import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { describe, it, expect } from "vitest";
import type { z } from "zod";
import { tableSchemas, ChinaDeceasedDonorsRow } from "./tables.js";

interface Field {
  name: string;
  type: "string" | "integer" | "number" | "boolean" | "date" | "year";
  constraints?: { required?: boolean };
}
interface Resource {
  name: string;
  path: string;
  schema: { fields: Field[]; primaryKey: string | string[] };
  "x-monotonic"?: { key: string[]; order: string; value: string };
}
interface Package {
  name: string;
  profile: string;
  resources: Resource[];
}

const dataDir = new URL("../../data/", import.meta.url);
const pkg = JSON.parse(readFileSync(new URL("datapackage.json", dataDir), "utf8")) as Package;
const schemas = tableSchemas as unknown as Record<string, z.ZodObject<Record<string, z.ZodType>>>;

type Cell = string | number | boolean | null;

/** Read a resource's CSV and type its cells the way the loader does (numbers, booleans, empty -> null). */
function readTyped(res: Resource): { header: string[]; rows: Record<string, Cell>[] } {
  const text = readFileSync(new URL(res.path, dataDir), "utf8");
  const records = parse(text, { relax_column_count: false }) as string[][];
  const [header, ...body] = records;
  const types = new Map(res.schema.fields.map((f) => [f.name, f.type]));
  const rows = body.map((cells) => {
    const row: Record<string, Cell> = {};
    header!.forEach((name, i) => {
      const raw = cells[i] ?? "";
      const t = types.get(name);
      if (raw === "") row[name] = null;
      else if (t === "integer" || t === "number" || t === "year") row[name] = Number(raw);
      else if (t === "boolean") row[name] = raw === "true" ? true : raw === "false" ? false : raw;
      else row[name] = raw;
    });
    return row;
  });
  return { header: header!, rows };
}

describe("data package and zod schemas agree", () => {
  it("is a tabular data package named organ-audit-data", () => {
    expect(pkg.profile).toBe("tabular-data-package");
    expect(pkg.name).toBe("organ-audit-data");
  });

  it("has a zod schema for every resource and a resource for every zod schema", () => {
    const resources = pkg.resources.map((r) => r.name).sort();
    expect(Object.keys(tableSchemas).sort()).toEqual(resources);
  });

  for (const res of pkg.resources) {
    describe(res.name, () => {
      const schema = schemas[res.name]!;

      it("zod keys equal the Table Schema field names, in order", () => {
        expect(Object.keys(schema.shape)).toEqual(res.schema.fields.map((f) => f.name));
      });

      it("zod nullability matches constraints.required", () => {
        for (const f of res.schema.fields) {
          const accepts = schema.shape[f.name]!.safeParse(null).success;
          expect({ field: f.name, nullable: accepts }).toEqual({ field: f.name, nullable: !f.constraints?.required });
        }
      });

      it("the CSV header is the field list and every row passes the zod schema", () => {
        const { header, rows } = readTyped(res);
        expect(header).toEqual(res.schema.fields.map((f) => f.name));
        expect(rows.length).toBeGreaterThan(0);
        const failures = rows
          .map((row, i) => ({ line: i + 2, result: schema.safeParse(row) }))
          .filter((x) => !x.result.success)
          .map((x) => `line ${x.line}: ${x.result.error?.issues.map((is) => `${is.path.join(".")} ${is.message}`).join("; ")}`);
        expect(failures).toEqual([]);
      });
    });
  }
});

describe("package content", () => {
  const byName = new Map(pkg.resources.map((r) => [r.name, r]));
  const sourceIds = new Set(readTyped(byName.get("sources")!).rows.map((r) => r.id as string));

  it("every source_id resolves to sources.id and every non-default row has a reason", () => {
    const bad: string[] = [];
    for (const res of pkg.resources) {
      if (res.name === "sources") continue;
      for (const r of readTyped(res).rows) {
        if (!sourceIds.has(r.source_id as string)) bad.push(`${res.name} ${String(r.row_id)}: source ${String(r.source_id)}`);
        if (r.status !== "default" && !r.status_reason) bad.push(`${res.name} ${String(r.row_id)}: no status_reason`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("every source has a URL or a document reference, and grade-D sources feed only excluded rows", () => {
    const sources = readTyped(byName.get("sources")!).rows;
    expect(sources.filter((s) => !s.url && !s.document_reference).map((s) => s.id)).toEqual([]);
    const gradeD = new Set(sources.filter((s) => s.quality_grade === "D").map((s) => s.id as string));
    expect(gradeD.size).toBeGreaterThan(0);
    const leaks: string[] = [];
    for (const res of pkg.resources) {
      if (res.name === "sources") continue;
      for (const r of readTyped(res).rows) if (gradeD.has(r.source_id as string) && r.status !== "excluded") leaks.push(String(r.row_id));
    }
    expect(leaks).toEqual([]);
  });

  it("measure = deceased_donors, status = default gives one full-year national value per year", () => {
    const rows = readTyped(byName.get("china_deceased_donors")!).rows.filter(
      (r) => r.measure === "deceased_donors" && r.status === "default" && r.geography === "China",
    );
    const years = rows.map((r) => r.year as number);
    expect(new Set(years).size).toBe(years.length);
    expect(rows.every((r) => r.period_kind === "full_year")).toBe(true);
    const byYear = Object.fromEntries(rows.map((r) => [String(r.year), r.value]));
    // values as stated by the sources named in data/README.md (CNS2016, CNS2018DEC, NHC2018, GT2020);
    // 2012 is a known gap (no source held states it)
    expect(byYear).toMatchObject({ "2010": 34, "2015": 2766, "2016": 4080, "2017": 5146, "2018": 6302, "2019": 5818 });
    expect(byYear["2012"]).toBeUndefined();
  });

  it("the monotonic check finds exactly the one documented decrease (COTDF registered volunteers, 2017)", () => {
    const res = byName.get("china_cumulative_counters")!;
    const mono = res["x-monotonic"]!;
    expect(mono.key).toEqual(["geography", "counter_body", "measure"]);
    const groups = new Map<string, Record<string, Cell>[]>();
    for (const r of readTyped(res).rows) {
      if (r.status === "excluded") continue;
      const k = mono.key.map((c) => String(r[c])).join("|");
      groups.set(k, [...(groups.get(k) ?? []), r]);
    }
    const violations: string[] = [];
    for (const rows of groups.values()) {
      rows.sort((a, b) => String(a[mono.order]).localeCompare(String(b[mono.order])));
      let max: Record<string, Cell> | undefined;
      for (const r of rows) {
        if (max && (r[mono.value] as number) < (max[mono.value] as number)) violations.push(`${String(r.row_id)}<${String(max.row_id)}`);
        if (!max || (r[mono.value] as number) > (max[mono.value] as number)) max = r;
      }
    }
    // reference: scripts/curate/curate.py monotonic check (same rule), reported in data/README.md
    expect(violations).toEqual(["ccc-0037<ccc-0029"]);
  });

  it("gap-fill rows (research/gap-fill.csv) carry their quote and settle their conflicts by status", () => {
    const tables = ["china_deceased_donors", "china_cumulative_counters", "other_quantitative"];
    const added = tables.flatMap((t) => readTyped(byName.get(t)!).rows.filter((r) => String(r.notes ?? "").includes("from research/gap-fill.csv")));
    // 13 donor rows, 11 counter readings, 2 Red Cross ratios (see data/README.md, "Gap-fill rows")
    expect(added.length).toBe(26);
    for (const r of added) expect(String(r.notes), String(r.row_id)).toMatch(/quote: "/);
    const cdd = readTyped(byName.get("china_deceased_donors")!).rows;
    const organs2015 = cdd.filter((r) => r.year === 2015 && r.measure === "organs_donated" && r.geography === "China");
    expect(organs2015.filter((r) => r.status === "default").map((r) => r.value)).toEqual([7758]);
    expect(organs2015.filter((r) => r.value === 7785).map((r) => r.source_id).sort()).toEqual(["ECNS2016", "KGM2016_NTC"]);
    // the truncated "659" (2014 partial year) was deliberately not added
    expect(cdd.some((r) => r.source_id === "XINHUA2014AUG" && r.value === 659)).toBe(false);
    const ccc = readTyped(byName.get("china_cumulative_counters")!).rows;
    const end2018 = ccc.filter((r) => r.as_of_date === "2018-12-31" && r.measure === "cumulative_deceased_donors" && r.status !== "excluded");
    expect(end2018.filter((r) => r.status === "default").map((r) => r.value)).toEqual([21000]);
    expect(end2018.map((r) => r.value).sort((a, b) => (a as number) - (b as number))).toEqual([18000, 21000]);
  });

  it("every derived ratio recomputes from its inputs (3 decimals)", () => {
    const rows = readTyped(byName.get("organs_per_donor_derived")!).rows;
    const bad = rows.filter((r) => {
      const d = r.deceased_donors_actual as number;
      const kl = ((r.dd_kidney_tx as number) + (r.dd_liver_tx as number)) / d;
      if (Math.abs(kl - (r.kidney_liver_tx_per_donor as number)) > 0.0005 + 1e-9) return true;
      if (r.heart_tx === null || r.lung_tx_used === null) return r.kidney_liver_heart_lung_tx_per_donor !== null;
      const all = ((r.dd_kidney_tx as number) + (r.dd_liver_tx as number) + (r.heart_tx as number) + (r.lung_tx_used as number)) / d;
      return Math.abs(all - (r.kidney_liver_heart_lung_tx_per_donor as number)) > 0.0005 + 1e-9;
    });
    expect(rows.length).toBe(361);
    expect(bad.map((r) => r.row_id)).toEqual([]);
  });
});

describe("zod schemas reject bad rows", () => {
  const good = {
    row_id: "cdd-0001", year: 2010, period_start: "2010-01-01", period_end: "2010-12-31", period_kind: "full_year",
    geography: "China", geography_level: "national", reporting_body: "NHFPC", measure: "deceased_donors", value: 34,
    unit: "donors", qualifier: "exact", qualifier_class: "exact", source_id: "CNS2016", status: "default",
    status_reason: null, curation_note: null, notes: null,
  };
  it("accepts a well-formed row", () => {
    expect(ChinaDeceasedDonorsRow.safeParse(good).success).toBe(true);
  });
  it("rejects a null required value, a bad row_id, an unknown status and a non-ISO date", () => {
    expect(ChinaDeceasedDonorsRow.safeParse({ ...good, value: null }).success).toBe(false);
    expect(ChinaDeceasedDonorsRow.safeParse({ ...good, row_id: "cdd-1" }).success).toBe(false);
    expect(ChinaDeceasedDonorsRow.safeParse({ ...good, status: "preferred" }).success).toBe(false);
    expect(ChinaDeceasedDonorsRow.safeParse({ ...good, period_end: "2010" }).success).toBe(false);
    expect(ChinaDeceasedDonorsRow.safeParse({ ...good, value: -1 }).success).toBe(false);
  });
});
