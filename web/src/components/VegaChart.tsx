import { useEffect, useRef, useState } from "react";

/**
 * Renders a Vega-Lite spec from the server (the same specs as the report, src/report/charts.ts) with
 * vega-lite's compiler and a vega View, renderer "svg". CSP-safe: the spec is parsed to an AST
 * (`ast: true`) and evaluated by vega-interpreter, so no `new Function`/eval is needed under
 * `script-src 'self'`; the specs carry their data inline, so nothing is fetched.
 * vega and vega-lite are loaded on first use (a separate chunk).
 */
/** A vega loader that refuses every load: the specs are self-contained, so nothing may be fetched. */
function offlineLoader<L extends { load: unknown; sanitize: unknown }>(l: L): L {
  const refuse = () => Promise.reject(new Error("the chart tried to load an external resource; refused"));
  l.load = refuse;
  l.sanitize = refuse;
  return l;
}

export function VegaChart({ spec, label, id }: { spec: Record<string, unknown>; label: string; id?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    let view: { finalize(): void } | null = null;
    (async () => {
      const [vega, vl, interp] = await Promise.all([import("vega"), import("vega-lite"), import("vega-interpreter")]);
      if (cancelled || !ref.current) return;
      const compiled = vl.compile(spec as never).spec;
      const runtime = vega.parse(compiled, undefined, { ast: true });
      const v = new vega.View(runtime, {
        expr: interp.expressionInterpreter,
        renderer: "svg",
        container: ref.current,
        hover: false,
        loader: offlineLoader(vega.loader()),
      } as never);
      view = v;
      await v.runAsync();
      if (cancelled) v.finalize();
      else setError(null);
    })().catch((e: unknown) => {
      if (!cancelled) setError(e instanceof Error ? e.message : String(e));
    });
    return () => {
      cancelled = true;
      view?.finalize();
    };
  }, [spec]);
  return (
    <figure className="chart" id={id}>
      <div ref={ref} className="chart-canvas" role="img" aria-label={label} />
      {error && (
        <p className="error" role="alert">
          Chart could not be drawn: {error}
        </p>
      )}
      <figcaption>{label}</figcaption>
    </figure>
  );
}
