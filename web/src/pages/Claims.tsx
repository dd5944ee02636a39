import type { Bearing, ClaimMapEntry } from "../../../src/evidence/claims/claim-map.js";
import type { Stance } from "../../../src/evidence/claims/model.js";
import { get, itemsOf } from "../api.js";
import { ErrorBox, Loading } from "../components/ErrorBox.js";
import { VerdictBadge } from "../components/VerdictBadge.js";
import { href, useApi } from "../hooks.js";

const STANCES: { s: Stance; label: string }[] = [
  { s: "supports", label: "Supports the claim" },
  { s: "contradicts", label: "Contradicts the claim" },
  { s: "context", label: "Context" },
];
const BEARING: Record<Bearing, string> = {
  "matches-expectation": "matches what the claim expects",
  "does-not-match":
    "does not match the expectation (a pass is the absence of this signal, not proof against the claim)",
  undecided: "undecided: insufficient data",
  "no-verdict": "no verdict (an estimate, or no expectation stated)",
  unresolved: "unresolved: no current finding for this link",
  "not-computed": "not computed: verdict stored at link time",
};

/**
 * The claim map (GET /api/claims): each claim of the investigation with the evidence that supports,
 * contradicts or gives context to it, and the findings of the standard audit linked to it. Links are the
 * investigators' annotations, not proof; stances are shown with colour AND words.
 */
export function ClaimsPage({ focus }: { focus?: string | undefined }) {
  // list: GET /api/claims → {items: [{claim, summary}]}; one claim's map: GET /api/claims/:id → {map}
  const res = useApi(
    (s) =>
      focus
        ? get<{ map: ClaimMapEntry }>(`/api/claims/${encodeURIComponent(focus)}`, undefined, s).then((r) => [r.map])
        : get<unknown>("/api/claims", { limit: 500 }, s).then((r) => itemsOf<ClaimMapEntry>(r)),
    [focus],
  );
  const entries = res.data ?? [];
  return (
    <section aria-labelledby="cl-h">
      <h1 id="cl-h">{focus ? "Claim map" : "Claims of the investigation"}</h1>
      <p className="muted">
        Claims are what the investigation claims, never asserted as fact. Links record how a source, item or finding
        bears on a claim (the investigator's reading); they are annotations, not proof.
      </p>
      {focus && (
        <p>
          <a href={href("claims")}>← All claims</a>
        </p>
      )}
      <ErrorBox error={res.error} />
      {res.loading && !res.data ? <Loading what="claims" /> : null}
      {entries
        .filter((e) => !focus || e.claim.id === focus)
        .map((e) => (focus ? <ClaimMap key={e.claim.id} e={e} /> : <ClaimSummary key={e.claim.id} e={e} />))}
    </section>
  );
}

function ClaimSummary({ e }: { e: Pick<ClaimMapEntry, "claim" | "summary"> }) {
  const s = e.summary;
  return (
    <article className="claim-card">
      <h2>
        <a href={href("claims", e.claim.id)}>{e.claim.title}</a> <span className="small muted">{e.claim.id}</span>
      </h2>
      <p>{e.claim.statement}</p>
      <p className="small">
        Evidence: <span className="stance stance-supports">{s.evidence.supports} supporting</span>{" "}
        <span className="stance stance-contradicts">{s.evidence.contradicts} contradicting</span>{" "}
        <span className="stance stance-context">{s.evidence.context} context</span> · findings:{" "}
        {s.findings["matches-expectation"]} match, {s.findings["does-not-match"]} do not match, {s.findings.undecided}{" "}
        undecided, {s.findings["no-verdict"]} without verdict, {s.findings.unresolved} unresolved
      </p>
    </article>
  );
}

function ClaimMap({ e }: { e: ClaimMapEntry }) {
  return (
    <article className="claim-map" aria-labelledby={`claim-${e.claim.id}`}>
      <h2 id={`claim-${e.claim.id}`}>
        {e.claim.title} <span className="small muted">{e.claim.id}</span>
      </h2>
      <p className="statement">{e.claim.statement}</p>
      {e.claim.counterpoints && (
        <p>
          <strong>What would weaken it:</strong> {e.claim.counterpoints}
        </p>
      )}
      <div className="stance-columns">
        {STANCES.map(({ s, label }) => {
          const items = e.items.filter((x) => x.stance === s);
          const sources = e.sources.filter((x) => x.stance === s);
          const findings = e.findings.filter((x) => x.stance === s);
          return (
            <section key={s} className={`stance-col stance-${s}`} aria-label={label}>
              <h3>
                <span className={`stance stance-${s}`}>{s}</span> {label}
              </h3>
              {items.length + sources.length + findings.length === 0 && <p className="muted small">none linked</p>}
              <ul>
                {sources.map((x) => (
                  <li key={x.linkId}>
                    <span className="kind">source</span> {x.title}
                    {x.author || x.year ? ` (${[x.author, x.year].filter(Boolean).join(", ")})` : ""}{" "}
                    <span className="small muted">grade {x.qualityGrade}</span>
                    {x.note && <div className="small">{x.note}</div>}
                  </li>
                ))}
                {items.map((x) => (
                  <li key={x.linkId}>
                    <span className="kind">item</span>{" "}
                    {x.missing ? (
                      <span className="muted">{x.id} (missing)</span>
                    ) : (
                      <a href={href("evidence", "items", x.id)}>{x.label}</a>
                    )}
                    {x.note && <div className="small">{x.note}</div>}
                  </li>
                ))}
                {findings.map((x) => (
                  <li key={x.linkId}>
                    <span className="kind">finding</span> {x.verdict && <VerdictBadge verdict={x.verdict} />}{" "}
                    {x.title ?? x.selectorLabel}
                    <div className="small">
                      <span className={`bearing bearing-${x.bearing}`}>{BEARING[x.bearing]}</span>
                      {x.expect ? ` (claim expects ${x.expect})` : ""}
                    </div>
                    {x.statement && <div className="small muted">{x.statement}</div>}
                    {x.note && <div className="small">{x.note}</div>}
                  </li>
                ))}
              </ul>
            </section>
          );
        })}
      </div>
      {e.events.length > 0 && (
        <section>
          <h3>Events</h3>
          <ul>
            {e.events.map((ev) => (
              <li key={ev.linkId}>
                <time dateTime={ev.date}>{ev.date}</time> {ev.titleEn}{" "}
                {ev.titleZh && <span lang="zh">{ev.titleZh}</span>}
              </li>
            ))}
          </ul>
        </section>
      )}
      {e.entities.length > 0 && (
        <section>
          <h3>Entities</h3>
          <ul className="inline">
            {e.entities.map((en) => (
              <li key={en.linkId}>
                <a href={href("entities", en.id)}>{en.name}</a> <span className="small muted">{en.kind}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </article>
  );
}
