import type { Finding } from "../core/finding.js";
import type { BenfordResult, LastDigitResult } from "../forensics/digits.js";
import type { FitResult } from "../forensics/fit.js";
import type { PeerBenchmarkResult } from "../forensics/peers.js";
import type { AccountingResult } from "../models/accounting.js";
import type { ChangepointResult } from "../models/changepoint.js";
import type { SensitivityResult } from "../models/sensitivity.js";
import type { RequiredFlowResult } from "../models/waittime.js";
import type { ReportAudit } from "./types.js";

/**
 * One function per chart: each returns a Vega-Lite spec (plain JSON) with a title, axis titles with
 * units, a source line and the id of the finding it shows. Pure: no I/O, no randomness.
 */
export type VlSpec = Record<string, unknown>;

/** A chart of the report: its spec and the finding(s) it shows. */
export interface ChartSpec {
  /** stable, unique within a report: used as the SVG element id prefix and the figure anchor */
  id: string;
  findingIds: string[];
  /** the figure caption (plain text) */
  caption: string;
  spec: VlSpec;
}

export const CHART_FONT = "Noto Sans, Noto Sans CJK SC, DejaVu Sans, sans-serif";
const WIDTH = 560;
const INK = "#1f2933";
const TARGET = "#b23a48";
const PEER = "#5b6b7a";
const BAND90 = "#c9d6e3";
const BAND50 = "#8fa8c0";
const LINE = "#23415e";

/** Shared config: fixed font and sizes so the SVG does not depend on the machine. */
export const CHART_CONFIG = {
  font: CHART_FONT,
  background: "white",
  view: { stroke: "#d0d7de" },
  title: { anchor: "start", fontSize: 13, fontWeight: 600, color: INK, subtitleFontSize: 10, subtitleColor: "#52606d", offset: 8 },
  axis: { labelFontSize: 10, titleFontSize: 11, titleFontWeight: 500, titleColor: INK, labelColor: "#3e4c59", gridColor: "#eef1f4" },
  // horizontal y-axis titles above the plot: a rotated title longer than the plot is tall would push the plot down
  axisY: { titleAngle: 0, titleAlign: "left", titleBaseline: "bottom", titleX: 0, titleY: -6 },
  legend: { labelFontSize: 10, titleFontSize: 10, orient: "bottom" },
};

function base(title: string, source: string, findingIds: string[]): VlSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: title, subtitle: [...wrapLine(`Source: ${source}`, 100), `Finding ${findingIds.join(", ")}`] },
    config: CHART_CONFIG,
  };
}

/** Split text at spaces into lines of at most `width` characters (a word longer than that stays whole). */
export function wrapLine(text: string, width: number): string[] {
  const lines: string[] = [];
  let cur = "";
  for (const w of text.split(" ")) {
    if (cur && cur.length + 1 + w.length > width) {
      lines.push(cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(cur);
  return lines;
}

/** The source line of a finding: its input names (without query fragments) and cited source ids. */
export function sourceLine(f: Finding): string {
  const names = [...new Set(f.provenance.inputs.filter((i) => !i.name.endsWith("#values")).map((i) => i.name.split("#")[0]!))];
  const ids = [...new Set(f.provenance.inputs.flatMap((i) => i.sourceIds ?? []))].sort();
  const shown = ids.length > 6 ? `${ids.slice(0, 6).join(", ")} and ${ids.length - 6} more` : ids.join(", ");
  return `${names.join("; ")}${shown ? ` (sources ${shown})` : ""}`;
}

/** Series, fitted curve and residuals of a formula fit. */
export function fitChart(f: Finding<FitResult>, yUnit = "count per year"): ChartSpec | null {
  const r = f.result;
  if (r.status !== "ok" || !r.fitted || !r.residuals) return null;
  const values = r.x.map((x, i) => ({ x, y: r.y[i]!, fitted: r.fitted![i]!, residual: r.residuals![i]! }));
  const xAxis = { field: "x", type: "quantitative", title: "Year", axis: { format: "d", tickMinStep: 1 }, scale: { zero: false, nice: false } };
  const yTitle = `${r.cumulative ? "Running total" : "Value"} (${yUnit})`;
  const spec = {
    ...base(`${r.formula}: fit and residuals`, sourceLine(f), [f.id]),
    data: { values },
    vconcat: [
      {
        width: WIDTH,
        height: 210,
        layer: [
          { mark: { type: "line", color: LINE, strokeWidth: 2 }, encoding: { x: xAxis, y: { field: "fitted", type: "quantitative", title: yTitle } } },
          {
            mark: { type: "point", filled: true, color: TARGET, size: 45 },
            encoding: { x: xAxis, y: { field: "y", type: "quantitative", title: yTitle } },
          },
        ],
      },
      {
        width: WIDTH,
        height: 90,
        layer: [
          { mark: { type: "rule", color: "#9aa5b1" }, encoding: { y: { datum: 0, type: "quantitative" } } },
          {
            mark: { type: "bar", color: PEER, width: 6 },
            encoding: { x: xAxis, y: { field: "residual", type: "quantitative", title: `Residual (${yUnit})` } },
          },
        ],
      },
    ],
  };
  return {
    id: `fit-${f.id}`,
    findingIds: [f.id],
    caption: `Observed values (points), fitted ${r.model} curve (line) and residuals (bars), R² = ${r.r2 === null ? "n/a" : r.r2.toFixed(4)}.`,
    spec,
  };
}

/** 1 − R² of the target among its peers (log scale; smaller = closer to the curve). */
export function peerChart(f: Finding<PeerBenchmarkResult>): ChartSpec | null {
  const r = f.result;
  if (!r.target || r.peers.length === 0) return null;
  const floor = 1e-6;
  const metricOf = (row: { oneMinusR2: number; residualCv: number | null }) =>
    Math.max(floor, r.metric === "cv" ? (row.residualCv ?? floor) : row.oneMinusR2);
  const values = [
    { name: r.target.name, value: metricOf(r.target), role: "target" },
    ...r.peers.map((p) => ({ name: p.name, value: metricOf(p), role: "peer" })),
  ];
  const title = r.metric === "cv" ? "Residual coefficient of variation (ratio, log scale)" : "1 − R² (unitless, log scale)";
  const spec = {
    ...base(`Regularity of the target among ${r.peers.length} peers (${r.model})`, sourceLine(f), [f.id]),
    width: WIDTH - 140,
    height: Math.max(120, values.length * 16),
    data: { values },
    mark: { type: "point", filled: true, size: 60 },
    encoding: {
      y: { field: "name", type: "nominal", sort: { field: "value", order: "ascending" }, title: null, axis: { labelLimit: 220 } },
      x: { field: "value", type: "quantitative", scale: { type: "log" }, title, axis: { format: "~g" } },
      color: {
        field: "role",
        type: "nominal",
        scale: { domain: ["target", "peer"], range: [TARGET, PEER] },
        legend: { title: null, labelExpr: "datum.label === 'target' ? 'target series' : 'peer series'" },
      },
      shape: { field: "role", type: "nominal", scale: { domain: ["target", "peer"], range: ["diamond", "circle"] } },
    },
  };
  return {
    id: `peers-${f.id}`,
    findingIds: [f.id],
    caption: `Each point is one series fitted with the same ${r.model} model ${
      f.provenance.parameters.match === "length"
        ? "over its latest years in the window, as many as the target has"
        : "over the same years"
    }; the target is the diamond. Values below ${floor} are drawn at ${floor}.`,
    spec,
  };
}

function digitSpec(f: Finding, title: string, labels: number[], observed: number[], expected: number[], n: number, xTitle: string): VlSpec {
  const values = labels.map((d, i) => {
    const p = expected[i]!;
    const half = 1.96 * Math.sqrt((p * (1 - p)) / n);
    return { digit: d, observed: observed[i]! / n, expected: p, low: Math.max(0, p - half), high: Math.min(1, p + half) };
  });
  const top = Math.min(1, Math.ceil(Math.max(...values.map((v) => Math.max(v.high, v.observed))) * 20) / 20);
  const x = { field: "digit", type: "ordinal", title: xTitle, axis: { labelAngle: 0, labelOverlap: true } };
  return {
    ...base(title, sourceLine(f), [f.id]),
    width: WIDTH,
    height: 200,
    data: { values },
    layer: [
      { mark: { type: "bar", color: BAND90, opacity: 0.9 }, encoding: { x, y: { field: "observed", type: "quantitative", title: "Share of values (proportion)", scale: { domain: [0, top] } } } },
      { mark: { type: "rule", color: LINE, strokeWidth: 1.5 }, encoding: { x, y: { field: "low", type: "quantitative" }, y2: { field: "high" } } },
      { mark: { type: "tick", color: TARGET, thickness: 2, size: 14 }, encoding: { x, y: { field: "expected", type: "quantitative" } } },
    ],
  };
}

/** Observed digit shares (bars) against the expected shares (ticks) with 95 % binomial bands (rules). */
export function benfordChart(f: Finding<BenfordResult>): ChartSpec | null {
  const r = f.result;
  if (r.n === 0) return null;
  const label = r.test === "first" ? "First digit" : r.test === "second" ? "Second digit" : "First two digits";
  return {
    id: `digits-${f.id}`,
    findingIds: [f.id],
    caption: `Bars: observed share of each ${label.toLowerCase()} (n = ${r.n}); red ticks: Benford's law; vertical lines: 95 % band of the share expected under Benford's law at this n (normal approximation).`,
    spec: digitSpec(f, `${label} distribution against Benford's law`, r.digits, r.observed, r.expectedProportions, r.n, label),
  };
}

/** Last digits against uniform, with 95 % bands. */
export function lastDigitChart(f: Finding<LastDigitResult>): ChartSpec | null {
  const r = f.result;
  if (r.n === 0) return null;
  const digits = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  return {
    id: `lastdigit-${f.id}`,
    findingIds: [f.id],
    caption: `Bars: observed share of each last digit (n = ${r.n}); red ticks: uniform 0.1; vertical lines: 95 % band at this n (normal approximation).`,
    spec: digitSpec(f, "Last-digit distribution against uniform", digits, r.observed, digits.map(() => 0.1), r.n, "Last digit"),
  };
}

/** Fan chart: unexplained transplants per year, median with 50 % and 90 % bands. */
export function fanChart(f: Finding<AccountingResult>): ChartSpec {
  const r = f.result;
  const values = r.years.map((y) => ({
    year: y.year,
    p05: y.unexplained.p05,
    p25: y.unexplained.p25,
    p50: y.unexplained.p50,
    p75: y.unexplained.p75,
    p95: y.unexplained.p95,
  }));
  const x = { field: "year", type: "quantitative", title: "Year", axis: { format: "d", tickMinStep: 1 }, scale: { zero: false, nice: false } };
  const yTitle = "Unexplained transplants (organs per year)";
  return {
    id: `fan-${f.id}`,
    findingIds: [f.id],
    caption: `Median (line), 50 % band (dark) and 90 % band (light) of the transplants per year not accounted for by the modelled sources, scenario "${r.scenario}", ${r.draws.toLocaleString("en-US")} draws, seed ${r.seed}. Negative values mean the modelled sources exceed the claimed volume.`,
    spec: {
      ...base(`Unexplained organs per year, scenario "${r.scenario}"`, sourceLine(f), [f.id]),
      width: WIDTH,
      height: 230,
      data: { values },
      layer: [
        { mark: { type: "area", color: BAND90 }, encoding: { x, y: { field: "p05", type: "quantitative", title: yTitle, axis: { format: ",.0f" } }, y2: { field: "p95" } } },
        { mark: { type: "area", color: BAND50 }, encoding: { x, y: { field: "p25", type: "quantitative" }, y2: { field: "p75" } } },
        { mark: { type: "rule", color: "#7b8794", strokeDash: [4, 3] }, encoding: { y: { datum: 0, type: "quantitative" } } },
        { mark: { type: "line", color: LINE, strokeWidth: 2 }, encoding: { x, y: { field: "p50", type: "quantitative" } } },
      ],
    },
  };
}

/** Tornado: cumulative unexplained with each factor at its low and high quantile, others at medians. */
export function tornadoChart(f: Finding<SensitivityResult>, maxBars = 12): ChartSpec | null {
  const t = f.result.tornado;
  if (t.bars.length === 0) return null;
  const bars = t.bars.slice(0, maxBars);
  const values = bars.flatMap((b, i) => [
    { factor: b.factor, rank: i, end: `low (${Math.round(t.pLow * 100)} % quantile)`, from: t.baseline, to: b.low },
    { factor: b.factor, rank: i, end: `high (${Math.round(t.pHigh * 100)} % quantile)`, from: t.baseline, to: b.high },
  ]);
  return {
    id: `tornado-${f.id}`,
    findingIds: [f.id],
    caption: `Each bar spans the cumulative unexplained volume when one factor moves from its median to its ${Math.round(t.pLow * 100)} % or ${Math.round(t.pHigh * 100)} % quantile, all other inputs at their medians (baseline ${Math.round(t.baseline).toLocaleString("en-US")}, vertical line).${t.bars.length > maxBars ? ` The ${maxBars} largest of ${t.bars.length} factors are shown.` : ""}`,
    spec: {
      ...base("Sensitivity of the cumulative unexplained volume (tornado)", sourceLine(f), [f.id]),
      width: WIDTH - 160,
      height: Math.max(60, bars.length * 22),
      data: { values },
      layer: [
        {
          mark: { type: "bar", height: 14 },
          encoding: {
            y: { field: "factor", type: "nominal", sort: { field: "rank", order: "ascending" }, title: null, axis: { labelLimit: 200 } },
            x: { field: "from", type: "quantitative", title: "Cumulative unexplained transplants (organs)", axis: { format: ",.0f" }, scale: { zero: false } },
            x2: { field: "to" },
            color: { field: "end", type: "nominal", scale: { range: [BAND50, TARGET] }, legend: { title: null, labelLimit: 320 } },
          },
        },
        { mark: { type: "rule", color: INK }, encoding: { x: { datum: t.baseline, type: "quantitative" } } },
      ],
    },
  };
}

/**
 * Claimed waits against the waits the official donor flow could give under the same model. With a
 * Poisson donor flow every wait quantile scales as 1 / flow, so the official flow's wait is the claimed
 * wait times (required flow / official flow) = waitDays × ratioToOfficial.
 */
export function waitChart(findings: Finding[]): ChartSpec | null {
  const values: { claim: string; kind: string; days: number; order: number }[] = [];
  const ids: string[] = [];
  findings.forEach((f, i) => {
    const r = f.result as RequiredFlowResult | null;
    if (!r || typeof r !== "object" || !("minimum" in r)) return;
    const claim = `${i + 1}. ${claimLabel(f.title)}`;
    ids.push(f.id);
    values.push({ claim, kind: "claimed wait", days: r.waitDays, order: i });
    const ratio = r.minimum.ratioToOfficial;
    if (ratio !== null && ratio > 0) values.push({ claim, kind: "wait the official flow could give", days: r.waitDays * ratio, order: i });
  });
  if (values.length === 0) return null;
  return {
    id: "waittime-claims",
    findingIds: ids,
    caption:
      "Claimed waits (circles) and the waits the official deceased-donor flow of the same period could give under the same Poisson/ABO model (diamonds; least demanding blood group, first in line). Claims without a diamond have no official flow to compare with (e.g. periods before the voluntary system began).",
    spec: {
      ...base("Claimed waits against the waits the official donor flow could give", "data/wait_times.csv; data/abo_blood_type_frequencies.csv; data/china_deceased_donors.csv", ids.length > 4 ? [`${ids.length} findings (see the table below)`] : ids),
      width: WIDTH - 200,
      height: Math.max(80, new Set(values.map((v) => v.claim)).size * 30),
      data: { values },
      mark: { type: "point", filled: true, size: 70 },
      encoding: {
        y: { field: "claim", type: "nominal", sort: { field: "order", order: "ascending" }, title: null, axis: { labelLimit: 260, labelExpr: "split(datum.label, ' · ')", labelLineHeight: 11 } },
        x: { field: "days", type: "quantitative", scale: { type: "log" }, title: "Wait (days, log scale)", axis: { format: "~g" } },
        color: { field: "kind", type: "nominal", scale: { domain: ["claimed wait", "wait the official flow could give"], range: [TARGET, LINE] }, legend: { title: null, labelLimit: 320 } },
        shape: { field: "kind", type: "nominal", scale: { domain: ["claimed wait", "wait the official flow could give"], range: ["circle", "diamond"] } },
      },
    },
  };
}

/** "Institution: liver wait 2003-2006 (SRC, line 2)" -> "Institution (shortened) · liver wait 2003-2006". */
export function claimLabel(title: string): string {
  const cut = title.indexOf(": ");
  const who = cut > 0 ? title.slice(0, cut) : title;
  const what = cut > 0 ? title.slice(cut + 2).replace(/\s*\([^)]*\)\s*$/, "") : "";
  const short = who.length > 30 ? `${who.slice(0, 29)}…` : who;
  return what ? `${short} · ${what}` : short;
}

/** Series with the fitted break (rule) and its profile interval (band). */
export function changepointChart(f: Finding<ChangepointResult>, series: { x: number[]; y: number[] }): ChartSpec | null {
  const r = f.result;
  if (r.status !== "ok" || r.break === null || series.x.length === 0) return null;
  const values = series.x.map((x, i) => ({ x, y: series.y[i]! }));
  const x = { field: "x", type: "quantitative", title: "Year", axis: { format: "d", tickMinStep: 1 }, scale: { zero: false, nice: false } };
  const layers: VlSpec[] = [];
  if (r.interval)
    layers.push({ data: { values: [{ lo: r.interval.low, hi: r.interval.high }] }, mark: { type: "rect", color: BAND90, opacity: 0.6 }, encoding: { x: { field: "lo", type: "quantitative" }, x2: { field: "hi" } } });
  layers.push({ data: { values: [{ b: r.break }] }, mark: { type: "rule", color: TARGET, strokeWidth: 2 }, encoding: { x: { field: "b", type: "quantitative" } } });
  const logY = series.y.every((v) => v > 0);
  layers.push({
    mark: { type: "line", color: LINE, point: { filled: true, color: LINE } },
    encoding: { x, y: { field: "y", type: "quantitative", title: `Count per year${logY ? " (log scale)" : ""}`, axis: { format: ",.0f" }, scale: logY ? { type: "log" } : { zero: true } } },
  });
  return {
    id: `changepoint-${f.id}`,
    findingIds: [f.id],
    caption: `Series (points${logY ? ", log scale" : ""}), best-fitting break (red line) and its ${r.interval ? `${Math.round(r.interval.level * 100)} % profile-likelihood interval (band)` : "interval (not available)"}.`,
    spec: { ...base("Change point in growth", sourceLine(f), [f.id]), width: WIDTH, height: 200, data: { values }, layer: layers },
  };
}

/** Every chart of a report, in report order, chosen by each finding's method. */
export function chartsForAudit(audit: ReportAudit): ChartSpec[] {
  const s = audit.sections;
  const out: ChartSpec[] = [];
  const push = (c: ChartSpec | null) => {
    if (c && !out.some((o) => o.id === c.id)) out.push(c);
  };
  const byMethod = (f: Finding) => {
    const m = f.method;
    if (m === "forensics.fit") push(fitChart(f as Finding<FitResult>));
    else if (m === "forensics.peer-benchmark" && isObj(f.result) && "peers" in f.result && "target" in f.result) push(peerChart(f as Finding<PeerBenchmarkResult>));
    else if (m.startsWith("forensics.digits.benford-")) push(benfordChart(f as Finding<BenfordResult>));
    else if (m === "forensics.digits.last-digit") push(lastDigitChart(f as Finding<LastDigitResult>));
    else if (m === "changepoint.segmented-poisson") push(changepointChart(f as Finding<ChangepointResult>, s.forensics.target));
  };
  for (const f of s.forensics.findings) byMethod(f);
  for (const f of s.ratios.findings) byMethod(f);
  for (const f of s.aggregation.findings) byMethod(f);
  for (const f of s.changepoint.findings) byMethod(f);
  for (const a of s.accounting) {
    if (a.accounting.method === "model.accounting") push(fanChart(a.accounting as Finding<AccountingResult>));
    if (a.sensitivity) push(tornadoChart(a.sensitivity as Finding<SensitivityResult>));
  }
  push(waitChart(s.waittime.findings));
  return out;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object";
}
