import { useEffect, useState } from "react";
import type { TimelineEvent } from "../../../src/evidence/claims/model.js";
import { get, itemsOf } from "../api.js";
import { ErrorBox, Loading } from "../components/ErrorBox.js";
import { href, useApi } from "../hooks.js";

type Event = TimelineEvent & { claims?: { id: string; title: string }[] };

const DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;

/** Events in date order (GET /api/timeline), with their precision, sources and the claims they bear on. */
export function TimelinePage() {
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [category, setCategory] = useState("");
  // a bound is sent once it is a whole date (YYYY, YYYY-MM or YYYY-MM-DD)
  const f = DATE.test(from) ? from : "";
  const t = DATE.test(to) ? to : "";
  const res = useApi(
    (s) => get<unknown>("/api/timeline", { from: f, to: t, category, limit: 500 }, s),
    [f, t, category],
  );
  const [categories, setCategories] = useState<string[]>([]);
  const events = itemsOf<Event>(res.data, "events");
  useEffect(() => {
    if (categories.length === 0 && events.length > 0) setCategories([...new Set(events.map((e) => e.category))].sort());
  }, [events, categories.length]);
  return (
    <section aria-labelledby="tl-h">
      <h1 id="tl-h">Timeline</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter events">
        <label>
          From <input name="from" value={from} placeholder="YYYY" size={10} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          To <input name="to" value={to} placeholder="YYYY-MM-DD" size={10} onChange={(e) => setTo(e.target.value)} />
        </label>
        <label>
          Category{" "}
          <select name="category" value={category} onChange={(e) => setCategory(e.target.value)}>
            <option value="">all</option>
            {categories.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
      </form>
      <ErrorBox error={res.error} />
      {res.loading && !res.data ? <Loading what="events" /> : null}
      <ol className="timeline">
        {events.map((e) => (
          <li key={e.id} data-event-id={e.id}>
            <time dateTime={e.date}>{e.date}</time>
            {e.precision !== "day" && <span className="small muted"> ({e.precision})</span>}
            <div>
              <strong>{e.titleEn}</strong>
              {e.titleZh && (
                <span lang="zh" className="zh">
                  {" "}
                  {e.titleZh}
                </span>
              )}
            </div>
            <div className="small muted">
              {e.category}
              {e.sourceIds.length > 0 && ` · sources: ${e.sourceIds.join(", ")}`}
              {(e.claims ?? []).map((c) => (
                <span key={c.id}>
                  {" · "}
                  <a href={href("claims", c.id)} title={c.title}>
                    {c.id}
                  </a>
                </span>
              ))}
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}
