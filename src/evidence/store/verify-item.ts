import type { KeyObject } from "node:crypto";
import { canonicalJson } from "../../core/canonical.js";
import { sha256Hex } from "../../core/hash.js";
import { entrySchema, rowDigest, type LogEntry } from "../custody/entry.js";
import { fromHex, inclusionProof, leafHash, toHex, verifyInclusion } from "../custody/merkle.js";
import { verifyTreeHead, type SignedTreeHead } from "../custody/sth.js";
import type { Archive } from "./archive.js";
import { DIGEST_EXCLUDE } from "./schema.js";
import type { VerifyFailure } from "./verify.js";

/**
 * Verification of ONE item (adapter), for an item page: re-hash its original and every derived blob,
 * check the item's and its derived records' rows against the digests pinned by their latest custody
 * entries, and prove that every custody entry about the item is included in the current signed tree
 * head (RFC 9162 inclusion proof from the entry's own bytes, against a head whose Ed25519 signature
 * verifies). It does not re-check the rest of the archive: `verifyArchive` does that.
 */

export interface ItemBlobCheck {
  /** "original", or the derived record's kind */
  role: string;
  /** the item id for the original, the derived record's id otherwise */
  id: string;
  sha256: string;
  ok: boolean;
  problem?: "missing" | "changed" | "size";
}

export interface ItemEntryCheck {
  seq: number;
  action: string;
  actor: string;
  time: string;
  /** the stored leaf hash equals SHA-256(0x00 || entry bytes) */
  leafOk: boolean;
  /** the inclusion proof of the entry's own bytes verifies against the signed tree head */
  included: boolean;
  /** the audit path (hex), leaf first to root */
  proof: string[];
}

export interface ItemRowCheck {
  table: string;
  id: string;
  /** seq of the latest entry that pins the row, null when no entry does */
  pinnedBy: number | null;
  ok: boolean;
}

export interface ItemVerification {
  itemId: string;
  ok: boolean;
  /** the head the entries were proven against (the latest one) */
  treeHead: SignedTreeHead | null;
  treeHeadSignatureOk: boolean;
  blobs: ItemBlobCheck[];
  rows: ItemRowCheck[];
  entries: ItemEntryCheck[];
  failures: VerifyFailure[];
  /** what this check does not cover */
  scope: string;
}

export const ITEM_VERIFY_SCOPE =
  "checks this item's original and derived blobs, its database rows against the custody log, and the inclusion of its custody entries in the latest signed tree head; the whole archive is checked by a full verify";

/** Whether a log entry concerns the item: it names it, or pins its row or one of its derived rows. */
function concerns(e: LogEntry, itemId: string, derivedIds: ReadonlySet<string>): boolean {
  if (e.itemId === itemId) return true;
  return (e.rows ?? []).some(
    (r) => (r.table === "items" && r.id === itemId) || (r.table === "derived" && derivedIds.has(r.id)),
  );
}

export async function verifyItem(
  a: Archive,
  itemId: string,
  opts: { trustedPublicKey?: KeyObject } = {},
): Promise<ItemVerification | undefined> {
  const itemRow = await a.db.selectFrom("items").selectAll().where("id", "=", itemId).executeTakeFirst();
  if (!itemRow) return undefined;
  const derivedRows = await a.db
    .selectFrom("derived")
    .selectAll()
    .where("item_id", "=", itemId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  const failures: VerifyFailure[] = [];

  // --- blobs
  const blobs: ItemBlobCheck[] = [];
  const orig = await a.blobs.rehash(itemRow.sha256);
  const origCheck: ItemBlobCheck = { role: "original", id: itemId, sha256: itemRow.sha256, ok: true };
  if (!orig) Object.assign(origCheck, { ok: false, problem: "missing" });
  else if (orig.sha256 !== itemRow.sha256) Object.assign(origCheck, { ok: false, problem: "changed" });
  else if (orig.size !== Number(itemRow.size)) Object.assign(origCheck, { ok: false, problem: "size" });
  blobs.push(origCheck);
  if (!origCheck.ok) {
    failures.push({
      kind: "blob",
      itemId,
      sha256: itemRow.sha256,
      message:
        origCheck.problem === "missing"
          ? `original of item ${itemId} is missing (blob ${itemRow.sha256})`
          : `original of item ${itemId} does not match its SHA-256 (blob ${itemRow.sha256}): the file was changed`,
    });
  }
  for (const d of derivedRows) {
    const h = await a.blobs.rehash(d.blob_sha256);
    const c: ItemBlobCheck = { role: d.kind, id: d.id, sha256: d.blob_sha256, ok: true };
    if (!h) Object.assign(c, { ok: false, problem: "missing" });
    else if (h.sha256 !== d.blob_sha256) Object.assign(c, { ok: false, problem: "changed" });
    else if (d.sealed !== 1 && (d.sha256 !== d.blob_sha256 || h.size !== Number(d.size)))
      Object.assign(c, { ok: false, problem: "size" });
    blobs.push(c);
    if (!c.ok) {
      failures.push({
        kind: "blob",
        itemId,
        sha256: d.blob_sha256,
        message:
          c.problem === "missing"
            ? `derived ${d.kind} ${d.id} of item ${itemId} is missing (blob ${d.blob_sha256})`
            : `derived ${d.kind} ${d.id} of item ${itemId} does not match its SHA-256 (blob ${d.blob_sha256}): the file was changed`,
      });
    }
  }
  if (itemRow.sensitive !== null && sha256Hex(itemRow.sensitive) !== itemRow.sensitive_digest) {
    failures.push({
      kind: "sealed",
      itemId,
      table: "items",
      rowId: itemId,
      message: `sealed sensitive fields of item ${itemId} do not match their digest`,
    });
  }

  // --- custody entries: parse all (rows are pinned by the latest entry naming them)
  const logRows = await a.db.selectFrom("custody_log").select(["seq", "entry", "leaf_hash"]).orderBy("seq").execute();
  const derivedIds = new Set(derivedRows.map((d) => d.id));
  const latestPin = new Map<string, { seq: number; sha256: string }>();
  const mine: { seq: number; entry: LogEntry | null; text: string; storedLeaf: string }[] = [];
  for (const r of logRows) {
    const seq = Number(r.seq);
    let e: LogEntry | null = null;
    try {
      const parsed = entrySchema.parse(JSON.parse(r.entry));
      if (canonicalJson(parsed) === r.entry) e = parsed;
    } catch {
      e = null;
    }
    if (e) {
      for (const p of e.rows ?? []) latestPin.set(`${p.table}\u0000${p.id}`, { seq, sha256: p.sha256 });
      if (concerns(e, itemId, derivedIds)) mine.push({ seq, entry: e, text: r.entry, storedLeaf: r.leaf_hash });
    } else if (r.entry.includes(`"${itemId}"`)) {
      mine.push({ seq, entry: null, text: r.entry, storedLeaf: r.leaf_hash });
      failures.push({ kind: "entry", seq, itemId, message: `log entry ${seq} is malformed` });
    }
  }

  // --- rows of the item and its derived records against their latest pinning entry
  const rows: ItemRowCheck[] = [];
  const checkRow = (table: string, id: string, row: Record<string, unknown>): void => {
    const pin = latestPin.get(`${table}\u0000${id}`);
    const ok = pin !== undefined && pin.sha256 === rowDigest(table, row, DIGEST_EXCLUDE[table] ?? []);
    rows.push({ table, id, pinnedBy: pin?.seq ?? null, ok });
    if (!pin)
      failures.push({
        kind: "row",
        table,
        rowId: id,
        itemId,
        message: `row ${table}/${id} is not recorded in the custody log`,
      });
    else if (!ok)
      failures.push({
        kind: "row",
        table,
        rowId: id,
        itemId,
        seq: pin.seq,
        message: `row ${table}/${id} differs from the state recorded in log entry ${pin.seq}: it was changed`,
      });
  };
  checkRow("items", itemId, itemRow as unknown as Record<string, unknown>);
  for (const d of derivedRows) checkRow("derived", d.id, d as unknown as Record<string, unknown>);

  // --- inclusion of each entry in the latest signed tree head
  const head = (await a.log.treeHead()) ?? null;
  const publicKey = opts.trustedPublicKey ?? a.keys.publicKey;
  const treeHeadSignatureOk = head !== null && head.keyId === a.config.keyId && verifyTreeHead(head, publicKey);
  if (head && !treeHeadSignatureOk)
    failures.push({
      kind: "tree-head",
      message: `signed tree head for size ${head.treeSize} has an invalid signature`,
    });
  if (!head) failures.push({ kind: "tree-head", message: "the custody log has no signed tree head" });
  const leaves = logRows.map((r) => fromHex(r.leaf_hash));
  const entries: ItemEntryCheck[] = [];
  for (const m of mine) {
    const leaf = leafHash(Buffer.from(m.text, "utf8"));
    const leafOk = toHex(leaf) === m.storedLeaf;
    let included = false;
    let proof: string[] = [];
    if (head && treeHeadSignatureOk && m.seq < head.treeSize && head.treeSize <= leaves.length) {
      const path = inclusionProof(leaves, m.seq, head.treeSize);
      proof = path.map(toHex);
      included = verifyInclusion(leaf, m.seq, head.treeSize, path, fromHex(head.rootHash));
    }
    entries.push({
      seq: m.seq,
      action: m.entry?.action ?? "?",
      actor: m.entry?.actor ?? "?",
      time: m.entry?.time ?? "",
      leafOk,
      included,
      proof,
    });
    if (!leafOk)
      failures.push({
        kind: "entry",
        seq: m.seq,
        itemId,
        message: `log entry ${m.seq} does not match its stored leaf hash: the entry was changed`,
      });
    else if (!included && head && treeHeadSignatureOk) {
      failures.push({
        kind: "entry",
        seq: m.seq,
        itemId,
        message: `log entry ${m.seq} is not included in the signed tree head of size ${head.treeSize}: the log was rewritten`,
      });
    }
  }
  if (!entries.some((e) => e.action === "add" || e.action === "import")) {
    failures.push({ kind: "entry", itemId, message: `no custody entry records how item ${itemId} was added` });
  }
  return {
    itemId,
    ok: failures.length === 0,
    treeHead: head,
    treeHeadSignatureOk,
    blobs,
    rows,
    entries,
    failures,
    scope: ITEM_VERIFY_SCOPE,
  };
}
