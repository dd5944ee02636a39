/**
 * The search index adapter over better-sqlite3 (schema in migration.ts). Adds texts (folding, word
 * segmentation, three inserts in one transaction) and answers queries planned by query.ts with filters,
 * bm25 ranking and highlighted snippets.
 */
import type Database from "better-sqlite3";
import { OrganAuditError } from "../../core/errors.js";
import { fold } from "./normalize.js";
import {
  likePattern,
  parseQuery,
  trigramMatchExpression,
  wordMatchExpression,
  wordPhrase,
  charsPhrase,
  type ParsedQuery,
} from "./query.js";
import { charsForIndex, segmentForIndex } from "./segment.js";
import { makeSnippet, type SnippetOptions } from "./snippet.js";
import { ensureSearchSchema } from "./migration.js";

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
}

interface DocRow {
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

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** SQL of the index writes, shared by the sync (better-sqlite3) and async (kysely, in-transaction) writers. */
export const INDEX_SQL = {
  find: "SELECT doc_id, norm FROM search_doc WHERE item_id = ? AND derived_id = ?",
  docsOfItem: "SELECT doc_id, norm FROM search_doc WHERE item_id = ?",
  insDoc: `INSERT INTO search_doc (item_id, derived_id, sha256, title, evidence_type, language, captured_at, tags, original, norm)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  insTri: "INSERT INTO search_tri (rowid, norm) VALUES (?, ?)",
  insWords: "INSERT INTO search_words (rowid, words) VALUES (?, ?)",
  insChars: "INSERT INTO search_chars (rowid, chars) VALUES (?, ?)",
  insTag: "INSERT OR IGNORE INTO search_tag (doc_id, tag) VALUES (?, ?)",
  delTri: "INSERT INTO search_tri (search_tri, rowid, norm) VALUES ('delete', ?, ?)",
  delWords: "DELETE FROM search_words WHERE rowid = ?",
  delChars: "DELETE FROM search_chars WHERE rowid = ?",
  delTags: "DELETE FROM search_tag WHERE doc_id = ?",
  delDoc: "DELETE FROM search_doc WHERE doc_id = ?",
} as const;

export interface PreparedDoc {
  itemId: string;
  derivedId: string;
  /** parameters of INDEX_SQL.insDoc */
  docParams: unknown[];
  norm: string;
  words: string;
  chars: string;
  tags: string[];
}

/** Fold, segment and order the values of one text for the index (pure apart from jieba). */
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
      // the folded text is stored anyway (trigram content); the original only when it differs
      doc.text === norm ? "" : doc.text,
      norm,
    ],
    norm,
    words: segmentForIndex(norm),
    chars: charsForIndex(norm),
    tags: tags.map((t) => fold(t)),
  };
}

export class SearchIndex {
  readonly db: Database.Database;
  private readonly stmts: {
    find: Database.Statement;
    insDoc: Database.Statement;
    insTri: Database.Statement;
    insWords: Database.Statement;
    insChars: Database.Statement;
    delChars: Database.Statement;
    insTag: Database.Statement;
    delTri: Database.Statement;
    delWords: Database.Statement;
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
      insTri: p(INDEX_SQL.insTri),
      insWords: p(INDEX_SQL.insWords),
      insChars: p(INDEX_SQL.insChars),
      delChars: p(INDEX_SQL.delChars),
      insTag: p(INDEX_SQL.insTag),
      delTri: p(INDEX_SQL.delTri),
      delWords: p(INDEX_SQL.delWords),
      delTags: p(INDEX_SQL.delTags),
      delDoc: p(INDEX_SQL.delDoc),
      docsOfItem: p(INDEX_SQL.docsOfItem),
    };
  }

  private removeDoc(docId: number, norm: string): void {
    this.stmts.delTri.run(docId, norm);
    this.stmts.delWords.run(docId);
    this.stmts.delChars.run(docId);
    this.stmts.delTags.run(docId);
    this.stmts.delDoc.run(docId);
  }

  private addOne(doc: IndexDoc): number {
    const d = prepareDoc(doc);
    const old = this.stmts.find.get(d.itemId, d.derivedId) as { doc_id: number; norm: string } | undefined;
    if (old) this.removeDoc(old.doc_id, old.norm);
    const id = Number(this.stmts.insDoc.run(...d.docParams).lastInsertRowid);
    this.stmts.insTri.run(id, d.norm);
    this.stmts.insWords.run(id, d.words);
    if (d.chars !== "") this.stmts.insChars.run(id, d.chars);
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
      for (const r of this.stmts.docsOfItem.all(itemId) as { doc_id: number; norm: string }[]) this.removeDoc(r.doc_id, r.norm);
    })();
  }

  /** Drop every indexed text (before a rebuild). */
  clear(): void {
    this.db.transaction(() => {
      this.db.exec("INSERT INTO search_tri (search_tri) VALUES ('delete-all')");
      this.db.exec("DELETE FROM search_words");
      this.db.exec("DELETE FROM search_chars");
      this.db.exec("DELETE FROM search_tag");
      this.db.exec("DELETE FROM search_doc");
    })();
  }

  private readonly stmtCache = new Map<string, Database.Statement>();

  /** A prepared statement for a query text, prepared once per index (queries differ only in parameters). */
  private cached(text: string): Database.Statement {
    let st = this.stmtCache.get(text);
    if (!st) {
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
    const limit = Math.max(1, Math.min(opts.limit ?? 20, 1000));
    const params: unknown[] = [];
    const ctes: string[] = [];
    const where: string[] = [];
    // 1. candidate sets from the FTS5 indexes (materialised once each)
    const tri = trigramMatchExpression(parsed.terms);
    const words = wordMatchExpression(parsed.terms);
    // 1-2 Han characters: the bigram index answers them exactly (LIKE is used only for mixed scripts)
    const charParts = parsed.terms.filter((t) => t.kind === "like" && !t.negated).map((t) => charsPhrase(t.folded)).filter((c): c is string => c !== null);
    const sources: { table: string; expr: string }[] = [];
    // token indexes first: bm25 over a token's doclist is cheaper than over a trigram phrase (measured:
    // "等待时间 liver" on 30,000 documents, 39 ms ranked by trigram, 14 ms ranked by words)
    if (words) sources.push({ table: "search_words", expr: words });
    if (charParts.length > 0) sources.push({ table: "search_chars", expr: charParts.join(" AND ") });
    if (tri) sources.push({ table: "search_tri", expr: tri });
    // the first index ranks (bm25); the others only filter, which spares computing bm25 over their matches
    sources.forEach((src, i) => {
      ctes.push(`c${i} AS MATERIALIZED (SELECT rowid AS doc_id${i === 0 ? ", rank AS s" : ""} FROM ${src.table} WHERE ${src.table} MATCH ?)`);
      params.push(src.expr);
    });
    const from =
      sources.length === 0
        ? "search_doc d"
        : `c0 JOIN search_doc d ON d.doc_id = c0.doc_id${sources
            .slice(1)
            .map((_, i) => ` JOIN c${i + 1} ON c${i + 1}.doc_id = d.doc_id`)
            .join("")}`;
    const score = sources.length > 0 ? "c0.s" : "0";
    // 2. exact conditions and filters
    for (const t of parsed.terms) {
      if (t.kind === "word") {
        if (t.negated) {
          where.push("d.doc_id NOT IN (SELECT rowid FROM search_words WHERE search_words MATCH ?)");
          params.push(wordPhrase(t));
        }
        continue;
      }
      // a positive all-Han 1-2 character term is answered exactly by the bigram index (bigrams never span two
      // Han runs), so LIKE is needed only for mixed-script short terms and for exclusions
      if ((t.kind === "like" && charsPhrase(t.folded) === null) || t.negated) {
        where.push(`d.norm ${t.negated ? "NOT " : ""}LIKE ? ESCAPE '\\'`);
        params.push(likePattern(t.folded));
      }
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
    // 3. top `limit` items, each with its best text
    let top: { item_id: string; doc_id: number; score: number }[] | undefined;
    if (where.length === 0 && sources.length >= 1) {
      // fast path (no filters, no LIKE or exclusions): the first index ranks inside FTS5 (ORDER BY rank, with
      // LIMIT when it is the only index); the other indexes only filter, as sets of rowids (no bm25 over their
      // matches, no join with search_doc over every match); items are picked in JS
      const table = sources[0]!.table;
      const k = limit * 4;
      let rows: { doc_id: number; score: number }[];
      let complete: boolean;
      if (sources.length === 1) {
        rows = this.cached(`SELECT rowid AS doc_id, rank AS score FROM ${table} WHERE ${table} MATCH ? ORDER BY rank LIMIT ?`).all(sources[0]!.expr, k) as { doc_id: number; score: number }[];
        complete = rows.length < k;
      } else {
        let keep: Set<number> | undefined;
        for (const src of sources.slice(1)) {
          const ids = this.cached(`SELECT rowid FROM ${src.table} WHERE ${src.table} MATCH ?`).pluck().all(src.expr) as number[];
          keep = keep ? new Set(ids.filter((x) => keep!.has(x))) : new Set(ids);
          if (keep.size === 0) break;
        }
        // the first index ranks all its matches inside FTS5 (its best-ranked matches can be unlike the rest,
        // e.g. short English texts for an English word, so a window of its top rows is no shortcut: measured);
        // rows that the other indexes did not match are dropped in JS
        rows = [];
        complete = true;
        if (keep && keep.size > 0) {
          // unsorted (FTS5 sorting every match cost more than the scoring: 12.6 vs 6.1 ms for 6,605 matches on
          // 30,000 documents); only the rows that pass are sorted, in JS
          const all = this.cached(`SELECT rowid AS doc_id, rank AS score FROM ${table} WHERE ${table} MATCH ?`).raw().all(sources[0]!.expr) as [number, number][];
          for (const [id, sc] of all) if (keep.has(id)) rows.push({ doc_id: id, score: sc });
          rows.sort((x, y) => x.score - y.score || x.doc_id - y.doc_id);
          complete = rows.length <= k;
          rows = rows.slice(0, k);
        }
      }
      const owners = new Map<number, string>();
      if (rows.length > 0) {
        const got = this.db.prepare(`SELECT doc_id, item_id FROM search_doc WHERE doc_id IN (${rows.map(() => "?").join(", ")})`).all(...rows.map((r) => r.doc_id)) as { doc_id: number; item_id: string }[];
        for (const g of got) owners.set(g.doc_id, g.item_id);
      }
      const seen = new Set<string>();
      const picked: { item_id: string; doc_id: number; score: number }[] = [];
      for (const r of rows) {
        const item = owners.get(r.doc_id);
        if (item === undefined || seen.has(item)) continue;
        seen.add(item);
        picked.push({ item_id: item, doc_id: r.doc_id, score: r.score });
        if (picked.length >= limit) break;
      }
      // exact unless many texts of the same items filled the window: then take the general path
      if (picked.length >= limit || complete) top = picked;
    }
    if (!top) {
      // min() makes the bare columns come from each item's best row
      const ranking = `${ctes.length > 0 ? `WITH ${ctes.join(", ")} ` : ""}SELECT d.item_id AS item_id, d.doc_id AS doc_id, min(${score}) AS score, max(d.captured_at) AS cap
        FROM ${from}
        ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
        GROUP BY d.item_id
        ORDER BY score ASC, cap DESC, d.item_id ASC
        LIMIT ?`;
      top = this.db.prepare(ranking).all(...params, limit) as { item_id: string; doc_id: number; score: number }[];
    }
    const details = new Map<number, DocRow>();
    if (top.length > 0) {
      const rows = this.db
        .prepare(
          `SELECT doc_id, item_id, derived_id, sha256, title, evidence_type, language, captured_at, tags, original, norm
           FROM search_doc WHERE doc_id IN (${top.map(() => "?").join(", ")})`,
        )
        .all(...top.map((t) => t.doc_id)) as DocRow[];
      for (const r of rows) details.set(r.doc_id, r);
    }
    const results: SearchResult[] = [];
    for (const t of top) {
      const r = details.get(t.doc_id);
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
        // FTS5 rank (bm25) is lower-is-better and negative; report a positive, higher-is-better score
        score: t.score === null ? 0 : Math.round(-t.score * 1e6) / 1e6 + 0,
      });
    }
    return { query, terms: parsed.terms, results };
  }
}
