import { get, itemsOf, type User } from "../api.js";
import { ErrorBox, Loading } from "../components/ErrorBox.js";
import { href, useApi } from "../hooks.js";

/** GET /api/screening/projects items */
interface ProjectRef {
  id: string;
  name: string;
  createdAt: string;
  records: number;
  decided: number;
  conflicts: number;
}

/** Screening projects (GET /api/screening/projects). */
export function ScreeningProjectsPage({ user: _user }: { user: User }) {
  const res = useApi((s) => get<unknown>("/api/screening/projects", undefined, s), []);
  const list = itemsOf<ProjectRef>(res.data, "projects");
  return (
    <section aria-labelledby="sp-h">
      <h1 id="sp-h">Screening projects</h1>
      <ErrorBox error={res.error} />
      {res.loading && !res.data ? <Loading what="projects" /> : null}
      {!!res.data && list.length === 0 && (
        <p className="muted">
          No screening projects yet (an admin creates one; records are imported from RIS, CSV, MEDLINE, PubMed XML or
          CNKI exports).
        </p>
      )}
      <ul className="projects">
        {list.map((p) => (
          <li key={p.id}>
            <a href={href("screening", p.id)}>{p.name}</a>
            <span className="small muted">
              {" "}
              · {p.records} records, {p.decided} with a title/abstract decision, {p.conflicts} open conflict
              {p.conflicts === 1 ? "" : "s"}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
