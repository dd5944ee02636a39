import { describe, expect, it } from "vitest";
import { accountingFinding, runAccounting } from "../models/accounting.js";
import { validateScenario } from "../models/scenario.js";
import { accountingFanChart, claimedVolume, explainedFan, unexplainedFan } from "./fan-chart.js";
import { renderChart } from "./render-svg.js";

const src = { source: "S1" };
const scenario = validateScenario({
  name: "fan test",
  years: [2000, 2001, 2002].map((year, i) => ({
    year,
    transplants: { uniform: [9000 + 1000 * i, 12000 + 1000 * i], ...src },
    executions: { triangular: [1000, 2000, 4000], ...src },
    shareUsed: { uniform: [0.2, 0.9], ...src },
    organsPerExecuted: { pert: [2, 2.8, 3.5], ...src },
    voluntaryDonors: { fixed: 100 * i, ...src },
    organsPerDonor: { fixed: 2.5, ...src },
    livingDonorTransplants: { fixed: 500, ...src },
  })),
});

describe("accounting fan chart", () => {
  const { result } = runAccounting(scenario, { draws: 4000, seed: 11 });
  const f = accountingFinding(scenario, result, { name: "fan.json", sha256: "a".repeat(64) });

  it("rows are the library's quantiles, year by year", () => {
    const u = unexplainedFan(result);
    expect(u.map((r) => r.year)).toEqual([2000, 2001, 2002]);
    result.years.forEach((y, i) => {
      const { p05, p25, p50, p75, p95 } = y.unexplained;
      expect(u[i]).toEqual({ year: y.year, p05, p25, p50, p75, p95 });
      const t = y.transplants as { p05: number; p50: number; p95: number };
      expect(claimedVolume(result)[i]).toMatchObject({ p05: t.p05, p50: t.p50, p95: t.p95 });
      const x = y.explained as { p50: number };
      expect(explainedFan(result)[i]!.p50).toBe(x.p50);
      // quantiles are ordered
      expect(u[i]!.p05).toBeLessThanOrEqual(u[i]!.p25);
      expect(u[i]!.p75).toBeLessThanOrEqual(u[i]!.p95);
    });
  });

  it("with means only (detail core) the explained and claimed fans are empty, the unexplained one is not", () => {
    const core = runAccounting(scenario, { draws: 500, seed: 11, detail: "core" }).result;
    expect(explainedFan(core)).toEqual([]);
    expect(claimedVolume(core)).toEqual([]);
    expect(unexplainedFan(core)).toHaveLength(3);
  });

  it("the spec names the finding, holds the data and renders to SVG", async () => {
    const c = accountingFanChart(f);
    expect(c.id).toBe(`accounting-fan-${f.id}`);
    expect(c.findingIds).toEqual([f.id]);
    const json = JSON.stringify(c.spec);
    expect(json).toContain(`Finding ${f.id}`);
    const vconcat = c.spec.vconcat as { layer: { data?: { values: unknown[] } }[] }[];
    expect(vconcat).toHaveLength(2);
    expect(vconcat[1]!.layer[0]!.data!.values).toEqual(unexplainedFan(result));
    expect(vconcat[0]!.layer.at(-1)!.data!.values).toEqual(claimedVolume(result));
    const svg = await renderChart(c);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).not.toContain("NaN");
    expect(svg).toContain("Claimed transplants (points)");
    // pure and deterministic: the same finding gives the same spec
    expect(JSON.stringify(accountingFanChart(f).spec)).toBe(json);
  });
});
