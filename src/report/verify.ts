import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { OrganAuditError } from "../core/errors.js";
import { sha256Hex } from "../core/hash.js";
import { message, type MessageArgs, type MessageCode } from "../core/messages.js";
import { buildReport, resolveRecordedPath } from "./build.js";
import { parseManifest, type Manifest } from "./manifest.js";
import type { AuditRunner } from "./types.js";

/**
 * `report verify DIR`: re-hash every input file named in DIR/manifest.json, re-run the audit with the
 * recorded parameters and seeds, re-render, and compare each finding's hash and the hash of
 * report.html with the manifest (and with the report.html in DIR).
 */
export interface VerifyProblem {
  code: MessageCode;
  message: string;
  /** the input file, finding id or report file concerned */
  subject: string;
}

export interface VerifyResult {
  ok: boolean;
  dir: string;
  inputsChecked: number;
  findingsChecked: number;
  /** false when inputs changed: recomputation would only repeat that difference */
  recomputed: boolean;
  problems: VerifyProblem[];
}

function problem<C extends MessageCode>(code: C, args: MessageArgs<C>, subject: string): VerifyProblem {
  return { code, message: message(code, args), subject };
}

export function readManifest(dir: string): Manifest {
  const file = join(dir, "manifest.json");
  if (!existsSync(file)) throw new OrganAuditError("R_MANIFEST_MISSING", { dir }, { file });
  return parseManifest(readFileSync(file, "utf8"), file);
}

/** Check the inputs recorded in a manifest against the files as they are now. */
export function checkInputs(m: Manifest): VerifyProblem[] {
  const out: VerifyProblem[] = [];
  for (const i of m.inputs) {
    const abs = resolveRecordedPath(i.path);
    if (!existsSync(abs)) {
      out.push(problem("R_VERIFY_INPUT_MISSING", { name: i.name, path: abs }, i.name));
      continue;
    }
    const found = sha256Hex(readFileSync(abs));
    if (found !== i.sha256) out.push(problem("R_VERIFY_INPUT_CHANGED", { name: i.name, expected: i.sha256, found }, i.name));
  }
  return out;
}

export async function verifyReport(dir: string, opts: { runner?: AuditRunner } = {}): Promise<VerifyResult> {
  const m = readManifest(dir);
  const problems = checkInputs(m);
  const base = { dir, inputsChecked: m.inputs.length, findingsChecked: 0 };
  if (problems.length > 0) return { ...base, ok: false, recomputed: false, problems };

  const rebuilt = await buildReport({
    dataDir: resolveRecordedPath(m.run.dataDir),
    scenarios: m.run.scenarios.map((s) => resolveRecordedPath(s)),
    ...(m.run.seed !== null ? { seed: m.run.seed } : {}),
    ...(m.run.draws !== null ? { draws: m.run.draws } : {}),
    ...(m.run.sims !== null ? { sims: m.run.sims } : {}),
    ...(opts.runner ? { runner: opts.runner } : {}),
    commit: m.tool.commit,
    sourceDateEpoch: m.sourceDateEpoch,
  });

  const now = new Map(rebuilt.manifest.findings.map((f) => [f.id, f]));
  const titles = new Map(rebuilt.audit.findings.map((f) => [f.id, f.title]));
  for (const f of m.findings) {
    const g = now.get(f.id);
    if (!g) problems.push(problem("R_VERIFY_FINDING_MISSING", { id: f.id }, f.id));
    else if (g.sha256 !== f.sha256) problems.push(problem("R_VERIFY_FINDING_CHANGED", { id: f.id, title: titles.get(f.id) ?? f.method }, f.id));
  }
  const recorded = new Set(m.findings.map((f) => f.id));
  for (const g of rebuilt.manifest.findings) if (!recorded.has(g.id)) problems.push(problem("R_VERIFY_FINDING_EXTRA", { id: g.id }, g.id));

  const file = m.report.html.file;
  const rebuiltHash = rebuilt.manifest.report.html.sha256;
  if (rebuiltHash !== m.report.html.sha256)
    problems.push(problem("R_VERIFY_REPORT_CHANGED", { file: "manifest.json (report.html hash)", expected: rebuiltHash, found: m.report.html.sha256 }, "manifest.json"));
  const htmlPath = join(dir, file);
  if (!existsSync(htmlPath)) problems.push(problem("R_VERIFY_REPORT_MISSING", { file }, file));
  else {
    const onDisk = sha256Hex(readFileSync(htmlPath));
    if (onDisk !== rebuiltHash) problems.push(problem("R_VERIFY_REPORT_CHANGED", { file, expected: rebuiltHash, found: onDisk }, file));
  }
  return { ...base, findingsChecked: m.findings.length, ok: problems.length === 0, recomputed: true, problems };
}
