/**
 * One entry point to the search index of an open archive, whichever database holds it (adapter):
 * SQLite → the FTS5 index (index-store.ts SearchIndex over the archive's better-sqlite3 handle, and the
 * index-writer.ts hooks); PostgreSQL → the pg_trgm index (pg-index.ts). Same IndexDoc in, same
 * SearchResponse out.
 */
import type { Archive } from "../store/archive.js";
import { SearchIndex, type SearchOptions, type SearchResponse } from "./index-store.js";
import { attachIndexer, indexArchiveItems } from "./index-writer.js";
import { attachPgIndexer, countPg, indexArchiveItemsPg, searchPg } from "./pg-index.js";

/**
 * Index every text-like derived record the archive stores from now on (inside the transaction that stores
 * it), and drop a text from the index when it is sealed. Call once after opening the archive for writing.
 * Returns a function that unregisters the hooks.
 */
export function attachSearch(archive: Archive): () => void {
  return archive.dialect === "postgres" ? attachPgIndexer(archive) : attachIndexer(archive);
}

const sqliteIndexes = new WeakMap<Archive, SearchIndex>();

function sqliteIndex(archive: Archive): SearchIndex {
  let idx = sqliteIndexes.get(archive);
  if (!idx) {
    const handle = archive.sqliteHandle;
    if (!handle) throw new Error("search: the archive has no SQLite handle");
    idx = new SearchIndex(handle);
    sqliteIndexes.set(archive, idx);
  }
  return idx;
}

/** Search the archive's index (errors: EV_SEARCH_EMPTY_QUERY, EV_SEARCH_BAD_FILTER). */
export async function searchArchiveWith(archive: Archive, query: string, opts: SearchOptions = {}): Promise<SearchResponse> {
  if (archive.dialect === "postgres") return searchPg(archive.db, query, opts);
  return sqliteIndex(archive).search(query, opts);
}

/** Index the unsealed texts of the given items (all when omitted); `clear` empties the index first (a rebuild). */
export function indexArchiveItemsWith(archive: Archive, opts: { itemIds?: string[]; clear?: boolean } = {}): Promise<{ texts: number }> {
  return archive.dialect === "postgres" ? indexArchiveItemsPg(archive, opts) : indexArchiveItems(archive, opts);
}

/** Drop and rebuild the index from every unsealed text record of the archive. */
export function reindexArchiveWith(archive: Archive): Promise<{ texts: number }> {
  return indexArchiveItemsWith(archive, { clear: true });
}

/** Number of indexed texts. */
export async function indexedTextCount(archive: Archive): Promise<number> {
  return archive.dialect === "postgres" ? countPg(archive.db) : sqliteIndex(archive).count();
}
