import { Command } from "commander";
import type { CliContext } from "../../src/cli/main.js";
import { main } from "../../src/cli/main.js";

/** Run organ-audit in-process with the given arguments; capture what it prints and its exit code. */
export async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(["node", "organ-audit", ...args], {
    out: (t) => (stdout += t.endsWith("\n") ? t : `${t}\n`),
    err: (t) => (stderr += t.endsWith("\n") ? t : `${t}\n`),
  });
  return { code, stdout, stderr };
}

/**
 * Run one command group in isolation: a fresh commander program with only `register`'s commands, so a
 * group's tests do not depend on the others. Any thrown error (usage or input) counts as exit 2.
 */
export async function runRegistered(
  register: (program: Command, ctx: CliContext) => void,
  args: string[],
): Promise<{ out: string; err: string; exit: number; error?: unknown }> {
  let out = "";
  let err = "";
  let exit = 0;
  const ctx: CliContext = { io: { out: (t) => (out += t), err: (t) => (err += t) }, setExit: (c) => (exit = Math.max(exit, c)) };
  const program = new Command().exitOverride().configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
  register(program, ctx);
  try {
    await program.parseAsync(["node", "organ-audit", ...args]);
  } catch (e) {
    return { out, err, exit: 2, error: e };
  }
  return { out, err, exit };
}
