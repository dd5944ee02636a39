import { createHash, type KeyObject } from "node:crypto";
import { canonicalJson } from "../../core/canonical.js";
import { sha256Hex } from "../../core/hash.js";
import { entrySchema, rowDigest, type LogEntry } from "../custody/entry.js";
import { fromHex, leafHash, toHex, verifyInclusion } from "../custody/merkle.js";
import { keyIdOf, publicKeyFromBase64, verifyTreeHead } from "../custody/sth.js";
import { DIGEST_EXCLUDE } from "../store/schema.js";
import { isAllowedBundleName, isTraversalName, manifestSchema, type BundleManifest } from "./format.js";
import { ZipReader } from "./zip.js";

/**
 * Offline verification of an exported bundle (adapter: reads the zip only, needs no archive):
 * the signed tree head against the bundle's (or a trusted) public key, each log entry's inclusion
 * proof, each item/derived/claims row against the digest its latest entry pinned, and each blob's SHA-256.
 */
export interface BundleFailure {
  kind: "name" | "manifest" | "tree-head" | "entry" | "row" | "blob";
  message: string;
  itemId?: string;
  seq?: number;
  name?: string;
}

export interface BundleReport {
  ok: boolean;
  file: string;
  archiveId: string | null;
  keyId: string | null;
  treeHead: { treeSize: number; rootHash: string; timestamp: string } | null;
  counts: { items: number; derived: number; blobs: number; entries: number; omitted: number; claimRows: number };
  failures: BundleFailure[];
  manifest?: BundleManifest;
}

export async function verifyBundle(file: string, opts: { trustedPublicKey?: KeyObject } = {}): Promise<BundleReport> {
  const failures: BundleFailure[] = [];
  const report: BundleReport = {
    ok: false,
    file,
    archiveId: null,
    keyId: null,
    treeHead: null,
    counts: { items: 0, derived: 0, blobs: 0, entries: 0, omitted: 0, claimRows: 0 },
    failures,
  };
  let zip: ZipReader;
  try {
    zip = await ZipReader.open(file);
  } catch (e) {
    failures.push({ kind: "manifest", message: `cannot read the bundle: ${(e as Error).message}` });
    return report;
  }
  try {
    const seenNames = new Set<string>();
    for (const n of zip.names) {
      if (isTraversalName(n)) failures.push({ kind: "name", name: n, message: `unsafe entry name "${n}" (path traversal)` });
      else if (!isAllowedBundleName(n)) failures.push({ kind: "name", name: n, message: `unexpected entry name "${n}"` });
      if (seenNames.has(n)) failures.push({ kind: "name", name: n, message: `duplicate entry name "${n}"` });
      seenNames.add(n);
    }
    if (failures.length) return report;

    const me = zip.entry("manifest.json");
    const le = zip.entry("log/entries.jsonl");
    if (!me || !le) {
      failures.push({ kind: "manifest", message: "manifest.json or log/entries.jsonl is missing" });
      return report;
    }
    let manifest: BundleManifest;
    try {
      manifest = manifestSchema.parse(JSON.parse((await zip.read(me, 512 * 1024 * 1024)).toString("utf8")));
    } catch (e) {
      failures.push({ kind: "manifest", message: `manifest.json is invalid: ${(e as Error).message.split("\n")[0]}` });
      return report;
    }
    report.manifest = manifest;
    report.archiveId = manifest.archiveId;
    report.keyId = manifest.keyId;
    report.treeHead = { treeSize: manifest.treeHead.treeSize, rootHash: manifest.treeHead.rootHash, timestamp: manifest.treeHead.timestamp };
    report.counts.items = manifest.items.length;
    report.counts.derived = manifest.items.reduce((s, i) => s + i.derived.length, 0);
    report.counts.omitted = manifest.omitted.length;

    // --- tree head
    let pub: KeyObject | undefined;
    try {
      pub = publicKeyFromBase64(manifest.publicKey);
    } catch {
      failures.push({ kind: "tree-head", message: "the bundle's public key cannot be read" });
    }
    if (pub) {
      if (keyIdOf(pub) !== manifest.keyId || manifest.treeHead.keyId !== manifest.keyId) failures.push({ kind: "tree-head", message: "key id does not match the bundle's public key" });
      if (opts.trustedPublicKey && keyIdOf(opts.trustedPublicKey) !== keyIdOf(pub)) failures.push({ kind: "tree-head", message: "the bundle is signed by a key other than the trusted key" });
      if (manifest.treeHead.archiveId !== manifest.archiveId || !verifyTreeHead(manifest.treeHead, opts.trustedPublicKey ?? pub)) {
        failures.push({ kind: "tree-head", message: "the signed tree head's signature is invalid" });
      }
    }
    const root = fromHex(manifest.treeHead.rootHash);

    // --- log slice
    const lines = (await zip.read(le, 512 * 1024 * 1024)).toString("utf8").split("\n").filter((l) => l.length > 0);
    report.counts.entries = lines.length;
    const proofs = new Map(manifest.proofs.map((p) => [p.seq, p]));
    const pinned = new Map<string, { sha256: string; seq: number }>();
    for (const line of lines) {
      let e: LogEntry;
      try {
        e = entrySchema.parse(JSON.parse(line));
        if (canonicalJson(e) !== line) throw new Error("not canonical");
      } catch (err) {
        const m = /"itemId":"([^"]+)"/.exec(line);
        failures.push({ kind: "entry", message: `a log entry is malformed: ${(err as Error).message.split("\n")[0]}`, ...(m ? { itemId: m[1]! } : {}) });
        continue;
      }
      const leaf = leafHash(Buffer.from(line, "utf8"));
      const p = proofs.get(e.seq);
      if (!p || p.leafHash !== toHex(leaf) || !verifyInclusion(leaf, e.seq, manifest.treeHead.treeSize, p.path.map(fromHex), root)) {
        failures.push({ kind: "entry", seq: e.seq, message: `log entry ${e.seq} is not included in the signed tree head (changed, or its proof is wrong)`, ...(e.itemId ? { itemId: e.itemId } : {}) });
        continue;
      }
      for (const r of e.rows ?? []) {
        const key = `${r.table}\u0000${r.id}`;
        const prev = pinned.get(key);
        if (!prev || prev.seq < e.seq) pinned.set(key, { sha256: r.sha256, seq: e.seq });
      }
    }

    // --- rows
    const checkRow = (table: string, row: Record<string, unknown>, itemId: string): void => {
      const id = String(row.id);
      const exp = pinned.get(`${table}\u0000${id}`);
      if (!exp) failures.push({ kind: "row", itemId, message: `${table}/${id} is not pinned by any log entry of the bundle` });
      else if (rowDigest(table, row, DIGEST_EXCLUDE[table] ?? []) !== exp.sha256) failures.push({ kind: "row", itemId, seq: exp.seq, message: `${table}/${id} differs from the state recorded in log entry ${exp.seq}` });
    };
    const blobNames = new Set(zip.names.filter((n) => n.startsWith("blobs/")).map((n) => n.slice("blobs/sha256/".length)));
    const omitted = new Set(manifest.omitted.map((o) => o.sha256));
    const need = (sha: string, itemId: string, what: string): void => {
      if (!blobNames.has(sha) && !omitted.has(sha)) failures.push({ kind: "blob", itemId, message: `${what} of item ${itemId} (${sha}) is missing from the bundle` });
    };
    for (const it of manifest.items) {
      const itemId = String(it.row.id);
      checkRow("items", it.row, itemId);
      if (typeof it.row.sensitive === "string" && sha256Hex(it.row.sensitive) !== it.row.sensitive_digest) {
        failures.push({ kind: "row", itemId, message: `sealed sensitive fields of item ${itemId} do not match their digest` });
      }
      need(String(it.row.sha256), itemId, "the original");
      for (const d of it.derived) {
        checkRow("derived", d, itemId);
        need(String(d.sealed === 1 ? d.sha256 : d.blob_sha256), itemId, `derived ${String(d.kind)} ${String(d.id)}`);
      }
    }

    // --- claims rows: each must be pinned by an entry of the slice and equal the state it recorded
    for (const [table, rows] of Object.entries(manifest.claims ?? {})) {
      for (const row of rows ?? []) {
        report.counts.claimRows++;
        const id = String(row.id);
        const exp = pinned.get(`${table}\u0000${id}`);
        if (!exp) failures.push({ kind: "row", message: `${table}/${id} is not pinned by any log entry of the bundle` });
        else if (rowDigest(table, row, DIGEST_EXCLUDE[table] ?? []) !== exp.sha256) failures.push({ kind: "row", seq: exp.seq, message: `${table}/${id} differs from the state recorded in log entry ${exp.seq}` });
      }
    }

    // --- blobs
    const owner = new Map<string, string>();
    for (const it of manifest.items) {
      owner.set(String(it.row.sha256), String(it.row.id));
      for (const d of it.derived) owner.set(String(d.sealed === 1 ? d.sha256 : d.blob_sha256), String(it.row.id));
    }
    for (const e of zip.entries) {
      if (!e.name.startsWith("blobs/")) continue;
      report.counts.blobs++;
      const sha = e.name.slice("blobs/sha256/".length);
      const h = createHash("sha256");
      try {
        for await (const c of zip.stream(e)) h.update(c);
      } catch (err) {
        failures.push({ kind: "blob", name: e.name, message: (err as Error).message, ...(owner.get(sha) ? { itemId: owner.get(sha)! } : {}) });
        continue;
      }
      if (h.digest("hex") !== sha) failures.push({ kind: "blob", name: e.name, message: `blob ${sha} does not match its SHA-256: it was changed`, ...(owner.get(sha) ? { itemId: owner.get(sha)! } : {}) });
    }
  } finally {
    await zip.close();
  }
  report.ok = failures.length === 0;
  return report;
}
