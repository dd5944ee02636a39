import type { Finding } from "../core/finding.js";
import type { AccountingResult, MeanOnly } from "../models/accounting.js";
import type { Summary } from "../models/quantiles.js";
import { CHART_CONFIG, sourceLine, wrapLine, type ChartSpec } from "./charts.js";

/**
 * The accounting fan chart of the web app's sliders (and usable by the report): per year, the organs
 * the modelled sources can explain (median line, 50 % and 90 % bands) against the claimed transplant
 * volume (points at the median, rules over its 90 % interval), and below it the unexplained volume
 * (median, 50 % and 90 % bands, zero line). Pure: no I/O, no randomness.
 */

/** One year of a fan: the 5/25/50/75/95 % quantiles. */
export interface FanRow {
  year: number;
  p05: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
}

function row(year: number, s: Summary | MeanOnly): FanRow | null {
  if (!("p50" in s)) return null;
  return { year, p05: s.p05, p25: s.p25, p50: s.p50, p75: s.p75, p95: s.p95 };
}

/** The unexplained volume per year (the finding's headline quantity). */
export function unexplainedFan(r: AccountingResult): FanRow[] {
  return r.years.map((y) => row(y.year, y.unexplained)!);
}

/** Organs explained by the modelled sources per year; empty when the run kept means only (detail "core"). */
export function explainedFan(r: AccountingResult): FanRow[] {
  return r.years.map((y) => row(y.year, y.explained)).filter((x): x is FanRow => x !== null);
}

/** The claimed transplant volume per year (an input of the scenario, possibly uncertain). */
export function claimedVolume(r: AccountingResult): FanRow[] {
  return r.years.map((y) => row(y.year, y.transplants)).filter((x): x is FanRow => x !== null);
}

const WIDTH = 560;

/** A title as one string, or as lines when it is too long for the chart's width. */
function titleText(t: string): string | string[] {
  const lines = wrapLine(t, 90);
  return lines.length === 1 ? lines[0]! : lines;
}
const INK = "#1f2933";
const TARGET = "#b23a48";
const BAND90 = "#c9d6e3";
const BAND50 = "#8fa8c0";
const LINE = "#23415e";

/** Vega-Lite spec of the accounting fan chart of an accounting finding (`model.accounting`). */
export function accountingFanChart(f: Finding<AccountingResult>): ChartSpec {
  const r = f.result;
  const explained = explainedFan(r);
  const claimed = claimedVolume(r);
  const unexplained = unexplainedFan(r);
  const years = r.years.map((y) => y.year);
  const x = {
    field: "year",
    type: "quantitative",
    title: "Year",
    axis: { format: "d", tickMinStep: 1 },
    // half a year of padding so that the first and last points are not cut by the plot edge
    scale: { zero: false, nice: false, domain: [Math.min(...years) - 0.5, Math.max(...years) + 0.5] },
  };
  const fmt = { format: ",.0f" };
  const fan = (values: FanRow[], yTitle: string, withZero: boolean) => [
    { data: { values }, mark: { type: "area", color: BAND90 }, encoding: { x, y: { field: "p05", type: "quantitative", title: yTitle, axis: fmt }, y2: { field: "p95" } } },
    { data: { values }, mark: { type: "area", color: BAND50 }, encoding: { x, y: { field: "p25", type: "quantitative" }, y2: { field: "p75" } } },
    ...(withZero ? [{ mark: { type: "rule", color: "#7b8794", strokeDash: [4, 3] }, encoding: { y: { datum: 0, type: "quantitative" } } }] : []),
    { data: { values }, mark: { type: "line", color: LINE, strokeWidth: 2 }, encoding: { x, y: { field: "p50", type: "quantitative" } } },
  ];
  const top = {
    width: WIDTH,
    height: 220,
    title: { text: "Claimed transplants (points) and organs the modelled sources can explain (fan)", fontSize: 11, fontWeight: 500, color: INK },
    layer: [
      ...fan(explained, "Organs per year", false),
      { data: { values: claimed }, mark: { type: "rule", color: TARGET, strokeWidth: 1.5 }, encoding: { x, y: { field: "p05", type: "quantitative" }, y2: { field: "p95" } } },
      { data: { values: claimed }, mark: { type: "point", filled: true, color: TARGET, size: 40 }, encoding: { x, y: { field: "p50", type: "quantitative" } } },
    ],
  };
  const bottom = {
    width: WIDTH,
    height: 170,
    title: { text: "Unexplained transplants (claimed minus explained)", fontSize: 11, fontWeight: 500, color: INK },
    layer: fan(unexplained, "Unexplained (organs per year)", true),
  };
  return {
    id: `accounting-fan-${f.id}`,
    findingIds: [f.id],
    caption: `Top: claimed transplants per year (points: median; vertical lines: 90 % interval) and the organs explained by executions, voluntary donors and living donors (line: median; dark band: 50 %; light band: 90 %). Bottom: the unexplained volume (claimed minus explained) with the same bands; negative values mean the modelled sources exceed the claimed volume. Scenario "${r.scenario}", ${r.draws.toLocaleString("en-US")} draws, seed ${r.seed}.`,
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      title: { text: titleText(`Organ-source accounting, scenario "${r.scenario}"`), subtitle: [...wrapLine(`Source: ${sourceLine(f)}`, 100), `Finding ${f.id}`] },
      config: CHART_CONFIG,
      vconcat: [top, bottom],
    },
  };
}
