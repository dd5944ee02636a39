import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { OrganAuditError } from "../core/errors.js";
import { sha256Hex } from "../core/hash.js";
import { TOOL_NAME, TOOL_VERSION } from "../core/version.js";
import { runStandardAudit, STANDARD_DEFAULTS } from "../audit/standard.js";
import { defaultDataDir, loadPackage, packageRoot } from "../data/package.js";
import { chartsForAudit } from "./charts.js";
import { renderHtml, type RenderedChart } from "./html.js";
import { buildManifest, manifestJson, type Manifest, type ManifestInputFile, type ManifestRun } from "./manifest.js";
import { renderChart } from "./render-svg.js";
import type { AuditRunner, ReportAudit, SourceRef } from "./types.js";

/** Defaults of the report build: modest draws and sims so that the report builds in seconds. */
export const REPORT_DEFAULTS = { seed: STANDARD_DEFAULTS.seed, draws: 20_000, sims: 999 } as const;

export interface ReportBuildOptions {
  dataDir?: string;
  scenarios?: string[];
  seed?: number;
  draws?: number;
  sims?: number;
  /** the audit to report; default runStandardAudit */
  runner?: AuditRunner;
  /** git commit to record; default `git rev-parse HEAD` of the package root, "unknown" without git */
  commit?: string;
  /** SOURCE_DATE_EPOCH (seconds); default the environment variable; null = no date in the report */
  sourceDateEpoch?: string | null;
}

export interface BuiltReport {
  html: string;
  manifest: Manifest;
  manifestText: string;
  audit: ReportAudit;
  charts: RenderedChart[];
}

/** `git rev-parse HEAD` in `dir`, or "unknown" where git or the repository is absent. */
export function gitCommit(dir: string = packageRoot()): string {
  try {
    const out = execFileSync("git", ["rev-parse", "HEAD"], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 5000 });
    const c = out.trim();
    return /^[0-9a-f]{40,64}$/.test(c) ? c : "unknown";
  } catch {
    return "unknown";
  }
}

/** A path as recorded in the manifest: relative to the package root when inside it, else absolute. */
export function displayPath(p: string, root: string = packageRoot()): string {
  const abs = resolve(p);
  const rel = relative(root, abs);
  if (rel && !rel.startsWith("..") && !isAbsolute(rel)) return rel.split(sep).join("/");
  return abs;
}

/** Inverse of displayPath. */
export function resolveRecordedPath(p: string, root: string = packageRoot()): string {
  return isAbsolute(p) ? p : resolve(root, p);
}

/** ISO date of SOURCE_DATE_EPOCH, or null when unset. */
export function buildDateOf(epoch: string | null): string | null {
  if (epoch === null || epoch === "") return null;
  if (!/^\d{1,12}$/.test(epoch.trim()))
    throw new OrganAuditError("E_USAGE", { detail: `SOURCE_DATE_EPOCH must be a whole number of seconds, found "${epoch}"` });
  return new Date(Number(epoch.trim()) * 1000).toISOString().replace(".000Z", "Z");
}

function fileEntry(path: string, name?: string): ManifestInputFile {
  const bytes = readFileSync(path);
  const shown = displayPath(path);
  return { name: name ?? shown, path: shown, sha256: sha256Hex(bytes), bytes: bytes.length };
}

/**
 * Every input file of a report: datapackage.json, each resource of the package, the scenario files,
 * and any other input of the audit that names an existing file under the package root.
 */
export function collectInputFiles(dataDir: string, scenarios: readonly string[], audit: ReportAudit): ManifestInputFile[] {
  const out: ManifestInputFile[] = [];
  const seen = new Set<string>();
  const add = (abs: string) => {
    if (seen.has(abs)) return;
    seen.add(abs);
    out.push(fileEntry(abs));
  };
  const descPath = join(dataDir, "datapackage.json");
  add(descPath);
  const desc = JSON.parse(readFileSync(descPath, "utf8")) as { resources?: { path?: string | string[] }[] };
  for (const r of desc.resources ?? []) for (const p of [r.path ?? []].flat()) add(resolve(dataDir, p));
  for (const s of scenarios) add(resolve(s));
  for (const i of audit.inputs) {
    const name = i.name.split("#")[0]!;
    if (name.startsWith("data/")) continue; // package files are listed from the data directory above
    const abs = resolveRecordedPath(name);
    if (existsSync(abs) && statSync(abs).isFile()) add(abs);
  }
  return out;
}

/** The sources table of the package, for the references section (empty when the table is absent). */
export function readSources(dataDir: string): SourceRef[] {
  const t = loadPackage(dataDir).tables.get("sources");
  if (!t) return [];
  const str = (v: unknown) => (v === null || v === undefined ? "" : String(v));
  return t.rows.map((r) => ({
    id: str(r.values.id),
    title: str(r.values.title),
    author: str(r.values.author),
    year: str(r.values.year),
    url: str(r.values.url),
    language: str(r.values.language),
  }));
}

/** Run the audit and render report.html and manifest.json in memory. */
export async function buildReport(opts: ReportBuildOptions = {}): Promise<BuiltReport> {
  const dataDir = resolve(opts.dataDir ?? defaultDataDir());
  const scenarios = (opts.scenarios ?? []).map((s) => resolve(s));
  for (const s of scenarios) if (!existsSync(s)) throw new OrganAuditError("E_FILE_NOT_FOUND", { file: s }, { file: s });
  const seed = opts.seed ?? REPORT_DEFAULTS.seed;
  const draws = opts.draws ?? REPORT_DEFAULTS.draws;
  const sims = opts.sims ?? REPORT_DEFAULTS.sims;
  const runner: AuditRunner = opts.runner ?? runStandardAudit;
  const audit = runner({ dataDir, ...(scenarios.length ? { scenarios } : {}), seed, draws, sims });
  const commit = opts.commit ?? gitCommit();
  const epoch = opts.sourceDateEpoch === undefined ? (process.env.SOURCE_DATE_EPOCH ?? null) : opts.sourceDateEpoch;
  const buildDate = buildDateOf(epoch);

  const charts: RenderedChart[] = [];
  for (const chart of chartsForAudit(audit)) charts.push({ chart, svg: await renderChart(chart) });

  const run: ManifestRun = { dataDir: displayPath(dataDir), scenarios: scenarios.map((s) => displayPath(s)), seed, draws, sims };
  const inputFiles = collectInputFiles(dataDir, scenarios, audit);
  const parameters = { ...audit.parameters, report: { seed, draws, sims, scenarios: run.scenarios } };
  const tool = { name: TOOL_NAME, version: audit.toolVersion || TOOL_VERSION, commit };
  const html = renderHtml({ audit, charts, inputFiles, tool, parameters, sources: readSources(dataDir), buildDate });
  const manifest = buildManifest({
    tool,
    sourceDateEpoch: epoch === "" ? null : epoch,
    run,
    parameters,
    inputs: inputFiles,
    auditInputs: audit.inputs,
    findings: audit.findings,
    charts: charts.map((c) => ({ id: c.chart.id, findingIds: c.chart.findingIds, svg: c.svg })),
    html,
  });
  return { html, manifest, manifestText: manifestJson(manifest), audit, charts };
}

/** Write report.html and manifest.json into `outDir` (created if needed). */
export function writeReport(outDir: string, built: BuiltReport): { html: string; manifest: string } {
  mkdirSync(outDir, { recursive: true });
  const html = join(outDir, "report.html");
  const manifest = join(outDir, "manifest.json");
  writeFileSync(html, built.html);
  writeFileSync(manifest, built.manifestText);
  return { html, manifest };
}
