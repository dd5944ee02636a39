/**
 * The archive hook: indexes every text-like derived record inside the transaction that stores it (so an
 * item's text and its index rows commit together), and drops a text from the index when it is sealed
 * (redaction). Uses the same SQL as the sync SearchIndex through kysely's raw queries, so it runs on the
 * connection and transaction that the archive holds.
 */
import { CompiledQuery, sql, type Kysely, type Transaction } from "kysely";
import { TEXT_KINDS, type Archive } from "../store/archive.js";
import { INDEX_SQL, prepareDoc, type IndexDoc } from "./index-store.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Exec = Kysely<any> | Transaction<any>;

async function q<R>(db: Exec, text: string, params: unknown[]): Promise<{ rows: R[]; insertId: number | undefined }> {
  const r = await db.executeQuery<R>(CompiledQuery.raw(text, params));
  return { rows: r.rows, insertId: r.insertId === undefined ? undefined : Number(r.insertId) };
}

async function removeDocs(db: Exec, docs: { doc_id: number }[]): Promise<void> {
  for (const o of docs) {
    await q(db, INDEX_SQL.delFts, [o.doc_id]);
    await q(db, INDEX_SQL.delTags, [o.doc_id]);
    await q(db, INDEX_SQL.delDoc, [o.doc_id]);
  }
}

/** Index one text through kysely (e.g. inside the archive's transaction). Returns the doc id. */
export async function indexDocWith(db: Exec, doc: IndexDoc): Promise<number> {
  const d = prepareDoc(doc);
  const old = await q<{ doc_id: number; norm: string }>(db, INDEX_SQL.find, [d.itemId, d.derivedId]);
  await removeDocs(db, old.rows);
  const ins = await q(db, INDEX_SQL.insDoc, d.docParams);
  const id = ins.insertId;
  if (id === undefined) throw new Error("search index: insert returned no rowid");
  await q(db, INDEX_SQL.insFts, [id, d.words, d.chars, d.pinyin]);
  for (const t of d.tags) await q(db, INDEX_SQL.insTag, [id, t]);
  return id;
}

/** Remove one indexed text (item's derived record) through kysely. */
export async function unindexDerivedWith(db: Exec, itemId: string, derivedId: string): Promise<void> {
  const old = await q<{ doc_id: number; norm: string }>(db, INDEX_SQL.find, [itemId, derivedId]);
  await removeDocs(db, old.rows);
}

/**
 * Register a search backend on an open archive: every unsealed text/ocr/translation/transcript/redacted
 * derived record is indexed with the item's metadata in the transaction that stores it; a sealed text
 * leaves the index. Returns a function that unregisters both hooks.
 */
export function attachIndexBackend(archive: Archive, backend: IndexBackend): () => void {
  const offText = archive.onText(async (ev, trx) => {
    await backend.index(trx, {
      itemId: ev.itemId,
      derivedId: ev.derivedId,
      sha256: ev.item.sha256,
      text: ev.text,
      title: ev.item.filename ?? ev.item.url ?? null,
      evidenceType: ev.item.evidenceType,
      language: ev.language ?? ev.item.language,
      capturedAt: ev.item.capturedAt,
      tags: ev.item.tags,
    });
  });
  const offSeal = archive.onSeal(async (ev, trx) => {
    await backend.remove(trx, ev.itemId, ev.derivedId);
  });
  return () => {
    offText();
    offSeal();
  };
}

/** Register the SQLite FTS5 indexer on an open archive (see attachIndexBackend). */
export function attachIndexer(archive: Archive): () => void {
  return attachIndexBackend(archive, SQLITE_INDEX);
}

/** How one search backend empties its index and indexes one text inside a transaction. */
export interface IndexBackend {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  clear(trx: Transaction<any>): Promise<void>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  index(trx: Transaction<any>, doc: IndexDoc): Promise<unknown>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  remove(trx: Transaction<any>, itemId: string, derivedId: string): Promise<void>;
}

/**
 * Index the unsealed texts of the given items (all items when `itemIds` is omitted) with a backend, in one
 * transaction; with `clear`, the index is emptied first (a rebuild). For rows written without the onText
 * hook, e.g. items imported from a bundle. Texts are indexed in creation order, so that the index's own
 * order (the "most recently indexed" order of bounded ranking) follows the archive's order.
 */
export async function indexArchiveTexts(a: Archive, backend: IndexBackend, opts: { itemIds?: string[]; clear?: boolean } = {}): Promise<{ texts: number }> {
  let q = a.db.selectFrom("derived").select(["id", "item_id", "language"]).where("kind", "in", [...TEXT_KINDS]).where("sealed", "=", 0);
  if (opts.itemIds) {
    if (opts.itemIds.length === 0) return { texts: 0 };
    q = q.where("item_id", "in", opts.itemIds);
  }
  const rows = await q.orderBy("created_at").orderBy("id").execute();
  const items = new Map((await a.listItems()).map((i) => [i.id, i]));
  const texts: { id: string; itemId: string; language: string | null; text: string }[] = [];
  for (const r of rows) texts.push({ id: r.id, itemId: r.item_id, language: r.language, text: await a.readDerivedText(r.id) });
  let n = 0;
  await a.transaction(async (trx) => {
    if (opts.clear) await backend.clear(trx);
    for (const t of texts) {
      const it = items.get(t.itemId);
      if (!it) continue;
      await backend.index(trx, {
        itemId: t.itemId,
        derivedId: t.id,
        sha256: it.sha256,
        text: t.text,
        title: it.filename ?? it.url ?? null,
        evidenceType: it.evidenceType,
        language: t.language ?? it.language,
        capturedAt: it.capturedAt,
        tags: it.tags,
      });
      n++;
    }
  });
  return { texts: n };
}

/** The SQLite FTS5 index as an IndexBackend. */
export const SQLITE_INDEX: IndexBackend = {
  async clear(trx) {
    for (const stmt of INDEX_SQL.clear) await sql.raw(stmt).execute(trx);
  },
  index: (trx, doc) => indexDocWith(trx, doc),
  remove: (trx, itemId, derivedId) => unindexDerivedWith(trx, itemId, derivedId),
};

/** Index the unsealed texts of the given items in the SQLite index (see indexArchiveTexts). */
export function indexArchiveItems(a: Archive, opts: { itemIds?: string[]; clear?: boolean } = {}): Promise<{ texts: number }> {
  return indexArchiveTexts(a, SQLITE_INDEX, opts);
}

/** Drop and rebuild the search index from every unsealed text record of the archive. */
export function reindexArchive(a: Archive): Promise<{ texts: number }> {
  return indexArchiveItems(a, { clear: true });
}
