/**
 * The search index adapter over better-sqlite3 (schema in migration.ts). Adds texts (folding, word
 * segmentation, bigrams, pinyin of names: one document row and one FTS5 row per text, in one transaction)
 * and answers queries planned by query.ts with ONE FTS5 MATCH (intersections and exclusions inside FTS5),
 * filters, bm25 ranking bounded for common terms, and highlighted snippets.
 */
import type Database from "better-sqlite3";
import { OrganAuditError } from "../../core/errors.js";
import { fold } from "./normalize.js";
import { ftsPlan, parseQuery, type ParsedQuery } from "./query.js";
import { ftsValues } from "./segment.js";
import { makeSnippet, type SnippetOptions } from "./snippet.js";
import { ensureSearchSchema, rebuildFtsSync } from "./migration.js";

export interface IndexDoc {
  itemId: string;
  /** id of the derived text record; omit (or "") for the item's own text */
  derivedId?: string | null;
  /** SHA-256 of the item's original bytes */
  sha256: string;
  text: string;
  title?: string | null;
  evidenceType?: string | null;
  language?: string | null;
  /** ISO 8601 capture time */
  capturedAt?: string | null;
  tags?: readonly string[];
}

export interface SearchFilters {
  types?: string[];
  languages?: string[];
  /** inclusive, YYYY-MM-DD (compared with the first 10 characters of captured_at) */
  from?: string;
  to?: string;
  /** every tag must be present */
  tags?: string[];
}

export interface SearchOptions extends SearchFilters {
  limit?: number;
  snippet?: SnippetOptions;
  /**
   * At most this many matching texts are ranked by bm25 (default RANK_THRESHOLD). With more matches, the most
   * recently indexed matches come first, unranked, and the response says so (`ranking`, `total`).
   */
  rankThreshold?: number;
  /** with more matches than the threshold, count them all exactly (costs a walk over every match) */
  exactTotal?: boolean;
}

/** Default bound of the texts ranked by bm25 for one query (see SearchRanking). */
export const RANK_THRESHOLD = 1000;

/**
 * How the results were ordered. `bm25`: every matching text was ranked by bm25 (FTS5). `recency`: more texts
 * matched than `threshold` (or the query had no indexed term): the most recently indexed matching texts come
 * first, NOT ranked by relevance, because ranking every match of a common term costs time in proportion to
 * the number of matches. Narrow the query, add filters, or raise `rankThreshold` to rank by bm25.
 */
export interface SearchRanking {
  /** bm25 (SQLite FTS5), recency (too many matches to rank; newest first), occurrences (PostgreSQL backend) */
  method: "bm25" | "recency" | "occurrences";
  threshold: number;
  description: string;
}

/**
 * Number of matching texts (an item may have several texts: extracted text, OCR, translation...).
 * `relation: "eq"`: an exact count; `"gte"`: at least that many (more texts matched than the ranking
 * threshold, and counting them all was not asked for: pass `exactTotal`).
 */
export interface SearchTotal {
  texts: number;
  relation: "eq" | "gte";
}

export interface SearchResult {
  id: string;
  sha256: string;
  snippet: string;
  /** highlight ranges in the snippet without markers */
  highlights: [number, number][];
  derivedId: string | null;
  title: string | null;
  evidenceType: string | null;
  language: string | null;
  capturedAt: string | null;
  tags: string[];
  /** bm25-based score, higher is better (0 when the query has no ranked index term) */
  score: number;
}

export interface SearchResponse {
  query: string;
  terms: ParsedQuery["terms"];
  results: SearchResult[];
  /** how results were ordered (set by SearchIndex; optional for other backends) */
  ranking?: SearchRanking;
  /** how many texts matched (set by SearchIndex; optional for other backends) */
  total?: SearchTotal;
}

/** A row of the index's document table (search_doc on SQLite, search_doc_pg on PostgreSQL). */
export interface DocRow {
  doc_id: number;
  item_id: string;
  derived_id: string;
  sha256: string;
  title: string | null;
  evidence_type: string | null;
  language: string | null;
  captured_at: string | null;
  tags: string;
  original: string;
  norm: string;
}

/** A filter date (YYYY-MM-DD). */
export const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** SQL of the index writes, shared by the sync (better-sqlite3) and async (kysely, in-transaction) writers. */
export const INDEX_SQL = {
  find: "SELECT doc_id, norm FROM search_doc WHERE item_id = ? AND derived_id = ?",
  docsOfItem: "SELECT doc_id, norm FROM search_doc WHERE item_id = ?",
  insDoc: `INSERT INTO search_doc (item_id, derived_id, sha256, title, evidence_type, language, captured_at, tags, original, norm)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  insFts: "INSERT INTO search_fts (rowid, words, chars, pinyin) VALUES (?, ?, ?, ?)",
  insTag: "INSERT OR IGNORE INTO search_tag (doc_id, tag) VALUES (?, ?)",
  delFts: "DELETE FROM search_fts WHERE rowid = ?",
  delTags: "DELETE FROM search_tag WHERE doc_id = ?",
  delDoc: "DELETE FROM search_doc WHERE doc_id = ?",
  /** statements that empty the index (before a rebuild) */
  clear: ["INSERT INTO search_fts (search_fts) VALUES ('delete-all')", "DELETE FROM search_tag", "DELETE FROM search_doc"],
} as const;

export interface PreparedDoc {
  itemId: string;
  derivedId: string;
  /** parameters of INDEX_SQL.insDoc */
  docParams: unknown[];
  norm: string;
  words: string;
  chars: string;
  pinyin: string;
  tags: string[];
}

/** Fold, segment and order the values of one text for the index (pure apart from jieba and pinyin-pro). */
export function prepareDoc(doc: IndexDoc): PreparedDoc {
  const derivedId = doc.derivedId ?? "";
  const norm = fold(doc.text);
  const tags = [...new Set(doc.tags ?? [])];
  return {
    itemId: doc.itemId,
    derivedId,
    docParams: [
      doc.itemId,
      derivedId,
      doc.sha256,
      doc.title ?? null,
      doc.evidenceType ?? null,
      doc.language ?? null,
      doc.capturedAt ?? null,
      JSON.stringify(tags),
      // the folded text is stored anyway (snippets, exact checks); the original only when it differs
      doc.text === norm ? "" : doc.text,
      norm,
    ],
    norm,
    ...ftsValues(norm, doc.title),
    tags: tags.map((t) => fold(t)),
  };
}

export class SearchIndex {
  readonly db: Database.Database;
  private readonly stmts: {
    find: Database.Statement;
    insDoc: Database.Statement;
    insFts: Database.Statement;
    insTag: Database.Statement;
    delFts: Database.Statement;
    delTags: Database.Statement;
    delDoc: Database.Statement;
    docsOfItem: Database.Statement;
  };

  constructor(db: Database.Database) {
    this.db = db;
    ensureSearchSchema(db);
    const p = (q: string): Database.Statement => db.prepare(q);
    this.stmts = {
      find: p(INDEX_SQL.find),
      insDoc: p(INDEX_SQL.insDoc),
      insFts: p(INDEX_SQL.insFts),
      insTag: p(INDEX_SQL.insTag),
      delFts: p(INDEX_SQL.delFts),
      delTags: p(INDEX_SQL.delTags),
      delDoc: p(INDEX_SQL.delDoc),
      docsOfItem: p(INDEX_SQL.docsOfItem),
    };
  }

  private removeDoc(docId: number): void {
    this.stmts.delFts.run(docId);
    this.stmts.delTags.run(docId);
    this.stmts.delDoc.run(docId);
  }

  private addOne(doc: IndexDoc): number {
    const d = prepareDoc(doc);
    const old = this.stmts.find.get(d.itemId, d.derivedId) as { doc_id: number } | undefined;
    if (old) this.removeDoc(old.doc_id);
    const id = Number(this.stmts.insDoc.run(...d.docParams).lastInsertRowid);
    this.stmts.insFts.run(id, d.words, d.chars, d.pinyin);
    for (const t of d.tags) this.stmts.insTag.run(id, t);
    return id;
  }

  /** Index (or re-index) one text; atomic. Returns the doc id. */
  add(doc: IndexDoc): number {
    return this.db.transaction(() => this.addOne(doc))();
  }

  /** Index many texts in one transaction. */
  addMany(docs: Iterable<IndexDoc>): number {
    let n = 0;
    this.db.transaction(() => {
      for (const d of docs) {
        this.addOne(d);
        n++;
      }
    })();
    return n;
  }

  /** Remove every indexed text of an item. */
  removeItem(itemId: string): void {
    this.db.transaction(() => {
      for (const r of this.stmts.docsOfItem.all(itemId) as { doc_id: number }[]) this.removeDoc(r.doc_id);
    })();
  }

  /** Drop every indexed text (before a rebuild). */
  clear(): void {
    this.db.transaction(() => {
      for (const stmt of INDEX_SQL.clear) this.db.exec(stmt);
    })();
  }

  /**
   * Rebuild the FTS5 rows from the texts stored in search_doc (after a schema change, or when the FTS table
   * is suspected damaged); one transaction. Returns the number of texts. To rebuild from the archive's own
   * stored texts, use index-writer.ts reindexArchive.
   */
  rebuild(): number {
    return this.db.transaction(() => rebuildFtsSync(this.db))();
  }

  private readonly stmtCache = new Map<string, Database.Statement>();

  /** A prepared statement for a query text, prepared once per index (queries differ only in parameters). */
  private cached(text: string): Database.Statement {
    let st = this.stmtCache.get(text);
    if (!st) {
      // bounded: query shapes (filters, LIKE terms, IN-list sizes) are few, but not fixed
      if (this.stmtCache.size >= 256) this.stmtCache.clear();
      st = this.db.prepare(text);
      this.stmtCache.set(text, st);
    }
    return st;
  }

  count(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM search_doc").get() as { n: number }).n;
  }

  search(query: string, opts: SearchOptions = {}): SearchResponse {
    const parsed = parseQuery(query);
    if (parsed.terms.length === 0 || parsed.terms.every((t) => t.negated)) {
      throw new OrganAuditError("EV_SEARCH_EMPTY_QUERY", {});
    }
    for (const [name, v] of [["--from", opts.from], ["--to", opts.to]] as const) {
      if (v !== undefined && !DATE.test(v)) throw new OrganAuditError("EV_SEARCH_BAD_FILTER", { filter: name, value: v });
    }
    const limit = Number.isFinite(opts.limit) ? Math.max(1, Math.min(Math.floor(opts.limit!), 1000)) : 20;
    // a threshold below the limit would leave results unranked for no gain; Infinity means "rank everything"
    const rt = opts.rankThreshold ?? RANK_THRESHOLD;
    const threshold = Math.max(limit, rt === Number.POSITIVE_INFINITY ? Number.MAX_SAFE_INTEGER - 1 : Number.isFinite(rt) && rt > 0 ? Math.floor(rt) : RANK_THRESHOLD);
    const plan = ftsPlan(parsed.terms);
    const params: unknown[] = [];
    const where: string[] = [];
    for (const l of plan.like) {
      where.push(`d.norm ${l.negated ? "NOT " : ""}LIKE ? ESCAPE '\\'`);
      params.push(l.pattern);
    }
    if (plan.exclude) {
      where.push("d.doc_id NOT IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ?)");
      params.push(plan.exclude);
    }
    if (opts.types && opts.types.length > 0) {
      where.push(`d.evidence_type IN (${opts.types.map(() => "?").join(", ")})`);
      params.push(...opts.types);
    }
    if (opts.languages && opts.languages.length > 0) {
      // "zh" matches zh, zh-Hans, zh-Hant, zh-CN, ...
      where.push(`(${opts.languages.map(() => "(d.language = ? OR d.language LIKE ?)").join(" OR ")})`);
      for (const l of opts.languages) params.push(l, `${l}-%`);
    }
    if (opts.from) {
      where.push("substr(d.captured_at, 1, 10) >= ?");
      params.push(opts.from);
    }
    if (opts.to) {
      where.push("substr(d.captured_at, 1, 10) <= ?");
      params.push(opts.to);
    }
    for (const tag of opts.tags ?? []) {
      where.push("EXISTS (SELECT 1 FROM search_tag st WHERE st.doc_id = d.doc_id AND st.tag = ?)");
      params.push(fold(tag));
    }
    // 1. candidates: the newest threshold + 1 matching texts (FTS5 walks its doclists from the highest rowid
    //    and stops there; filters are checked on the way)
    let cand: number[];
    if (plan.match && where.length === 0) {
      cand = this.cached("SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER BY rowid DESC LIMIT ?").pluck().all(plan.match, threshold + 1) as number[];
    } else if (plan.match) {
      cand = this.cached(
        `SELECT d.doc_id FROM search_fts f JOIN search_doc d ON d.doc_id = f.rowid WHERE f.search_fts MATCH ? AND ${where.join(" AND ")} ORDER BY f.rowid DESC LIMIT ?`,
      )
        .pluck()
        .all(plan.match, ...params, threshold + 1) as number[];
    } else {
      // no indexable piece (e.g. a punctuation-only term): LIKE over the folded texts, a scan
      cand = this.cached(`SELECT d.doc_id FROM search_doc d WHERE ${where.join(" AND ")} ORDER BY d.doc_id DESC LIMIT ?`)
        .pluck()
        .all(...params, threshold + 1) as number[];
    }
    const many = cand.length > threshold;
    let ranked: { doc_id: number; score: number }[];
    let total: SearchTotal;
    let ranking: SearchRanking;
    if (many) {
      // 2a. a common term: ranking every match costs time in proportion to the matches (bm25 also reads every
      //     match of each phrase for its document frequencies), so the newest texts come first, unranked, and
      //     the response says so; the total is a lower bound unless `exactTotal` asks for the count
      cand = cand.slice(0, threshold);
      ranked = cand.map((id) => ({ doc_id: id, score: 0 }));
      if (opts.exactTotal) {
        // counting walks every match (no scoring): 1-11 ms for 14,000-57,000 matches of 100,000 texts when FTS5
        // alone decides, longer with filters (each match is checked)
        const countSql =
          plan.match && where.length === 0
            ? "SELECT count(*) FROM search_fts WHERE search_fts MATCH ?"
            : plan.match
              ? `SELECT count(*) FROM search_fts f JOIN search_doc d ON d.doc_id = f.rowid WHERE f.search_fts MATCH ? AND ${where.join(" AND ")}`
              : `SELECT count(*) FROM search_doc d WHERE ${where.join(" AND ")}`;
        total = { texts: this.cached(countSql).pluck().get(...(plan.match ? [plan.match] : []), ...params) as number, relation: "eq" };
      } else {
        total = { texts: threshold + 1, relation: "gte" };
      }
      ranking = {
        method: "recency",
        threshold,
        description: `${total.relation === "eq" ? total.texts : `more than ${threshold}`} texts match; above ${threshold} matches none is ranked: results are the most recently indexed matches, not ranked by relevance; add terms or filters (or raise the threshold) to rank by bm25`,
      };
    } else {
      // 2b. bm25 over every match (at most `threshold`): FTS5 scores the matches at or above the oldest
      //     candidate's rowid; matches that the filters removed are dropped here
      ranked = [];
      if (plan.match && cand.length > 0) {
        const keep = new Set(cand);
        const rows = this.cached("SELECT rowid, rank FROM search_fts WHERE search_fts MATCH ? AND rowid >= ?").raw().all(plan.match, cand[cand.length - 1]!) as [number, number][];
        for (const [id, sc] of rows) if (keep.has(id)) ranked.push({ doc_id: id, score: sc });
        ranked.sort((x, y) => x.score - y.score || y.doc_id - x.doc_id);
      } else {
        ranked = cand.map((id) => ({ doc_id: id, score: 0 }));
      }
      total = { texts: cand.length, relation: "eq" };
      ranking = plan.match
        ? { method: "bm25", threshold, description: "every matching text was ranked by bm25" }
        : { method: "recency", threshold, description: "no indexed term in the query (checked by a scan of the folded texts): most recently indexed first" };
    }
    // 3. the top `limit` items, each with its best-ranked text
    const top: { item_id: string; doc_id: number; score: number }[] = [];
    const seen = new Set<string>();
    const details = new Map<number, DocRow>();
    for (let i = 0; i < ranked.length && top.length < limit; ) {
      const chunk = ranked.slice(i, i + Math.max(limit * 2, 20));
      i += chunk.length;
      const rows = this.cached(
        `SELECT doc_id, item_id, derived_id, sha256, title, evidence_type, language, captured_at, tags, original, norm
           FROM search_doc WHERE doc_id IN (${chunk.map(() => "?").join(", ")})`,
      ).all(...chunk.map((t) => t.doc_id)) as DocRow[];
      for (const r of rows) details.set(r.doc_id, r);
      for (const c of chunk) {
        const r = details.get(c.doc_id);
        if (!r || seen.has(r.item_id)) continue;
        seen.add(r.item_id);
        top.push({ item_id: r.item_id, doc_id: c.doc_id, score: c.score });
        if (top.length >= limit) break;
      }
    }
    const results: SearchResult[] = [];
    for (const t of top) {
      const r = details.get(t.doc_id)!;
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
        // FTS5 rank (bm25) is lower-is-better and negative; report a positive, higher-is-better score
        score: Math.round(-t.score * 1e6) / 1e6 + 0,
      });
    }
    return { query, terms: parsed.terms, results, ranking, total };
  }
}

