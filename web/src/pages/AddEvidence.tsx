import { useRef, useState } from "react";
import { EVIDENCE_TYPES } from "../../../src/evidence/store/taxonomy.js";
import { base64url, hasRole, post, sendFileWithProgress, type User } from "../api.js";
import { ErrorBox } from "../components/ErrorBox.js";
import { href } from "../hooks.js";

/** POST /api/evidence/items answer */
interface UploadResult {
  id: string;
  sha256: string;
  size: number;
  existing: boolean;
  duplicateOf?: string;
  textId?: string | null;
  noText?: string;
}

/** POST /api/evidence/capture answer */
interface CaptureResult {
  id: string;
  sha256: string;
  size?: number;
  mime?: string;
  existing?: boolean;
  duplicateOf?: string;
  url?: string;
  finalUrl?: string;
  status?: number;
  redirects?: number;
  screenshotId?: string;
  warnings?: string[];
}

const TYPE_CODES = Object.keys(EVIDENCE_TYPES) as (keyof typeof EVIDENCE_TYPES)[];

/** Tags as the server takes them: a comma-separated list (upload) or an array (capture). */
function tagList(s: string): string[] {
  return s
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "");
}

/**
 * Add evidence (analyst and above): upload a file or capture a public web page. The server hashes,
 * stores and logs the item (the custody log records the signed-in user); the page shows its answer.
 */
export function AddEvidencePage({ user }: { user: User }) {
  if (!hasRole(user, "analyst"))
    return (
      <section aria-labelledby="add-h">
        <h1 id="add-h">Add evidence</h1>
        <p className="notice">Adding evidence needs the analyst role (yours: {user.role}).</p>
      </section>
    );
  return (
    <section aria-labelledby="add-h" className="forms">
      <h1 id="add-h">Add evidence</h1>
      <p className="muted">
        The original is stored unchanged with its SHA-256; text is extracted beside it; the custody log records you as
        the one who added it.
      </p>
      <UploadForm />
      <CaptureForm />
    </section>
  );
}

function TypeSelect({ id, value, onChange }: { id: string; value: string; onChange: (v: string) => void }) {
  return (
    <select id={id} name="type" value={value} onChange={(e) => onChange(e.target.value)} required>
      <option value="">choose…</option>
      {TYPE_CODES.map((code) => (
        <option key={code} value={code} title={EVIDENCE_TYPES[code]}>
          {code}: {EVIDENCE_TYPES[code]}
        </option>
      ))}
    </select>
  );
}

function UploadForm() {
  const [file, setFile] = useState<File | null>(null);
  const [type, setType] = useState("");
  const [language, setLanguage] = useState("");
  const [source, setSource] = useState("");
  const [tags, setTags] = useState("");
  const [capturedAt, setCapturedAt] = useState("");
  const [witness, setWitness] = useState(false);
  const [witnessName, setWitnessName] = useState("");
  const [witnessContact, setWitnessContact] = useState("");
  const [dragging, setDragging] = useState(false);
  const [busy, setBusy] = useState(false);
  /** bytes sent and total, while uploading */
  const [progress, setProgress] = useState<[number, number] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<(UploadResult & { filename: string }) | null>(null);
  const input = useRef<HTMLInputElement>(null);

  function pick(f: File | null | undefined) {
    setFile(f ?? null);
    setResult(null);
    setError(null);
  }

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!file || !type) return;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const fields: Record<string, string> = {};
      if (witness) {
        if (witnessName.trim()) fields.name = witnessName.trim();
        if (witnessContact.trim()) fields.contact = witnessContact.trim();
      }
      const headers: Record<string, string> =
        Object.keys(fields).length > 0 ? { "x-witness-fields": base64url(JSON.stringify(fields)) } : {};
      const r = await sendFileWithProgress<UploadResult>("/api/evidence/items", file, {
        contentType: file.type || "application/octet-stream",
        headers,
        onProgress: (sent, total) => setProgress([sent, total]),
        query: {
          filename: file.name,
          type,
          language: language.trim(),
          source: source.trim(),
          tags: tagList(tags).join(","),
          capturedAt,
        },
      });
      setResult({ ...r, filename: file.name });
      // witness fields are not kept in the page once sent
      setWitnessName("");
      setWitnessContact("");
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
      setProgress(null);
    }
  }

  return (
    <form className="card-form" aria-labelledby="up-h" onSubmit={submit}>
      <h2 id="up-h">Upload a file</h2>
      <div
        className={`dropzone${dragging ? " dragging" : ""}`}
        data-testid="dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          pick(e.dataTransfer.files[0]);
          if (input.current) input.current.value = "";
        }}
      >
        <label htmlFor="up-file">File</label>{" "}
        <input id="up-file" ref={input} type="file" name="file" onChange={(e) => pick(e.target.files?.[0])} />
        <p className="small muted">
          or drop one file here. HTML, plain text, PDF, PNG, JPEG, audio or other bytes (sent as
          application/octet-stream when the browser does not know the type).
        </p>
        {file && (
          <p className="small" data-testid="chosen-file">
            {file.name} · {file.size.toLocaleString("en-GB")} bytes · {file.type || "unknown type"}
          </p>
        )}
      </div>
      <div className="grid">
        <label htmlFor="up-type">Evidence type</label>
        <TypeSelect id="up-type" value={type} onChange={setType} />
        <label htmlFor="up-lang">Language</label>
        <input
          id="up-lang"
          name="language"
          value={language}
          onChange={(e) => setLanguage(e.target.value)}
          placeholder="zh-Hans, zh-Hant, en…"
          pattern="[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*"
          title="a language tag: zh, zh-Hans, zh-Hant, en…"
        />
        <label htmlFor="up-source">Source</label>
        <input
          id="up-source"
          name="source"
          value={source}
          onChange={(e) => setSource(e.target.value)}
          maxLength={500}
          placeholder="where it came from"
        />
        <label htmlFor="up-tags">Tags</label>
        <input
          id="up-tags"
          name="tags"
          value={tags}
          onChange={(e) => setTags(e.target.value)}
          maxLength={2000}
          placeholder="comma-separated"
        />
        <label htmlFor="up-captured">Captured on</label>
        <input
          id="up-captured"
          name="capturedAt"
          type="date"
          value={capturedAt}
          onChange={(e) => setCapturedAt(e.target.value)}
        />
      </div>
      <fieldset className={witness ? "witness-fields open" : "witness-fields"}>
        <legend>
          <label>
            <input type="checkbox" checked={witness} onChange={(e) => setWitness(e.target.checked)} /> Witness details
            (sealed)
          </label>
        </legend>
        {witness && (
          <>
            <p className="notice small" data-testid="witness-warning">
              These fields are sealed with the witness key on the server: no one sees them again except an admin who
              reveals them, and every reveal is recorded in the custody log. The item becomes restricted (its original
              is readable by admins only). Do not put identifying details in the file name, tags or source.
            </p>
            <div className="grid">
              <label htmlFor="up-wname">Witness name</label>
              <input
                id="up-wname"
                autoComplete="off"
                value={witnessName}
                onChange={(e) => setWitnessName(e.target.value)}
                maxLength={4000}
              />
              <label htmlFor="up-wcontact">Witness contact</label>
              <input
                id="up-wcontact"
                autoComplete="off"
                value={witnessContact}
                onChange={(e) => setWitnessContact(e.target.value)}
                maxLength={4000}
              />
            </div>
          </>
        )}
      </fieldset>
      <button type="submit" disabled={busy || !file || !type}>
        {busy ? "Uploading…" : "Upload"}
      </button>
      {busy && progress && (
        <span className="upload-progress">
          {" "}
          <progress max={progress[1]} value={progress[0]} aria-label="Bytes sent" />{" "}
          {progress[0] < progress[1]
            ? `${Math.round((100 * progress[0]) / Math.max(1, progress[1]))} % sent`
            : "sent; the server is storing and extracting the text…"}
        </span>
      )}
      <span className="sr-only" aria-live="polite">
        {busy ? "Uploading" : result ? "Upload finished" : ""}
      </span>
      <ErrorBox error={error} />
      {result && (
        <div className="result-box" data-testid="upload-result" role="status">
          <p>
            {result.existing ? (
              <strong>Already stored: these bytes were in the archive; nothing new was added.</strong>
            ) : (
              <strong>Stored.</strong>
            )}{" "}
            <a href={href("evidence", "items", result.id)} data-testid="upload-item-link">
              Open the item
            </a>
          </p>
          <dl className="meta">
            <dt>File</dt>
            <dd>{result.filename}</dd>
            <dt>Item</dt>
            <dd>
              <code>{result.id}</code>
            </dd>
            <dt>SHA-256</dt>
            <dd>
              <code className="hash" data-testid="upload-sha256">
                {result.sha256}
              </code>
            </dd>
            <dt>Size</dt>
            <dd>{result.size.toLocaleString("en-GB")} bytes</dd>
            {result.duplicateOf && (
              <>
                <dt>Duplicate of</dt>
                <dd>
                  <a href={href("evidence", "items", result.duplicateOf)}>{result.duplicateOf}</a>
                </dd>
              </>
            )}
            <dt>Text</dt>
            <dd>{result.textId ? "extracted" : (result.noText ?? "none")}</dd>
          </dl>
        </div>
      )}
    </form>
  );
}

function CaptureForm() {
  const [url, setUrl] = useState("");
  const [screenshot, setScreenshot] = useState(false);
  const [type, setType] = useState("hospital-web-page");
  const [tags, setTags] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<CaptureResult | null>(null);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const t = tagList(tags);
      setResult(
        await post<CaptureResult>("/api/evidence/capture", {
          url: url.trim(),
          screenshot,
          type,
          ...(t.length > 0 ? { tags: t } : {}),
        }),
      );
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card-form" aria-labelledby="cap-h" onSubmit={submit}>
      <h2 id="cap-h">Capture a web page</h2>
      <p className="small muted">
        The server fetches a public page (private, loopback and reserved addresses are refused) and stores the WARC
        record, the page's body and its text, and a screenshot if asked.
      </p>
      <div className="grid">
        <label htmlFor="cap-url">URL</label>
        <input
          id="cap-url"
          name="url"
          type="url"
          required
          maxLength={4000}
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          placeholder="https://…"
        />
        <label htmlFor="cap-type">Evidence type</label>
        <TypeSelect id="cap-type" value={type} onChange={setType} />
        <label htmlFor="cap-tags">Tags</label>
        <input
          id="cap-tags"
          name="tags"
          value={tags}
          onChange={(e) => setTags(e.target.value)}
          placeholder="comma-separated"
        />
        <span />
        <label>
          <input type="checkbox" checked={screenshot} onChange={(e) => setScreenshot(e.target.checked)} /> Also take a
          screenshot
        </label>
      </div>
      <button type="submit" disabled={busy || !url.trim() || !type}>
        {busy ? "Capturing…" : "Capture"}
      </button>
      <ErrorBox error={error} />
      {result && (
        <div className="result-box" data-testid="capture-result" role="status">
          <p>
            <strong>{result.existing ? "Already stored." : "Captured."}</strong>{" "}
            <a href={href("evidence", "items", result.id)}>Open the item</a>
          </p>
          <dl className="meta">
            <dt>URL</dt>
            <dd className="break">
              {result.finalUrl ?? result.url ?? url}
              {result.redirects ? ` (after ${result.redirects} redirect${result.redirects === 1 ? "" : "s"})` : ""}
            </dd>
            {result.status !== undefined && (
              <>
                <dt>HTTP status</dt>
                <dd>{result.status}</dd>
              </>
            )}
            <dt>SHA-256</dt>
            <dd>
              <code className="hash">{result.sha256}</code>
            </dd>
            {result.duplicateOf && (
              <>
                <dt>Duplicate of</dt>
                <dd>
                  <a href={href("evidence", "items", result.duplicateOf)}>{result.duplicateOf}</a>
                </dd>
              </>
            )}
            <dt>Screenshot</dt>
            <dd>{result.screenshotId ? "stored" : "none"}</dd>
          </dl>
          {result.warnings && result.warnings.length > 0 && (
            <ul className="small">
              {result.warnings.map((w, i) => (
                <li key={i}>{w}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </form>
  );
}
