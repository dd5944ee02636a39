import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import { sql, type Kysely, type Transaction } from "kysely";
import type Database from "better-sqlite3";
import { isPostgresUrl, openDatabase, type OpenedDb } from "../../db/open.js";
import { OrganAuditError } from "../../core/errors.js";
import { sha256Hex } from "../../core/hash.js";
import { CustodyLog } from "../custody/log.js";
import type { EntryInit, LogEntry } from "../custody/entry.js";
import { seal, unseal } from "../crypto/seal.js";
import { BlobStore } from "./blobs.js";
import { createLayout, isArchiveDir, loadKeys, paths, readConfig, redactLocation, writeFileAtomic, type ArchiveConfig, type ArchiveKeys } from "./layout.js";
import { runMigrations } from "./migrate.js";
import { mimeFromName } from "../content/mime.js";
import type { CoreDb, DerivedTable, ItemsTable } from "./schema.js";
import { writeTransaction, type DbDialect } from "./sqlite-dialect.js";
import { DERIVED_KINDS, EVIDENCE_TYPES, isDerivedKind, isEvidenceType, type DerivedKind } from "./taxonomy.js";
import { redactText } from "./redact-text.js";

/** Default size limit of one original: 8 GiB (blobs are streamed; memory stays bounded). */
export const DEFAULT_MAX_ITEM_BYTES = 8 * 1024 ** 3;

export interface AddItemInput {
  /** the original bytes, or */
  bytes?: Uint8Array;
  /** a path to stream the original from */
  path?: string;
  filename?: string;
  url?: string;
  mime?: string;
  evidenceType: string;
  language?: string;
  source?: string;
  tags?: string[];
  addedBy: string;
  /** ISO 8601; default: now */
  capturedAt?: string;
  note?: string;
  /** leave the original bytes out of exports unless --include-sensitive */
  restricted?: boolean;
  /** witness names, contacts, identifiers: sealed with AES-256-GCM, never stored in clear */
  sensitive?: Record<string, string>;
  /** derived records (e.g. extracted text) stored in the same transaction as the item */
  derived?: AddDerivedInput[];
}

export interface AddItemResult {
  id: string;
  sha256: string;
  size: number;
  /** id of the first item holding the same bytes, when these bytes were already stored */
  duplicateOf?: string;
  /** true when an item with the same bytes and the same file name/URL existed: nothing was added */
  existing: boolean;
  /** ids of the derived records stored with the item */
  derived: { id: string; kind: string; sha256: string }[];
}

export interface AddDerivedInput {
  kind: DerivedKind;
  bytes?: Uint8Array;
  text?: string;
  mime?: string;
  /** how it was made, e.g. "pdfjs-dist 5.6.205", "warcio 2.4.11", "manual translation" */
  method: string;
  language?: string;
  createdBy?: string;
  /** store sealed (AES-256-GCM) */
  sealed?: boolean;
}

export interface ItemRecord {
  id: string;
  sha256: string;
  size: number;
  mime: string;
  filename: string | null;
  url: string | null;
  capturedAt: string;
  addedAt: string;
  addedBy: string;
  language: string | null;
  evidenceType: string;
  source: string | null;
  tags: string[];
  duplicateOf: string | null;
  restricted: boolean;
  note: string | null;
  /** "sealed" without the key; the clear fields only when revealed with the witness key */
  sensitive: Record<string, string> | "sealed" | null;
}

export interface DerivedRecord {
  id: string;
  itemId: string;
  kind: string;
  sha256: string;
  size: number;
  blobSha256: string;
  mime: string;
  method: string;
  language: string | null;
  createdAt: string;
  createdBy: string;
  sealed: boolean;
  redacts: string | null;
}

export interface ItemFilter {
  evidenceType?: string;
  language?: string;
  tag?: string;
  sha256?: string;
  limit?: number;
  offset?: number;
}

interface PreparedItem {
  input: AddItemInput;
  put: { sha256: string; size: number };
  filename: string | null;
  url: string | null;
  capturedAt: string;
  derived: PreparedDerived[];
}

interface PreparedDerived {
  id: string;
  input: AddDerivedInput;
  clear: Buffer;
  sha256: string;
  blobSha256: string;
}

/** Called inside the transaction that stores a text-like derived record (the search module's indexer). */
export type TextListener = (
  ev: { itemId: string; derivedId: string; kind: string; text: string; language: string | null; item: ItemRecord },
  trx: Transaction<CoreDb>,
) => Promise<void> | void;
/** Called inside the transaction that seals a derived text (the indexer should drop it). */
export type SealListener = (ev: { itemId: string; derivedId: string }, trx: Transaction<CoreDb>) => Promise<void> | void;

export interface OpenOptions {
  /** create the archive if the folder does not hold one (default false) */
  create?: boolean;
  /** actor recorded in the init entry when creating */
  actor?: string;
  readonly?: boolean;
  /**
   * "full" (default): fsync every blob and every commit (survives power loss).
   * "relaxed": no fsync of blobs and SQLite synchronous=NORMAL: still safe when the process is killed
   * (the operating system keeps the writes), but the newest items may be lost on power failure or an
   * OS crash. For bulk loads and benchmarks; verify afterwards.
   */
  durability?: "full" | "relaxed";
  /**
   * Keep the archive's tables (items, derived, custody log, tree heads, claims, search index) in
   * PostgreSQL: "postgres://user@host/db?schema=NAME" (schema created if missing). Blobs, config and keys
   * stay in the folder. Given to initArchive / openArchive({create}), it is recorded in config.json
   * unless it holds a password (then pass it on every open; or leave the password out of the URL and
   * use PGPASSWORD or ~/.pgpass). Omit it to use the location in config.json, or DIR/archive.db for
   * an archive created without one.
   */
  db?: string;
}

/** Derived kinds that hold text (indexed for search unless sealed). */
export const TEXT_KINDS: readonly string[] = ["text", "ocr", "translation", "transcript", "redacted"];

export function newId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${randomBytes(6).toString("hex")}`;
}

export function toItemRecord(r: ItemsTable, witnessKey?: Buffer): ItemRecord {
  let sensitive: ItemRecord["sensitive"] = null;
  if (r.sensitive) {
    sensitive = "sealed";
    if (witnessKey) sensitive = JSON.parse(unseal(witnessKey, r.sensitive, `items/${r.id}/sensitive`).toString("utf8")) as Record<string, string>;
  }
  return {
    id: r.id,
    sha256: r.sha256,
    size: Number(r.size),
    mime: r.mime,
    filename: r.filename,
    url: r.url,
    capturedAt: r.captured_at,
    addedAt: r.added_at,
    addedBy: r.added_by,
    language: r.language,
    evidenceType: r.evidence_type,
    source: r.source,
    tags: JSON.parse(r.tags) as string[],
    duplicateOf: r.duplicate_of,
    restricted: r.restricted === 1,
    note: r.note,
    sensitive,
  };
}

export function toDerivedRecord(r: DerivedTable): DerivedRecord {
  return {
    id: r.id,
    itemId: r.item_id,
    kind: r.kind,
    sha256: r.sha256,
    size: Number(r.size),
    blobSha256: r.blob_sha256,
    mime: r.mime,
    method: r.method,
    language: r.language,
    createdAt: r.created_at,
    createdBy: r.created_by,
    sealed: r.sealed === 1,
    redacts: r.redacts,
  };
}

/** An open evidence archive. Obtain with openArchive(); close() when done. */
export class Archive {
  readonly blobs: BlobStore;
  readonly log: CustodyLog;
  private textListeners: TextListener[] = [];
  private sealListeners: SealListener[] = [];
  private closed = false;

  /** "sqlite" (DIR/archive.db) or "postgres" */
  readonly dialect: DbDialect;
  /** the better-sqlite3 handle on SQLite (for the FTS5 search index), undefined on PostgreSQL */
  readonly sqliteHandle: Database.Database | undefined;

  constructor(
    readonly dir: string,
    readonly config: ArchiveConfig,
    readonly keys: ArchiveKeys,
    readonly db: Kysely<CoreDb>,
    private readonly readonly: boolean,
    durability: "full" | "relaxed" = "full",
    opened: { dialect: DbDialect; sqlite?: Database.Database } = { dialect: "sqlite" },
  ) {
    this.dialect = opened.dialect;
    this.sqliteHandle = opened.sqlite;
    this.blobs = new BlobStore(dir, durability === "full");
    this.log = new CustodyLog(db, config.archiveId, config.keyId, readonly ? undefined : keys.signingKey);
  }

  get maxItemBytes(): number {
    return this.config.maxItemBytes ?? DEFAULT_MAX_ITEM_BYTES;
  }

  /** Register the search module's indexer: called for every text-like derived record, inside its transaction. */
  onText(listener: TextListener): () => void {
    this.textListeners.push(listener);
    return () => (this.textListeners = this.textListeners.filter((l) => l !== listener));
  }

  onSeal(listener: SealListener): () => void {
    this.sealListeners.push(listener);
    return () => (this.sealListeners = this.sealListeners.filter((l) => l !== listener));
  }

  /** Run fn in one database transaction (use log.append(entry, trx) inside it). */
  transaction<T>(fn: (trx: Transaction<CoreDb>) => Promise<T>): Promise<T> {
    return writeTransaction(this.db, fn);
  }

  /** Append a custody entry (the claims module: after writing claim/link rows, pin them with `rows`). */
  record(init: EntryInit, trx?: Transaction<CoreDb>): Promise<LogEntry> {
    return this.log.append(init, trx);
  }

  private requireWritable(): void {
    if (this.readonly || !this.keys.signingKey) {
      throw new OrganAuditError("EV_ARCH_KEY_MISSING", { key: "signing", file: this.keys.signingKeyFile });
    }
  }

  async addItem(input: AddItemInput): Promise<AddItemResult> {
    const p = await this.prepareItem(input);
    return this.transaction((trx) => this.commitItem(trx, p));
  }

  /**
   * Add many items in ONE transaction (one commit; each still gets its own custody entry and signed
   * tree head). All or nothing: if any input is refused, none of the batch is stored.
   */
  async addItems(inputs: AddItemInput[]): Promise<AddItemResult[]> {
    const prepared: PreparedItem[] = [];
    for (const input of inputs) prepared.push(await this.prepareItem(input));
    return this.transaction(async (trx) => {
      const out: AddItemResult[] = [];
      for (const p of prepared) out.push(await this.commitItem(trx, p));
      return out;
    });
  }

  private async prepareItem(input: AddItemInput): Promise<PreparedItem> {
    this.requireWritable();
    if (!isEvidenceType(input.evidenceType)) {
      throw new OrganAuditError("EV_ARCH_BAD_TYPE", { value: input.evidenceType, allowed: Object.keys(EVIDENCE_TYPES).join(", ") });
    }
    if ((input.bytes === undefined) === (input.path === undefined)) {
      throw new OrganAuditError("EV_ARCH_BAD_INPUT", { detail: "give exactly one of bytes or path" });
    }
    if (!input.addedBy) throw new OrganAuditError("EV_ARCH_BAD_INPUT", { detail: "addedBy is required" });
    const capturedAt = input.capturedAt ?? new Date().toISOString();
    if (Number.isNaN(Date.parse(capturedAt))) throw new OrganAuditError("EV_ARCH_BAD_INPUT", { detail: `capturedAt "${capturedAt}" is not an ISO date` });
    if (input.sensitive && !this.keys.witnessKey) {
      throw new OrganAuditError("EV_ARCH_KEY_MISSING", { key: "witness", file: this.keys.witnessKeyFile });
    }
    const filename = input.filename ?? (input.path !== undefined ? basename(input.path) : null);
    const label = input.path ?? filename ?? input.url ?? "item";
    const put =
      input.path !== undefined
        ? await this.blobs.putFile(input.path, { label, maxBytes: this.maxItemBytes })
        : await this.blobs.putBytes(input.bytes as Uint8Array, { label, maxBytes: this.maxItemBytes });
    const derived: PreparedDerived[] = [];
    for (const d of input.derived ?? []) derived.push(await this.prepareDerived(newId("drv"), label, d));
    return { input, put, filename, url: input.url ?? null, capturedAt, derived };
  }

  private async commitItem(trx: Transaction<CoreDb>, p: PreparedItem): Promise<AddItemResult> {
    const { input, put, filename, url, capturedAt } = p;
    const prepared = p.derived;
    const same = await trx.selectFrom("items").selectAll().where("sha256", "=", put.sha256).orderBy("added_at").orderBy("id").execute();
    const existing = same.find((r) => r.filename === filename && r.url === url && r.evidence_type === input.evidenceType);
    if (existing) {
      return { id: existing.id, sha256: put.sha256, size: put.size, existing: true, derived: [], ...(existing.duplicate_of ? { duplicateOf: existing.duplicate_of } : {}) };
    }
    const id = newId("item");
    const duplicateOf = same[0]?.id ?? null;
    const sensitive = input.sensitive ? seal(this.keys.witnessKey as Buffer, Buffer.from(JSON.stringify(input.sensitive), "utf8"), `items/${id}/sensitive`) : null;
    const row: ItemsTable = {
      id,
      sha256: put.sha256,
      size: put.size,
      mime: input.mime ?? mimeFromName(filename ?? input.url),
      filename,
      url,
      captured_at: capturedAt,
      added_at: new Date().toISOString(),
      added_by: input.addedBy,
      language: input.language ?? null,
      evidence_type: input.evidenceType,
      source: input.source ?? null,
      tags: JSON.stringify([...new Set(input.tags ?? [])]),
      duplicate_of: duplicateOf,
      restricted: input.restricted || input.sensitive ? 1 : 0,
      sensitive,
      sensitive_digest: sensitive ? sha256Hex(sensitive) : null,
      note: input.note ?? null,
    };
    await trx.insertInto("items").values(row).execute();
    await this.log.append(
      { actor: input.addedBy, action: "add", itemId: id, blob: put.sha256, rows: [{ table: "items", id }], ...(duplicateOf ? { data: { duplicateOf } } : {}) },
      trx,
    );
    const derived: AddItemResult["derived"] = [];
    for (const p of prepared) {
      await this.insertDerived(trx, p, row, null, []);
      derived.push({ id: p.id, kind: p.input.kind, sha256: p.sha256 });
    }
    return { id, sha256: put.sha256, size: put.size, existing: false, derived, ...(duplicateOf ? { duplicateOf } : {}) };
  }

  async addDerived(itemId: string, input: AddDerivedInput): Promise<{ id: string; sha256: string; blobSha256: string }> {
    this.requireWritable();
    if (!isDerivedKind(input.kind)) throw new OrganAuditError("EV_ARCH_BAD_KIND", { value: String(input.kind), allowed: DERIVED_KINDS.join(", ") });
    if ((input.bytes === undefined) === (input.text === undefined)) {
      throw new OrganAuditError("EV_ARCH_BAD_INPUT", { detail: "give exactly one of bytes or text" });
    }
    const itemRow = await this.db.selectFrom("items").selectAll().where("id", "=", itemId).executeTakeFirst();
    if (!itemRow) throw new OrganAuditError("EV_ARCH_NO_ITEM", { id: itemId });
    return this.storeDerived(newId("drv"), itemRow, input, null);
  }

  private async prepareDerived(id: string, label: string, input: AddDerivedInput): Promise<PreparedDerived> {
    if (!isDerivedKind(input.kind)) throw new OrganAuditError("EV_ARCH_BAD_KIND", { value: String(input.kind), allowed: DERIVED_KINDS.join(", ") });
    if ((input.bytes === undefined) === (input.text === undefined)) {
      throw new OrganAuditError("EV_ARCH_BAD_INPUT", { detail: "give exactly one of bytes or text" });
    }
    const clear = input.text !== undefined ? Buffer.from(input.text, "utf8") : Buffer.from(input.bytes as Uint8Array);
    const sha256 = sha256Hex(clear);
    let stored = clear;
    if (input.sealed) {
      if (!this.keys.witnessKey) throw new OrganAuditError("EV_ARCH_KEY_MISSING", { key: "witness", file: this.keys.witnessKeyFile });
      stored = Buffer.from(seal(this.keys.witnessKey, clear, `derived/${id}`), "utf8");
    }
    const put = await this.blobs.putBytes(stored, { label: `${input.kind} of ${label}`, maxBytes: this.maxItemBytes, allowEmpty: true });
    return { id, input, clear, sha256, blobSha256: put.sha256 };
  }

  private async insertDerived(
    trx: Transaction<CoreDb>,
    p: PreparedDerived,
    itemRow: ItemsTable,
    redacts: string | null,
    extraRows: { table: string; id: string }[],
  ): Promise<void> {
    const input = p.input;
    const isText = TEXT_KINDS.includes(input.kind);
    const actor = input.createdBy ?? itemRow.added_by;
    const row: DerivedTable = {
      id: p.id,
      item_id: itemRow.id,
      kind: input.kind,
      sha256: p.sha256,
      size: p.clear.length,
      blob_sha256: p.blobSha256,
      mime: input.mime ?? (isText ? "text/plain; charset=utf-8" : "application/octet-stream"),
      method: input.method,
      language: input.language ?? null,
      created_at: new Date().toISOString(),
      created_by: actor,
      sealed: input.sealed ? 1 : 0,
      redacts,
    };
    await trx.insertInto("derived").values(row).execute();
    if (isText && !input.sealed) {
      const item = toItemRecord({ ...itemRow, sensitive: null });
      for (const l of this.textListeners) {
        await l({ itemId: itemRow.id, derivedId: p.id, kind: input.kind, text: p.clear.toString("utf8"), language: row.language ?? itemRow.language, item }, trx);
      }
    }
    await this.log.append(
      {
        actor,
        action: redacts ? "redact" : "derive",
        itemId: itemRow.id,
        blob: p.blobSha256,
        rows: [...extraRows, { table: "derived", id: p.id }],
        data: { kind: input.kind, method: input.method, ...(redacts ? { redacts } : {}) },
      },
      trx,
    );
  }

  private async storeDerived(
    id: string,
    itemRow: ItemsTable,
    input: AddDerivedInput,
    redacts: string | null,
    before?: (trx: Transaction<CoreDb>) => Promise<{ table: string; id: string }[]>,
  ): Promise<{ id: string; sha256: string; blobSha256: string }> {
    const p = await this.prepareDerived(id, itemRow.id, input);
    return this.transaction(async (trx) => {
      const extraRows = before ? await before(trx) : [];
      await this.insertDerived(trx, p, itemRow, redacts, extraRows);
      return { id, sha256: p.sha256, blobSha256: p.blobSha256 };
    });
  }

  async getItem(id: string, opts: { reveal?: boolean } = {}): Promise<{ item: ItemRecord; derived: DerivedRecord[] } | undefined> {
    const r = await this.db.selectFrom("items").selectAll().where("id", "=", id).executeTakeFirst();
    if (!r) return undefined;
    const derived = await this.db.selectFrom("derived").selectAll().where("item_id", "=", id).orderBy("created_at").orderBy("id").execute();
    return { item: toItemRecord(r, opts.reveal ? this.keys.witnessKey : undefined), derived: derived.map(toDerivedRecord) };
  }

  async getDerived(id: string): Promise<DerivedRecord | undefined> {
    const r = await this.db.selectFrom("derived").selectAll().where("id", "=", id).executeTakeFirst();
    return r ? toDerivedRecord(r) : undefined;
  }

  async listItems(filter: ItemFilter = {}): Promise<ItemRecord[]> {
    let q = this.db.selectFrom("items").selectAll();
    if (filter.evidenceType) q = q.where("evidence_type", "=", filter.evidenceType);
    if (filter.language) q = q.where("language", "=", filter.language);
    if (filter.sha256) q = q.where("sha256", "=", filter.sha256);
    // SQLite's LIKE ignores ASCII case; ILIKE gives the same on PostgreSQL
    if (filter.tag) q = q.where("tags", this.dialect === "postgres" ? "ilike" : "like", `%${JSON.stringify(filter.tag)}%`);
    q = q.orderBy("added_at").orderBy("id");
    if (filter.limit !== undefined) q = q.limit(filter.limit);
    if (filter.offset !== undefined) q = q.offset(filter.offset);
    return (await q.execute()).map((r) => toItemRecord(r));
  }

  /** Content of a derived record in clear (needs the witness key when sealed). */
  async readDerived(id: string): Promise<Buffer> {
    const d = await this.getDerived(id);
    if (!d) throw new OrganAuditError("EV_ARCH_NO_ITEM", { id });
    const stored = await this.blobs.read(d.blobSha256);
    if (!d.sealed) return stored;
    if (!this.keys.witnessKey) throw new OrganAuditError("EV_ARCH_KEY_MISSING", { key: "witness", file: this.keys.witnessKeyFile });
    return unseal(this.keys.witnessKey, stored.toString("utf8"), `derived/${id}`);
  }

  async readDerivedText(id: string): Promise<string> {
    return (await this.readDerived(id)).toString("utf8");
  }

  /**
   * Redact a derived text: every occurrence of each term becomes "[REDACTED]" in a new derived record
   * of kind "redacted"; the original text is sealed (re-stored encrypted, its clear blob removed when
   * nothing else uses it). One custody entry "redact" pins both records.
   */
  async redact(derivedId: string, opts: { terms: string[]; actor: string; reason?: string }): Promise<{ redactedId: string; sealedId: string; replaced: number }> {
    this.requireWritable();
    if (!this.keys.witnessKey) throw new OrganAuditError("EV_ARCH_KEY_MISSING", { key: "witness", file: this.keys.witnessKeyFile });
    const d = await this.db.selectFrom("derived").selectAll().where("id", "=", derivedId).executeTakeFirst();
    if (!d) throw new OrganAuditError("EV_ARCH_NO_ITEM", { id: derivedId });
    if (!TEXT_KINDS.includes(d.kind)) throw new OrganAuditError("EV_ARCH_BAD_INPUT", { detail: `only text records can be redacted; ${derivedId} is ${d.kind}` });
    const itemRow = await this.db.selectFrom("items").selectAll().where("id", "=", d.item_id).executeTakeFirstOrThrow();
    const clear = await this.readDerived(derivedId);
    const { text, replaced } = redactText(clear.toString("utf8"), opts.terms);
    const witnessKey = this.keys.witnessKey;
    let sealedBlob: string | undefined;
    if (!d.sealed) {
      sealedBlob = (await this.blobs.putBytes(Buffer.from(seal(witnessKey, clear, `derived/${d.id}`), "utf8"), { label: `sealed ${d.id}`, maxBytes: this.maxItemBytes })).sha256;
    }
    const oldBlob = d.blob_sha256;
    const res = await this.storeDerived(
      newId("drv"),
      itemRow,
      { kind: "redacted", text, method: `redact: ${opts.terms.length} term(s)${opts.reason ? `; reason: ${opts.reason}` : ""}`, language: d.language ?? undefined, createdBy: opts.actor },
      derivedId,
      async (trx) => {
        if (sealedBlob) {
          await trx.updateTable("derived").set({ sealed: 1, blob_sha256: sealedBlob }).where("id", "=", d.id).execute();
          // the clear blob is shredded after commit; recorded here so that a crash cannot leave it behind
          await trx.insertInto("blob_shred").values({ sha256: oldBlob, queued_at: new Date().toISOString() }).onConflict((c) => c.doNothing()).execute();
          for (const l of this.sealListeners) await l({ itemId: d.item_id, derivedId: d.id }, trx);
        }
        return [{ table: "derived", id: d.id }];
      },
    );
    if (sealedBlob) await this.shredPending();
    return { redactedId: res.id, sealedId: d.id, replaced };
  }

  /** Remove queued clear blobs of sealed texts that no record uses any more (run after redact and on open). */
  async shredPending(): Promise<number> {
    let n = 0;
    for (const { sha256 } of await this.db.selectFrom("blob_shred").select("sha256").execute()) {
      const users =
        (await this.db.selectFrom("derived").select("id").where("blob_sha256", "=", sha256).execute()).length +
        (await this.db.selectFrom("items").select("id").where("sha256", "=", sha256).execute()).length;
      if (users === 0) {
        await this.blobs.remove(sha256);
        n++;
      }
      await this.db.deleteFrom("blob_shred").where("sha256", "=", sha256).execute();
    }
    return n;
  }

  /**
   * Record a request to delete an item (e.g. a source asks for removal). Nothing is deleted: the
   * original is never modified; the request is logged for review, and a later decision is logged too.
   */
  async requestDeletion(itemId: string, opts: { actor: string; reason: string }): Promise<LogEntry> {
    this.requireWritable();
    const it = await this.db.selectFrom("items").select("id").where("id", "=", itemId).executeTakeFirst();
    if (!it) throw new OrganAuditError("EV_ARCH_NO_ITEM", { id: itemId });
    return this.record({ actor: opts.actor, action: "delete-request", itemId, data: { reason: opts.reason } });
  }

  /** Write DIR/latest-sth.json (a copy of the newest signed tree head) and close the database. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      if (!this.readonly) {
        const head = await this.log.treeHead();
        if (head) writeFileAtomic(paths(this.dir).latestSth, `${JSON.stringify(head, null, 2)}\n`);
      }
    } finally {
      await this.db.destroy();
    }
  }
}

/** Create a new archive in an empty or new folder; returns it open. With `db`, its tables live in PostgreSQL. */
export async function initArchive(dir: string, opts: { actor?: string; db?: string } = {}): Promise<Archive> {
  if (opts.db === undefined) {
    const config = createLayout(dir);
    const archive = await openExisting(dir, config, paths(dir).db, false, "full");
    await recordInit(archive, opts.actor);
    return archive;
  }
  const location = checkPgLocation(opts.db);
  if (isArchiveDir(dir)) throw new OrganAuditError("EV_ARCH_EXISTS", { dir });
  // the database first: an unreachable server or a schema that already holds an archive leaves no folder behind
  const opened = await openDb(location, false, "full");
  try {
    await runMigrations(opened.db);
    const n = Number((await sql<{ n: number }>`select count(*) as n from custody_log`.execute(opened.db)).rows[0]?.n ?? 0);
    if (n > 0) throw new OrganAuditError("EV_ARCH_DB", { location: redactLocation(location), detail: "this database schema already holds an archive (its custody log is not empty); use another ?schema=" });
  } catch (e) {
    await opened.db.destroy();
    throw wrapDbError(e, location);
  }
  const existed = existsSync(dir);
  let config: ArchiveConfig;
  try {
    config = createLayout(dir, { postgres: location });
  } catch (e) {
    await opened.db.destroy();
    throw e;
  }
  let archive: Archive | undefined;
  try {
    archive = await fromOpened(dir, config, opened, false, "full");
    await recordInit(archive, opts.actor);
    return archive;
  } catch (e) {
    // leave neither a folder whose config points at an archive that was never started nor an init-less log
    if (archive) await archive.close().catch(() => undefined);
    else await opened.db.destroy().catch(() => undefined);
    if (existed) for (const f of readdirSync(dir)) rmSync(join(dir, f), { recursive: true, force: true });
    else rmSync(dir, { recursive: true, force: true });
    throw wrapDbError(e, location);
  }
}

async function recordInit(archive: Archive, actor: string | undefined): Promise<void> {
  const config = archive.config;
  await archive.record({ actor: actor ?? "organ-audit", action: "init", data: { archiveId: config.archiveId, publicKey: config.publicKey, keyId: config.keyId } });
}

function checkPgLocation(location: string): string {
  if (!isPostgresUrl(location)) {
    throw new OrganAuditError("EV_ARCH_DB", { location: redactLocation(location), detail: "the archive's database must be a PostgreSQL location (postgres://...); without one the archive uses DIR/archive.db" });
  }
  return location;
}

function wrapDbError(e: unknown, location: string): unknown {
  if (e instanceof OrganAuditError) return e;
  // pg errors name the host, database or SQL state, never the password; the location is shown redacted
  return new OrganAuditError("EV_ARCH_DB", { location: redactLocation(location), detail: (e as Error).message.split("\n")[0] ?? "unknown error" });
}

async function openDb(location: string, readonly: boolean, durability: "full" | "relaxed"): Promise<OpenedDb<CoreDb>> {
  try {
    return await openDatabase<CoreDb>(location, { synchronous: durability === "full" ? "FULL" : "NORMAL", ...(readonly && isPostgresUrl(location) ? { readonly: true } : {}) });
  } catch (e) {
    throw isPostgresUrl(location) ? wrapDbError(e, location) : e;
  }
}

/** The database location of an existing archive: DIR/archive.db, or its PostgreSQL location. */
function locationOf(dir: string, config: ArchiveConfig, given: string | undefined): string {
  if (config.databaseDialect !== "postgres") {
    if (given !== undefined) {
      throw new OrganAuditError("EV_ARCH_DB_MISMATCH", { dir, detail: `this archive keeps its tables in ${paths(dir).db}, not in a separate database` });
    }
    return paths(dir).db;
  }
  const location = given ?? config.database;
  if (location === undefined) throw new OrganAuditError("EV_ARCH_DB_REQUIRED", { dir });
  return checkPgLocation(location);
}

async function openExisting(dir: string, config: ArchiveConfig, location: string, readonly: boolean, durability: "full" | "relaxed"): Promise<Archive> {
  return fromOpened(dir, config, await openDb(location, readonly, durability), readonly, durability, isPostgresUrl(location) ? location : undefined);
}

async function fromOpened(
  dir: string,
  config: ArchiveConfig,
  opened: OpenedDb<CoreDb>,
  readonly: boolean,
  durability: "full" | "relaxed",
  checkLocation?: string,
): Promise<Archive> {
  const db = opened.db;
  let keys: ArchiveKeys;
  try {
    keys = loadKeys(dir, config);
    // a PostgreSQL schema must hold this archive's log (its first entry names the archive): a wrong
    // ?schema= would otherwise look like an empty archive and be written to
    if (opened.dialect === "postgres" && checkLocation !== undefined) await checkArchiveIdentity(dir, config, db);
    if (!readonly) await runMigrations(db);
  } catch (e) {
    await db.destroy();
    // PostgreSQL errors become EV_ARCH_DB with the location redacted; SQLite errors pass unchanged
    throw checkLocation !== undefined ? wrapDbError(e, checkLocation) : e;
  }
  const a = new Archive(dir, config, keys, db, readonly, durability, { dialect: opened.dialect, ...(opened.sqlite ? { sqlite: opened.sqlite } : {}) });
  if (!readonly) {
    a.blobs.cleanTmp();
    await a.shredPending();
  }
  return a;
}

async function checkArchiveIdentity(dir: string, config: ArchiveConfig, db: Kysely<CoreDb>): Promise<void> {
  const has = (await sql<{ t: string | null }>`select to_regclass('custody_log')::text as t`.execute(db)).rows[0]?.t;
  if (!has) throw new OrganAuditError("EV_ARCH_DB_MISMATCH", { dir, detail: "the database schema holds no archive tables (wrong ?schema=?)" });
  const first = (await sql<{ entry: string }>`select entry from custody_log where seq = 0`.execute(db)).rows[0];
  let archiveId: unknown;
  try {
    archiveId = first ? (JSON.parse(first.entry) as { data?: { archiveId?: unknown } }).data?.archiveId : undefined;
  } catch {
    archiveId = undefined;
  }
  if (archiveId !== config.archiveId) {
    throw new OrganAuditError("EV_ARCH_DB_MISMATCH", { dir, detail: first ? `its custody log belongs to archive ${String(archiveId)}, not ${config.archiveId}` : "its custody log is empty" });
  }
}

/** Open the archive in `dir` (create it with opts.create; opts.db: its PostgreSQL location). */
export async function openArchive(dir: string, opts: OpenOptions = {}): Promise<Archive> {
  if (!isArchiveDir(dir)) {
    if (opts.create) {
      const a = await initArchive(dir, { ...(opts.actor !== undefined ? { actor: opts.actor } : {}), ...(opts.db !== undefined ? { db: opts.db } : {}) });
      if ((opts.durability ?? "full") === "full") return a;
      await a.close();
      const config = readConfig(dir);
      return openExisting(dir, config, locationOf(dir, config, opts.db), false, opts.durability ?? "full");
    }
    throw new OrganAuditError("EV_ARCH_NOT_FOUND", { dir });
  }
  const config = readConfig(dir);
  return openExisting(dir, config, locationOf(dir, config, opts.db), opts.readonly ?? false, opts.durability ?? "full");
}

/** Open, run fn, always close. */
export async function withArchive<T>(dir: string, fn: (a: Archive) => Promise<T>, opts: OpenOptions = {}): Promise<T> {
  const a = await openArchive(dir, opts);
  try {
    return await fn(a);
  } finally {
    await a.close();
  }
}

/**
 * The archive's PostgreSQL location: --db, else $ORGAN_AUDIT_ARCHIVE_DB (keeps a password out of the
 * command line), else undefined (the location in config.json, or DIR/archive.db).
 */
export function resolveArchiveDb(option: string | undefined): string | undefined {
  const v = option ?? process.env.ORGAN_AUDIT_ARCHIVE_DB;
  return v === undefined || v === "" ? undefined : v;
}

/** The archive folder: --archive, else $ORGAN_AUDIT_ARCHIVE, else ./evidence-archive. */
export function resolveArchiveDir(option: string | undefined): string {
  return option ?? process.env.ORGAN_AUDIT_ARCHIVE ?? "evidence-archive";
}
