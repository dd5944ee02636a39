import { useState } from "react";
import type { Entity } from "../../../src/evidence/claims/model.js";
import { get, itemsOf } from "../api.js";
import { ErrorBox, Loading } from "../components/ErrorBox.js";
import { href, navigate, useApi, type Route } from "../hooks.js";

const LANG_LABEL: Record<string, string> = {
  "zh-Hans": "simplified",
  "zh-Hant": "traditional",
  en: "English",
  pinyin: "pinyin",
};
const HTML_LANG: Record<string, string> = {
  "zh-Hans": "zh-Hans",
  "zh-Hant": "zh-Hant",
  en: "en",
  pinyin: "zh-Latn-pinyin",
};

/** Entities (GET /api/entities?query=): the server matches simplified, traditional, English or pinyin. */
export function EntitiesPage({ route }: { route: Route }) {
  const query = route.query.get("query") ?? "";
  const kind = route.query.get("kind") ?? "";
  const [draft, setDraft] = useState(query);
  const res = useApi((s) => get<unknown>("/api/entities", { q: query, kind, limit: 500 }, s), [query, kind]);
  const list = itemsOf<Entity>(res.data, "entities");
  return (
    <section aria-labelledby="ent-h">
      <h1 id="ent-h">Entities</h1>
      <form
        role="search"
        className="search-row"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(href("entities", { query: draft, kind }));
        }}
      >
        <label htmlFor="ent-q" className="sr-only">
          Find an entity
        </label>
        <input
          id="ent-q"
          type="search"
          value={draft}
          placeholder="黄洁夫, 黃潔夫, Huang Jiefu…"
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit">Find</button>
      </form>
      <ErrorBox error={res.error} />
      {res.loading && !res.data ? <Loading what="entities" /> : null}
      <ul className="entities">
        {list.map((e) => (
          <li key={e.id}>
            <a href={href("entities", e.id)}>{e.name}</a> <span className="small muted">{e.kind}</span>
            {e.aliases.length > 0 && (
              <span className="small">
                {" "}
                (
                {e.aliases.map((a, i) => (
                  <span key={i} lang={HTML_LANG[a.lang] ?? undefined}>
                    {i > 0 ? ", " : ""}
                    {a.text}
                  </span>
                ))}
                )
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** GET /api/entities/:id */
interface EntityDetail {
  entity: Entity;
  sources: { id: string; title: string; author?: string; year?: string }[];
  claims: { id: string; title: string; note?: string }[];
  items: { id: string; label: string; claimId: string; stance: string }[];
  events: { id: string; date: string; titleEn: string; titleZh?: string | null }[];
}

/** One entity (GET /api/entities/:id): aliases in each script, and the items, claims and events linked to it. */
export function EntityPage({ id }: { id: string }) {
  const res = useApi((s) => get<EntityDetail>(`/api/entities/${encodeURIComponent(id)}`, undefined, s), [id]);
  if (res.error) return <ErrorBox error={res.error} />;
  if (!res.data) return <Loading what="entity" />;
  const d = res.data;
  const e = d.entity;
  return (
    <article aria-labelledby="entity-h">
      <p>
        <a href={href("entities")}>← Entities</a>
      </p>
      <h1 id="entity-h">{e.name}</h1>
      <p className="muted">{e.kind}</p>
      {e.note && <p>{e.note}</p>}
      <h2>Names</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Script / language</th>
          </tr>
        </thead>
        <tbody>
          {e.aliases.map((a, i) => (
            <tr key={i}>
              <td lang={HTML_LANG[a.lang] ?? undefined}>{a.text}</td>
              <td>{LANG_LABEL[a.lang] ?? a.lang}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {d.sources.length > 0 && (
        <>
          <h2>Sources</h2>
          <ul>
            {d.sources.map((s) => (
              <li key={s.id}>
                {s.title}
                {s.author ? ` (${s.author}${s.year ? `, ${s.year}` : ""})` : ""}{" "}
                <span className="small muted">{s.id}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      <h2>Claims</h2>
      {d.claims.length === 0 ? (
        <p className="muted">No claims name this entity.</p>
      ) : (
        <ul>
          {d.claims.map((c) => (
            <li key={c.id}>
              <a href={href("claims", c.id)}>{c.title}</a> {c.note && <span className="small muted">{c.note}</span>}
            </li>
          ))}
        </ul>
      )}
      {d.items.length > 0 && (
        <>
          <h2>Evidence items</h2>
          <ul>
            {d.items.map((it) => (
              <li key={it.id}>
                <a href={href("evidence", "items", it.id)}>{it.label}</a>{" "}
                <span className={`stance stance-${it.stance}`}>{it.stance}</span>{" "}
                <span className="small muted">{it.claimId}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {d.events.length > 0 && (
        <>
          <h2>Events</h2>
          <ul>
            {d.events.map((ev) => (
              <li key={ev.id}>
                <time dateTime={ev.date}>{ev.date}</time> {ev.titleEn}{" "}
                {ev.titleZh && <span lang="zh">{ev.titleZh}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
    </article>
  );
}
