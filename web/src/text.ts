/** Pure text helpers of the web app (no DOM): tested in test/web/text.test.ts. */

export interface Part {
  text: string;
  mark: boolean;
}

/**
 * Split `text` at the [start, end) ranges (0-based, UTF-16 code units, as the API gives them) into plain and
 * marked parts. Ranges are clipped to the text, sorted, and overlapping or touching ranges merged; empty,
 * inverted or non-numeric ranges are dropped. Joining the parts' text gives back `text` exactly.
 */
export function splitRanges(text: string, ranges: readonly (readonly [number, number])[]): Part[] {
  const rs = ranges
    .filter(([s, e]) => Number.isFinite(s) && Number.isFinite(e))
    .map(([s, e]) => [clamp(s, text.length), clamp(e, text.length)] as [number, number])
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const r of rs) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  const out: Part[] = [];
  let pos = 0;
  for (const [s, e] of merged) {
    if (s > pos) out.push({ text: text.slice(pos, s), mark: false });
    out.push({ text: text.slice(s, e), mark: true });
    pos = e;
  }
  if (pos < text.length || out.length === 0) out.push({ text: text.slice(pos), mark: false });
  return out;
}

function clamp(n: number, max: number): number {
  return Math.max(0, Math.min(Math.trunc(n), max));
}
