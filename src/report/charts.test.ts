import { describe, expect, it } from "vitest";
import type { Finding } from "../core/finding.js";
import type { BenfordResult, LastDigitResult } from "../forensics/digits.js";
import type { FitResult } from "../forensics/fit.js";
import type { PeerBenchmarkResult } from "../forensics/peers.js";
import type { AccountingResult } from "../models/accounting.js";
import type { ChangepointResult } from "../models/changepoint.js";
import type { SensitivityResult } from "../models/sensitivity.js";
import {
  benfordChart,
  changepointChart,
  chartsForAudit,
  claimLabel,
  fanChart,
  fitChart,
  lastDigitChart,
  peerChart,
  sourceLine,
  tornadoChart,
  waitChart,
  wrapLine,
  type ChartSpec,
} from "./charts.js";
import { renderChart } from "./render-svg.js";
import {
  accountingF,
  benfordF,
  changepointF,
  fitF,
  lastDigitF,
  peerF,
  sensitivityF,
  smallAudit,
  smallSeries,
  waitFs,
} from "../../test/fixtures/report/small-findings.js";

type Row = Record<string, number | string>;
const rows = (c: ChartSpec): Row[] => (c.spec.data as { values: Row[] }).values;
const title = (c: ChartSpec) => c.spec.title as { text: string; subtitle: string[] };

describe("chart specs", () => {
  it("every chart names its finding, its source and has axis titles with units", () => {
    const charts = chartsForAudit(smallAudit());
    expect(charts.map((c) => c.id.split("-F-")[0])).toEqual(["fit", "peers", "digits", "lastdigit", "changepoint", "fan", "tornado", "waittime-claims"]);
    for (const c of charts) {
      const t = title(c);
      expect(t.text.length).toBeGreaterThan(5);
      expect(t.subtitle[0]).toMatch(/^Source: /);
      expect(t.subtitle[t.subtitle.length - 1]).toMatch(/^Finding F-[0-9a-f]{16}/);
      for (const id of c.findingIds) expect(id).toMatch(/^F-[0-9a-f]{16}$/);
      // axis titles carry a unit in parentheses (or are the category axis of a dot plot)
      const titles = JSON.stringify(c.spec).match(/"title":"[^"]*\([^"]*\)[^"]*"/g) ?? [];
      expect(titles.length, c.id).toBeGreaterThan(0);
    }
  });

  it("fit chart carries the fitted values and the residuals y - fitted", () => {
    const c = fitChart(fitF as Finding<FitResult>)!;
    expect(rows(c).map((r) => r.residual)).toEqual([0, 0, 1, -1, 0]);
    expect(rows(c).map((r) => Number(r.y) - Number(r.fitted))).toEqual([0, 0, 1, -1, 0]);
    expect(title(c).subtitle[0]).toBe("Source: data/test_donors.csv (sources SRC1, SRC2)");
  });

  it("fit chart is omitted when the fit is insufficient-data", () => {
    const bad = { ...fitF, result: { ...(fitF.result as object), status: "insufficient-data", fitted: null, residuals: null } } as Finding<FitResult>;
    expect(fitChart(bad)).toBeNull();
  });

  it("peer chart marks the target and floors a perfect fit at 1e-6 for the log scale", () => {
    const c = peerChart(peerF as Finding<PeerBenchmarkResult>)!;
    expect(rows(c)).toContainEqual({ name: "中国 (China)", value: 0.001, role: "target" });
    expect(rows(c)).toContainEqual({ name: "Perfect", value: 1e-6, role: "peer" });
    expect(c.caption).toContain("Values below 0.000001 are drawn at 0.000001");
  });

  it("digit chart bands are expected ± 1.96 sqrt(p(1-p)/n)", () => {
    // python: p=np.log10(2); n=200; 1.96*np.sqrt(p*(1-p)/n) -> 0.06357336930735911 (p = 0.3010299956639812)
    const c = benfordChart(benfordF as Finding<BenfordResult>)!;
    const one = rows(c)[0]!;
    expect(one.observed).toBeCloseTo(60 / 200, 12);
    expect(one.expected).toBeCloseTo(0.3010299956639812, 12);
    expect(Number(one.high) - Number(one.expected)).toBeCloseTo(0.06357336930735911, 12);
    expect(Number(one.expected) - Number(one.low)).toBeCloseTo(0.06357336930735911, 12);
  });

  it("last-digit chart: uniform 0.1 with n = 50 bands", () => {
    // python: 1.96*np.sqrt(0.1*0.9/50) -> 0.08315575746753799
    const c = lastDigitChart(lastDigitF as Finding<LastDigitResult>)!;
    expect(rows(c)).toHaveLength(10);
    expect(Number(rows(c)[3]!.high)).toBeCloseTo(0.1 + 0.08315575746753799, 12);
    expect(Number(rows(c)[3]!.low)).toBeCloseTo(0.1 - 0.08315575746753799, 12);
  });

  it("fan chart has the 5/25/50/75/95 % quantiles of every year", () => {
    const c = fanChart(accountingF as Finding<AccountingResult>);
    expect(rows(c)).toEqual([
      { year: 2000, p05: -9000, p25: -7000, p50: -5000, p75: -3000, p95: -1000 },
      { year: 2001, p05: 0, p25: 2500, p50: 5000, p75: 7500, p95: 10000 },
      { year: 2002, p05: 9000, p25: 12000, p50: 15000, p75: 18000, p95: 21000 },
      { year: 2003, p05: 18000, p25: 21500, p50: 25000, p75: 28500, p95: 32000 },
    ]);
    expect(c.caption).toContain("50 % band");
    expect(c.caption).toContain("90 % band");
  });

  it("tornado has one low and one high bar per factor, largest swing first", () => {
    const c = tornadoChart(sensitivityF as Finding<SensitivityResult>)!;
    expect(rows(c).map((r) => [r.factor, r.from, r.to])).toEqual([
      ["executions", 45000, 70000],
      ["executions", 45000, 20000],
      ["transplants", 45000, 40000],
      ["transplants", 45000, 52000],
    ]);
  });

  it("wait chart: the official flow's wait is the claimed wait times required/official flow", () => {
    const c = waitChart(waitFs)!;
    const official = rows(c).filter((r) => r.kind === "wait the official flow could give");
    // 14 days x 0.0162 (required 66.05 / official 4080 donors a year)
    expect(official).toHaveLength(1);
    expect(Number(official[0]!.days)).toBeCloseTo(14 * 0.0162, 12);
    // the claim before the voluntary system has no official wait
    expect(rows(c).filter((r) => String(r.claim).startsWith("1.")).map((r) => r.kind)).toEqual(["claimed wait"]);
    expect(waitChart([])).toBeNull();
  });

  it("changepoint chart draws the break and its interval", () => {
    const c = changepointChart(changepointF as Finding<ChangepointResult>, smallSeries)!;
    const layers = c.spec.layer as { data?: { values: Row[] } }[];
    expect(layers[0]!.data!.values).toEqual([{ lo: 2012.5, hi: 2014 }]);
    expect(layers[1]!.data!.values).toEqual([{ b: 2013 }]);
  });

  it("source line drops value-hash inputs and query fragments", () => {
    expect(sourceLine(fitF)).toBe("data/test_donors.csv (sources SRC1, SRC2)");
  });

  it("wrapLine splits at spaces within the width", () => {
    expect(wrapLine("aaa bbb ccc ddd", 7)).toEqual(["aaa bbb", "ccc ddd"]);
    expect(wrapLine("abcdefghij k", 4)).toEqual(["abcdefghij", "k"]);
  });
});

describe("chart SVG snapshots", () => {
  const charts = chartsForAudit(smallAudit());
  for (const c of charts) {
    const name = c.id.split("-F-")[0];
    it(`${name} renders to the stored SVG`, async () => {
      const svg = await renderChart(c);
      await expect(svg).toMatchFileSnapshot(`../../test/fixtures/report/${name}.svg`);
    });
  }
});

describe("claimLabel", () => {
  it("keeps the institution (shortened) and what was claimed, drops the source reference", () => {
    expect(claimLabel("Beijing Chaoyang Hospital: liver wait 2016-03-03 (U2017_20, line 6)")).toBe("Beijing Chaoyang Hospital · liver wait 2016-03-03");
    expect(claimLabel("China International Transplantation Network Assistance Center: kidney wait 2003-2006 (STOPOH, line 5)")).toBe(
      "China International Transplan… · kidney wait 2003-2006",
    );
    expect(claimLabel("no colon here")).toBe("no colon here");
  });
});
