import { useEffect, useState } from "react";
import { get, itemsOf, type Chart, type ChartRef, type Finding, type Page, type Verdict } from "../api.js";
import { ErrorBox, Loading } from "../components/ErrorBox.js";
import { FindingRow } from "../components/FindingRow.js";
import { VegaChart } from "../components/VegaChart.js";
import { navigate, useApi, type Route } from "../hooks.js";

const VERDICTS: Verdict[] = ["flag", "pass", "insufficient-data", "estimate"];
const PAGE = 50;

interface FindingsPage extends Page<Finding> {
  meta?: { toolVersion: string; sections: Record<string, number>; findings: number };
}

/** Findings of the standard audit (GET /api/findings) and the report's charts (GET /api/charts/:id). */
export function DashboardPage({ route }: { route: Route }) {
  const verdict = route.query.get("verdict") ?? "";
  const section = route.query.get("section") ?? "";
  const offset = Number(route.query.get("offset") ?? 0) || 0;
  const findings = useApi(
    (s) => get<FindingsPage>("/api/findings", { verdict, section, offset, limit: PAGE }, s),
    [verdict, section, offset],
  );
  // sections and their counts come from the audit's manifest information (meta), kept from the first answer
  const [meta, setMeta] = useState<FindingsPage["meta"] | null>(null);
  useEffect(() => {
    if (findings.data?.meta && !meta) setMeta(findings.data.meta);
  }, [findings.data, meta]);
  const sections = Object.entries(meta?.sections ?? {});

  function setFilter(k: string, v: string) {
    const q = new URLSearchParams(route.query);
    if (v) q.set(k, v);
    else q.delete(k);
    q.delete("offset");
    navigate(`#/dashboard${q.toString() ? `?${q}` : ""}`);
  }

  const items = itemsOf<Finding>(findings.data);
  const total = findings.data?.total ?? items.length;
  return (
    <section aria-labelledby="dash-h">
      <h1 id="dash-h">Findings of the standard audit</h1>
      <p className="muted">
        Each test on the official figures says <strong>flag</strong> (inconsistent with the reference at the stated
        level), <strong>pass</strong> (consistent with it; not proof of authenticity) or{" "}
        <strong>insufficient-data</strong>; models give <strong>estimates</strong>.
        {meta ? ` ${meta.findings} findings; tool version ${meta.toolVersion}.` : ""}
      </p>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter findings">
        <label>
          Verdict{" "}
          <select value={verdict} onChange={(e) => setFilter("verdict", e.target.value)} name="verdict">
            <option value="">all</option>
            {VERDICTS.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        </label>
        <label>
          Section{" "}
          <select value={section} onChange={(e) => setFilter("section", e.target.value)} name="section">
            <option value="">all</option>
            {sections.map(([s, n]) => (
              <option key={s} value={s}>
                {s} ({n})
              </option>
            ))}
          </select>
        </label>
      </form>
      <ErrorBox error={findings.error} />
      {findings.loading && !findings.data ? <Loading what="findings" /> : null}
      {findings.data && (
        <>
          <table className="findings">
            <caption className="sr-only">Findings, {total} in all</caption>
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
              {items.map((f) => (
                <FindingRow key={f.id} f={f} />
              ))}
              {items.length === 0 && (
                <tr>
                  <td colSpan={5} className="muted">
                    No findings match these filters.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
          <Pager offset={offset} limit={PAGE} total={total} onGo={(o) => setFilter("offset", o ? String(o) : "")} />
        </>
      )}
      <Charts />
    </section>
  );
}

export function Pager({
  offset,
  limit,
  total,
  onGo,
}: {
  offset: number;
  limit: number;
  total: number;
  onGo: (offset: number) => void;
}) {
  if (total <= limit) return null;
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" disabled={offset === 0} onClick={() => onGo(Math.max(0, offset - limit))}>
        Previous
      </button>
      <span>
        {offset + 1}–{Math.min(total, offset + limit)} of {total}
      </span>
      <button type="button" disabled={offset + limit >= total} onClick={() => onGo(offset + limit)}>
        Next
      </button>
    </nav>
  );
}

function Charts() {
  const list = useApi((s) => get<Page<ChartRef> | ChartRef[]>("/api/charts", undefined, s), []);
  const charts = itemsOf<ChartRef>(list.data);
  const [shown, setShown] = useState(4);
  return (
    <section aria-labelledby="charts-h">
      <h2 id="charts-h">Charts</h2>
      <ErrorBox error={list.error} />
      {list.loading && !list.data ? <Loading what="charts" /> : null}
      <div className="charts">
        {charts.slice(0, shown).map((c) => (
          <ChartCard key={c.id} chart={c} />
        ))}
      </div>
      {charts.length > shown && (
        <button type="button" onClick={() => setShown(charts.length)}>
          Show all {charts.length} charts
        </button>
      )}
    </section>
  );
}

function ChartCard({ chart }: { chart: ChartRef }) {
  const c = useApi(
    (s) => get<Record<string, unknown>>(`/api/charts/${encodeURIComponent(chart.id)}`, undefined, s),
    [chart.id],
  );
  if (c.error) return <ErrorBox error={c.error} />;
  if (!c.data) return <Loading what={`chart ${chart.id}`} />;
  // GET /api/charts/:id answers the Vega-Lite spec itself (older shape: {spec, caption})
  const spec = "spec" in c.data && !("$schema" in c.data) ? (c.data as unknown as Chart).spec : c.data;
  return <VegaChart spec={spec} label={chart.caption} id={`chart-${chart.id}`} />;
}
