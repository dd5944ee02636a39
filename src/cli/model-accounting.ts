import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { OrganAuditError } from "../core/errors.js";
import { loadScenarioFile, type LoadedScenario } from "../data/scenario-file.js";
import {
  DEFAULT_DRAWS,
  DEFAULT_SEED,
  MAX_DRAWS,
  accountingFinding,
  runAccounting,
  type AccountingResult,
} from "../models/accounting.js";
import type { Summary } from "../models/quantiles.js";
import { scenarioJsonSchema } from "../models/scenario.js";
import {
  DEFAULT_SENSITIVITY_DRAWS,
  compareResults,
  runSensitivity,
  sensitivityFinding,
} from "../models/sensitivity.js";
import { printJson } from "./io.js";
import type { CliContext } from "./main.js";

/** The scenario used when --scenario is omitted (shipped with the package). */
export const DEFAULT_SCENARIO_NAME = "scenarios/official.json";
export function defaultScenarioPath(): string {
  return fileURLToPath(new URL("../../scenarios/official.json", import.meta.url));
}

function parseIntOption(raw: string | undefined, name: string, min: number, max: number, dflt: number): number {
  if (raw === undefined) return dflt;
  const s = raw.trim().replace(/_/g, "");
  if (!/^\d+$/.test(s) || Number(s) < min || Number(s) > max) {
    throw new OrganAuditError("E_USAGE", {
      detail: `${name} must be an integer from ${min} to ${max}, found "${raw}"`,
    });
  }
  return Number(s);
}

function load(file: string | undefined): LoadedScenario {
  if (file !== undefined) return loadScenarioFile(file);
  const loaded = loadScenarioFile(defaultScenarioPath());
  return { ...loaded, file: DEFAULT_SCENARIO_NAME, input: { ...loaded.input, name: DEFAULT_SCENARIO_NAME } };
}

const int = (x: number): string => String(Math.round(x)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
const pct = (p: number): string => `${(p * 100).toFixed(1)}%`;
const ratio = (s: Summary | null): string => (s ? s.p50.toFixed(2) : "n/a");

function jsonOfResult(r: AccountingResult): Record<string, unknown> {
  return {
    scenario: r.scenario,
    seed: r.seed,
    draws: r.draws,
    years: r.years.map((y) => ({
      year: y.year,
      unexplained: y.unexplained,
      pCovered: y.pCovered,
      shareExplained: y.shareExplained,
      transplants: y.transplants,
      explained: y.explained,
      ...(y.byOrgan ? { byOrgan: y.byOrgan } : {}),
    })),
    total: {
      ...r.total.unexplained,
      pCovered: r.total.pCovered,
      shareExplained: r.total.shareExplained,
      transplants: r.total.transplants,
      explained: r.total.explained,
    },
  };
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  "))
    .join("\n");
}

function printAccounting(
  ctx: CliContext,
  loaded: LoadedScenario,
  r: AccountingResult,
  statement: string,
  caveats: string[],
): void {
  const rows: string[][] = [
    ["year", "transplants", "explained", "unexplained p50", "p05", "p95", "P(covered)", "share expl. p50"],
  ];
  for (const y of r.years) {
    rows.push([
      String(y.year),
      int(y.transplants.mean),
      int(y.explained.mean),
      int(y.unexplained.p50),
      int(y.unexplained.p05),
      int(y.unexplained.p95),
      pct(y.pCovered),
      ratio(y.shareExplained),
    ]);
  }
  const t = r.total;
  rows.push([
    "total",
    int(t.transplants.mean),
    int(t.explained.mean),
    int(t.unexplained.p50),
    int(t.unexplained.p05),
    int(t.unexplained.p95),
    pct(t.pCovered),
    ratio(t.shareExplained),
  ]);
  ctx.io.out(`scenario ${loaded.scenario.name} (${loaded.file}), ${r.draws} draws, seed ${r.seed}\n`);
  ctx.io.out(`${table(rows)}\n`);
  ctx.io.out(`\n${statement}\n`);
  for (const c of caveats) ctx.io.out(`caveat: ${c}\n`);
}

export function register(program: Command, ctx: CliContext): void {
  const model =
    program.commands.find((c) => c.name() === "model") ??
    program.command("model").description("models: accounting, sensitivity, capacity, wait time, change points");

  model
    .command("accounting")
    .description(
      "organ-source accounting: transplants minus organs explained by executions, voluntary donors and living donors, with Monte Carlo uncertainty",
    )
    .option("--scenario <file>", `scenario JSON file (default: ${DEFAULT_SCENARIO_NAME})`)
    .option("--draws <n>", `Monte Carlo draws (default ${DEFAULT_DRAWS})`)
    .option("--seed <s>", `random seed, integer in [0, 2^32) (default ${DEFAULT_SEED})`)
    .option("--json", "machine-readable output")
    .action((opts: { scenario?: string; draws?: string; seed?: string; json?: boolean }) => {
      const draws = parseIntOption(opts.draws, "--draws", 2, MAX_DRAWS, DEFAULT_DRAWS);
      const seed = parseIntOption(opts.seed, "--seed", 0, 0xffffffff, DEFAULT_SEED);
      const loaded = load(opts.scenario);
      const { result } = runAccounting(loaded.scenario, { draws, seed });
      const finding = accountingFinding(loaded.scenario, result, loaded.input);
      if (opts.json) printJson(ctx.io, { ...jsonOfResult(result), finding });
      else
        printAccounting(
          ctx,
          loaded,
          result,
          finding.statement,
          finding.caveats.map((c) => c.message),
        );
    });

  model
    .command("sensitivity")
    .description(
      "which inputs drive the accounting result: tornado, Spearman rank correlation, Sobol indices; --compare a second scenario",
    )
    .option("--scenario <file>", `scenario JSON file (default: ${DEFAULT_SCENARIO_NAME})`)
    .option("--draws <n>", `Monte Carlo draws per Sobol matrix (default ${DEFAULT_SENSITIVITY_DRAWS})`)
    .option("--seed <s>", `random seed (default ${DEFAULT_SEED})`)
    .option("--compare <file>", "second scenario to compare with (same draws and seed)")
    .option("--json", "machine-readable output")
    .action((opts: { scenario?: string; draws?: string; seed?: string; compare?: string; json?: boolean }) => {
      const draws = parseIntOption(opts.draws, "--draws", 2, MAX_DRAWS, DEFAULT_SENSITIVITY_DRAWS);
      const seed = parseIntOption(opts.seed, "--seed", 0, 0xffffffff, DEFAULT_SEED);
      const loaded = load(opts.scenario);
      const other = opts.compare !== undefined ? loadScenarioFile(opts.compare) : undefined;
      const sens = runSensitivity(loaded.scenario, { draws, seed });
      const finding = sensitivityFinding(loaded.scenario, sens, loaded.input, { draws, seed });
      const comparison = other
        ? compareResults(
            runAccounting(loaded.scenario, { draws, seed }).result,
            runAccounting(other.scenario, { draws, seed }).result,
          )
        : undefined;
      if (opts.json) {
        printJson(ctx.io, { seed, draws, sensitivity: sens, ...(comparison ? { comparison } : {}), finding });
        return;
      }
      ctx.io.out(
        `scenario ${loaded.scenario.name} (${loaded.file}); output: ${sens.output}; ${draws} draws, seed ${seed}\n`,
      );
      const rows: string[][] = [["factor", "at p05", "at p95", "swing", "Spearman", "Sobol S1", "Sobol ST"]];
      for (const b of sens.tornado.bars) {
        const sp = sens.spearman.find((e) => e.factor === b.factor)?.rho;
        const so = sens.sobol.entries.find((e) => e.factor === b.factor);
        const f2 = (x: number | null | undefined): string => (x === null || x === undefined ? "n/a" : x.toFixed(3));
        rows.push([b.factor, int(b.low), int(b.high), int(b.swing), f2(sp), f2(so?.first), f2(so?.total)]);
      }
      ctx.io.out(`baseline (all inputs at medians): ${int(sens.tornado.baseline)}\n${table(rows)}\n`);
      if (comparison) {
        const crow: string[][] = [
          [
            "year",
            `${comparison.a} mean`,
            `${comparison.b} mean`,
            "difference",
            `P(cov) ${comparison.a}`,
            `P(cov) ${comparison.b}`,
          ],
        ];
        for (const y of comparison.years) {
          crow.push([
            String(y.year),
            int(y.meanA),
            int(y.meanB),
            int(y.difference),
            pct(y.pCoveredA),
            pct(y.pCoveredB),
          ]);
        }
        const tc = comparison.totalCommon;
        crow.push(["common", int(tc.meanA), int(tc.meanB), int(tc.difference), "", ""]);
        ctx.io.out(`\ncomparison of mean unexplained (common years):\n${table(crow)}\n`);
      }
      ctx.io.out(`\n${finding.statement}\n`);
    });

  model
    .command("schema")
    .description("print the JSON Schema of accounting scenario files")
    .action(() => printJson(ctx.io, scenarioJsonSchema()));
}
