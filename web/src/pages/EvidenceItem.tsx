import { useState } from "react";
import type { LogEntry } from "../../../src/evidence/custody/entry.js";
import type { DerivedRecord, ItemRecord } from "../../../src/evidence/store/archive.js";
import type { ItemVerification } from "../../../src/evidence/store/verify-item.js";
import { get, type User } from "../api.js";
import { ErrorBox, Loading } from "../components/ErrorBox.js";
import { Badge } from "../components/VerdictBadge.js";
import { href, useApi } from "../hooks.js";

/** GET /api/evidence/items/:id */
export interface ItemView {
  item: ItemRecord;
  derived: DerivedRecord[];
  custody: LogEntry[];
  verification: ItemVerification;
}

const HTML_TYPES = /^(text\/html|application\/xhtml\+xml)/i;

/**
 * One evidence item: metadata, SHA-256, verification status, extracted text, custody history, and the
 * original. A captured web page is shown ONLY in a sandboxed frame (no allow-scripts, no
 * allow-same-origin: an opaque origin where nothing runs; the server adds a sandboxing CSP too), or as
 * the extracted text; it never runs in the app's origin.
 */
export function EvidenceItemPage({ id, user }: { id: string; user: User }) {
  const enc = encodeURIComponent(id);
  const [tick, setTick] = useState(0);
  /** sealed witness fields, once revealed on request (admin; the server logs each reveal) */
  const [revealed, setRevealed] = useState<Record<string, string> | null>(null);
  const [revealError, setRevealError] = useState<unknown>(null);
  const view = useApi((s) => get<ItemView>(`/api/evidence/items/${enc}`, undefined, s), [id, tick]);
  const text = useApi(
    (s) => get<{ text: string; kind: string; method?: string }>(`/api/evidence/items/${enc}/text`, undefined, s),
    [id],
  );
  const [tab, setTab] = useState<"text" | "original">("text");

  if (view.error) return <ErrorBox error={view.error} />;
  if (!view.data) return <Loading what="item" />;
  const { item: it, derived, custody, verification } = view.data;
  const isHtml = HTML_TYPES.test(it.mime);
  const noText = text.error && (text.error as { status?: number }).status === 404;
  const mayOpenOriginal = !it.restricted || user.role === "admin";

  async function reveal() {
    setRevealError(null);
    try {
      const r = await get<ItemView>(`/api/evidence/items/${enc}`, { reveal: true });
      const f = r.item.sensitive;
      setRevealed(f && typeof f === "object" ? f : {});
      setTick((t) => t + 1); // the custody history now holds the reveal
    } catch (e) {
      setRevealError(e);
    }
  }

  return (
    <article aria-labelledby="item-h" className="item">
      <p>
        <a href={href("evidence")}>← Evidence</a>
      </p>
      <h1 id="item-h" className="break">
        {it.filename || it.url || it.id}
      </h1>
      <Verification v={verification} loading={view.loading} onAgain={() => setTick((t) => t + 1)} />
      <dl className="meta">
        <dt>Item</dt>
        <dd>
          <code>{it.id}</code>
        </dd>
        <dt>SHA-256</dt>
        <dd>
          <code className="hash" data-testid="item-sha256">
            {it.sha256}
          </code>
        </dd>
        <dt>Size</dt>
        <dd>{it.size.toLocaleString("en-US")} bytes</dd>
        <dt>Media type</dt>
        <dd>{it.mime}</dd>
        <dt>Evidence type</dt>
        <dd>{it.evidenceType}</dd>
        {it.url && (
          <>
            <dt>URL</dt>
            <dd className="break">{it.url}</dd>
          </>
        )}
        {it.filename && (
          <>
            <dt>File name</dt>
            <dd className="break">{it.filename}</dd>
          </>
        )}
        {it.language && (
          <>
            <dt>Language</dt>
            <dd>{it.language}</dd>
          </>
        )}
        <dt>Captured</dt>
        <dd>{it.capturedAt}</dd>
        <dt>Added</dt>
        <dd>
          {it.addedAt} by {it.addedBy}
        </dd>
        {it.source && (
          <>
            <dt>Source</dt>
            <dd>{it.source}</dd>
          </>
        )}
        {it.tags.length > 0 && (
          <>
            <dt>Tags</dt>
            <dd>{it.tags.map((t) => `#${t}`).join(" ")}</dd>
          </>
        )}
        {it.duplicateOf && (
          <>
            <dt>Same bytes as</dt>
            <dd>
              <a href={href("evidence", "items", it.duplicateOf)}>{it.duplicateOf}</a>
            </dd>
          </>
        )}
        {it.restricted && (
          <>
            <dt>Access</dt>
            <dd>restricted (original bytes: admin only)</dd>
          </>
        )}
        {it.sensitive !== null && (
          <>
            <dt>Witness fields</dt>
            <dd data-testid="witness-fields">
              {revealed ? (
                <dl className="witness">
                  {Object.entries(revealed).map(([k, v]) => (
                    <div key={k}>
                      <dt>{k}</dt>
                      <dd>{v}</dd>
                    </div>
                  ))}
                </dl>
              ) : (
                <>
                  sealed (encrypted; shown only to roles that hold the witness key){" "}
                  {user.canSeeSensitive && (
                    <button type="button" onClick={() => void reveal()}>
                      Reveal (recorded in the custody log)
                    </button>
                  )}
                </>
              )}
              <ErrorBox error={revealError} />
            </dd>
          </>
        )}
        {it.note && (
          <>
            <dt>Note</dt>
            <dd>{it.note}</dd>
          </>
        )}
      </dl>
      {derived.length > 0 && (
        <section aria-labelledby="derived-h">
          <h2 id="derived-h">Derived records</h2>
          <ul>
            {derived.map((d) => (
              <li key={d.id}>
                {d.kind} ({d.method}
                {d.language ? `, ${d.language}` : ""}) <code className="small">sha256 {d.sha256.slice(0, 16)}…</code>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="content-h">
        <h2 id="content-h">Content</h2>
        <div role="group" aria-label="How to show the content" className="tabs">
          <button type="button" aria-pressed={tab === "text"} onClick={() => setTab("text")}>
            Extracted text
          </button>
          <button type="button" aria-pressed={tab === "original"} onClick={() => setTab("original")}>
            Original{isHtml ? " (sandboxed, scripts off)" : ""}
          </button>
        </div>
        {tab === "text" ? (
          noText ? (
            <p className="muted">No extracted text for this item.</p>
          ) : text.error ? (
            <ErrorBox error={text.error} />
          ) : (
            <pre className="doc-text" lang={it.language ?? undefined} data-testid="item-text">
              {text.data?.text ?? "…"}
            </pre>
          )
        ) : !mayOpenOriginal ? (
          <p className="notice">The original bytes of a restricted item are shown to admins only.</p>
        ) : isHtml ? (
          <>
            <p className="small muted">
              The captured page as stored, in a sandbox: its scripts, forms and outside loads (images, frames) are
              blocked, so it may look different from the live page.
            </p>
            <iframe
              className="original"
              title={`Captured page ${it.id}, shown without scripts`}
              sandbox=""
              referrerPolicy="no-referrer"
              src={`/api/evidence/items/${enc}/raw?view=sandbox`}
            />
          </>
        ) : (
          <p>
            <a href={`/api/evidence/items/${enc}/raw?view=download`} download>
              Download the original ({it.size.toLocaleString("en-US")} bytes)
            </a>
          </p>
        )}
      </section>
      <section aria-labelledby="custody-h">
        <h2 id="custody-h">Custody history</h2>
        <table className="custody">
          <thead>
            <tr>
              <th scope="col">Seq</th>
              <th scope="col">Time</th>
              <th scope="col">Actor</th>
              <th scope="col">Action</th>
              <th scope="col">In signed log</th>
            </tr>
          </thead>
          <tbody>
            {custody.map((e) => {
              const chk = verification.entries.find((x) => x.seq === e.seq);
              return (
                <tr key={e.seq}>
                  <td>{e.seq}</td>
                  <td>{e.time}</td>
                  <td>{e.actor}</td>
                  <td>
                    {e.action}
                    {e.data && typeof e.data === "object" && "kind" in e.data ? (
                      <span className="small muted"> ({String((e.data as { kind: unknown }).kind)})</span>
                    ) : null}
                  </td>
                  <td>{chk ? (chk.leafOk && chk.included ? "✓ proven" : "✗ not proven") : "–"}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
    </article>
  );
}

/** The verification of this item: verified, or failed with what failed (blob, row, entry, tree head). */
function Verification({ v, loading, onAgain }: { v: ItemVerification; loading: boolean; onAgain: () => void }) {
  const badBlobs = v.blobs.filter((b) => !b.ok);
  return (
    <div className="verify" aria-live="polite" data-testid="verify-status">
      {v.ok ? (
        <Badge tone="good" title={v.scope}>
          ✓ verified
        </Badge>
      ) : (
        <Badge tone="bad" title={v.scope}>
          ✗ verification failed
        </Badge>
      )}{" "}
      <span className="small muted">
        {v.blobs.length} blob{v.blobs.length === 1 ? "" : "s"} re-hashed, {v.rows.length} row
        {v.rows.length === 1 ? "" : "s"} checked against the custody log, {v.entries.filter((e) => e.included).length}/
        {v.entries.length} entries proven in the signed tree head{v.treeHead ? ` (size ${v.treeHead.treeSize})` : ""};
        signature {v.treeHeadSignatureOk ? "valid" : "NOT valid"}.
      </span>{" "}
      <button type="button" className="link" onClick={onAgain} disabled={loading}>
        Verify again
      </button>
      {!v.ok && (
        <ul className="failures">
          {badBlobs.map((b) => (
            <li key={`b-${b.id}`}>
              <strong>blob</strong> {b.role} {b.id}: {b.problem ?? "changed"}
            </li>
          ))}
          {v.failures.map((f, i) => (
            <li key={i}>
              <strong>{f.kind}</strong>
              {f.table ? ` ${f.table}${f.rowId ? `/${f.rowId}` : ""}` : ""}
              {f.seq !== undefined ? ` (log entry ${f.seq})` : ""}: {f.message}
            </li>
          ))}
        </ul>
      )}
      <p className="small muted">{v.scope}</p>
    </div>
  );
}
