import { Command, CommanderError } from "commander";
import { TOOL_VERSION } from "../core/version.js";
import { EXIT, processIo, reportError, type Io } from "./io.js";
import { register as registerData } from "./data.js";
import { register as registerAudit } from "./audit.js";
import { register as registerForensicsFit } from "./forensics-fit.js";
import { register as registerForensicsChecks } from "./forensics-checks.js";
import { register as registerModelAccounting } from "./model-accounting.js";
import { register as registerModelOther } from "./model-other.js";
import { register as registerReport } from "./report.js";
import { register as registerEvidence } from "./evidence.js";
import { register as registerEvidenceSearch } from "./evidence-search.js";
import { register as registerEvidenceClaims } from "./evidence-claims.js";
import { register as registerScreenRecords } from "./screen-records.js";
import { register as registerScreenReview } from "./screen-review.js";
import { register as registerServe } from "./serve.js";

/** Context handed to every command group. `exit` records the exit code the command wants. */
export interface CliContext {
  io: Io;
  setExit: (code: number) => void;
}

/**
 * Build the organ-audit program. Each command group lives in its own file and registers itself here.
 */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command();
  program
    .name("organ-audit")
    .description(
      "Audit official organ-transplant statistics reproducibly: sourced data, forensic tests, models and evidence.",
    )
    .version(TOOL_VERSION)
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.io.out(s), writeErr: (s) => ctx.io.err(s) });
  registerAudit(program, ctx);
  registerData(program, ctx);
  registerForensicsFit(program, ctx);
  registerForensicsChecks(program, ctx);
  registerModelAccounting(program, ctx);
  registerModelOther(program, ctx);
  registerReport(program, ctx);
  registerEvidence(program, ctx);
  registerEvidenceSearch(program, ctx);
  registerEvidenceClaims(program, ctx);
  registerScreenRecords(program, ctx);
  registerScreenReview(program, ctx);
  registerServe(program, ctx);
  return program;
}

/** Run the CLI with the given argv (as process.argv: node, script, ...args). Returns the exit code. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let exit: number = EXIT.ok;
  const ctx: CliContext = { io, setExit: (c) => (exit = Math.max(exit, c)) };
  const program = buildProgram(ctx);
  const json = argv.includes("--json");
  try {
    await program.parseAsync(argv);
    return exit;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help")
        return EXIT.ok;
      return EXIT.usage;
    }
    return reportError(io, e, json);
  }
}

const isEntry = import.meta.url === `file://${process.argv[1] ?? ""}`;
if (isEntry) {
  process.exitCode = await main(process.argv);
}
