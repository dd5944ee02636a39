/**
 * Holm's (1979) step-down adjustment of a family of p-values. With the m available p-values sorted
 * ascending p(1) <= ... <= p(m), the adjusted value of p(i) is max over j <= i of min(1, (m - j + 1) p(j)).
 * A null entry (a test that produced no p-value) is passed through as null and does not count in m.
 */
export function holmAdjust(pValues: readonly (number | null)[]): (number | null)[] {
  const idx: number[] = [];
  pValues.forEach((p, i) => {
    if (p === null) return;
    if (!Number.isFinite(p) || p < 0 || p > 1) throw new RangeError(`holmAdjust: p-value ${String(p)} is not in [0, 1]`);
    idx.push(i);
  });
  const m = idx.length;
  const order = [...idx].sort((a, b) => (pValues[a] as number) - (pValues[b] as number) || a - b);
  const out: (number | null)[] = pValues.map(() => null);
  let running = 0;
  order.forEach((i, rank) => {
    const adj = Math.min(1, (m - rank) * (pValues[i] as number));
    running = Math.max(running, adj);
    out[i] = running;
  });
  return out;
}
