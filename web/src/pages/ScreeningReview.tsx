import { useCallback, useEffect, useRef, useState } from "react";
import { get, hasRole, itemsOf, post, type User } from "../api.js";
import { ErrorBox, Loading } from "../components/ErrorBox.js";
import { Highlighted } from "../components/Highlighted.js";
import { href, useApi } from "../hooks.js";

type Decision = "include" | "exclude" | "maybe";

/** A rule hit: 0-based, end-exclusive offsets in UTF-16 code units of the field's text (title.slice(start, end)). */
interface Highlight {
  field: "title" | "abstract";
  start: number;
  end: number;
  rule: string;
  text?: string;
}
interface ReviewRecord {
  id: string;
  title: string;
  abstract: string;
  keywords: string[];
  authors: string[];
  year: number | null;
  journal: string | null;
  language: "zh" | "en" | "und";
}
/** GET /api/screening/projects/:id/next */
interface NextResponse {
  record: ReviewRecord | null;
  highlights: Highlight[];
  progress: { decided: number; total: number; remaining: number };
  order: "ranking" | "import";
}
interface Conflict {
  recordId: string;
  status: string;
  reviews: { reviewer: string; decision: string; reasonCode?: string | null }[];
}
interface Shown {
  record: ReviewRecord;
  highlights: Highlight[];
}

const KEYS: Record<string, Decision> = { i: "include", e: "exclude", m: "maybe" };

/**
 * Screen one record at a time (title and abstract stage): rule matches highlighted, buttons and keyboard
 * shortcuts (i include, e exclude, m maybe, u undo, ? help), progress, and the project's open conflicts.
 * The server records the signed-in user as the reviewer; the app never sends a reviewer name.
 */
export function ScreeningReviewPage({ projectId, user }: { projectId: string; user: User }) {
  const base = `/api/screening/projects/${encodeURIComponent(projectId)}`;
  const canScreen = hasRole(user, "reviewer");
  const [tick, setTick] = useState(0);
  const next = useApi(
    (s) => (canScreen ? get<NextResponse>(`${base}/next`, { stage: "title-abstract" }, s) : Promise.resolve(null)),
    [projectId, tick],
  );
  const project = useApi((s) => get<{ project: { name: string } }>(base, undefined, s), [projectId]);
  const conflicts = useApi(
    (s) => (canScreen ? get<unknown>(`${base}/conflicts`, { stage: "title-abstract" }, s) : Promise.resolve(null)),
    [projectId, tick],
  );
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [help, setHelp] = useState(false);
  /** the record decided last, kept so that "u" can bring it back for a new decision */
  const [last, setLast] = useState<(Shown & { decision: Decision }) | null>(null);
  /** a record brought back by "u": shown instead of the next one until decided again */
  const [again, setAgain] = useState<Shown | null>(null);
  const [status, setStatus] = useState("");
  const shown: Shown | null =
    again ?? (next.data?.record ? { record: next.data.record, highlights: next.data.highlights } : null);
  const progress = next.data?.progress ?? null;

  const decide = useCallback(
    async (d: Decision) => {
      if (!shown || busy || !canScreen) return;
      setBusy(true);
      setError(null);
      try {
        await post<unknown>(`${base}/decisions`, { recordId: shown.record.id, decision: d, stage: "title-abstract" });
        setLast({ ...shown, decision: d });
        setAgain(null);
        setStatus(`Recorded: ${d} for “${shown.record.title.slice(0, 60)}”.`);
        setTick((t) => t + 1);
      } catch (e) {
        setError(e);
      } finally {
        setBusy(false);
      }
    },
    [shown, busy, canScreen, base],
  );

  /** The decision log is append-only: "undo" shows the last record again; a new decision supersedes the earlier one. */
  const undo = useCallback(() => {
    if (!last || busy) return;
    setAgain({ record: last.record, highlights: last.highlights });
    setStatus(
      `Back to “${last.record.title.slice(0, 60)}” (you chose ${last.decision}); your new decision will supersede it.`,
    );
    setLast(null);
  }, [last, busy]);

  const keyRef = useRef<(e: KeyboardEvent) => void>(() => undefined);
  keyRef.current = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target as HTMLElement | null;
    if (t && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName))) return;
    const k = e.key.toLowerCase();
    if (k in KEYS) {
      e.preventDefault();
      void decide(KEYS[k] as Decision);
    } else if (k === "u") {
      e.preventDefault();
      undo();
    } else if (e.key === "?") {
      e.preventDefault();
      setHelp((h) => !h);
    } else if (e.key === "Escape") setHelp(false);
  };
  useEffect(() => {
    const h = (e: KeyboardEvent) => keyRef.current(e);
    window.addEventListener("keydown", h);
    return () => window.removeEventListener("keydown", h);
  }, []);

  const conflictList = itemsOf<Conflict>(conflicts.data);
  const pct = progress && progress.total > 0 ? Math.round((100 * progress.decided) / progress.total) : 0;
  const r = shown?.record;
  return (
    <section aria-labelledby="rev-h" className="review">
      <p>
        <a href={href("screening")}>← Projects</a>
        {" · "}
        <a href={href("screening", projectId, "manage")}>
          {hasRole(user, "analyst") ? "Set up and results" : "Results"}
        </a>
      </p>
      <h1 id="rev-h">
        Screening{project.data ? `: ${project.data.project.name}` : ""}{" "}
        <span className="muted small">(title and abstract)</span>
      </h1>
      {!canScreen && <p className="notice">Screening needs the reviewer role (yours: {user.role}).</p>}
      {progress && (
        <div className="progress-wrap">
          <progress
            max={progress.total}
            value={progress.decided}
            aria-label="Records you have screened"
            data-testid="progress"
          />
          <span data-testid="progress-text">
            {progress.decided} of {progress.total} screened by you ({pct} %)
            {next.data?.order === "ranking" ? ", most relevant first" : ""}
          </span>
        </div>
      )}
      <p className="sr-only" aria-live="polite">
        {status}
      </p>
      <ErrorBox error={next.error ?? error} />
      {canScreen && next.loading && !next.data ? <Loading what="next record" /> : null}
      {next.data && !r && <p className="notice">You have screened every record of this project at this stage.</p>}
      {r && shown && (
        <article className="record" data-record-id={r.id} aria-labelledby="rec-title">
          {again && (
            <p className="notice small">Deciding this record again: your new decision supersedes the earlier one.</p>
          )}
          <h2 id="rec-title" lang={r.language === "zh" ? "zh" : undefined}>
            <Highlighted text={r.title} ranges={spans(shown.highlights, "title")} />
          </h2>
          <p className="small muted">
            {[r.authors.slice(0, 3).join(", ") + (r.authors.length > 3 ? " et al." : ""), r.journal, r.year]
              .filter(Boolean)
              .join(" · ")}
          </p>
          <div className="abstract" lang={r.language === "zh" ? "zh" : undefined}>
            {r.abstract ? (
              <Highlighted text={r.abstract} ranges={spans(shown.highlights, "abstract")} />
            ) : (
              <span className="muted">(no abstract)</span>
            )}
          </div>
          {r.keywords.length > 0 && (
            <p className="small">
              <strong>Keywords:</strong> {r.keywords.join("; ")}
            </p>
          )}
          {shown.highlights.length > 0 && (
            <p className="small muted" data-testid="rule-matches">
              Rule matches (highlighted): {[...new Set(shown.highlights.map((h) => h.rule))].join(", ")}
            </p>
          )}
          <div className="decide" role="group" aria-label="Decision">
            <button
              type="button"
              className="include"
              onClick={() => void decide("include")}
              disabled={busy}
              aria-keyshortcuts="i"
            >
              <kbd>i</kbd> Include
            </button>
            <button
              type="button"
              className="exclude"
              onClick={() => void decide("exclude")}
              disabled={busy}
              aria-keyshortcuts="e"
            >
              <kbd>e</kbd> Exclude
            </button>
            <button
              type="button"
              className="maybe"
              onClick={() => void decide("maybe")}
              disabled={busy}
              aria-keyshortcuts="m"
            >
              <kbd>m</kbd> Maybe
            </button>
            <button type="button" onClick={undo} disabled={busy || !last} aria-keyshortcuts="u">
              <kbd>u</kbd> Undo last
            </button>
            <button type="button" onClick={() => setHelp(!help)} aria-expanded={help} aria-keyshortcuts="?">
              <kbd>?</kbd> Help
            </button>
          </div>
        </article>
      )}
      {help && (
        <aside className="help" aria-label="Keyboard shortcuts">
          <h2>Keyboard shortcuts</h2>
          <dl>
            <dt>
              <kbd>i</kbd>
            </dt>
            <dd>include</dd>
            <dt>
              <kbd>e</kbd>
            </dt>
            <dd>exclude</dd>
            <dt>
              <kbd>m</kbd>
            </dt>
            <dd>maybe</dd>
            <dt>
              <kbd>u</kbd>
            </dt>
            <dd>
              bring back the record you decided last, to decide it again (the log keeps both; the later decision counts)
            </dd>
            <dt>
              <kbd>?</kbd>
            </dt>
            <dd>show or hide this help</dd>
          </dl>
          <p className="small">Shortcuts are off while typing in a field.</p>
        </aside>
      )}
      {canScreen && (
        <section aria-labelledby="conf-h">
          <h2 id="conf-h">Conflicts</h2>
          <ErrorBox error={conflicts.error} />
          {!!conflicts.data && conflictList.length === 0 && (
            <p className="muted">No open conflicts between reviewers.</p>
          )}
          <ul className="conflicts">
            {conflictList.map((c) => (
              <li key={c.recordId}>
                <code>{c.recordId}</code>: {c.reviews.map((d) => `${d.reviewer} ${d.decision}`).join(", ")}{" "}
                <span className="small muted">({c.status})</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </section>
  );
}

function spans(hs: readonly Highlight[], field: Highlight["field"]): [number, number][] {
  return hs.filter((h) => h.field === field).map((h) => [h.start, h.end]);
}
