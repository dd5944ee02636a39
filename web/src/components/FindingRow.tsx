import { useState } from "react";
import type { Finding } from "../api.js";
import { VerdictBadge } from "./VerdictBadge.js";

function fmt(n: number | null | undefined): string {
  if (n === null || n === undefined) return "–";
  if (Math.abs(n) >= 1000) return n.toLocaleString("en-US", { maximumFractionDigits: 0 });
  return Number(n.toPrecision(3)).toString();
}

/** One finding as a table row; caveats and provenance on expand. */
export function FindingRow({ f }: { f: Finding }) {
  const [open, setOpen] = useState(false);
  const detailId = `finding-${f.id}-detail`;
  return (
    <>
      <tr className="finding" data-finding-id={f.id}>
        <td>
          <VerdictBadge verdict={f.verdict} />
        </td>
        <td>
          <div className="finding-title">{f.title}</div>
          <div className="finding-statement">{f.statement}</div>
        </td>
        <td>
          <code>{f.method}</code>
          {f.section ? <div className="muted small">{f.section}</div> : null}
        </td>
        <td className="num">
          {f.statistic ? (
            <div>
              <span className="small muted">{f.statistic.name}</span>{" "}
              <span className="stat">= {fmt(f.statistic.value)}</span>
            </div>
          ) : null}
          {f.pAdjusted !== undefined && f.pAdjusted !== null ? (
            <div className="small">p (adj.) = {fmt(f.pAdjusted)}</div>
          ) : f.pValue !== undefined && f.pValue !== null ? (
            <div className="small">p = {fmt(f.pValue)}</div>
          ) : null}
          {f.interval ? (
            <div className="small">
              {Math.round(f.interval.level * 100)} %: {fmt(f.interval.low)} to {fmt(f.interval.high)}
            </div>
          ) : null}
        </td>
        <td>
          <button
            type="button"
            className="link"
            aria-expanded={open}
            aria-controls={detailId}
            onClick={() => setOpen(!open)}
          >
            {open ? "Hide" : "Caveats"} ({f.caveats.length})
          </button>
        </td>
      </tr>
      {open && (
        <tr id={detailId} className="finding-detail">
          <td colSpan={5}>
            {f.caveats.length ? (
              <ul className="caveats">
                {f.caveats.map((c) => (
                  <li key={c.code}>
                    <code>{c.code}</code> {c.message}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">No caveats.</p>
            )}
            <p className="small muted">
              Finding <code>{f.id}</code>
              {f.provenance?.methodVersion ? `, method version ${f.provenance.methodVersion}` : ""}
              {f.provenance?.seed !== undefined && f.provenance.seed !== null ? `, seed ${f.provenance.seed}` : ""}
              {f.provenance?.inputs?.length
                ? `, inputs: ${f.provenance.inputs.map((i) => `${i.name} (sha256 ${i.sha256.slice(0, 12)}…)`).join("; ")}`
                : ""}
            </p>
          </td>
        </tr>
      )}
    </>
  );
}
