import { resolve } from "node:path";
import type { Command } from "commander";
import { OrganAuditError } from "../core/errors.js";
import { message } from "../core/messages.js";
import { buildReport, REPORT_DEFAULTS, writeReport } from "../report/build.js";
import { chromiumAvailable, CHROMIUM_PATH, printPdf } from "../report/pdf.js";
import type { AuditRunner } from "../report/types.js";
import { verifyReport } from "../report/verify.js";
import { EXIT, printJson } from "./io.js";
import type { CliContext } from "./main.js";

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function intOption(raw: string | undefined, name: string, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const s = raw.trim().replace(/_/g, "");
  if (!/^\d+$/.test(s) || Number(s) < min || Number(s) > max)
    throw new OrganAuditError("E_USAGE", { detail: `${name} must be an integer from ${min} to ${max}, found "${raw}"` });
  return Number(s);
}

export function parseFormats(raw: string): { html: true; pdf: boolean } {
  const parts = raw.split(",").map((p) => p.trim().toLowerCase()).filter(Boolean);
  for (const p of parts) if (p !== "html" && p !== "pdf") throw new OrganAuditError("R_BAD_FORMAT", { value: p });
  // the PDF is printed from the HTML, so the HTML is always written
  return { html: true, pdf: parts.includes("pdf") };
}

interface ReportOpts {
  out: string;
  scenario?: string[];
  format: string;
  seed?: string;
  draws?: string;
  sims?: string;
  dataDir?: string;
  json?: boolean;
}

/**
 * `organ-audit report`: build report.html (+ report.pdf where Chromium is installed) and manifest.json;
 * `organ-audit report verify DIR`: check that a report still matches its inputs (exit 1 if not).
 * `deps.runner` replaces the standard audit (tests).
 */
export function register(program: Command, ctx: CliContext, deps: { runner?: AuditRunner } = {}): void {
  const report = program
    .command("report")
    .description("build the audit report: self-contained report.html, report.pdf (where Chromium is installed) and manifest.json")
    .option("--out <dir>", "output directory", "out/report")
    .option("--scenario <file>", "accounting scenario file (repeatable; default: the audit's scenarios)", collect)
    .option("--format <list>", "formats: html, pdf (comma-separated)", "html,pdf")
    .option("--seed <n>", `seed of every random draw (default ${REPORT_DEFAULTS.seed})`)
    .option("--draws <n>", `Monte Carlo draws of the accounting (default ${REPORT_DEFAULTS.draws})`)
    .option("--sims <n>", `Monte Carlo simulations of the tests (default ${REPORT_DEFAULTS.sims})`)
    .option("--data-dir <dir>", "data package directory (default: the shipped package)")
    .option("--json", "print a machine-readable summary")
    .action(async (o: ReportOpts) => {
      const formats = parseFormats(o.format);
      const seed = intOption(o.seed, "--seed", 0, 2 ** 32 - 1);
      const draws = intOption(o.draws, "--draws", 100, 10_000_000);
      const sims = intOption(o.sims, "--sims", 19, 1_000_000);
      const built = await buildReport({
        ...(o.dataDir ? { dataDir: o.dataDir } : {}),
        ...(o.scenario ? { scenarios: o.scenario } : {}),
        ...(seed !== undefined ? { seed } : {}),
        ...(draws !== undefined ? { draws } : {}),
        ...(sims !== undefined ? { sims } : {}),
        ...(deps.runner ? { runner: deps.runner } : {}),
      });
      const outDir = resolve(o.out);
      const files = writeReport(outDir, built);
      let pdf: string | null = null;
      let pdfNote: string | null = null;
      if (formats.pdf) {
        if (chromiumAvailable()) {
          pdf = resolve(outDir, "report.pdf");
          await printPdf(files.html, pdf);
        } else pdfNote = message("R_NO_CHROMIUM", { path: CHROMIUM_PATH });
      }
      const summary = {
        html: files.html,
        manifest: files.manifest,
        pdf,
        findings: built.audit.findings.length,
        charts: built.charts.length,
        htmlSha256: built.manifest.report.html.sha256,
        ...(pdfNote ? { note: pdfNote } : {}),
      };
      if (o.json) printJson(ctx.io, summary);
      else {
        ctx.io.out(`wrote ${files.html} (${summary.findings} findings, ${summary.charts} charts)`);
        ctx.io.out(`wrote ${files.manifest}`);
        if (pdf) ctx.io.out(`wrote ${pdf}`);
        if (pdfNote) ctx.io.err(`organ-audit: ${pdfNote}`);
      }
    });

  report
    .command("verify <dir>")
    .description("re-hash the inputs, recompute the audit and check that the report in DIR still matches (exit 1 if not)")
    .option("--json", "print the result as JSON")
    .action(async (dir: string, o: { json?: boolean }) => {
      // commander gives "--json" after "verify DIR" to the parent command, which declares it too
      const json = o.json === true || report.opts<ReportOpts>().json === true;
      const r = await verifyReport(resolve(dir), deps.runner ? { runner: deps.runner } : {});
      if (!r.ok) ctx.setExit(EXIT.checkFailed);
      if (json) {
        printJson(ctx.io, r);
        return;
      }
      if (r.ok) ctx.io.out(message("R_VERIFY_OK", { inputs: r.inputsChecked, findings: r.findingsChecked }));
      else {
        ctx.io.out(`report in ${r.dir} does NOT match its inputs (${r.problems.length} difference(s)):`);
        for (const p of r.problems) ctx.io.out(`  [${p.code}] ${p.message}`);
        if (!r.recomputed) ctx.io.out("  (the audit was not recomputed: its inputs have changed)");
      }
    });
}
