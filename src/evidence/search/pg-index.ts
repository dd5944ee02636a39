/**
 * The search index on PostgreSQL (adapter): the same input (IndexDoc) and output (SearchResponse) as the
 * SQLite FTS5 index (index-store.ts), with the same folding (normalize.ts: NFKC, OpenCC traditional →
 * simplified, lower case), query parsing (query.ts) and snippets (snippet.ts).
 *
 * One table, search_doc_pg: one row per indexed text with its folded form `norm`, under a GIN trigram
 * index (pg_trgm, gin_trgm_ops). Every query term must match:
 * - Chinese and other substring terms ("trigram" and "like" kinds): `norm LIKE '%term%'`. The trigram
 *   index serves terms of 3+ characters; 1-2 character terms are answered by the same LIKE (exact; the
 *   index cannot narrow them, so they cost a scan of the candidates the other terms leave);
 * - word terms (Latin letters and digits): a regular expression on `norm` requiring each word of the term,
 *   in order, at the start of a word, with a crude English stem (snippet.ts crudeStem: "transplanted" →
 *   "transplant", which finds "transplantation") — close to, not identical with, the SQLite index's
 *   porter stemmer;
 * - word terms are also matched in the `pinyin` column (toneless pinyin of the title, as the SQLite index's
 *   pinyin column: segment.ts ftsValues), so `zhengzhou`, `zheng zhou` or `Zhèngzhōu` find 郑州;
 * - "-term" excludes.
 * Results: the best text per item, ranked by the number of occurrences of the positive terms in the
 * folded text (for word terms: of their stems, also inside longer words; higher first; `score` is that
 * number), then the newest capture, then the item id. As in SearchIndex, at most `rankThreshold`
 * (default RANK_THRESHOLD) matching texts are ranked: the most recently indexed; `total` then reads
 * { texts: threshold, relation: "gte" }.
 *
 * The index is derived data (not pinned by the custody log): reindexPg rebuilds it from the archive.
 */
import { sql, type Kysely, type RawBuilder, type Transaction } from "kysely";
import { OrganAuditError } from "../../core/errors.js";
import type { Archive } from "../store/archive.js";
import type { Migration } from "../store/migration.js";
import { DATE, RANK_THRESHOLD, type DocRow, type IndexDoc, type SearchOptions, type SearchResponse, type SearchResult } from "./index-store.js";
import { fold } from "./normalize.js";
import { likePattern, parseQuery, type QueryTerm } from "./query.js";
import { attachIndexBackend, indexArchiveTexts, type IndexBackend } from "./index-writer.js";
import { ftsValues } from "./segment.js";
import { crudeStem, makeSnippet } from "./snippet.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Exec = Kysely<any> | Transaction<any>;

export const PG_SEARCH_MIGRATION_ID = "search-pg-0001";

/** The schema that holds pg_trgm (installed into "public" when absent, so that dropping a schema never drops it). */
async function trgmSchema(db: Exec): Promise<string> {
  const find = async (): Promise<string | undefined> =>
    (await sql<{ s: string }>`select n.nspname as s from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'`.execute(db)).rows[0]?.s;
  const have = await find();
  if (have) return have;
  const hasPublic = (await sql<{ n: number }>`select count(*) as n from pg_namespace where nspname = 'public'`.execute(db)).rows[0]?.n ?? 0;
  if (Number(hasPublic) > 0) await sql`create extension if not exists pg_trgm schema public`.execute(db);
  else await sql`create extension if not exists pg_trgm`.execute(db);
  const now = await find();
  if (!now) throw new Error("the PostgreSQL extension pg_trgm could not be installed");
  return now;
}

export const pgSearchMigration: Migration = {
  id: PG_SEARCH_MIGRATION_ID,
  dialects: ["postgres"],
  async up(db) {
    const ext = await trgmSchema(db);
    await sql`create table if not exists search_doc_pg (
      doc_id bigserial primary key,
      item_id text collate "C" not null,
      derived_id text collate "C" not null default '',
      sha256 text not null,
      title text,
      evidence_type text,
      language text,
      captured_at text collate "C",
      tags text not null default '[]',
      tags_norm text[] not null default '{}',
      original text not null,
      norm text not null,
      pinyin text not null default '',
      unique (item_id, derived_id)
    )`.execute(db);
    await sql`create index if not exists search_doc_pg_norm on search_doc_pg using gin (norm ${sql.id(ext)}.gin_trgm_ops)`.execute(db);
    await sql`create index if not exists search_doc_pg_pinyin on search_doc_pg using gin (pinyin ${sql.id(ext)}.gin_trgm_ops)`.execute(db);
    await sql`create index if not exists search_doc_pg_tags on search_doc_pg using gin (tags_norm)`.execute(db);
    await sql`create index if not exists search_doc_pg_type on search_doc_pg (evidence_type)`.execute(db);
  },
};

/** Picked up by the archive's migration runner (src/evidence/store/migrate.ts); skipped on SQLite. */
export const migrations: Migration[] = [pgSearchMigration];

/** Index (or re-index) one text, in the caller's transaction. Returns the doc id. */
export async function indexDocPg(db: Exec, doc: IndexDoc): Promise<number> {
  const norm = fold(doc.text);
  const tags = [...new Set(doc.tags ?? [])];
  // the same pinyin as the SQLite index's pinyin column (title, and the text's first Han characters if configured)
  const pinyin = ftsValues(norm, doc.title).pinyin;
  const r = await sql<{ doc_id: number }>`
    insert into search_doc_pg (item_id, derived_id, sha256, title, evidence_type, language, captured_at, tags, tags_norm, original, norm, pinyin)
    values (${doc.itemId}, ${doc.derivedId ?? ""}, ${doc.sha256}, ${doc.title ?? null}, ${doc.evidenceType ?? null}, ${doc.language ?? null},
            ${doc.capturedAt ?? null}, ${JSON.stringify(tags)}, ${tags.map((t) => fold(t))}::text[], ${doc.text === norm ? "" : doc.text}, ${norm}, ${pinyin})
    on conflict (item_id, derived_id) do update set
      sha256 = excluded.sha256, title = excluded.title, evidence_type = excluded.evidence_type, language = excluded.language,
      captured_at = excluded.captured_at, tags = excluded.tags, tags_norm = excluded.tags_norm, original = excluded.original,
      norm = excluded.norm, pinyin = excluded.pinyin
    returning doc_id`.execute(db);
  const id = r.rows[0]?.doc_id;
  if (id === undefined) throw new Error("search index: insert returned no doc_id");
  return Number(id);
}

/** Remove one indexed text (an item's derived record). */
export async function unindexDerivedPg(db: Exec, itemId: string, derivedId: string): Promise<void> {
  await sql`delete from search_doc_pg where item_id = ${itemId} and derived_id = ${derivedId}`.execute(db);
}

/** Number of indexed texts. */
export async function countPg(db: Exec): Promise<number> {
  return Number((await sql<{ n: number }>`select count(*) as n from search_doc_pg`.execute(db)).rows[0]?.n ?? 0);
}

/** The archive hook on PostgreSQL (see index-writer.ts attachIndexBackend). Returns an unregister function. */
export function attachPgIndexer(archive: Archive): () => void {
  return attachIndexBackend(archive, PG_INDEX);
}

/** The PostgreSQL trigram index as an IndexBackend (index-writer.ts). */
export const PG_INDEX: IndexBackend = {
  async clear(trx) {
    await sql`delete from search_doc_pg`.execute(trx);
  },
  index: (trx, doc) => indexDocPg(trx, doc),
  remove: (trx, itemId, derivedId) => unindexDerivedPg(trx, itemId, derivedId),
};

/** Index the unsealed texts of the given items in the PostgreSQL index (see indexArchiveTexts). */
export function indexArchiveItemsPg(a: Archive, opts: { itemIds?: string[]; clear?: boolean } = {}): Promise<{ texts: number }> {
  return indexArchiveTexts(a, PG_INDEX, opts);
}

/** Drop and rebuild the PostgreSQL search index from every unsealed text record of the archive. */
export function reindexPg(a: Archive): Promise<{ texts: number }> {
  return indexArchiveItemsPg(a, { clear: true });
}

/** Characters of a word (the folded text is lower case): a word term must start after none of these. */
const WORD_CH = "0-9a-z\u00b5\u00df-\u00f6\u00f8-\u024f";

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The PostgreSQL regular expression of a word term (null when it has no letters or digits). With
 * `pinyin`, for the pinyin column: diacritics removed (Zhèngzhōu → zhengzhou) and no stemming.
 */
export function wordRegex(t: QueryTerm, opts: { pinyin?: boolean } = {}): string | null {
  const stems = wordStems(t, opts);
  if (stems.length === 0) return null;
  return `(^|[^${WORD_CH}])${stems.map(escapeRe).join(`[${WORD_CH}]*[^${WORD_CH}]+`)}`;
}

/** The stems a word term looks for, in order (for the pinyin column: without diacritics, unstemmed). */
export function wordStems(t: QueryTerm, opts: { pinyin?: boolean } = {}): string[] {
  let words = t.folded.split(/[^\p{L}\p{N}]+/u).filter((w) => w !== "");
  if (opts.pinyin) words = words.map((w) => w.normalize("NFD").replace(/\p{M}+/gu, "")).filter((w) => /^[a-z0-9]+$/.test(w));
  return words.map((w) => (opts.pinyin ? w : crudeStem(w)));
}

/** Occurrences of a substring in a column (length arithmetic: cheap, no regular expression). */
function occurrences(col: RawBuilder<unknown>, needle: string): RawBuilder<unknown> {
  return sql`((length(${col}) - length(replace(${col}, ${needle}::text, ''))) / greatest(length(${needle}::text), 1))`;
}

/** LIKE conditions that every stem occurs (served by the trigram index), checked before the regular expression. */
function likeAll(col: RawBuilder<unknown>, stems: string[]): RawBuilder<unknown> {
  return sql.join(stems.map((st) => sql`${col} like ${likePattern(st)} escape '\\'`), sql` and `);
}


/** Search the PostgreSQL index (same options, errors and response shape as SearchIndex.search). */
export async function searchPg(db: Exec, query: string, opts: SearchOptions = {}): Promise<SearchResponse> {
  const parsed = parseQuery(query);
  if (parsed.terms.length === 0 || parsed.terms.every((t) => t.negated)) throw new OrganAuditError("EV_SEARCH_EMPTY_QUERY", {});
  for (const [name, v] of [["--from", opts.from], ["--to", opts.to]] as const) {
    if (v !== undefined && !DATE.test(v)) throw new OrganAuditError("EV_SEARCH_BAD_FILTER", { filter: name, value: v });
  }
  const limit = Math.max(1, Math.min(Math.floor(Number.isFinite(opts.limit) ? (opts.limit as number) : 20), 1000));
  const where: RawBuilder<unknown>[] = [];
  const counts: RawBuilder<unknown>[] = [];
  for (const t of parsed.terms) {
    const norm = sql`d.norm`;
    const pinyin = sql`d.pinyin`;
    if (t.kind !== "word") {
      const cond = sql`d.norm like ${likePattern(t.folded)} escape '\\'`;
      where.push(t.negated ? sql`not (${cond})` : cond);
      if (!t.negated) counts.push(occurrences(norm, t.folded));
      continue;
    }
    const re = wordRegex(t);
    if (re === null) continue; // punctuation only: nothing to match (as the SQLite index)
    const stems = wordStems(t);
    const py = wordRegex(t, { pinyin: true });
    const pyStems = wordStems(t, { pinyin: true });
    const inNorm = sql`(${likeAll(norm, stems)} and d.norm ~ ${re})`;
    const cond = py !== null ? sql`(${inNorm} or (${likeAll(pinyin, pyStems)} and d.pinyin ~ ${py}))` : inNorm;
    where.push(t.negated ? sql`not (${cond})` : cond);
    if (!t.negated) {
      // ranking only: occurrences of the stems (also inside longer words), in the text and in the pinyin
      counts.push(sql.join([...stems.map((st) => occurrences(norm, st)), ...pyStems.map((st) => occurrences(pinyin, st))], sql` + `));
    }
  }
  if (!parsed.terms.some((t) => !t.negated && (t.kind !== "word" || wordRegex(t) !== null))) throw new OrganAuditError("EV_SEARCH_EMPTY_QUERY", {});
  if (opts.types && opts.types.length > 0) where.push(sql`d.evidence_type in (${sql.join(opts.types)})`);
  if (opts.languages && opts.languages.length > 0) {
    // "zh" matches zh, zh-Hans, zh-Hant, zh-CN, ...
    where.push(sql`(${sql.join(opts.languages.map((l) => sql`(d.language = ${l} or d.language like ${`${l.replace(/[\\%_]/g, (c) => `\\${c}`)}-%`} escape '\\')`), sql` or `)})`);
  }
  if (opts.from) where.push(sql`substr(d.captured_at, 1, 10) >= ${opts.from}`);
  if (opts.to) where.push(sql`substr(d.captured_at, 1, 10) <= ${opts.to}`);
  const tags = (opts.tags ?? []).map((t) => fold(t));
  if (tags.length > 0) where.push(sql`d.tags_norm @> ${tags}::text[]`);
  const score = counts.length > 0 ? sql.join(counts, sql` + `) : sql`0`;
  // as SearchIndex: at most `threshold` matching texts are ranked, the most recently indexed ones (the cost of
  // ranking grows with the number of matches); `total` then says "at least"
  const threshold = Math.max(limit, Math.floor(Number.isFinite(opts.rankThreshold) ? (opts.rankThreshold as number) : RANK_THRESHOLD));
  const top = (
    await sql<{ item_id: string; doc_id: number; score: number; total: number }>`
      with c as (
        select d.doc_id, d.item_id, d.captured_at, d.norm, d.pinyin
        from search_doc_pg d
        where ${sql.join(where, sql` and `)}
        order by d.doc_id desc
        limit ${threshold + 1}
      ), m as (
        select d.doc_id, d.item_id, d.captured_at, (${score})::bigint as score
        from c d order by d.doc_id desc limit ${threshold}
      ), best as (
        select distinct on (item_id) item_id, doc_id, score, max(captured_at) over (partition by item_id) as cap
        from m order by item_id, score desc, doc_id
      )
      select item_id, doc_id, score, (select count(*) from c) as total
      from best order by score desc, cap desc nulls last, item_id asc
      limit ${limit}`.execute(db)
  ).rows;
  const details = new Map<number, DocRow>();
  if (top.length > 0) {
    const rows = (
      await sql<DocRow>`select doc_id, item_id, derived_id, sha256, title, evidence_type, language, captured_at, tags, original, norm
        from search_doc_pg where doc_id in (${sql.join(top.map((t) => Number(t.doc_id)))})`.execute(db)
    ).rows;
    for (const r of rows) details.set(Number(r.doc_id), r);
  }
  const results: SearchResult[] = [];
  for (const t of top) {
    const r = details.get(Number(t.doc_id));
    if (!r) continue;
    const snip = makeSnippet(r.original === "" ? r.norm : r.original, r.norm, parsed.terms, opts.snippet);
    results.push({
      id: r.item_id,
      sha256: r.sha256,
      snippet: snip.text,
      highlights: snip.ranges,
      derivedId: r.derived_id === "" ? null : r.derived_id,
      title: r.title,
      evidenceType: r.evidence_type,
      language: r.language,
      capturedAt: r.captured_at,
      tags: JSON.parse(r.tags) as string[],
      score: Number(t.score),
    });
  }
  const matched = Number(top[0]?.total ?? 0);
  const over = matched > threshold;
  const ranking = {
    method: "occurrences" as const,
    threshold,
    description: over
      ? `more than ${threshold} texts matched: the ${threshold} most recently indexed of them are ranked by the number of occurrences of the query terms; older matches are not considered`
      : "ranked by the number of occurrences of the query terms (PostgreSQL trigram index; not bm25)",
  };
  return { query, terms: parsed.terms, results, ranking, total: over ? { texts: threshold, relation: "gte" } : { texts: matched, relation: "eq" } };
}
