import { existsSync } from "node:fs";
import { createHash, type KeyObject } from "node:crypto";
import { createReadStream } from "node:fs";
import { OrganAuditError } from "../../core/errors.js";
import { sha256Hex } from "../../core/hash.js";
import { seal } from "../crypto/seal.js";
import type { Archive } from "../store/archive.js";
import type { DerivedTable, ItemsTable } from "../store/schema.js";
import { sql } from "kysely";
import { rowDigest } from "../custody/entry.js";
import { BUNDLE_CLAIM_TABLES, isAllowedBundleName, isTraversalName, type BundleManifest } from "./format.js";
import { verifyBundle } from "./verify-bundle.js";
import { ZipReader, ZipFormatError } from "./zip.js";

export interface ImportResult {
  imported: string[];
  /** items already in the archive with the same id and bytes */
  skipped: string[];
  /** derived records left out because their content is sealed and not in the bundle */
  leftOut: string[];
  bundleSha256: string;
  /**
   * Claims-module rows of the bundle: inserted, already present (same id and content apart from who/when),
   * and conflicts (same id, other content: this archive's row is kept; listed as "table/id").
   */
  claims: { imported: number; present: number; conflicts: string[] };
}

/** Columns that record who wrote a claims row and when: ignored when deciding whether a row is already present. */
const CLAIM_STAMP_COLUMNS = ["created_at", "created_by", "loaded_at", "loaded_by"];

async function checkClaimColumns(a: Archive, claims: NonNullable<BundleManifest["claims"]>, file: string): Promise<void> {
  const tables = await a.db.introspection.getTables();
  for (const [table, rows] of Object.entries(claims)) {
    const t = tables.find((x) => x.name === table);
    if (!t) throw new OrganAuditError("EV_BUNDLE_INVALID", { detail: `this archive has no table ${table}` }, { file });
    const cols = new Map(t.columns.map((c) => [c.name, c]));
    const required = t.columns.filter((c) => !c.isNullable && !c.hasDefaultValue && !c.isAutoIncrementing).map((c) => c.name);
    for (const row of rows ?? []) {
      const unknown = Object.keys(row).find((k) => !cols.has(k));
      if (unknown) throw new OrganAuditError("EV_BUNDLE_INVALID", { detail: `${table}/${String(row.id)} has the column "${unknown}", which this archive's ${table} does not have` }, { file });
      const missing = required.find((k) => row[k] === undefined || row[k] === null);
      if (missing) throw new OrganAuditError("EV_BUNDLE_INVALID", { detail: `${table}/${String(row.id)} has no value for the required column "${missing}"` }, { file });
    }
  }
}

function sameClaimRow(table: string, a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return rowDigest(table, a, CLAIM_STAMP_COLUMNS) === rowDigest(table, b, CLAIM_STAMP_COLUMNS);
}

/**
 * Import a bundle into an archive: refuse unsafe names, verify the whole bundle first, copy blobs
 * (re-hashed on the way in), then insert every row and its custody entry in ONE transaction, so an
 * import is wholly present or absent. New blobs are removed again if the transaction fails.
 * Sensitive fields and sealed texts that the bundle carries in clear are re-sealed with this
 * archive's witness key.
 */
export async function importBundle(a: Archive, file: string, opts: { actor: string; trustedPublicKey?: KeyObject }): Promise<ImportResult> {
  if (!existsSync(file)) throw new OrganAuditError("E_FILE_NOT_FOUND", { file }, { file });
  let zip: ZipReader;
  try {
    zip = await ZipReader.open(file);
  } catch (e) {
    if (e instanceof ZipFormatError) throw new OrganAuditError("EV_BUNDLE_INVALID", { detail: e.message }, { file });
    throw e;
  }
  try {
    for (const n of zip.names) {
      if (isTraversalName(n) || !isAllowedBundleName(n)) throw new OrganAuditError("EV_BUNDLE_UNSAFE_NAME", { name: n }, { file });
    }
  } catch (e) {
    await zip.close();
    throw e;
  }
  await zip.close();
  const report = await verifyBundle(file, opts);
  if (!report.ok || !report.manifest) {
    throw new OrganAuditError("EV_BUNDLE_UNVERIFIED", { failures: report.failures.length }, { file }, report.failures);
  }
  const manifest = report.manifest;
  const h = createHash("sha256");
  for await (const c of createReadStream(file)) h.update(c as Buffer);
  const bundleSha256 = h.digest("hex");

  let sensitive: Record<string, Record<string, string>> = {};
  zip = await ZipReader.open(file);
  const newBlobs: string[] = [];
  try {
    const se = zip.entry("sensitive/items.json");
    if (se) sensitive = JSON.parse((await zip.read(se)).toString("utf8")) as typeof sensitive;
    const clearSealed = manifest.items.some((i) => i.derived.some((d) => d.sealed === 1 && zip.entry(`blobs/sha256/${String(d.sha256)}`)));
    if ((Object.keys(sensitive).length || clearSealed) && !a.keys.witnessKey) {
      throw new OrganAuditError("EV_ARCH_KEY_MISSING", { key: "witness", file: a.keys.witnessKeyFile });
    }
    // 1. blobs (outside the transaction; harmless orphans if anything below fails, and removed then)
    const blobs = new Set<string>();
    // clear texts of sealed records are never written to the store in clear: they are re-sealed below
    const sealedClear = new Set(manifest.items.flatMap((i) => i.derived.filter((d) => d.sealed === 1).map((d) => String(d.sha256))));
    const plainUse = new Set(manifest.items.flatMap((i) => [String(i.row.sha256), ...i.derived.filter((d) => d.sealed !== 1).map((d) => String(d.blob_sha256))]));
    for (const e of zip.entries) {
      if (!e.name.startsWith("blobs/")) continue;
      const want = e.name.slice("blobs/sha256/".length);
      if (sealedClear.has(want) && !plainUse.has(want)) {
        blobs.add(want);
        continue;
      }
      const put = await a.blobs.put(zip.stream(e), { label: e.name, maxBytes: a.maxItemBytes, allowEmpty: true });
      if (put.sha256 !== want) throw new OrganAuditError("EV_BUNDLE_INVALID", { detail: `${e.name} changed while importing` }, { file });
      if (!put.existed) newBlobs.push(put.sha256);
      blobs.add(want);
    }
    // claims rows must fit this archive's tables (a bundle from another version, or a forged one signed
    // with its own key, may carry other columns): checked before anything is written
    if (manifest.claims) await checkClaimColumns(a, manifest.claims, file);
    // 2. rows and custody entries, all or nothing
    const result = await a.transaction(async (trx) => {
      const imported: string[] = [];
      const skipped: string[] = [];
      const leftOut: string[] = [];
      for (const it of manifest.items) {
        const src = it.row as unknown as ItemsTable;
        const existing = await trx.selectFrom("items").select(["id", "sha256"]).where("id", "=", src.id).executeTakeFirst();
        if (existing) {
          if (existing.sha256 !== src.sha256) throw new OrganAuditError("EV_BUNDLE_INVALID", { detail: `item ${src.id} exists in this archive with other bytes` }, { file });
          skipped.push(src.id);
          continue;
        }
        if (!blobs.has(src.sha256) && !a.blobs.has(src.sha256)) {
          leftOut.push(src.id);
          continue;
        }
        const clearSensitive = sensitive[src.id];
        const sealed = clearSensitive ? seal(a.keys.witnessKey as Buffer, Buffer.from(JSON.stringify(clearSensitive), "utf8"), `items/${src.id}/sensitive`) : null;
        const row: ItemsTable = {
          id: src.id,
          sha256: src.sha256,
          size: Number(src.size),
          mime: src.mime,
          filename: src.filename,
          url: src.url,
          captured_at: src.captured_at,
          added_at: src.added_at,
          added_by: src.added_by,
          language: src.language,
          evidence_type: src.evidence_type,
          source: src.source,
          tags: src.tags,
          duplicate_of: src.duplicate_of,
          restricted: Number(src.restricted),
          sensitive: sealed,
          sensitive_digest: sealed ? sha256Hex(sealed) : null,
          note: src.note,
        };
        await trx.insertInto("items").values(row).execute();
        const rows = [{ table: "items", id: src.id }];
        for (const dr of it.derived) {
          const d = dr as unknown as DerivedTable;
          let blobSha = d.blob_sha256;
          if (d.sealed === 1) {
            if (!blobs.has(d.sha256)) {
              leftOut.push(d.id);
              continue;
            }
            const ze = zip.entry(`blobs/sha256/${d.sha256}`);
            if (!ze) throw new OrganAuditError("EV_BUNDLE_INVALID", { detail: `sealed text ${d.id} is missing` }, { file });
            const clear = await zip.read(ze);
            if (sha256Hex(clear) !== d.sha256) throw new OrganAuditError("EV_BUNDLE_INVALID", { detail: `sealed text ${d.id} changed while importing` }, { file });
            const put = await a.blobs.putBytes(Buffer.from(seal(a.keys.witnessKey as Buffer, clear, `derived/${d.id}`), "utf8"), { label: d.id, maxBytes: a.maxItemBytes });
            if (!put.existed) newBlobs.push(put.sha256);
            blobSha = put.sha256;
          } else if (!blobs.has(blobSha)) {
            leftOut.push(d.id);
            continue;
          }
          await trx
            .insertInto("derived")
            .values({ ...d, size: Number(d.size), sealed: Number(d.sealed), blob_sha256: blobSha })
            .execute();
          rows.push({ table: "derived", id: d.id });
        }
        await a.log.append(
          {
            actor: opts.actor,
            action: "import",
            itemId: src.id,
            blob: src.sha256,
            rows,
            data: { bundleSha256, fromArchive: manifest.archiveId, fromKeyId: manifest.keyId, fromTreeSize: manifest.treeHead.treeSize, fromRootHash: manifest.treeHead.rootHash },
          },
          trx,
        );
        imported.push(src.id);
      }
      // claims-module rows: insert the new ones, keep this archive's rows where ids exist; one custody entry
      // pins every row inserted
      const claims: ImportResult["claims"] = { imported: 0, present: 0, conflicts: [] };
      const claimRefs: { table: string; id: string }[] = [];
      for (const table of BUNDLE_CLAIM_TABLES) {
        for (const row of manifest.claims?.[table] ?? []) {
          const id = String(row.id);
          const have = (await sql<Record<string, unknown>>`select * from ${sql.table(table)} where id = ${id}`.execute(trx)).rows[0];
          if (have) {
            if (sameClaimRow(table, have, row)) claims.present++;
            else claims.conflicts.push(`${table}/${id}`);
            continue;
          }
          // eslint-disable-next-line @typescript-eslint/no-explicit-any
          await (trx as any).insertInto(table).values(row).execute();
          claimRefs.push({ table, id });
          claims.imported++;
        }
      }
      if (claimRefs.length > 0) {
        await a.log.append(
          {
            actor: opts.actor,
            action: "import",
            rows: claimRefs,
            data: {
              kind: "claims",
              bundleSha256,
              fromArchive: manifest.archiveId,
              fromKeyId: manifest.keyId,
              fromTreeSize: manifest.treeHead.treeSize,
              fromRootHash: manifest.treeHead.rootHash,
              present: claims.present,
              conflicts: claims.conflicts,
            },
          },
          trx,
        );
      }
      return { imported, skipped, leftOut, bundleSha256, claims };
    });
    return result;
  } catch (e) {
    for (const s of newBlobs) await a.blobs.remove(s);
    throw e;
  } finally {
    await zip.close();
  }
}
