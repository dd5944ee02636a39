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
