import { existsSync, readFileSync } from "node:fs";
import { CLAIMS_TABLES } from "../claims/migration.js";
import Database from "better-sqlite3";
import { Kysely, SqliteDialect, sql } from "kysely";
import type { KeyObject } from "node:crypto";
import { canonicalJson } from "../../core/canonical.js";
import { sha256Hex } from "../../core/hash.js";
import { entrySchema, rowDigest, type LogEntry } from "../custody/entry.js";
import { MerkleFrontier, leafHash, rootOfRange, toHex } from "../custody/merkle.js";
import { verifyTreeHead, type SignedTreeHead } from "../custody/sth.js";
import { unseal } from "../crypto/seal.js";
import type { Archive } from "./archive.js";
import { paths } from "./layout.js";
import { DIGEST_EXCLUDE, type CoreDb } from "./schema.js";

/**
 * Full verification of an archive (adapter): re-hash every blob, re-derive every log leaf, recompute
 * the Merkle root at every signed tree head and check its signature, compare every pinned database
 * row with the digest the log recorded for it, and name each failing item, row or entry.
 */
export type FailureKind = "blob" | "row" | "entry" | "tree-head" | "sealed" | "config" | "database";

export interface VerifyFailure {
  kind: FailureKind;
  message: string;
  itemId?: string;
  table?: string;
  rowId?: string;
  seq?: number;
  sha256?: string;
}

export interface VerifyReport {
  ok: boolean;
  archiveId: string;
  keyId: string;
  counts: { items: number; derived: number; blobs: number; entries: number; treeHeads: number; rows: number };
  treeHead: SignedTreeHead | null;
  failures: VerifyFailure[];
  /** not failures: e.g. blobs no record points to (left by an interrupted import) */
  warnings: string[];
  /** "sqlite" (DIR/archive.db) or "postgres" (set by verifyArchive) */
  dialect?: "sqlite" | "postgres";
  /** checks that do not apply to this archive's database, each with the reason (set by verifyArchive) */
  notApplicable?: string[];
}

/** What verify cannot check on PostgreSQL (the server owns the storage; every other check runs). */
export const NOT_APPLICABLE_ON_POSTGRES = [
  "SQLite file-level checks (a damaged page of DIR/archive.db, a database file replaced or rolled back on disk): not applicable on PostgreSQL, whose server owns the storage; rows, log entries, tree heads and blobs are checked as on SQLite",
];

/**
 * Tables whose every row must be pinned by the log, whether or not any entry names them yet (so an
 * unlogged row inserted into an archive that never logged a claim is still found).
 */
const CORE_TABLES: string[] = ["items", "derived", ...CLAIMS_TABLES];

export interface VerifyOptions {
  /** check signatures against this key instead of the one in config.json */
  trustedPublicKey?: KeyObject;
  /**
   * tree heads saved or published earlier (e.g. a copy of latest-sth.json, or `evidence log --json`'s
   * treeHead): the log must still contain each of them unchanged, which detects a rewritten or
   * truncated log even when latest-sth.json was replaced too
   */
  knownHeads?: SignedTreeHead[];
}

export async function verifyArchive(a: Archive, opts: VerifyOptions = {}): Promise<VerifyReport> {
  try {
    // PostgreSQL: one REPEATABLE READ snapshot, so that writes committed while verify runs (a team server)
    // cannot look like unlogged rows or missing entries
    if (a.dialect === "postgres") {
      return await a.db.transaction().setIsolationLevel("repeatable read").execute((trx) => verifyArchiveInner(a, opts, trx));
    }
    if (a.sqliteHandle && existsSync(paths(a.dir).db)) {
      // SQLite: a read transaction on a second, read-only connection (a WAL snapshot) does the same without
      // holding the archive's own connection, so a server's writes go on while verify re-hashes blobs
      const ro = new Database(paths(a.dir).db, { readonly: true, fileMustExist: true });
      const snap = new Kysely<CoreDb>({ dialect: new SqliteDialect({ database: ro }) });
      try {
        return await snap.transaction().execute((trx) => verifyArchiveInner(a, opts, trx));
      } finally {
        await snap.destroy();
      }
    }
    return await verifyArchiveInner(a, opts, a.db);
  } catch (e) {
    // a damaged database file (e.g. a changed byte in a page header) cannot be read at all
    return {
      ok: false,
      archiveId: a.config.archiveId,
      keyId: a.config.keyId,
      counts: { items: 0, derived: 0, blobs: 0, entries: 0, treeHeads: 0, rows: 0 },
      treeHead: null,
      failures: [{ kind: "database", message: `the database cannot be read: ${(e as Error).message}` }],
      warnings: [],
      dialect: a.dialect,
      notApplicable: a.dialect === "postgres" ? [...NOT_APPLICABLE_ON_POSTGRES] : [],
    };
  }
}

async function tableExists(db: Kysely<CoreDb>, dialect: "sqlite" | "postgres", table: string): Promise<boolean> {
  if (dialect === "postgres") {
    // a failed statement would abort the snapshot transaction: ask the catalogue instead of trying
    return (await sql`select 1 from pg_catalog.pg_tables where schemaname = current_schema() and tablename = ${table}`.execute(db)).rows.length > 0;
  }
  return true; // SQLite: the select below fails and is reported
}

async function verifyArchiveInner(a: Archive, opts: VerifyOptions, db: Kysely<CoreDb>): Promise<VerifyReport> {
  const failures: VerifyFailure[] = [];
  const warnings: string[] = [];
  const publicKey = opts.trustedPublicKey ?? a.keys.publicKey;

  // --- 1. log entries: canonical form, sequence, leaf hash
  const logRows = await db.selectFrom("custody_log").selectAll().orderBy("seq").execute();
  const entries: (LogEntry | undefined)[] = [];
  const leaves = [];
  /** entries that were changed: they cannot vouch for the rows they pin */
  const untrusted = new Set<number>();
  for (let i = 0; i < logRows.length; i++) {
    const r = logRows[i]!;
    const seq = Number(r.seq);
    if (seq !== i) failures.push({ kind: "entry", seq, message: `log entry at position ${i} has sequence number ${seq}: an entry is missing or was inserted` });
    const leaf = leafHash(Buffer.from(r.entry, "utf8"));
    leaves.push(leaf);
    let entry: LogEntry | undefined;
    try {
      const parsed = entrySchema.parse(JSON.parse(r.entry));
      if (canonicalJson(parsed) !== r.entry) throw new Error("entry is not in canonical form");
      if (parsed.seq !== seq) throw new Error(`entry says seq ${parsed.seq}`);
      entry = parsed;
    } catch (e) {
      failures.push({ kind: "entry", seq, message: `log entry ${seq} is malformed: ${(e as Error).message.split("\n")[0]}`, ...itemOfBroken(r.entry) });
    }
    entries.push(entry);
    if (toHex(leaf) !== r.leaf_hash) {
      untrusted.add(seq);
      failures.push({ kind: "entry", seq, message: `log entry ${seq} does not match its stored leaf hash: the entry was changed`, ...(entry?.itemId ? { itemId: entry.itemId } : itemOfBroken(r.entry)) });
    }
  }

  // --- 2. signed tree heads: signature, and root recomputed from the entries
  const heads = await db.selectFrom("tree_heads").selectAll().orderBy("tree_size").execute();
  const headBySize = new Map(heads.map((h) => [Number(h.tree_size), h]));
  const frontier = new MerkleFrontier();
  let firstBadRootReported = false;
  const toSth = (h: (typeof heads)[number]): SignedTreeHead => ({
    v: 1, archiveId: a.config.archiveId, treeSize: Number(h.tree_size), rootHash: h.root_hash, timestamp: h.timestamp, keyId: h.key_id, signature: h.signature,
  });
  for (const h of heads) {
    const sth = toSth(h);
    if (h.key_id !== a.config.keyId || !verifyTreeHead(sth, publicKey)) {
      failures.push({ kind: "tree-head", seq: sth.treeSize - 1, message: `signed tree head for size ${sth.treeSize} has an invalid signature` });
    }
    if (sth.treeSize > leaves.length) failures.push({ kind: "tree-head", message: `signed tree head for size ${sth.treeSize} is beyond the log (${leaves.length} entries): entries were removed` });
  }
  for (let i = 0; i < leaves.length; i++) {
    frontier.append(leaves[i]!);
    const h = headBySize.get(i + 1);
    if (!h) {
      failures.push({ kind: "tree-head", seq: i, message: `log entry ${i} has no signed tree head: it was appended outside the archive`, ...(entries[i]?.itemId ? { itemId: entries[i]!.itemId } : {}) });
      continue;
    }
    if (toHex(frontier.root()) !== h.root_hash && !firstBadRootReported) {
      firstBadRootReported = true;
      untrusted.add(i);
      failures.push({
        kind: "entry",
        seq: i,
        message: `the Merkle root over entries 0..${i} differs from the signed tree head of size ${i + 1}: entry ${i} (or an earlier one) was rewritten`,
        ...(entries[i]?.itemId ? { itemId: entries[i]!.itemId } : {}),
      });
    }
  }
  const latest = heads.length ? toSth(heads[heads.length - 1]!) : null;

  // --- 3. latest-sth.json: the log may not shrink or fork below the last head written on close
  const p = paths(a.dir);
  if (existsSync(p.latestSth)) {
    try {
      const saved = JSON.parse(readFileSync(p.latestSth, "utf8")) as SignedTreeHead;
      if (!verifyTreeHead(saved, publicKey)) failures.push({ kind: "tree-head", message: "latest-sth.json has an invalid signature" });
      else if (saved.treeSize > leaves.length) failures.push({ kind: "tree-head", message: `latest-sth.json records ${saved.treeSize} entries but the log has ${leaves.length}: the log was rolled back` });
      else if (headBySize.get(saved.treeSize)?.root_hash !== saved.rootHash) failures.push({ kind: "tree-head", message: `latest-sth.json (size ${saved.treeSize}) does not match the log: the log was rewritten` });
    } catch (e) {
      failures.push({ kind: "tree-head", message: `latest-sth.json is unreadable: ${(e as Error).message}` });
    }
  }

  for (const known of opts.knownHeads ?? []) {
    const label = `the known tree head of size ${known.treeSize} (${known.timestamp})`;
    if (known.archiveId !== a.config.archiveId) failures.push({ kind: "tree-head", message: `${label} belongs to archive ${known.archiveId}, not ${a.config.archiveId}` });
    else if (!verifyTreeHead(known, publicKey)) failures.push({ kind: "tree-head", message: `${label} has an invalid signature` });
    else if (known.treeSize > leaves.length) failures.push({ kind: "tree-head", message: `${label} is beyond the log (${leaves.length} entries): the log was truncated` });
    else if (toHex(rootOfRange(leaves, 0, known.treeSize)) !== known.rootHash) {
      failures.push({ kind: "tree-head", seq: known.treeSize - 1, message: `${label} does not match the log: entries up to ${known.treeSize - 1} were rewritten` });
    }
  }

  // --- 4. rows pinned by the log
  const expected = new Map<string, { sha256: string | null; seq: number; itemId?: string }>();
  const tables = new Set(CORE_TABLES);
  for (const e of entries) {
    if (!e || untrusted.has(e.seq)) continue;
    for (const r of e.rows ?? []) {
      tables.add(r.table);
      expected.set(`${r.table}\u0000${r.id}`, { sha256: r.sha256, seq: e.seq, ...(e.itemId ? { itemId: e.itemId } : {}) });
    }
    for (const d of e.deleted ?? []) {
      tables.add(d.table);
      expected.set(`${d.table}\u0000${d.id}`, { sha256: null, seq: e.seq });
    }
  }
  let rowCount = 0;
  const seen = new Set<string>();
  for (const table of tables) {
    let rows: Record<string, unknown>[];
    try {
      if (!(await tableExists(db, a.dialect, table))) throw new Error("no such table");
      rows = (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db)).rows;
    } catch {
      failures.push({ kind: "row", table, message: `table ${table} named in the log does not exist` });
      continue;
    }
    for (const row of rows) {
      rowCount++;
      const id = String(row.id);
      const key = `${table}\u0000${id}`;
      seen.add(key);
      const exp = expected.get(key);
      // the item named is the one the log recorded (a forged item_id must not hide the real one)
      const itemId = exp?.itemId ?? (table === "items" ? id : typeof row.item_id === "string" ? row.item_id : undefined);
      const digest = rowDigest(table, row, DIGEST_EXCLUDE[table] ?? []);
      if (!exp) failures.push({ kind: "row", table, rowId: id, ...(itemId ? { itemId } : {}), message: `row ${table}/${id} is not recorded in the custody log` });
      else if (exp.sha256 === null) failures.push({ kind: "row", table, rowId: id, ...(itemId ? { itemId } : {}), message: `row ${table}/${id} was deleted in log entry ${exp.seq} but exists` });
      else if (exp.sha256 !== digest) failures.push({ kind: "row", table, rowId: id, seq: exp.seq, ...(itemId ? { itemId } : {}), message: `row ${table}/${id} differs from the state recorded in log entry ${exp.seq}: it was changed` });
    }
  }
  for (const [key, exp] of expected) {
    if (exp.sha256 !== null && !seen.has(key)) {
      const [table, id] = key.split("\u0000") as [string, string];
      failures.push({ kind: "row", table, rowId: id, seq: exp.seq, ...(exp.itemId ? { itemId: exp.itemId } : {}), message: `row ${table}/${id} recorded in log entry ${exp.seq} is missing` });
    }
  }

  // --- 5. blobs: re-hash originals and derived content; sealed fields
  const items = await db.selectFrom("items").selectAll().execute();
  const derived = await db.selectFrom("derived").selectAll().execute();
  const referenced = new Set<string>();
  const hashed = new Map<string, { sha256: string; size: number } | undefined>();
  const rehash = async (sha: string): Promise<{ sha256: string; size: number } | undefined> => {
    if (!hashed.has(sha)) hashed.set(sha, await a.blobs.rehash(sha));
    return hashed.get(sha);
  };
  for (const it of items) {
    referenced.add(it.sha256);
    const h = await rehash(it.sha256);
    if (!h) failures.push({ kind: "blob", itemId: it.id, sha256: it.sha256, message: `original of item ${it.id} is missing (blob ${it.sha256})` });
    else if (h.sha256 !== it.sha256 || h.size !== Number(it.size)) failures.push({ kind: "blob", itemId: it.id, sha256: it.sha256, message: `original of item ${it.id} does not match its SHA-256: the file was changed` });
    if (it.sensitive !== null && sha256Hex(it.sensitive) !== it.sensitive_digest) {
      failures.push({ kind: "sealed", itemId: it.id, table: "items", rowId: it.id, message: `sealed sensitive fields of item ${it.id} do not match their digest` });
    } else if (it.sensitive !== null && a.keys.witnessKey) {
      try {
        unseal(a.keys.witnessKey, it.sensitive, `items/${it.id}/sensitive`);
      } catch {
        failures.push({ kind: "sealed", itemId: it.id, message: `sealed sensitive fields of item ${it.id} do not open with the witness key` });
      }
    }
  }
  for (const d of derived) {
    referenced.add(d.blob_sha256);
    const h = await rehash(d.blob_sha256);
    if (!h) {
      failures.push({ kind: "blob", itemId: d.item_id, sha256: d.blob_sha256, message: `derived ${d.kind} ${d.id} of item ${d.item_id} is missing (blob ${d.blob_sha256})` });
      continue;
    }
    if (h.sha256 !== d.blob_sha256) {
      failures.push({ kind: "blob", itemId: d.item_id, sha256: d.blob_sha256, message: `derived ${d.kind} ${d.id} of item ${d.item_id} does not match its SHA-256: the file was changed` });
      continue;
    }
    if (d.sealed !== 1 && (d.sha256 !== d.blob_sha256 || h.size !== Number(d.size))) {
      failures.push({ kind: "blob", itemId: d.item_id, message: `derived ${d.kind} ${d.id} of item ${d.item_id}: size or hash disagrees with its record` });
    }
    if (d.sealed === 1 && a.keys.witnessKey) {
      try {
        const clear = unseal(a.keys.witnessKey, (await a.blobs.read(d.blob_sha256)).toString("utf8"), `derived/${d.id}`);
        if (sha256Hex(clear) !== d.sha256) throw new Error("hash");
      } catch {
        failures.push({ kind: "sealed", itemId: d.item_id, message: `sealed derived ${d.id} of item ${d.item_id} does not open to its recorded SHA-256` });
      }
    }
  }
  const onDisk = a.blobs.list();
  const orphans = onDisk.filter((s) => !referenced.has(s));
  if (orphans.length) warnings.push(`${orphans.length} blob(s) on disk belong to no record (left by an interrupted add; harmless, re-adding reuses them)`);

  return {
    ok: failures.length === 0,
    archiveId: a.config.archiveId,
    keyId: a.config.keyId,
    counts: { items: items.length, derived: derived.length, blobs: onDisk.length, entries: logRows.length, treeHeads: heads.length, rows: rowCount },
    treeHead: latest,
    failures,
    warnings,
    dialect: a.dialect,
    notApplicable: a.dialect === "postgres" ? [...NOT_APPLICABLE_ON_POSTGRES] : [],
  };
}

/** Best effort: the itemId of an entry that no longer parses. */
function itemOfBroken(text: string): { itemId?: string } {
  const m = /"itemId":"([^"]+)"/.exec(text);
  return m ? { itemId: m[1]! } : {};
}
