import { describe, expect, it } from "vitest";
import { renderSvg, renumberIds } from "./render-svg.js";

// a chart with clipping, which makes vega emit clipPath elements with generated ids
const clipped = {
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  title: "clip test",
  width: 200,
  height: 100,
  data: { values: [{ x: 1, y: 5 }, { x: 2, y: 50 }, { x: 3, y: 7 }] },
  mark: { type: "line", clip: true },
  encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative", scale: { domain: [0, 10] } } },
  config: { font: "Noto Sans" },
};

describe("renderSvg", () => {
  it("gives identical bytes on repeated renders, with ids prefixed and renumbered from 1", async () => {
    const a = await renderSvg(clipped, "c1");
    const b = await renderSvg(clipped, "c1");
    expect(a).toBe(b);
    const ids = [...a.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).toEqual(ids.map((_, i) => `c1-${i + 1}`));
    // every url(#...) reference points at an id that exists
    for (const m of a.matchAll(/url\(#([^)]+)\)/g)) expect(ids).toContain(m[1]);
  });

  it("two charts with different prefixes share no id", async () => {
    const a = await renderSvg(clipped, "first");
    const b = await renderSvg(clipped, "second");
    const idsA = new Set([...a.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]));
    for (const m of b.matchAll(/\bid="([^"]+)"/g)) expect(idsA.has(m[1])).toBe(false);
  });

  it("makes no reference to external resources", async () => {
    const a = await renderSvg(clipped, "x");
    const urls = [...a.matchAll(/(?:href|src)="([^"#][^"]*)"/g)].map((m) => m[1]);
    expect(urls).toEqual([]);
    expect(a.startsWith("<svg ")).toBe(true);
  });
});

describe("renumberIds", () => {
  it("renames ids and their url()/href references in order of first appearance", () => {
    const svg = '<svg><clipPath id="clip7"/><g clip-path="url(#clip7)"/><use href="#clip7"/><clipPath id="clip3"/><g clip-path="url(#clip3)"/><g fill="url(#other)"/></svg>';
    expect(renumberIds(svg, "p q")).toBe(
      '<svg><clipPath id="p_q-1"/><g clip-path="url(#p_q-1)"/><use href="#p_q-1"/><clipPath id="p_q-2"/><g clip-path="url(#p_q-2)"/><g fill="url(#other)"/></svg>',
    );
  });
});
