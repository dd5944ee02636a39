import { describe, expect, it } from "vitest";
import { defaultDataDir, loadPackage, selectSeries } from "../src/data/package.js";
import { runCli } from "./helpers/cli.js";

// Checks on the package that ships in data/: it validates, and every row resolves to a source
// that a reader can find (a URL or a document reference).
describe("shipped data package", () => {
  it("validates with exit code 0; the only warning is the acknowledged published counter decrease", async () => {
    const r = await runCli(["data", "validate", defaultDataDir(), "--json"]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { valid: boolean; errors: number; issues: { severity: string; code: string; file: string; line: number }[] };
    expect(report.errors).toBe(0);
    // COTDF's registered-volunteer counter: ~293,000 (2017-07-16) then ~262,500 (end-2017), as published
    expect(report.issues).toEqual([
      expect.objectContaining({ severity: "warning", code: "D_DECREASING_COUNTER", file: "china_cumulative_counters.csv", line: 36 }),
    ]);
  });

  it("every row of every table resolves to a source with a URL or a document reference", () => {
    const pkg = loadPackage();
    const sources = pkg.tables.get("sources")!;
    expect(sources).toBeDefined();
    const byId = new Map(sources.rows.map((r) => [r.values.id as string, r.values]));
    for (const s of byId.values()) {
      const url = String(s.url ?? "");
      const doc = String(s.document_reference ?? "");
      expect(url !== "" || doc !== "", `source ${String(s.id)} has neither url nor document_reference`).toBe(true);
      if (url) expect(url, `source ${String(s.id)}`).toMatch(/^https?:\/\/\S+$/);
    }
    let checked = 0;
    for (const [name, t] of pkg.tables) {
      if (name === "sources") continue;
      expect(t.header, `${name} has a source_id column`).toContain("source_id");
      for (const r of t.rows) {
        const id = r.values.source_id;
        expect(typeof id === "string" && byId.has(id), `${t.resource.path}:${r.line} source ${String(id)}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it("keeps conflicting official figures side by side, with one default", () => {
    const pkg = loadPackage();
    const all = selectSeries(pkg, { table: "china_deceased_donors", measure: "deceased_donors", geography: "China", status: "any", from: 2010, to: 2010 });
    expect(all.points.map((p) => p.y).sort((a, b) => a - b)).toEqual(expect.arrayContaining([34, 63]));
    const def = selectSeries(pkg, { table: "china_deceased_donors", measure: "deceased_donors", geography: "China", from: 2010, to: 2018 });
    expect(def.points.find((p) => p.x === 2010)?.y).toBe(34);
    expect(def.points.find((p) => p.x === 2018)?.y).toBe(6302);
    const y2018 = selectSeries(pkg, { table: "china_deceased_donors", measure: "deceased_donors", geography: "China", status: "any", from: 2018, to: 2018 });
    expect(y2018.points.map((p) => p.y)).toEqual(expect.arrayContaining([6302, 6316]));
    const organs = selectSeries(pkg, { table: "china_deceased_donors", measure: "organs_donated", geography: "China", status: "any", from: 2015, to: 2015 });
    expect(organs.points.map((p) => p.y)).toEqual(expect.arrayContaining([7758, 7785]));
  });
});
