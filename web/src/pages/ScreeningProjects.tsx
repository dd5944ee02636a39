import { useState } from "react";
import { get, hasRole, itemsOf, post, type User } from "../api.js";
import { ErrorBox, Loading } from "../components/ErrorBox.js";
import { href, navigate, useApi } from "../hooks.js";

/** GET /api/screening/projects items */
interface ProjectRef {
  id: string;
  name: string;
  createdAt: string;
  records: number;
  decided: number;
  conflicts: number;
}

/** Screening projects (GET /api/screening/projects); an admin creates one (POST /api/screening/projects). */
export function ScreeningProjectsPage({ user }: { user: User }) {
  const res = useApi((s) => get<unknown>("/api/screening/projects", undefined, s), []);
  const list = itemsOf<ProjectRef>(res.data, "projects");
  const canScreen = hasRole(user, "reviewer");
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
          <li key={p.id} data-project-id={p.id}>
            <a href={href("screening", p.id)}>{p.name}</a>
            <span className="small muted">
              {" "}
              · {p.records} records, {p.decided} with a title/abstract decision, {p.conflicts} open conflict
              {p.conflicts === 1 ? "" : "s"}
            </span>{" "}
            <a className="small" href={href("screening", p.id, "manage")}>
              {hasRole(user, "analyst") ? "Set up and results" : "Results"}
            </a>
            {!canScreen && <span className="small muted"> (screening needs the reviewer role)</span>}
          </li>
        ))}
      </ul>
      {hasRole(user, "admin") && <CreateProject />}
    </section>
  );
}

function CreateProject() {
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const p = await post<ProjectRef>("/api/screening/projects", { name: name.trim() });
      navigate(href("screening", p.id, "manage"));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className="card-form" aria-labelledby="np-h" onSubmit={submit}>
      <h2 id="np-h">New project</h2>
      <div className="grid">
        <label htmlFor="np-name">Name</label>
        <input id="np-name" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
      </div>
      <button type="submit" disabled={busy || !name.trim()}>
        Create project
      </button>
      <ErrorBox error={error} />
    </form>
  );
}
