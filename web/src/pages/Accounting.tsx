import { useEffect, useMemo, useState } from "react";
import { get, hasRole, itemsOf, post, type Finding, type User } from "../api.js";
import { ErrorBox, Loading } from "../components/ErrorBox.js";
import { VegaChart } from "../components/VegaChart.js";
import { VerdictBadge } from "../components/VerdictBadge.js";
import { useApi, useDebounced } from "../hooks.js";
import type { ScenarioSlider } from "../../../src/models/scenario-overrides.js";

/**
 * GET /api/scenarios/:name/sliders → sliders: a scale factor per variable (1 = the scenario as published);
 * the page adds `key` (the override path) and a description.
 */
export interface Slider extends ScenarioSlider {
  key: string;
  description?: string;
}
interface ScenarioRef {
  name: string;
  title?: string;
  description?: string;
}
interface AccountingResponse {
  finding: Finding & { result?: { draws?: number; seed?: number; scenario?: string } };
  chart: { id: string; caption: string; findingIds: string[] };
  spec: Record<string, unknown>;
}

function describe(s: Slider): string | undefined {
  const b = s.baseline;
  if (!b) return undefined;
  const n = (x: number) => x.toLocaleString("en-US", { maximumFractionDigits: x < 10 ? 2 : 0 });
  return `As published: median ${n(b.lowMedian)}${b.highMedian !== b.lowMedian ? ` to ${n(b.highMedian)}` : ""} ${b.unit}, ${b.from}–${b.to}${b.uncertain ? " (uncertain: a distribution)" : ""}.`;
}

const DRAWS = [2_000, 5_000, 20_000];

/**
 * The accounting fan chart with sliders: GET /api/scenarios, GET /api/scenarios/:name/sliders, and
 * POST /api/accounting (debounced) whenever a slider moves; the server runs the model and returns the
 * finding and its Vega-Lite spec.
 */
export function AccountingPage({ user }: { user: User }) {
  if (!hasRole(user, "analyst"))
    return (
      <section aria-labelledby="acc-h">
        <h1 id="acc-h">Organ-source accounting</h1>
        <p className="notice">
          Running the model needs the analyst role (yours: {user.role}). The standard audit's fan charts are on the
          Findings page.
        </p>
      </section>
    );
  return <AccountingRunner />;
}

function AccountingRunner() {
  const scenarios = useApi((s) => get<unknown>("/api/scenarios", undefined, s), []);
  const list = itemsOf<ScenarioRef>(scenarios.data, "scenarios");
  const [name, setName] = useState<string>("");
  useEffect(() => {
    if (!name && list[0]) setName(list[0].name);
  }, [list, name]);

  const sliders = useApi(
    (s) =>
      name ? get<unknown>(`/api/scenarios/${encodeURIComponent(name)}/sliders`, undefined, s) : Promise.resolve(null),
    [name],
  );
  const defs = useMemo(
    () => itemsOf<Slider>(sliders.data, "sliders").map((s) => ({ ...s, key: s.path, description: describe(s) })),
    [sliders.data],
  );
  const [draws, setDraws] = useState<number>(20_000);
  const [values, setValues] = useState<Record<string, number>>({});
  useEffect(() => {
    setValues(Object.fromEntries(defs.map((d) => [d.key, d.value])));
  }, [defs]);
  const debounced = useDebounced(values, 300);

  const [result, setResult] = useState<AccountingResponse | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!name || defs.length === 0 || Object.keys(debounced).length === 0) return;
    // only the values that belong to this scenario's sliders
    if (!defs.every((d) => d.key in debounced)) return;
    const ctl = new AbortController();
    setBusy(true);
    // only the sliders moved away from the published scenario become overrides: unchanged, the run is the report's
    const overrides = defs
      .filter((d) => debounced[d.key] !== d.value)
      .map((d) => ({ path: d.path, value: debounced[d.key] as number }));
    post<AccountingResponse>("/api/accounting", { scenario: name, overrides, draws }, ctl.signal).then(
      (r) => {
        setResult(r);
        setError(null);
        setBusy(false);
      },
      (e: unknown) => {
        if (!ctl.signal.aborted) {
          setError(e);
          setBusy(false);
        }
      },
    );
    return () => ctl.abort();
  }, [name, defs, debounced, draws]);

  const chartSpec = result?.spec ?? null;
  const caption = result?.chart.caption ?? "";
  const f = result?.finding;
  return (
    <section aria-labelledby="acc-h">
      <h1 id="acc-h">Organ-source accounting</h1>
      <p className="muted">
        Move an assumption and the model runs again on the server (Monte Carlo with a fixed seed). The band shows
        transplants per year not accounted for by the modelled sources.
      </p>
      <ErrorBox error={scenarios.error} />
      <div className="accounting">
        <form className="sliders" onSubmit={(e) => e.preventDefault()} aria-label="Assumptions">
          <label htmlFor="scenario">Scenario</label>
          <select id="scenario" value={name} onChange={(e) => setName(e.target.value)}>
            {list.map((s) => (
              <option key={s.name} value={s.name}>
                {s.title ? `${s.title} (${s.name})` : s.name}
              </option>
            ))}
          </select>
          <label htmlFor="draws">Monte Carlo draws</label>
          <select id="draws" value={draws} onChange={(e) => setDraws(Number(e.target.value))}>
            {DRAWS.map((d) => (
              <option key={d} value={d}>
                {d.toLocaleString("en-US")}
                {d === 20_000 ? " (as the report)" : ""}
              </option>
            ))}
          </select>
          {sliders.loading && name ? <Loading what="assumptions" /> : null}
          <ErrorBox error={sliders.error} />
          {defs.map((d) => (
            <div className="slider" key={d.key}>
              <label htmlFor={`sl-${d.key}`}>
                {d.label}: <output htmlFor={`sl-${d.key}`}>{fmtValue(values[d.key] ?? d.value)}</output>
                {d.unit ? ` ${d.unit}` : ""}
              </label>
              <input
                id={`sl-${d.key}`}
                name={d.key}
                type="range"
                min={d.min}
                max={d.max}
                step={d.step}
                value={values[d.key] ?? d.value}
                onChange={(e) => setValues((v) => ({ ...v, [d.key]: Number(e.target.value) }))}
                aria-describedby={d.description ? `sl-${d.key}-d` : undefined}
              />
              {d.description ? (
                <p id={`sl-${d.key}-d`} className="small muted">
                  {d.description}
                </p>
              ) : null}
            </div>
          ))}
          <button
            type="button"
            onClick={() => setValues(Object.fromEntries(defs.map((d) => [d.key, d.value])))}
            disabled={defs.length === 0}
          >
            Reset to the scenario's values
          </button>
        </form>
        <div className="fan" aria-busy={busy}>
          <ErrorBox error={error} />
          {busy && (
            <p className="muted small" aria-live="polite">
              Running the model…
            </p>
          )}
          {chartSpec && <VegaChart spec={chartSpec} label={caption} id="fan-chart" />}
          {f && (
            <div className="finding-box" data-testid="accounting-finding">
              <p>
                <VerdictBadge verdict={f.verdict} /> <strong>{f.title}</strong>
              </p>
              <p>{f.statement}</p>
              <p className="small muted">
                Finding <code>{f.id}</code>, scenario {f.result?.scenario ?? name},{" "}
                {f.result?.draws !== undefined ? `${f.result.draws.toLocaleString("en-US")} draws` : ""}
                {f.provenance?.seed !== undefined && f.provenance.seed !== null
                  ? `, seed ${f.provenance.seed}`
                  : f.result?.seed !== undefined
                    ? `, seed ${f.result.seed}`
                    : ""}
              </p>
              {f.caveats.length > 0 && (
                <ul className="caveats">
                  {f.caveats.map((c) => (
                    <li key={c.code}>
                      <code>{c.code}</code> {c.message}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          )}
        </div>
      </div>
    </section>
  );
}

function fmtValue(v: number): string {
  return Math.abs(v) >= 1000 ? v.toLocaleString("en-US") : String(Number(v.toPrecision(4)));
}
