import { sql, type Kysely, type Transaction } from "kysely";
import type { KeyObject } from "node:crypto";
import { entryBytes, entrySchema, rowDigest, type EntryInit, type LogEntry, type RowRef } from "./entry.js";
import { MerkleFrontier, consistencyProof, fromHex, inclusionProof, leafHash, toHex, type Hash } from "./merkle.js";
import { signTreeHead, type SignedTreeHead } from "./sth.js";
import type { CoreDb } from "../store/schema.js";
import { DIGEST_EXCLUDE } from "../store/schema.js";
import { canonicalJson } from "../../core/canonical.js";
import { writeTransaction } from "../store/sqlite-dialect.js";

/**
 * The custody log (adapter over the database). Every append, in the caller's transaction:
 * computes digests of the rows it pins, stores the canonical entry and its leaf hash, extends the
 * Merkle tree and stores a signed tree head for the new size. So the log, the rows and the head
 * commit or vanish together.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any> | Transaction<any>;

export class CustodyLog {
  private frontier: MerkleFrontier | undefined;

  constructor(
    private readonly db: Kysely<CoreDb>,
    private readonly archiveId: string,
    private readonly keyId: string,
    private readonly signingKey: KeyObject | undefined,
  ) {}

  /** Digest of one row as stored now (undefined if there is no such row). */
  static async rowDigestOf(db: AnyDb, table: string, id: string): Promise<string | undefined> {
    const r = await sql<Record<string, unknown>>`select * from ${sql.table(table)} where id = ${id}`.execute(db);
    const row = r.rows[0];
    return row ? rowDigest(table, row, DIGEST_EXCLUDE[table] ?? []) : undefined;
  }

  private async syncFrontier(db: AnyDb): Promise<MerkleFrontier> {
    const n = Number((await sql<{ n: number }>`select count(*) as n from custody_log`.execute(db)).rows[0]?.n ?? 0);
    if (this.frontier && this.frontier.size === n) {
      if (n === 0) return this.frontier;
      const head = (await sql<{ root_hash: string }>`select root_hash from tree_heads where tree_size = ${n}`.execute(db)).rows[0];
      if (head && head.root_hash === toHex(this.frontier.root())) return this.frontier;
    }
    const leaves = (await sql<{ leaf_hash: string }>`select leaf_hash from custody_log order by seq`.execute(db)).rows;
    this.frontier = MerkleFrontier.fromLeaves(leaves.map((l) => fromHex(l.leaf_hash)));
    return this.frontier;
  }

  /**
   * Append an entry. Pass the transaction in which the rows it pins were written; without one the
   * append runs in its own transaction.
   */
  async append(init: EntryInit, trx?: Transaction<CoreDb>): Promise<LogEntry> {
    if (!trx) return writeTransaction(this.db, (t) => this.append(init, t));
    if (!this.signingKey) throw new Error("the archive's signing key is not available: the custody log cannot be extended");
    try {
      const frontier = (await this.syncFrontier(trx)).clone();
      const rows: RowRef[] = [];
      for (const r of init.rows ?? []) {
        const d = await CustodyLog.rowDigestOf(trx, r.table, r.id);
        if (!d) throw new Error(`custody log: row ${r.table}/${r.id} does not exist`);
        rows.push({ table: r.table, id: r.id, sha256: d });
      }
      const time = new Date().toISOString();
      const entry: LogEntry = entrySchema.parse({
        v: 1,
        seq: frontier.size,
        time,
        actor: init.actor,
        action: init.action,
        ...(init.itemId !== undefined ? { itemId: init.itemId } : {}),
        ...(init.blob !== undefined ? { blob: init.blob } : {}),
        ...(rows.length ? { rows } : {}),
        ...(init.deleted?.length ? { deleted: init.deleted } : {}),
        ...(init.data !== undefined ? { data: JSON.parse(canonicalJson(init.data)) as Record<string, unknown> } : {}),
      });
      const bytes = entryBytes(entry);
      const leaf = leafHash(bytes);
      await trx.insertInto("custody_log").values({ seq: entry.seq, entry: bytes.toString("utf8"), leaf_hash: toHex(leaf) }).execute();
      frontier.append(leaf);
      const sth = signTreeHead(
        { v: 1, archiveId: this.archiveId, treeSize: frontier.size, rootHash: toHex(frontier.root()), timestamp: time, keyId: this.keyId },
        this.signingKey,
      );
      await trx
        .insertInto("tree_heads")
        .values({ tree_size: sth.treeSize, root_hash: sth.rootHash, timestamp: sth.timestamp, key_id: sth.keyId, signature: sth.signature })
        .execute();
      this.frontier = frontier;
      return entry;
    } catch (e) {
      this.frontier = undefined;
      throw e;
    }
  }

  async size(): Promise<number> {
    const r = await sql<{ n: number }>`select count(*) as n from custody_log`.execute(this.db);
    return Number(r.rows[0]?.n ?? 0);
  }

  async entries(from = 0, to?: number): Promise<LogEntry[]> {
    let q = this.db.selectFrom("custody_log").select(["entry"]).where("seq", ">=", from).orderBy("seq");
    if (to !== undefined) q = q.where("seq", "<", to);
    return (await q.execute()).map((r) => JSON.parse(r.entry) as LogEntry);
  }

  async leafHashes(): Promise<Hash[]> {
    return (await this.db.selectFrom("custody_log").select(["leaf_hash"]).orderBy("seq").execute()).map((r) => fromHex(r.leaf_hash));
  }

  async treeHead(size?: number): Promise<SignedTreeHead | undefined> {
    let q = this.db.selectFrom("tree_heads").selectAll();
    q = size === undefined ? q.orderBy("tree_size", "desc").limit(1) : q.where("tree_size", "=", size);
    const r = (await q.execute())[0];
    return r
      ? { v: 1, archiveId: this.archiveId, treeSize: r.tree_size, rootHash: r.root_hash, timestamp: r.timestamp, keyId: r.key_id, signature: r.signature }
      : undefined;
  }

  async inclusionProof(seq: number, treeSize?: number): Promise<string[]> {
    const leaves = await this.leafHashes();
    return inclusionProof(leaves, seq, treeSize ?? leaves.length).map(toHex);
  }

  async consistencyProof(oldSize: number, newSize?: number): Promise<string[]> {
    const leaves = await this.leafHashes();
    return consistencyProof(leaves, oldSize, newSize ?? leaves.length).map(toHex);
  }
}
