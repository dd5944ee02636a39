import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { OrganAuditError } from "../../core/errors.js";
import type { Finding } from "../../core/finding.js";
import { runStandardAudit, type StandardAuditOptions } from "../../audit/standard.js";

/**
 * Where the claim map gets its findings (adapter): a findings file written by `organ-audit audit
 * --json` / `--out`, or a fresh run of the standard audit (deterministic for the same data and seed).
 */

const findingShape = z
  .object({
    id: z.string().regex(/^F-[0-9a-f]{16}$/),
    method: z.string().min(1),
    title: z.string(),
    verdict: z.enum(["flag", "pass", "insufficient-data", "estimate"]),
    statement: z.string(),
    provenance: z.object({ parameters: z.record(z.string(), z.unknown()), inputs: z.array(z.object({ name: z.string() }).loose()) }).loose(),
  })
  .loose();

const fileShape = z.union([z.object({ findings: z.array(findingShape) }).loose(), z.array(findingShape)]);

export function readFindingsFile(file: string): Finding[] {
  if (!existsSync(file)) throw new OrganAuditError("E_FILE_NOT_FOUND", { file });
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8")) as unknown;
  } catch (e) {
    throw new OrganAuditError("E_INVALID_JSON", { detail: (e as Error).message }, { file });
  }
  const r = fileShape.safeParse(json);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new OrganAuditError("EV_CLAIM_FINDINGS_FILE", { detail: first ? `${first.path.join(".")}: ${first.message}` : "schema mismatch" }, { file });
  }
  return (Array.isArray(r.data) ? r.data : r.data.findings) as unknown as Finding[];
}

export interface FindingsInput {
  /** a findings file; else the standard audit is run */
  file?: string;
  audit?: StandardAuditOptions;
}

export function loadFindings(input: FindingsInput): Finding[] {
  if (input.file) return readFindingsFile(input.file);
  return runStandardAudit(input.audit ?? {}).findings;
}
