import { Fragment, useEffect, useState } from "react";
import { EVIDENCE_TYPES } from "../../../src/evidence/store/taxonomy.js";
import { get, itemsOf, type SearchHit } from "../api.js";
import { ErrorBox, Loading } from "../components/ErrorBox.js";
import { href, navigate, useApi, type Route } from "../hooks.js";

/** a search result (spans: the snippet as plain/matched parts) or an item of the plain list */
type Hit = Partial<SearchHit> & {
  id: string;
  spans?: { text: string; match: boolean }[];
  filename?: string | null;
  url?: string | null;
};

const FILTERS = ["type", "language", "from", "to", "tag"] as const;

/**
 * Evidence search (GET /api/evidence/search). A simplified query finds traditional text and the reverse
 * (the server folds both). Snippets are shown as text with the matches as <mark>, from the ranges the
 * server returns; document text is never rendered as HTML.
 */
export function EvidenceSearchPage({ route }: { route: Route }) {
  const q = route.query.get("q") ?? "";
  const filters = Object.fromEntries(FILTERS.map((k) => [k, route.query.get(k) ?? ""])) as Record<
    (typeof FILTERS)[number],
    string
  >;
  const [draft, setDraft] = useState({ q, ...filters });
  useEffect(() => setDraft({ q, ...filters }), [route.query.toString()]);

  const searching = q.trim() !== "";
  const res = useApi(
    (s) =>
      searching
        ? get<unknown>("/api/evidence/search", { q, ...filters, limit: 50 }, s)
        : get<unknown>("/api/evidence/items", { ...filters, limit: 50 }, s),
    [route.query.toString()],
  );
  const hits = itemsOf<Hit>(res.data, "results");
  const more = (res.data as { more?: boolean } | null)?.more ?? false;
  const ranking = (res.data as { ranking?: { method: string; description: string } } | null)?.ranking;

  function submit(e: React.FormEvent) {
    e.preventDefault();
    const p: Record<string, string | undefined> = { ...draft };
    navigate(href("evidence", p));
  }

  return (
    <section aria-labelledby="ev-h">
      <h1 id="ev-h">Evidence</h1>
      <form className="search" role="search" onSubmit={submit}>
        <div className="search-row">
          <label htmlFor="ev-q" className="sr-only">
            Search the archive
          </label>
          <input
            id="ev-q"
            type="search"
            name="q"
            lang="zh"
            placeholder="Search: 器官移植, 中國, Tianjin…"
            value={draft.q}
            onChange={(e) => setDraft({ ...draft, q: e.target.value })}
          />
          <button type="submit">Search</button>
        </div>
        <fieldset className="filters">
          <legend className="sr-only">Filters</legend>
          <label>
            Type{" "}
            <select name="type" value={draft.type} onChange={(e) => setDraft({ ...draft, type: e.target.value })}>
              <option value="">any</option>
              {Object.entries(EVIDENCE_TYPES).map(([code, label]) => (
                <option key={code} value={code} title={label}>
                  {code}
                </option>
              ))}
            </select>
          </label>
          <label>
            Language{" "}
            <input
              name="language"
              size={6}
              value={draft.language}
              onChange={(e) => setDraft({ ...draft, language: e.target.value })}
              placeholder="zh"
            />
          </label>
          <label>
            From{" "}
            <input
              name="from"
              type="date"
              value={draft.from}
              onChange={(e) => setDraft({ ...draft, from: e.target.value })}
            />
          </label>
          <label>
            To{" "}
            <input
              name="to"
              type="date"
              value={draft.to}
              onChange={(e) => setDraft({ ...draft, to: e.target.value })}
            />
          </label>
          <label>
            Tag{" "}
            <input
              name="tag"
              size={10}
              value={draft.tag}
              onChange={(e) => setDraft({ ...draft, tag: e.target.value })}
            />
          </label>
        </fieldset>
      </form>
      <ErrorBox error={res.error} />
      {res.loading && !res.data ? <Loading what="results" /> : null}
      {!!res.data && (
        <p className="muted" aria-live="polite">
          {searching
            ? `${hits.length}${more ? "+" : ""} result${hits.length === 1 ? "" : "s"} for “${q}”`
            : `${(res.data as { total?: number }).total ?? hits.length} items in the archive`}
        </p>
      )}
      {searching && ranking?.method === "recency" && (
        // too many matches to rank: the server returns the newest ones; say so rather than imply relevance
        <p className="notice" role="note" data-ranking="recency">
          Not ranked by relevance: {ranking.description}. Add terms or filters to narrow the search.
        </p>
      )}
      <ol className="results">
        {hits.map((h) => (
          <li key={h.id} className="result" data-item-id={h.id}>
            <a href={href("evidence", "items", h.id)} className="result-title">
              {h.title || h.filename || h.url || h.id}
            </a>
            <div className="small muted">
              {[h.evidenceType, h.language, h.capturedAt?.slice(0, 10), ...(h.tags ?? []).map((t) => `#${t}`)]
                .filter(Boolean)
                .join(" · ")}
            </div>
            {h.spans ? (
              <p className="snippet" lang={h.language ?? undefined}>
                {h.spans.map((s, i) =>
                  s.match ? <mark key={i}>{s.text}</mark> : <Fragment key={i}>{s.text}</Fragment>,
                )}
              </p>
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
