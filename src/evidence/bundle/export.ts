import { existsSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { OrganAuditError } from "../../core/errors.js";
import type { Archive } from "../store/archive.js";
import type { LogEntry } from "../custody/entry.js";
import { inclusionProof, fromHex, toHex } from "../custody/merkle.js";
import { unseal } from "../crypto/seal.js";
import { BUNDLE_CLAIM_TABLES, BUNDLE_FORMAT, type BundleManifest } from "./format.js";
import { ZipWriter } from "./zip.js";
import { fsyncDir } from "../store/layout.js";

export interface ExportOptions {
  /** bundle file to write (must not exist) */
  out: string;
  /** items to export (default: all) */
  itemIds?: string[];
  /** include restricted originals, sealed texts in clear and sensitive fields (needs the witness key) */
  includeSensitive?: boolean;
  /**
   * Carry the claims module's rows (claims, entities, timeline events, links, case files) with the custody
   * entries that pin them. Default: true when every item is exported, false for a selection of items.
   */
  includeClaims?: boolean;
  actor: string;
}

export interface ExportResult {
  file: string;
  items: number;
  blobs: number;
  entries: number;
  omitted: number;
  /** claims-module rows carried (0 when not included) */
  claimRows: number;
  treeSize: number;
  rootHash: string;
}

/**
 * Export items with their derived records, the custody entries that concern them and inclusion
 * proofs against a signed tree head, as one zip file. The export itself is logged first, so the
 * bundle's tree head covers it. The file is written under a temporary name and renamed when
 * complete: a killed export leaves no bundle that looks whole.
 */
export async function exportBundle(a: Archive, opts: ExportOptions): Promise<ExportResult> {
  const out = resolve(opts.out);
  if (existsSync(out)) throw new OrganAuditError("EV_ARCH_BAD_INPUT", { detail: `${out} exists; choose a new bundle file name` });
  if (!existsSync(dirname(out))) throw new OrganAuditError("E_FILE_NOT_FOUND", { file: dirname(out) });
  const includeSensitive = opts.includeSensitive ?? false;
  if (includeSensitive && !a.keys.witnessKey) throw new OrganAuditError("EV_ARCH_KEY_MISSING", { key: "witness", file: a.keys.witnessKeyFile });

  let items = (await sql<Record<string, unknown>>`select * from items order by added_at, id`.execute(a.db)).rows;
  if (opts.itemIds) {
    const want = new Set(opts.itemIds);
    for (const id of want) if (!items.some((r) => r.id === id)) throw new OrganAuditError("EV_ARCH_NO_ITEM", { id });
    items = items.filter((r) => want.has(String(r.id)));
  }
  const itemIds = new Set(items.map((r) => String(r.id)));
  const derivedAll = (await sql<Record<string, unknown>>`select * from derived order by created_at, id`.execute(a.db)).rows;
  const derivedByItem = new Map<string, Record<string, unknown>[]>();
  const derivedIds = new Set<string>();
  for (const d of derivedAll) {
    if (!itemIds.has(String(d.item_id))) continue;
    derivedIds.add(String(d.id));
    derivedByItem.set(String(d.item_id), [...(derivedByItem.get(String(d.item_id)) ?? []), d]);
  }

  const includeClaims = opts.includeClaims ?? !opts.itemIds;
  const claims: NonNullable<BundleManifest["claims"]> = {};
  const claimKeys = new Set<string>();
  if (includeClaims) {
    for (const t of BUNDLE_CLAIM_TABLES) {
      const rows = (await sql<Record<string, string | number | null>>`select * from ${sql.table(t)} order by id`.execute(a.db)).rows;
      if (rows.length === 0) continue;
      claims[t] = rows;
      for (const r of rows) claimKeys.add(`${t}\u0000${String(r.id)}`);
    }
  }

  const exportEntry = await a.record({
    actor: opts.actor,
    action: "export",
    data: { file: basename(out), items: [...itemIds], includesSensitive: includeSensitive, ...(claimKeys.size > 0 ? { claimRows: claimKeys.size } : {}) },
  });
  const head = await a.log.treeHead();
  if (!head || head.treeSize !== exportEntry.seq + 1) throw new Error("export: the custody log changed during the export; retry");

  const logRows = await a.db.selectFrom("custody_log").selectAll().orderBy("seq").execute();
  const leaves = logRows.map((r) => fromHex(r.leaf_hash));
  const concerns = (e: LogEntry): boolean =>
    e.seq === exportEntry.seq ||
    (e.itemId !== undefined && itemIds.has(e.itemId)) ||
    (e.rows ?? []).some(
      (r) => (r.table === "items" && itemIds.has(r.id)) || (r.table === "derived" && derivedIds.has(r.id)) || claimKeys.has(`${r.table}\u0000${r.id}`),
    );
  const slice = logRows.filter((r) => concerns(JSON.parse(r.entry) as LogEntry));

  const manifestItems: BundleManifest["items"] = [];
  const blobFiles = new Map<string, { file?: string; bytes?: Buffer }>();
  const omitted: BundleManifest["omitted"] = [];
  const sensitive: Record<string, unknown> = {};
  for (const it of items) {
    const id = String(it.id);
    const row = { ...it };
    if (!includeSensitive) delete row.sensitive;
    else if (typeof it.sensitive === "string") sensitive[id] = JSON.parse(unseal(a.keys.witnessKey as Buffer, it.sensitive, `items/${id}/sensitive`).toString("utf8"));
    const sha = String(it.sha256);
    if (it.restricted === 1 && !includeSensitive) omitted.push({ sha256: sha, reason: `restricted original of item ${id}` });
    else blobFiles.set(sha, { file: a.blobs.path(sha) });
    const derived = derivedByItem.get(id) ?? [];
    for (const d of derived) {
      if (d.sealed === 1) {
        if (includeSensitive) blobFiles.set(String(d.sha256), { bytes: await a.readDerived(String(d.id)) });
        else omitted.push({ sha256: String(d.sha256), reason: `sealed ${String(d.kind)} ${String(d.id)} of item ${id}` });
      } else blobFiles.set(String(d.blob_sha256), { file: a.blobs.path(String(d.blob_sha256)) });
    }
    manifestItems.push({ row, derived });
  }

  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    version: 1,
    archiveId: a.config.archiveId,
    publicKey: a.config.publicKey,
    keyId: a.config.keyId,
    createdAt: new Date().toISOString(),
    createdBy: opts.actor,
    includesSensitive: includeSensitive,
    treeHead: head,
    items: manifestItems,
    proofs: slice.map((r) => ({ seq: Number(r.seq), leafHash: r.leaf_hash, path: inclusionProof(leaves, Number(r.seq), head.treeSize).map(toHex) })),
    omitted,
    ...(claimKeys.size > 0 ? { claims } : {}),
  };

  const tmp = join(dirname(out), `.${basename(out)}.${randomBytes(6).toString("hex")}.partial`);
  const zip = new ZipWriter(tmp);
  try {
    await zip.addBytes("manifest.json", Buffer.from(`${JSON.stringify(manifest, null, 1)}\n`, "utf8"));
    await zip.addBytes("log/entries.jsonl", Buffer.from(slice.map((r) => `${r.entry}\n`).join(""), "utf8"));
    if (includeSensitive && Object.keys(sensitive).length) await zip.addBytes("sensitive/items.json", Buffer.from(JSON.stringify(sensitive, null, 1), "utf8"));
    for (const [sha, src] of [...blobFiles].sort(([x], [y]) => (x < y ? -1 : 1))) {
      if (src.bytes) await zip.addBytes(`blobs/sha256/${sha}`, src.bytes);
      else await zip.addFile(`blobs/sha256/${sha}`, src.file as string);
    }
    await zip.finish();
    renameSync(tmp, out);
    fsyncDir(dirname(out));
  } catch (e) {
    await zip.abort().catch(() => undefined);
    rmSync(tmp, { force: true });
    throw e;
  }
  return { file: out, items: items.length, blobs: blobFiles.size, entries: slice.length, omitted: omitted.length, claimRows: claimKeys.size, treeSize: head.treeSize, rootHash: head.rootHash };
}
