import * as vega from "vega";
import * as vl from "vega-lite";
import type { ChartSpec, VlSpec } from "./charts.js";

/**
 * Render a Vega-Lite spec to SVG in Node (no browser, no canvas). Deterministic: the element ids vega
 * generates (clip paths, gradients) are renumbered per chart with the chart's own prefix, so two
 * renders give identical bytes and several charts can be inlined into one HTML page without id clashes.
 */
export async function renderSvg(spec: VlSpec, idPrefix: string): Promise<string> {
  const vg = vl.compile(spec as unknown as vl.TopLevelSpec, { logger: vega.logger(vega.None) }).spec;
  const view = new vega.View(vega.parse(vg), { renderer: "none" });
  try {
    const svg = await view.toSVG();
    return renumberIds(svg, idPrefix);
  } finally {
    view.finalize();
  }
}

/** Replace every id="..." (and its url(#...) / href="#..." references) by `${prefix}-${n}`, n in order of appearance. */
export function renumberIds(svg: string, prefix: string): string {
  const safe = prefix.replace(/[^A-Za-z0-9_-]/g, "_");
  const map = new Map<string, string>();
  for (const m of svg.matchAll(/\bid="([^"]+)"/g)) {
    if (!map.has(m[1]!)) map.set(m[1]!, `${safe}-${map.size + 1}`);
  }
  if (map.size === 0) return svg;
  return svg
    .replace(/\bid="([^"]+)"/g, (_, id: string) => `id="${map.get(id)!}"`)
    .replace(/url\(#([^)]+)\)/g, (all, id: string) => (map.has(id) ? `url(#${map.get(id)!})` : all))
    .replace(/href="#([^"]+)"/g, (all, id: string) => (map.has(id) ? `href="#${map.get(id)!}"` : all));
}

/** Render a chart with an accessible title, ready to inline into HTML. */
export async function renderChart(c: ChartSpec): Promise<string> {
  const svg = await renderSvg(c.spec, c.id);
  const title = (c.spec.title as { text?: string } | undefined)?.text ?? c.id;
  return svg.replace(/^<svg /, `<svg role="img" aria-label="${escapeAttr(title)}" data-chart="${escapeAttr(c.id)}" `);
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}
