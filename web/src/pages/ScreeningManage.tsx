import { useCallback, useEffect, useRef, useState } from "react";
import { IMPORT_FORMATS } from "../../../src/screening/records/detect.js";
import { ApiError, get, hasRole, post, put, sendFile, type Finding, type User } from "../api.js";
import { ErrorBox, Loading } from "../components/ErrorBox.js";
import { FindingRow } from "../components/FindingRow.js";
import { href, useApi } from "../hooks.js";

/** GET /api/screening/projects/:id */
interface ProjectDetail {
  project: { id: string; name: string; records: number; decided: number; conflicts: number };
  imports: {
    id: number;
    file: string;
    format: string;
    sha256: string;
    bytes: number;
    encoding: string;
    records: number;
    importedAt: string;
  }[];
  rules: string[];
  rankings: {
    stage: string;
    model: string;
    records: number;
    nIncluded: number;
    nExcluded: number;
    computedAt: string;
  }[];
}

/** Encodings offered for imports (the server takes any label its decoder knows; these are the usual ones). */
const ENCODINGS = ["", "utf-8", "gb18030", "gbk", "big5", "utf-16le"];

/**
 * A screening project's set-up and results: import records (analyst), edit the rules (analyst), rank the
 * records (analyst), and for every role the agreement between reviewers and the PRISMA flow diagram.
 */
export function ScreeningManagePage({ projectId, user }: { projectId: string; user: User }) {
  const base = `/api/screening/projects/${encodeURIComponent(projectId)}`;
  /** bumped after every change made here, so that the numbers, agreement and flow diagram are fetched again */
  const [version, setVersion] = useState(0);
  const detail = useApi((s) => get<ProjectDetail>(base, undefined, s), [projectId]);
  const reloadDetail = detail.reload;
  const changed = useCallback(() => {
    setVersion((v) => v + 1);
    reloadDetail();
  }, [reloadDetail]);
  const analyst = hasRole(user, "analyst");
  const p = detail.data?.project;
  return (
    <section aria-labelledby="sm-h" className="forms">
      <p>
        <a href={href("screening")}>← Projects</a>
        {" · "}
        <a href={href("screening", projectId)}>Screen records</a>
      </p>
      <h1 id="sm-h">Project{p ? `: ${p.name}` : ""}</h1>
      <ErrorBox error={detail.error} />
      {detail.loading && !detail.data ? <Loading what="project" /> : null}
      {p && (
        <p data-testid="project-numbers">
          {p.records} unique records, {p.decided} with a title/abstract decision, {p.conflicts} open conflict
          {p.conflicts === 1 ? "" : "s"}.
        </p>
      )}
      {detail.data && detail.data.imports.length > 0 && (
        <table className="imports">
          <caption>Imported files</caption>
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Format</th>
              <th scope="col">Encoding</th>
              <th scope="col">Records</th>
              <th scope="col">SHA-256</th>
              <th scope="col">Imported</th>
            </tr>
          </thead>
          <tbody>
            {detail.data.imports.map((i) => (
              <tr key={i.id}>
                <td>{i.file}</td>
                <td>{i.format}</td>
                <td>{i.encoding}</td>
                <td className="num">{i.records}</td>
                <td>
                  <code className="hash small" title={i.sha256}>
                    {i.sha256.slice(0, 16)}…
                  </code>
                </td>
                <td className="small">{i.importedAt}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {/* the forms and results only once the project is known (an unknown id: one error, above) */}
      {!detail.error && (p || detail.loading) && (
        <>
          {analyst && <ImportForm base={base} onDone={changed} />}
          <RulesEditor base={base} canEdit={analyst} onSaved={changed} />
          {analyst && <RankForm base={base} onDone={changed} rankings={detail.data?.rankings ?? []} />}
          <Results base={base} version={version} />
        </>
      )}
    </section>
  );
}

interface ImportResult {
  id: number;
  file: string;
  format: string;
  sha256: string;
  bytes: number;
  encoding: string;
  records: number;
}

function ImportForm({ base, onDone }: { base: string; onDone: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState("");
  const [encoding, setEncoding] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<ImportResult | null>(null);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      // the format comes from ?format= or the file name; the content type only has to be one the route takes
      const r = await sendFile<ImportResult>(`${base}/imports`, file, {
        contentType: "application/octet-stream",
        query: { filename: file.name, format, encoding },
      });
      setResult(r);
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card-form" aria-labelledby="imp-h" onSubmit={submit}>
      <h2 id="imp-h">Import records</h2>
      <p className="small muted">
        A bibliographic export: RIS, CSV/TSV, MEDLINE, PubMed XML, CNKI or Wanfang. All records of the file are
        imported, or none (a malformed file is refused naming its line).
      </p>
      <div className="grid">
        <label htmlFor="imp-file">Records file</label>
        <input id="imp-file" type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        <label htmlFor="imp-format">Format</label>
        <select id="imp-format" value={format} onChange={(e) => setFormat(e.target.value)}>
          <option value="">from the file name</option>
          {IMPORT_FORMATS.map((f) => (
            <option key={f} value={f}>
              {f}
            </option>
          ))}
        </select>
        <label htmlFor="imp-encoding">Encoding</label>
        <select id="imp-encoding" value={encoding} onChange={(e) => setEncoding(e.target.value)}>
          {ENCODINGS.map((x) => (
            <option key={x} value={x}>
              {x || "detect"}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" disabled={busy || !file}>
        {busy ? "Importing…" : "Import"}
      </button>
      <ErrorBox error={error} />
      {result && (
        <p className="result-box" role="status" data-testid="import-result">
          Imported {result.records} record{result.records === 1 ? "" : "s"} from {result.file} ({result.format},{" "}
          {result.encoding}, {result.bytes.toLocaleString("en-GB")} bytes, SHA-256{" "}
          <code className="hash">{result.sha256.slice(0, 16)}…</code>).
        </p>
      )}
    </form>
  );
}

function RulesEditor({ base, canEdit, onSaved }: { base: string; canEdit: boolean; onSaved: () => void }) {
  const rules = useApi((s) => get<{ text: string | null; rules: string[] }>(`${base}/rules`, undefined, s), [base]);
  const [text, setText] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string[] | null>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  const shown = text ?? rules.data?.text ?? "";

  const loc = error instanceof ApiError ? error.location : undefined;
  const column = error instanceof ApiError ? errorColumn(error) : undefined;

  // put the caret where the server says the syntax error is
  useEffect(() => {
    if (!(error instanceof ApiError) || !error.location?.line || !area.current) return;
    const lines = shown.split("\n");
    const line = Math.min(error.location.line, lines.length);
    let pos = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    if (column !== undefined) pos += Math.min(column - 1, (lines[line - 1] ?? "").length);
    area.current.focus();
    area.current.setSelectionRange(pos, pos);
  }, [error]);

  async function save(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      const r = await put<{ text: string; rules: string[] }>(`${base}/rules`, { text: shown });
      setSaved(r.rules);
      setText(null);
      rules.reload();
      onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card-form" aria-labelledby="rules-h" onSubmit={save}>
      <h2 id="rules-h">Rules</h2>
      <ErrorBox error={rules.error} />
      {rules.data && (
        <p className="small muted" data-testid="rule-names">
          {rules.data.rules.length > 0 ? `Rules: ${rules.data.rules.join(", ")}.` : "No rules yet."} The rule language
          is described in docs/SCREENING.md; matches are highlighted while screening.
        </p>
      )}
      <label htmlFor="rules-text" className={canEdit ? undefined : "sr-only"}>
        Rule text
      </label>
      <textarea
        id="rules-text"
        ref={area}
        className="rules-text"
        rows={8}
        spellCheck={false}
        readOnly={!canEdit}
        value={shown}
        onChange={(e) => setText(e.target.value)}
        placeholder={'rule donor in title, abstract:\n  "donor*" OR "供体"'}
        aria-invalid={loc ? true : undefined}
        aria-describedby={loc ? "rules-error" : undefined}
      />
      {canEdit && (
        <button type="submit" disabled={busy || text === null}>
          {busy ? "Saving…" : "Save rules"}
        </button>
      )}
      <div id="rules-error">
        {loc?.line !== undefined && (
          <p className="small" data-testid="rules-error-where">
            Line {loc.line}
            {column !== undefined ? `, column ${column}` : ""}
          </p>
        )}
        <ErrorBox error={error} />
      </div>
      {saved && (
        <p role="status" className="small" data-testid="rules-saved">
          Saved: {saved.length} rule{saved.length === 1 ? "" : "s"} ({saved.join(", ")}).
        </p>
      )}
    </form>
  );
}

/** The column of an error: in its location when the server gives one, else in its message ("… at column 7: …"). */
function errorColumn(e: ApiError): number | undefined {
  const c = e.location?.column ?? Number(/\bcolumn (\d+)/.exec(e.message)?.[1] ?? NaN);
  return Number.isInteger(c) && c > 0 ? c : undefined;
}

function RankForm({
  base,
  onDone,
  rankings,
}: {
  base: string;
  onDone: () => void;
  rankings: ProjectDetail["rankings"];
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const r = rankings.find((x) => x.stage === "title-abstract");
  async function rank() {
    setBusy(true);
    setError(null);
    try {
      await post(`${base}/ranking`, { stage: "title-abstract" });
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="card-form" aria-labelledby="rank-h" role="group">
      <h2 id="rank-h">Ranking</h2>
      <p className="small muted">
        Orders the records without a settled decision by predicted relevance, learnt from the settled include and
        exclude decisions; reviewers then see the most relevant first. It does not decide anything.
      </p>
      {r && (
        <p className="small" data-testid="ranking">
          Last ranking ({r.model}, {r.computedAt}): {r.records} records ordered, trained on {r.nIncluded} included and{" "}
          {r.nExcluded} excluded.
        </p>
      )}
      <button type="button" onClick={() => void rank()} disabled={busy}>
        {busy ? "Ranking…" : "Compute ranking"}
      </button>
      <ErrorBox error={error} />
    </div>
  );
}

/** Agreement between reviewers and the PRISMA flow: findings from the server; the diagram as an image. */
function Results({ base, version }: { base: string; version: number }) {
  const agreement = useApi(
    (s) => get<{ reviewers: string[]; findings: Finding[]; conflicts: string[] }>(`${base}/agreement`, undefined, s),
    [base, version],
  );
  const prisma = useApi(
    (s) => get<{ findings: Finding[]; svg: string }>(`${base}/prisma`, undefined, s),
    [base, version],
  );
  const svgSrc = prisma.data ? svgDataUrl(prisma.data.svg) : null;
  return (
    <>
      <section aria-labelledby="agr-h">
        <h2 id="agr-h">Agreement between reviewers</h2>
        <ErrorBox error={agreement.error} />
        {agreement.data && agreement.data.findings.length === 0 && (
          <p className="muted" data-testid="agreement-none">
            Agreement needs decisions by two reviewers on the same records
            {agreement.data.reviewers.length > 0 ? ` (so far: ${agreement.data.reviewers.join(", ")})` : ""}.
          </p>
        )}
        {agreement.data && agreement.data.findings.length > 0 && <FindingsTable findings={agreement.data.findings} />}
      </section>
      <section aria-labelledby="prisma-h">
        <h2 id="prisma-h">PRISMA 2020 flow</h2>
        <ErrorBox error={prisma.error} />
        {prisma.loading && !prisma.data ? <Loading what="flow diagram" /> : null}
        {svgSrc && (
          <img className="prisma" src={svgSrc} alt="PRISMA 2020 flow diagram of this project" data-testid="prisma" />
        )}
        {prisma.data && <FindingsTable findings={prisma.data.findings} />}
      </section>
    </>
  );
}

function FindingsTable({ findings }: { findings: Finding[] }) {
  return (
    <table className="findings">
      <thead>
        <tr>
          <th scope="col">Verdict</th>
          <th scope="col">Finding</th>
          <th scope="col">Method</th>
          <th scope="col">Numbers</th>
          <th scope="col">Caveats</th>
        </tr>
      </thead>
      <tbody>
        {findings.map((f) => (
          <FindingRow key={f.id} f={f} />
        ))}
      </tbody>
    </table>
  );
}

/**
 * The server's SVG as a data: URL for an <img> (an image document: no script runs, nothing is fetched,
 * nothing enters this page's DOM). Only text that is an SVG document is accepted.
 */
export function svgDataUrl(svg: string): string | null {
  if (!/^\s*(<\?xml[^>]*>\s*)?<svg[\s>]/.test(svg)) return null;
  const bytes = new TextEncoder().encode(svg);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return `data:image/svg+xml;base64,${btoa(bin)}`;
}
