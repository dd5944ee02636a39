import { z } from "zod";
import { canonicalJson } from "../../core/canonical.js";
import { sha256Hex } from "../../core/hash.js";
import { CUSTODY_ACTIONS } from "../store/taxonomy.js";

/**
 * One custody-log entry (pure). The leaf of the Merkle tree is the UTF-8 canonical JSON of the entry.
 * `rows` pins database rows: for each, the SHA-256 of the canonical JSON of the row as stored
 * (see rowDigest), so that `verify` detects any later change to that row.
 */
export const rowRefSchema = z.object({ table: z.string().min(1), id: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/) });
export type RowRef = z.infer<typeof rowRefSchema>;

export const entrySchema = z
  .object({
    v: z.literal(1),
    seq: z.number().int().nonnegative(),
    time: z.string().min(1),
    actor: z.string().min(1),
    action: z.enum(CUSTODY_ACTIONS),
    itemId: z.string().optional(),
    blob: z.string().regex(/^[0-9a-f]{64}$/).optional(),
    rows: z.array(rowRefSchema).optional(),
    /** set when a row was deleted: no row with this table/id may exist afterwards */
    deleted: z.array(z.object({ table: z.string(), id: z.string() })).optional(),
    data: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type LogEntry = z.infer<typeof entrySchema>;

/** What callers pass to log.append: the log fills in v, seq and time, and computes row digests. */
export interface EntryInit {
  actor: string;
  action: LogEntry["action"];
  itemId?: string;
  blob?: string;
  /** rows to pin; their digests are computed from the database inside the same transaction */
  rows?: { table: string; id: string }[];
  deleted?: { table: string; id: string }[];
  data?: Record<string, unknown>;
}

export function entryBytes(e: LogEntry): Buffer {
  return Buffer.from(canonicalJson(e), "utf8");
}

/**
 * Digest of a database row: SHA-256 of canonical JSON of {table, row}, where row holds every column
 * except those listed in `exclude` (e.g. a ciphertext column covered by its own digest column).
 * Buffers are encoded as base64 so the digest is the same wherever the row is read.
 */
export function rowDigest(table: string, row: Record<string, unknown>, exclude: readonly string[] = []): string {
  const r: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (exclude.includes(k)) continue;
    r[k] = Buffer.isBuffer(v) ? { base64: v.toString("base64") } : typeof v === "bigint" ? v.toString() : v;
  }
  return sha256Hex(canonicalJson({ table, row: r }));
}
