import { z } from "zod";
import { canonicalJson } from "../core/canonical.js";
import { OrganAuditError } from "../core/errors.js";
import type { Finding, InputRef } from "../core/finding.js";
import { sha256Hex } from "../core/hash.js";

/**
 * manifest.json: the machine-readable provenance of a report. It records nothing that changes between
 * two builds of the same inputs (no clock: a date only from SOURCE_DATE_EPOCH), so two builds give
 * identical manifests, and `report verify` can re-run the audit from it.
 */
export const MANIFEST_VERSION = 1;

const InputFileSchema = z.object({
  /** display name, e.g. data/china_deceased_donors.csv */
  name: z.string(),
  /** path to re-hash: relative to the package root, or absolute when outside it */
  path: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
});

const RunSchema = z.object({
  /** data package directory (relative to the package root, or absolute) */
  dataDir: z.string(),
  /** scenario files (relative to the package root, or absolute); empty = the audit's default */
  scenarios: z.array(z.string()),
  seed: z.number().int().nullable(),
  draws: z.number().int().nullable(),
  sims: z.number().int().nullable(),
});

export const ManifestSchema = z.object({
  manifestVersion: z.literal(MANIFEST_VERSION),
  tool: z.object({ name: z.string(), version: z.string(), commit: z.string() }),
  sourceDateEpoch: z.string().nullable(),
  run: RunSchema,
  parameters: z.record(z.string(), z.unknown()),
  inputs: z.array(InputFileSchema),
  auditInputs: z.array(z.object({ name: z.string(), sha256: z.string() }).passthrough()),
  findings: z.array(
    z.object({ id: z.string(), method: z.string(), methodVersion: z.string(), verdict: z.string(), seed: z.number().nullable(), sha256: z.string() }),
  ),
  charts: z.array(z.object({ id: z.string(), findingIds: z.array(z.string()), sha256: z.string() })),
  report: z.object({ html: z.object({ file: z.string(), sha256: z.string() }) }),
});

export type Manifest = z.infer<typeof ManifestSchema>;
export type ManifestInputFile = z.infer<typeof InputFileSchema>;
export type ManifestRun = z.infer<typeof RunSchema>;

/** SHA-256 of a finding's canonical JSON (its full result, caveats and provenance). */
export function findingHash(f: Finding): string {
  return sha256Hex(canonicalJson(f));
}

export function manifestFindings(findings: readonly Finding[]): Manifest["findings"] {
  return findings.map((f) => ({
    id: f.id,
    method: f.provenance.method,
    methodVersion: f.provenance.methodVersion,
    verdict: f.verdict,
    seed: f.provenance.seed,
    sha256: findingHash(f),
  }));
}

export function buildManifest(m: {
  tool: Manifest["tool"];
  sourceDateEpoch: string | null;
  run: ManifestRun;
  parameters: Record<string, unknown>;
  inputs: ManifestInputFile[];
  auditInputs: InputRef[];
  findings: readonly Finding[];
  charts: { id: string; findingIds: string[]; svg: string }[];
  html: string;
}): Manifest {
  return {
    manifestVersion: MANIFEST_VERSION,
    tool: m.tool,
    sourceDateEpoch: m.sourceDateEpoch,
    run: m.run,
    parameters: m.parameters,
    inputs: m.inputs,
    auditInputs: m.auditInputs.map((i) => ({ ...i })),
    findings: manifestFindings(m.findings),
    charts: m.charts.map((c) => ({ id: c.id, findingIds: c.findingIds, sha256: sha256Hex(c.svg) })),
    report: { html: { file: "report.html", sha256: sha256Hex(m.html) } },
  };
}

/** Serialise: 2-space JSON with sorted keys and a final newline (stable bytes). */
export function manifestJson(m: Manifest): string {
  return `${JSON.stringify(JSON.parse(canonicalJson(m)), null, 2)}\n`;
}

/** Parse and validate manifest.json text; errors name the file and the JSON path. */
export function parseManifest(text: string, file: string): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new OrganAuditError("R_MANIFEST_INVALID", { detail: (e as Error).message }, { file });
  }
  const r = ManifestSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const path = `$${issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("")}`;
    throw new OrganAuditError("R_MANIFEST_INVALID", { detail: issue.message }, { file, path });
  }
  return r.data;
}
