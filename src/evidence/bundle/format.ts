import { z } from "zod";

/**
 * Evidence bundle format (pure). A bundle is a zip (see zip.ts) holding exactly:
 *   manifest.json            this schema (items with their derived records; optionally the claims module's rows)
 *   log/entries.jsonl        the custody-log entries that concern the exported items and claims rows (canonical JSON, one a line)
 *   blobs/sha256/<sha256>    originals and derived content, named by their SHA-256
 *   sensitive/items.json     clear sensitive fields, only when exported with --include-sensitive
 * Any other name (absolute, "..", backslash, unexpected folder) makes the whole bundle invalid.
 */
export const BUNDLE_FORMAT = "organ-audit-evidence-bundle";

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);

/** Tables of the claims module that a bundle carries, in insertion order (claims before the links to them). */
export const BUNDLE_CLAIM_TABLES = ["case_info", "case_claim", "case_entity", "case_event", "case_link"] as const;
export type BundleClaimTable = (typeof BUNDLE_CLAIM_TABLES)[number];

/** A claims row: a text id and scalar columns with plain lower-case names. */
const claimRow = z
  .record(z.string().regex(/^[a-z][a-z0-9_]{0,62}$/), z.union([z.string(), z.number(), z.null()]))
  .refine((r) => typeof r.id === "string" && r.id.length > 0, { message: "every row needs a text id" });

export const manifestSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  version: z.literal(1),
  archiveId: z.string(),
  publicKey: z.string(),
  keyId: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  includesSensitive: z.boolean(),
  treeHead: z.object({
    v: z.literal(1),
    archiveId: z.string(),
    treeSize: z.number().int().positive(),
    rootHash: hex64,
    timestamp: z.string(),
    keyId: z.string(),
    signature: z.string(),
  }),
  items: z.array(z.object({ row: z.record(z.string(), z.unknown()), derived: z.array(z.record(z.string(), z.unknown())) })),
  /** inclusion proof of every entry of log/entries.jsonl in treeHead */
  proofs: z.array(z.object({ seq: z.number().int().nonnegative(), leafHash: hex64, path: z.array(hex64) })),
  omitted: z.array(z.object({ sha256: hex64, reason: z.string() })),
  /**
   * Rows of the claims module (claims, entities, timeline events, links, case files), each pinned by a log
   * entry of the bundle. Absent in bundles written before claims were carried (still valid). Only these
   * tables are accepted, and values are scalars.
   */
  claims: z
    .object(Object.fromEntries(BUNDLE_CLAIM_TABLES.map((t) => [t, z.array(claimRow).optional()])) as Record<BundleClaimTable, z.ZodOptional<z.ZodArray<typeof claimRow>>>)
    .strict()
    .optional(),
});
export type BundleManifest = z.infer<typeof manifestSchema>;

const BLOB_NAME = /^blobs\/sha256\/[0-9a-f]{64}$/;
const FIXED = new Set(["manifest.json", "log/entries.jsonl", "sensitive/items.json"]);

/** True for the only names a bundle may contain. */
export function isAllowedBundleName(name: string): boolean {
  return FIXED.has(name) || BLOB_NAME.test(name);
}

/** True when a name tries to leave the target folder (reported as path traversal). */
export function isTraversalName(name: string): boolean {
  return (
    name.startsWith("/") ||
    name.includes("\\") ||
    /^[A-Za-z]:/.test(name) ||
    name.split("/").some((p) => p === ".." || p === ".") ||
    name.includes("\u0000")
  );
}
