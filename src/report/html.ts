import type { Finding, Verdict } from "../core/finding.js";
import { message, type MessageCode } from "../core/messages.js";
import type { ChartSpec } from "./charts.js";
import type { ReportAudit, SourceRef } from "./types.js";

/**
 * The report template: one self-contained HTML page (inline CSS and SVG, no scripts, no external
 * resources). Pure: the same model gives the same bytes.
 */

export interface RenderedChart {
  chart: ChartSpec;
  svg: string;
}

export interface InputFile {
  /** display name, e.g. "data/china_deceased_donors.csv" */
  name: string;
  sha256: string;
  bytes: number;
}

export interface ReportModel {
  audit: ReportAudit;
  /** charts keyed by the finding id they show (a chart showing several findings appears under each) */
  charts: RenderedChart[];
  inputFiles: InputFile[];
  tool: { name: string; version: string; commit: string };
  parameters: Record<string, unknown>;
  sources: SourceRef[];
  /** ISO date-time from SOURCE_DATE_EPOCH, or null (then no date is printed) */
  buildDate: string | null;
}

const VERDICT_LABEL: Record<Verdict, string> = {
  flag: "inconsistent with reference",
  pass: "consistent with reference",
  "insufficient-data": "insufficient data",
  estimate: "estimate (no verdict)",
};

const VERDICT_HELP: Record<Verdict, string> = {
  flag: "the data are inconsistent with the stated reference at the stated level; this is not proof of fabrication",
  pass: "the data are consistent with the stated reference; this is not proof of authenticity",
  "insufficient-data": "the test cannot decide with these data",
  estimate: "a model output, not a test",
};

const CJK = /[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF\u3000-\u303F]+/g;

/** Escape text for HTML and mark Chinese runs with lang="zh-Hans" so that a CJK font is chosen. */
export function esc(s: string): string {
  const e = s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  return e.replace(CJK, (m) => `<span lang="zh-Hans">${m}</span>`);
}

function escAttr(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** "中文 (English)": a name with its Chinese form first, the English beside it; either may be absent. */
export function bilingual(zh: string | null | undefined, en: string | null | undefined): string {
  const z = (zh ?? "").trim();
  const e = (en ?? "").trim();
  if (z && e && z !== e) return `${z} (${e})`;
  return z || e;
}

const NUMBER = /(?<![\p{L}\p{N}_^.-])([−-]?\d[\d,]*(?:\.\d+)?(?:e[+-]?\d+)?%?)/gu;

const ISO_DATE = /(?<![\p{L}\p{N}])(\d{4}-\d{2}(?:-\d{2})?)(?![\p{N}])/u;

/** Escape a sentence and link every number in it to the finding it comes from (dates are not numbers). */
export function linkNumbers(text: string, findingId: string): string {
  const parts = text.split(ISO_DATE);
  if (parts.length > 1) return parts.map((p, i) => (i % 2 === 1 ? esc(p) : linkNumbers(p, findingId))).join("");
  let out = "";
  let last = 0;
  for (const m of text.matchAll(NUMBER)) {
    const i = m.index;
    out += esc(text.slice(last, i));
    out += `<a class="num" href="#${findingId}">${esc(m[0])}</a>`;
    last = i + m[0].length;
  }
  return out + esc(text.slice(last));
}

/** Numbers with up to `sig` significant digits, thousands separators, "−" for minus. */
export function fmtNum(v: number | null | undefined, sig = 4): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "n/a";
  if (v === 0) return "0";
  const a = Math.abs(v);
  let s: string;
  if (a >= 1e-4 && a < 1e15) {
    const digits = Math.max(0, sig - 1 - Math.floor(Math.log10(a)));
    s = Number(a.toFixed(Math.min(digits, 10))).toLocaleString("en-US", { maximumFractionDigits: Math.min(digits, 10), useGrouping: a >= 10000 });
  } else s = a.toExponential(sig - 1);
  return v < 0 ? `−${s}` : s;
}

function fmtP(p: number | null | undefined): string {
  if (p === null || p === undefined) return "n/a";
  return p < 1e-4 ? p.toExponential(2) : p.toFixed(4);
}

function badge(v: Verdict): string {
  return `<span class="badge v-${v}" title="${escAttr(VERDICT_HELP[v])}">${VERDICT_LABEL[v]}</span>`;
}

/** The "what this test cannot show" line of a method. */
export function limitCode(method: string): MessageCode {
  if (method === "forensics.fit" || method === "forensics.predict" || method === "forensics.dispersion") return "R_LIMIT_FIT";
  if (method === "forensics.peer-benchmark") return "R_LIMIT_PEERS";
  if (method.startsWith("forensics.digits")) return "R_LIMIT_DIGITS";
  if (method.startsWith("forensics.ratios") || method.startsWith("forensics.consistency")) return "R_LIMIT_RATIOS";
  if (method.startsWith("forensics.aggregation")) return "R_LIMIT_AGGREGATION";
  if (method === "model.accounting.sensitivity") return "R_LIMIT_SENSITIVITY";
  if (method.startsWith("model.accounting")) return "R_LIMIT_ACCOUNTING";
  if (method.startsWith("waittime") || method.startsWith("ondemand")) return "R_LIMIT_WAIT";
  if (method.startsWith("changepoint")) return "R_LIMIT_CHANGEPOINT";
  if (method.startsWith("capacity")) return "R_LIMIT_CAPACITY";
  return "R_LIMIT_OTHER";
}

function keyNumbers(f: Finding, opts: { skipNull?: boolean } = {}): string[] {
  const out: string[] = [];
  const show = (v: number | null | undefined) => v !== undefined && !(opts.skipNull && v === null);
  if (f.statistic) out.push(`${esc(f.statistic.name)} = <a class="num" href="#${f.id}">${fmtNum(f.statistic.value)}</a>`);
  if (show(f.pValue)) out.push(`p = <a class="num" href="#${f.id}">${fmtP(f.pValue)}</a>`);
  if (show(f.pAdjusted)) out.push(`p (adjusted) = <a class="num" href="#${f.id}">${fmtP(f.pAdjusted)}</a>`);
  if (f.interval)
    out.push(
      `${Math.round(f.interval.level * 100)} % interval <a class="num" href="#${f.id}">${fmtNum(f.interval.low)}</a> to <a class="num" href="#${f.id}">${fmtNum(f.interval.high)}</a>`,
    );
  return out;
}

function figure(c: RenderedChart): string {
  return `<figure id="fig-${escAttr(c.chart.id)}" class="chart">${c.svg}<figcaption>${esc(c.chart.caption)} <span class="fid">(${c.chart.findingIds.length > 4 ? `${c.chart.findingIds.length} findings` : c.chart.findingIds.map((id) => `<a href="#${id}">${id}</a>`).join(", ")})</span></figcaption></figure>`;
}

function findingCard(f: Finding, charts: RenderedChart[], opts: { compact?: boolean } = {}): string {
  const nums = keyNumbers(f, { skipNull: true });
  const seed = f.provenance.seed === null ? "" : `, seed ${f.provenance.seed}`;
  const parts = [
    `<article class="finding${opts.compact ? " compact" : ""}" id="${f.id}">`,
    `<header><h4>${esc(f.title)}</h4><div class="meta">${badge(f.verdict)} <a class="fid" href="#${f.id}">${f.id}</a> <span class="method">${esc(f.provenance.method)} ${esc(f.provenance.methodVersion)}${seed}</span></div></header>`,
    `<p class="statement">${linkNumbers(f.statement, f.id)}</p>`,
  ];
  if (nums.length) parts.push(`<p class="numbers">${nums.join(" · ")}</p>`);
  for (const c of charts) parts.push(figure(c));
  if (f.caveats.length)
    parts.push(`<ul class="caveats">${f.caveats.map((c) => `<li><span class="cv">Caveat</span> ${linkNumbers(c.message, f.id)} <code>${esc(c.code)}</code></li>`).join("")}</ul>`);
  parts.push(`<p class="limit"><strong>What this test cannot show:</strong> ${esc(message(limitCode(f.method), {} as never))}.</p>`);
  parts.push(`</article>`);
  return parts.join("\n");
}

function chartsFor(model: ReportModel, f: Finding): RenderedChart[] {
  return model.charts.filter((c) => c.chart.findingIds.length === 1 && c.chart.findingIds[0] === f.id);
}

/** Per-hospital capacity estimates, with Chinese names beside the English ones. */
function capacityTable(f: Finding): string {
  const r = f.result as { units?: { hospital: string; hospitalZh?: string; organ: string; period: string; beds: number; quantiles: { p: number; value: number }[]; claims: { value: number; period: string }[] }[] } | null;
  if (!r?.units?.length) return "";
  const q = (u: { quantiles: { p: number; value: number }[] }, i: number) => fmtNum(Math.round(u.quantiles[i]?.value ?? 0));
  const rows = r.units
    .map(
      (u) =>
        `<tr><td lang="zh">${esc(bilingual(u.hospitalZh, u.hospital))}</td><td>${esc(u.organ)}</td><td>${esc(u.period || "undated")}</td><td class="nums">${fmtNum(u.beds)}</td><td class="nums">${q(u, 2)}</td><td class="nums">${q(u, 0)} to ${q(u, 4)}</td><td class="nums">${u.claims.map((c) => `${fmtNum(c.value)} (${esc(c.period)})`).join("<br>") || "—"}</td></tr>`,
    )
    .join("\n");
  return `<table class="capacity"><caption>Capacity per hospital unit (finding <a href="#${f.id}">${f.id}</a>): median and 95% Monte Carlo interval of transplants a year; claimed volumes as published</caption>
<thead><tr><th>hospital</th><th>organ</th><th>period</th><th>beds</th><th>median / yr</th><th>95% interval</th><th>claimed</th></tr></thead>
<tbody>${rows}</tbody></table>`;
}

function cards(model: ReportModel, findings: Finding[], compact = false): string {
  return findings.map((f) => findingCard(f, chartsFor(model, f), { compact })).join("\n");
}

function area(f: Finding): string {
  const m = f.method;
  if (m.startsWith("forensics.ratios") || m.startsWith("forensics.consistency")) return "ratios";
  if (m.startsWith("forensics.aggregation")) return "aggregation";
  if (m.startsWith("forensics")) return "forensics";
  if (m.startsWith("model.accounting")) return "accounting";
  if (m.startsWith("waittime") || m.startsWith("ondemand")) return "wait time";
  if (m.startsWith("changepoint")) return "change point";
  if (m.startsWith("capacity")) return "capacity";
  return m.split(".")[0]!;
}

function summaryTable(findings: Finding[]): string {
  const counts = new Map<Verdict, number>();
  for (const f of findings) counts.set(f.verdict, (counts.get(f.verdict) ?? 0) + 1);
  const tally = (["flag", "pass", "insufficient-data", "estimate"] as Verdict[])
    .map((v) => `${badge(v)} ${counts.get(v) ?? 0}`)
    .join(" &nbsp; ");
  const rows = findings
    .map(
      (f) =>
        `<tr><td class="id"><a href="#${f.id}">${f.id}</a></td><td>${esc(area(f))}</td><td>${esc(f.title)}</td><td>${badge(f.verdict)}</td><td class="nums">${keyNumbers(f, { skipNull: true }).map((k) => `<span class="kn">${k}</span>`).join("<br>") || "—"}</td></tr>`,
    )
    .join("\n");
  return `<p class="tally">${findings.length} findings: ${tally}</p>
<table class="summary"><thead><tr><th>Finding</th><th>Area</th><th>Title</th><th>Verdict</th><th>Key numbers</th></tr></thead><tbody>
${rows}
</tbody></table>`;
}

function flaggedList(findings: Finding[]): string {
  const flagged = findings.filter((f) => f.verdict === "flag");
  if (flagged.length === 0) return "<p>No finding is inconsistent with its stated reference.</p>";
  return `<h3>Findings inconsistent with their reference</h3>
<ul class="flagged">${flagged
    .map((f) => `<li><a href="#${f.id}">${esc(f.title)}</a>: ${linkNumbers(f.statement, f.id)}${f.caveats.length ? ` <span class="ncav">(${f.caveats.length} caveat${f.caveats.length === 1 ? "" : "s"}, see the finding)</span>` : ""}</li>`)
    .join("\n")}</ul>`;
}

function inputTable(files: InputFile[]): string {
  return `<table class="inputs"><thead><tr><th>File</th><th>Bytes</th><th>SHA-256</th></tr></thead><tbody>
${files.map((i) => `<tr><td>${esc(i.name)}</td><td class="r">${i.bytes.toLocaleString("en-US")}</td><td><code>${i.sha256}</code></td></tr>`).join("\n")}
</tbody></table>`;
}

function seriesTable(audit: ReportAudit): string {
  const t = audit.sections.forensics.target;
  const rows = t.x.map((x, i) => `<tr><td>${x}</td><td class="r">${fmtNum(t.y[i]!, 8)}</td></tr>`).join("");
  const peers = audit.sections.forensics.peers;
  return `<p>Target series: <strong>${esc(t.name)}</strong> (${t.x.length} values; input <code>${esc(t.input.name)}</code>${t.input.sourceIds?.length ? `; sources ${t.input.sourceIds.map((s) => `<a href="#src-${escAttr(s)}">${esc(s)}</a>`).join(", ")}` : ""}).</p>
<table class="series"><thead><tr><th>x</th><th>value</th></tr></thead><tbody>${rows}</tbody></table>
<p>Peer set: <strong>${esc(peers.name)}</strong>, ${peers.series.length} series: ${peers.series.map((s) => esc(s.name)).join(", ")}.</p>`;
}

function referenceList(model: ReportModel): string {
  const cited = new Set<string>();
  for (const f of model.audit.findings) for (const i of f.provenance.inputs) for (const s of i.sourceIds ?? []) cited.add(s.split(" ")[0]!);
  for (const s of model.audit.sections.forensics.target.input.sourceIds ?? []) cited.add(s);
  const byId = new Map(model.sources.map((s) => [s.id, s]));
  const ids = [...cited].sort();
  if (ids.length === 0) return "<p>No sources are cited by the findings.</p>";
  return `<ol class="refs">${ids
    .map((id) => {
      const s = byId.get(id);
      if (!s) return `<li id="src-${escAttr(id)}"><strong>${esc(id)}</strong>: not in the sources table.</li>`;
      const url = s.url ? ` <span class="url">${esc(s.url)}</span>` : "";
      return `<li id="src-${escAttr(id)}"><strong>${esc(id)}</strong>. ${esc(s.author)}${s.author ? ". " : ""}${esc(s.title)}${s.year ? ` (${esc(s.year)})` : ""}.${s.language && s.language !== "en" ? ` [${esc(s.language)}]` : ""}${url}</li>`;
    })
    .join("\n")}</ol>`;
}

function methodsSection(model: ReportModel): string {
  const methods = new Map<string, { version: string; n: number }>();
  for (const f of model.audit.findings) {
    const k = f.provenance.method;
    const e = methods.get(k);
    methods.set(k, { version: f.provenance.methodVersion, n: (e?.n ?? 0) + 1 });
  }
  const rows = [...methods.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([m, e]) => `<tr><td><code>${esc(m)}</code></td><td>${esc(e.version)}</td><td class="r">${e.n}</td><td>${esc(message(limitCode(m), {} as never))}</td></tr>`)
    .join("\n");
  const verdicts = (["flag", "pass", "insufficient-data", "estimate"] as Verdict[]).map((v) => `<li>${badge(v)}: ${esc(VERDICT_HELP[v])}.</li>`).join("");
  return `<p>Every number in this report is a <em>finding</em> with a stable id (<code>F-…</code>) computed from its method, method version, inputs, parameters and seed. Numbers in the text link to their finding; the provenance appendix lists the inputs and hashes that reproduce them (<code>organ-audit report verify DIR</code>).</p>
<h3>Verdicts</h3><ul class="verdicts">${verdicts}</ul>
<p>Wording rule: findings say “consistent with” or “inconsistent with” a stated reference, state their power and caveats, and a test that lacks the data to decide says “insufficient data”. No verdict is a finding of fraud or of authenticity.</p>
<h3>Methods used</h3>
<table class="methods"><thead><tr><th>Method</th><th>Version</th><th>Findings</th><th>What it cannot show</th></tr></thead><tbody>
${rows}
</tbody></table>`;
}

function provenanceSection(model: ReportModel): string {
  const p = JSON.stringify(model.parameters, null, 2);
  const rows = model.audit.findings
    .map((f) => `<tr><td><a href="#${f.id}">${f.id}</a></td><td><code>${esc(f.provenance.method)}</code> ${esc(f.provenance.methodVersion)}</td><td class="r">${f.provenance.seed ?? "—"}</td><td>${f.provenance.inputs.map((i) => `${esc(i.name)} <code>${i.sha256.slice(0, 12)}</code>`).join("<br>")}</td></tr>`)
    .join("\n");
  return `<dl class="prov">
<dt>Tool</dt><dd>${esc(model.tool.name)} ${esc(model.tool.version)}</dd>
<dt>Git commit</dt><dd><code>${esc(model.tool.commit)}</code></dd>
${model.buildDate ? `<dt>Build date</dt><dd>${esc(model.buildDate)} (SOURCE_DATE_EPOCH)</dd>` : ""}
</dl>
<h3>Parameters and seeds</h3>
<pre>${esc(p)}</pre>
<h3>Input files</h3>
${inputTable(model.inputFiles)}
<h3>Findings</h3>
<table class="prov-findings"><thead><tr><th>Finding</th><th>Method</th><th>Seed</th><th>Inputs (SHA-256 prefix)</th></tr></thead><tbody>
${rows}
</tbody></table>
<p>The machine-readable <code>manifest.json</code> beside this file records the same, with the SHA-256 of every finding and of this report.</p>`;
}

const CSS = `
@font-face{font-family:"OA Latin Punct";src:local("Noto Serif"),local("DejaVu Serif"),local("Liberation Serif"),local("Georgia");unicode-range:U+2010-2027}
@font-face{font-family:"OA Latin Punct Sans";src:local("Noto Sans"),local("DejaVu Sans"),local("Liberation Sans"),local("Arial");unicode-range:U+2010-2027}
:root{--ink:#1f2933;--muted:#52606d;--rule:#d9e2ec;--bg:#fff;--flag:#9b2c2c;--flagbg:#fde8e8;--pass:#22543d;--passbg:#e6f4ea;--ins:#5f370e;--insbg:#fdf3d7;--est:#243b53;--estbg:#e5edf6}
*{box-sizing:border-box}
html{font-size:15px}
body{margin:0;color:var(--ink);background:var(--bg);font-family:"OA Latin Punct","Noto Serif","Noto Serif CJK SC","Source Han Serif SC",Georgia,"Times New Roman",serif;line-height:1.5}
[lang|=zh]{font-family:"Noto Sans CJK SC","Noto Serif CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif}
main{max-width:52rem;margin:0 auto;padding:2rem 1.5rem 4rem}
h1,h2,h3,h4,th,.badge,.meta,figcaption,table,nav{font-family:"OA Latin Punct Sans","Noto Sans","Noto Sans CJK SC","Helvetica Neue",Arial,sans-serif}
h1{font-size:1.8rem;margin:0 0 .2rem;line-height:1.2}
.subtitle{color:var(--muted);margin:0 0 1rem}
h2{font-size:1.35rem;border-bottom:2px solid var(--ink);padding-bottom:.2rem;margin:2.5rem 0 1rem}
h3{font-size:1.1rem;margin:1.6rem 0 .6rem}
h4{font-size:1rem;margin:0}
a{color:#1d4e89}
a.num{color:inherit;text-decoration:underline dotted #7b8794;text-underline-offset:2px}
code{font-family:"Noto Sans Mono","DejaVu Sans Mono",Menlo,monospace;font-size:.82em;word-break:break-all}
pre{background:#f5f7fa;border:1px solid var(--rule);padding:.6rem;font-size:.8rem;white-space:pre-wrap;word-break:break-all}
nav.toc{border:1px solid var(--rule);padding:.6rem 1rem;background:#f8fafc}
nav.toc ol{margin:.2rem 0;padding-left:1.4rem}
table{border-collapse:collapse;width:100%;font-size:.82rem;margin:.6rem 0}
th,td{border-bottom:1px solid var(--rule);padding:.3rem .4rem;text-align:left;vertical-align:top}
th{background:#f0f4f8;font-weight:600}
td.r{text-align:right;font-variant-numeric:tabular-nums}
td.id,a.fid{white-space:nowrap}
table.summary{table-layout:fixed}
table.summary td.id{font-size:.72rem}
table.summary th:nth-child(1){width:9.2rem}
table.summary th:nth-child(2){width:5.6rem}
table.summary th:nth-child(4){width:10.2rem}
table.summary th:nth-child(5){width:12rem}
table.summary td{overflow-wrap:anywhere}
table.methods th:first-child{width:15rem}
table.prov-findings{table-layout:fixed}
table.prov-findings th:nth-child(1){width:9.5rem}
table.prov-findings th:nth-child(2){width:13rem}
table.prov-findings th:nth-child(3){width:5.5rem}
table.prov-findings td{overflow-wrap:anywhere;font-size:.74rem}
table.methods code{word-break:normal;overflow-wrap:anywhere}
table.series{width:auto;min-width:14rem}
.badge{display:inline-block;font-size:.72rem;font-weight:600;padding:.05rem .45rem;border-radius:.7rem;border:1px solid currentColor;white-space:nowrap}
.v-flag{color:var(--flag);background:var(--flagbg)}
.v-pass{color:var(--pass);background:var(--passbg)}
.v-insufficient-data{color:var(--ins);background:var(--insbg)}
.v-estimate{color:var(--est);background:var(--estbg)}
article.finding{border:1px solid var(--rule);border-left:4px solid #9fb3c8;padding:.8rem 1rem;margin:1rem 0;break-inside:avoid-page}
article.finding header{margin-bottom:.4rem}
.meta{font-size:.78rem;color:var(--muted);margin-top:.2rem}
.meta .fid{margin:0 .4rem}
.statement{margin:.4rem 0}
.numbers{font-size:.85rem;color:var(--muted);margin:.2rem 0}
ul.caveats{margin:.4rem 0;padding-left:1.1rem;font-size:.85rem}
ul.caveats code{color:var(--muted)}
.cv{font-family:"Noto Sans",Arial,sans-serif;font-size:.7rem;font-weight:600;text-transform:uppercase;color:var(--ins);margin-right:.2rem}
.limit{font-size:.85rem;background:#f8fafc;border-left:3px solid var(--rule);padding:.3rem .6rem;margin:.5rem 0 0}
figure.chart{margin:.8rem 0;break-inside:avoid}
figure.chart svg{max-width:100%;height:auto;display:block}
figcaption{font-size:.78rem;color:var(--muted);margin-top:.2rem}
.tally .badge{margin-right:.1rem}
ol.refs{font-size:.85rem;padding-left:1.4rem}
ol.refs .url{color:var(--muted);word-break:break-all}
dl.prov{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;font-size:.9rem}
dl.prov dt{font-weight:600}
dl.prov dd{margin:0}
.lead{font-size:1.02rem}
ul.flagged li{margin:.3rem 0}
.ncav{font-size:.8rem;color:var(--muted)}
footer{margin-top:3rem;font-size:.78rem;color:var(--muted);border-top:1px solid var(--rule);padding-top:.6rem}
@page{size:A4;margin:16mm 14mm 18mm}
@media print{
html{font-size:10.5pt}
main{max-width:none;padding:0}
h2{break-before:page;break-after:avoid}
h2.first{break-before:auto}
h3,h4{break-after:avoid}
a{color:inherit;text-decoration:none}
nav.toc{break-inside:avoid}
thead{display:table-header-group}
tr{break-inside:avoid}
pre{font-size:7.5pt}
}
`;

const SECTIONS = [
  ["summary", "Summary of findings"],
  ["data", "Data and sources"],
  ["forensics", "Forensic findings"],
  ["accounting", "Organ-source accounting"],
  ["waittime", "Wait-time analysis"],
  ["capacity", "Hospital capacity"],
  ["methods", "Methods and caveats"],
  ["references", "References"],
  ["provenance", "Appendix: provenance"],
] as const;

/** Build the report page. */
export function renderHtml(model: ReportModel): string {
  const a = model.audit;
  const s = a.sections;
  const chartsById = (id: string) => model.charts.filter((c) => c.chart.id === id);
  const forensicFindings = [...s.forensics.findings];
  const flagged = a.findings.filter((f) => f.verdict === "flag").length;

  const accounting = s.accounting
    .map(
      (e) => `<h3>Scenario “${esc(e.scenarioName)}” <span class="meta">(<code>${esc(e.scenarioFile)}</code>)</span></h3>
${cards(model, [e.accounting, ...(e.sensitivity ? [e.sensitivity] : [])])}`,
    )
    .join("\n");
  const waitFig = chartsById("waittime-claims").map(figure).join("\n");

  const body = [
    `<header><h1>Organ Audit: audit of official organ-transplant statistics</h1>
<p class="subtitle"><span lang="zh-Hans">器官移植官方统计数据审计</span> · ${esc(model.tool.name)} ${esc(model.tool.version)} · commit <code>${esc(model.tool.commit.slice(0, 12))}</code>${model.buildDate ? ` · ${esc(model.buildDate)}` : ""}</p></header>`,
    `<nav class="toc" aria-label="Contents"><strong>Contents</strong><ol>${SECTIONS.map(([id, t]) => `<li><a href="#${id}">${t}</a></li>`).join("")}</ol></nav>`,
    `<section id="summary"><h2 class="first">1. Summary of findings</h2>
<p class="lead">This report collects ${a.findings.length} findings computed from the data package and scenarios listed in the provenance appendix. ${flagged} finding(s) are inconsistent with their stated reference; every such finding is stated with its caveats and with what the test cannot show. “Consistent with reference” is not proof of authenticity and “inconsistent with reference” is not proof of fabrication.</p>
${flaggedList(a.findings)}
${summaryTable(a.findings)}</section>`,
    `<section id="data"><h2>2. Data and sources</h2>
<p>All inputs are files of the versioned data package and scenario files; each is identified by its SHA-256. Chinese names of bodies and hospitals are kept in their original form beside the English.</p>
${inputTable(model.inputFiles)}
<h3>Series under test</h3>
${seriesTable(a)}</section>`,
    `<section id="forensics"><h2>3. Forensic findings</h2>
<h3>Curve fits, peer benchmark and digit tests</h3>
${cards(model, forensicFindings)}
${s.ratios.findings.length ? `<h3>Ratios and consistency</h3>\n${cards(model, s.ratios.findings)}` : ""}
${s.aggregation.findings.length ? `<h3>Parts, wholes and counters</h3>\n${cards(model, s.aggregation.findings)}` : ""}
${s.changepoint.findings.length ? `<h3>Change points</h3>\n${cards(model, s.changepoint.findings)}` : ""}</section>`,
    `<section id="accounting"><h2>4. Organ-source accounting</h2>
<p>Each scenario states, per year, the claimed transplant volume and the modelled organ sources with their uncertainty; the fan chart shows the transplants per year not accounted for by those sources, the tornado how the cumulative result moves with each assumption.</p>
${accounting || "<p>No accounting scenario was run.</p>"}</section>`,
    `<section id="waittime"><h2>5. Wait-time analysis</h2>
<p>Reported or advertised waits are compared with the waits that the official deceased-donor flow of the same period could give under a Poisson/ABO model.</p>
${waitFig}
${cards(model, s.waittime.findings, true) || "<p>No wait-time claims were analysed.</p>"}</section>`,
    `<section id="capacity"><h2>6. Hospital capacity</h2>
${cards(model, s.capacity.findings) || "<p>No capacity analysis was run.</p>"}
${s.capacity.findings.map(capacityTable).join("\n")}</section>`,
    `<section id="methods"><h2>7. Methods and caveats</h2>
${methodsSection(model)}</section>`,
    `<section id="references"><h2>8. References</h2>
${referenceList(model)}</section>`,
    `<section id="provenance"><h2>9. Appendix: provenance</h2>
${provenanceSection(model)}</section>`,
    `<footer>Generated by ${esc(model.tool.name)} ${esc(model.tool.version)} (commit <code>${esc(model.tool.commit)}</code>). Rebuild and check with <code>organ-audit report verify DIR</code>.</footer>`,
  ];

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="${escAttr(`${model.tool.name} ${model.tool.version}`)}">
<title>Organ Audit report</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body.join("\n")}
</main>
</body>
</html>
`;
}
