import { writeFileSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import { canonicalJson } from "../core/canonical.js";
import { OrganAuditError } from "../core/errors.js";
import type { Finding } from "../core/finding.js";
import { runStandardAudit, STANDARD_DEFAULTS } from "../audit/standard.js";
import type { CliContext } from "./main.js";
import { EXIT, printJson } from "./io.js";

const BADGE: Record<Finding["verdict"], string> = {
  flag: "FLAG      ",
  pass: "consistent",
  "insufficient-data": "cannot say",
  estimate: "estimate  ",
};

function intOption(v: string | undefined, flag: string, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new OrganAuditError("E_USAGE", { detail: `${flag} expects a non-negative integer, got "${v}"` });
  return n;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command("audit")
    .description(
      "run the standard audit on the shipped data: forensic battery on China's official donor series against GODT peers, ratio and aggregation checks, and the models; prints every finding",
    )
    .option("--data-dir <dir>", "data package directory (default: the shipped package)")
    .option("--scenario <file>", "accounting scenario file (repeatable; default: the shipped scenarios)", (v: string, p: string[] = []) => [...p, v])
    .option("--seed <n>", "seed of every random draw", String(STANDARD_DEFAULTS.seed))
    .option("--sims <n>", "Monte Carlo simulations per test", String(STANDARD_DEFAULTS.sims))
    .option("--draws <n>", "accounting Monte Carlo draws", String(STANDARD_DEFAULTS.draws))
    .option("--out <file>", "also write all findings as canonical JSON to this file")
    .option("--fail-on-flag", "exit 1 when any finding is flagged (for use as a check)")
    .option("--json", "machine-readable output: {parameters, inputs, findings}")
    .action((opts: { dataDir?: string; scenario?: string[]; seed?: string; sims?: string; draws?: string; out?: string; failOnFlag?: boolean; json?: boolean }) => {
      const audit = runStandardAudit({
        ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
        ...(opts.scenario ? { scenarios: opts.scenario } : {}),
        seed: intOption(opts.seed, "--seed", STANDARD_DEFAULTS.seed),
        sims: intOption(opts.sims, "--sims", STANDARD_DEFAULTS.sims),
        draws: intOption(opts.draws, "--draws", STANDARD_DEFAULTS.draws),
      });
      const payload = { toolVersion: audit.toolVersion, parameters: audit.parameters, inputs: audit.inputs, findings: audit.findings };
      if (opts.out) {
        const file = resolve(opts.out);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, `${canonicalJson(payload)}\n`);
      }
      if (opts.json) printJson(ctx.io, payload);
      else {
        const counts = { flag: 0, pass: 0, "insufficient-data": 0, estimate: 0 };
        for (const f of audit.findings) counts[f.verdict]++;
        ctx.io.out("Organ Audit: standard audit of the shipped data package");
        ctx.io.out(`parameters: ${Object.entries(audit.parameters).map(([k, v]) => `${k}=${String(v)}`).join(" ")}`);
        ctx.io.out("");
        for (const f of audit.findings) {
          const p = typeof f.pAdjusted === "number" ? ` (p adj. ${f.pAdjusted.toPrecision(3)})` : typeof f.pValue === "number" ? ` (p ${f.pValue.toPrecision(3)})` : "";
          ctx.io.out(`[${BADGE[f.verdict]}] ${f.id}  ${f.statement}${p}`);
        }
        ctx.io.out("");
        ctx.io.out(
          `${audit.findings.length} findings: ${counts.flag} flagged (inconsistent with the stated reference), ${counts.pass} consistent, ${counts["insufficient-data"]} undecided for lack of data, ${counts.estimate} estimates.`,
        );
        ctx.io.out("A flag says the figures are inconsistent with the reference named in the finding; it does not by itself establish why. Run with --json for provenance (inputs, hashes, parameters, seeds) and caveats.");
        if (opts.out) ctx.io.out(`findings written to ${resolve(opts.out)}`);
      }
      if (opts.failOnFlag && audit.findings.some((f) => f.verdict === "flag")) ctx.setExit(EXIT.checkFailed);
    });
}
