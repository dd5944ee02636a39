/**
 * Fuzzy phrase search with a running cosine distance on character q-grams: a pure re-implementation
 * of R's `stringdist::afind(x, pattern, method = "running_cosine")` (stringdist >= 0.9.6), the method
 * Robertson & Lavee (2022) used to search Chinese transplant papers.
 *
 * A window as long as the pattern (in Unicode code points, as R counts characters) slides over the text;
 * for every window the cosine distance `1 - <w, p> / (|w| |p|)` between the q-gram count vectors of
 * window and pattern is computed; the first window with the smallest distance is reported, with its
 * 1-based start (in code points, as R reports it). Counts are kept incrementally as the window moves
 * (integers, so no drift): O(n) per pattern.
 *
 * Pure: no I/O.
 */

export interface AfindResult {
  /** 1-based start of the best window, in code points (R's `location`); null if the text is empty */
  location: number | null;
  /** cosine distance of the best window, in [0, 1]; null if there is no window */
  distance: number | null;
  /** text of the best window (R's `match`), "" when none */
  match: string;
}

export interface AfindOptions {
  /** q-gram size; default 1 (single characters), as in R's default */
  q?: number;
  /** window width in code points; default: the pattern's length in code points */
  window?: number;
}

/** A text split into code points and mapped to a compact vocabulary, reusable across many patterns. */
export interface PreparedText {
  /** code points of the text */
  chars: string[];
  /** vocabulary id of each code point (q = 1 path) */
  ids: Int32Array;
  /** code point → vocabulary id */
  vocab: Map<string, number>;
}

export function prepareText(text: string): PreparedText {
  const chars = Array.from(text);
  const vocab = new Map<string, number>();
  const ids = new Int32Array(chars.length);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    let id = vocab.get(c);
    if (id === undefined) {
      id = vocab.size;
      vocab.set(c, id);
    }
    ids[i] = id;
  }
  return { chars, ids, vocab };
}

/** Best window of `pattern` in `text` (see module doc). */
export function afindRunningCosine(text: string | PreparedText, pattern: string, opts: AfindOptions = {}): AfindResult {
  const prepared = typeof text === "string" ? prepareText(text) : text;
  const q = opts.q ?? 1;
  if (!Number.isInteger(q) || q < 1) throw new RangeError(`q must be a positive integer, got ${q}`);
  const pat = Array.from(pattern);
  const w = opts.window ?? pat.length;
  if (!Number.isInteger(w) || w < 1) throw new RangeError(`window must be a positive integer, got ${w}`);
  return q === 1 ? findQ1(prepared, pat, w) : findQ(prepared, pat, w, q);
}

const NONE: AfindResult = { location: null, distance: null, match: "" };

/** R's cosine distance from the dot product and the squared norms (stringdist's formula and guards). */
function cosineDistance(dot: number, xx: number, yy: number): number {
  // R gives NaN when a profile is empty (0/0); we report "no distance" instead (see callers)
  if (xx === 0 || yy === 0) return Number.POSITIVE_INFINITY;
  const d = 1 - dot / (Math.sqrt(xx) * Math.sqrt(yy));
  // an identical profile gives round-off of order 1e-16 around 0; R reports 0
  return Math.abs(d) < 1e-14 ? 0 : d;
}

function result(t: PreparedText, best: number, bestAt: number, width: number): AfindResult {
  if (!Number.isFinite(best)) return { location: null, distance: null, match: t.chars.slice(0, width).join("") };
  return { location: bestAt + 1, distance: best, match: t.chars.slice(bestAt, bestAt + width).join("") };
}

function findQ1(t: PreparedText, pat: string[], w: number): AfindResult {
  const n = t.chars.length;
  if (n === 0) return NONE;
  const width = Math.min(w, n);
  // pattern counts over the text vocabulary; pattern characters absent from the text only add to |p|
  const p = new Float64Array(t.vocab.size);
  const pCounts = new Map<string, number>();
  for (const c of pat) pCounts.set(c, (pCounts.get(c) ?? 0) + 1);
  let pp = 0;
  for (const [c, k] of pCounts) {
    pp += k * k;
    const id = t.vocab.get(c);
    if (id !== undefined) p[id] = k;
  }
  const cnt = new Int32Array(t.vocab.size);
  const ids = t.ids;
  let dot = 0;
  let ww = 0;
  for (let i = 0; i < width; i++) {
    const id = ids[i]!;
    dot += p[id]!;
    ww += 2 * cnt[id]! + 1;
    cnt[id]!++;
  }
  let best = cosineDistance(dot, ww, pp);
  let bestAt = 0;
  // hot loop: with width >= 1 and a non-empty pattern neither norm is 0, so the distance is
  // 1 - dot / (sqrt(ww) * sqrt(pp)) exactly as in cosineDistance (same operations, same rounding);
  // the round-off clamp is applied only when a window improves on the best raw value
  const sp = Math.sqrt(pp);
  let raw = 1 - dot / (Math.sqrt(ww) * sp);
  let bestRaw = raw;
  for (let s = 1; s + width <= n; s++) {
    const out = ids[s - 1]!;
    const co = --cnt[out]!;
    ww -= 2 * co + 1;
    dot -= p[out]!;
    const inn = ids[s + width - 1]!;
    const ci = cnt[inn]!;
    dot += p[inn]!;
    ww += 2 * ci + 1;
    cnt[inn] = ci + 1;
    raw = 1 - dot / (Math.sqrt(ww) * sp);
    if (raw < bestRaw) {
      // equal clamped values keep the first window: only move when the clamped value also improves
      const d = Math.abs(raw) < 1e-14 ? 0 : raw;
      if (d < best) {
        best = d;
        bestAt = s;
      }
      bestRaw = raw;
    }
  }
  return result(t, best, bestAt, width);
}

function qgramCounts(chars: string[], from: number, to: number, q: number): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = from; i + q <= to; i++) {
    const g = chars.slice(i, i + q).join("\u0000");
    m.set(g, (m.get(g) ?? 0) + 1);
  }
  return m;
}

function findQ(t: PreparedText, pat: string[], w: number, q: number): AfindResult {
  const n = t.chars.length;
  if (n === 0) return NONE;
  const width = Math.min(w, n);
  const p = qgramCounts(pat, 0, pat.length, q);
  let pp = 0;
  for (const k of p.values()) pp += k * k;
  const cnt = qgramCounts(t.chars, 0, width, q);
  let dot = 0;
  let ww = 0;
  for (const [g, k] of cnt) {
    ww += k * k;
    dot += k * (p.get(g) ?? 0);
  }
  const key = (i: number): string => t.chars.slice(i, i + q).join("\u0000");
  let best = cosineDistance(dot, ww, pp);
  let bestAt = 0;
  for (let s = 1; s + width <= n; s++) {
    if (width >= q) {
      const out = key(s - 1);
      const co = cnt.get(out)! - 1;
      cnt.set(out, co);
      ww -= 2 * co + 1;
      dot -= p.get(out) ?? 0;
      const inn = key(s + width - q);
      const ci = cnt.get(inn) ?? 0;
      dot += p.get(inn) ?? 0;
      ww += 2 * ci + 1;
      cnt.set(inn, ci + 1);
    }
    const d = cosineDistance(dot, ww, pp);
    if (d < best) {
      best = d;
      bestAt = s;
    }
  }
  return result(t, best, bestAt, width);
}

/**
 * R's `substr(text, location - before, location + after)` on code points (1-based, clamped to the text):
 * the context Robertson & Lavee stored with each match (before = after = 70).
 */
export function contextAround(text: string | PreparedText, location: number, before = 70, after = 70): string {
  const chars = typeof text === "string" ? Array.from(text) : text.chars;
  const start = Math.max(1, location - before);
  const stop = Math.min(chars.length, location + after);
  if (stop < start) return "";
  return chars.slice(start - 1, stop).join("");
}

/**
 * The best window of each of many patterns in one text (q = 1): the same results as calling
 * `afindRunningCosine` per pattern, computed in one pass per distinct pattern length (the window's counts
 * and norm are shared by all patterns of that length). Used by the rule engine and the benchmark.
 */
export function afindRunningCosineMany(text: string | PreparedText, patterns: readonly string[]): AfindResult[] {
  const t = typeof text === "string" ? prepareText(text) : text;
  const out: AfindResult[] = new Array<AfindResult>(patterns.length);
  const n = t.chars.length;
  const byWidth = new Map<number, number[]>();
  patterns.forEach((p, i) => {
    const len = Array.from(p).length;
    if (len === 0) throw new RangeError("window must be a positive integer, got 0");
    const w = Math.min(len, n);
    const g = byWidth.get(w);
    if (g) g.push(i);
    else byWidth.set(w, [i]);
  });
  if (n === 0) {
    for (let i = 0; i < patterns.length; i++) out[i] = NONE;
    return out;
  }
  const V = t.vocab.size;
  const ids = t.ids;
  for (const [width, members] of byWidth) {
    const K = members.length;
    const P = new Float64Array(V * K);
    const sp = new Float64Array(K);
    members.forEach((pi, k) => {
      const counts = new Map<string, number>();
      for (const c of Array.from(patterns[pi]!)) counts.set(c, (counts.get(c) ?? 0) + 1);
      let pp = 0;
      for (const [c, m] of counts) {
        pp += m * m;
        const id = t.vocab.get(c);
        if (id !== undefined) P[id * K + k] = m;
      }
      sp[k] = Math.sqrt(pp);
    });
    const cnt = new Int32Array(V);
    const dot = new Float64Array(K);
    let ww = 0;
    for (let i = 0; i < width; i++) {
      const id = ids[i]!;
      for (let k = 0; k < K; k++) dot[k]! += P[id * K + k]!;
      ww += 2 * cnt[id]! + 1;
      cnt[id]!++;
    }
    const best = new Float64Array(K);
    const bestRaw = new Float64Array(K);
    const bestAt = new Int32Array(K);
    let sw = Math.sqrt(ww);
    for (let k = 0; k < K; k++) {
      const raw = 1 - dot[k]! / (sw * sp[k]!);
      bestRaw[k] = raw;
      best[k] = Math.abs(raw) < 1e-14 ? 0 : raw;
    }
    for (let s = 1; s + width <= n; s++) {
      const o = ids[s - 1]!;
      const co = --cnt[o]!;
      ww -= 2 * co + 1;
      const inn = ids[s + width - 1]!;
      const ci = cnt[inn]!;
      ww += 2 * ci + 1;
      cnt[inn] = ci + 1;
      sw = Math.sqrt(ww);
      const ob = o * K;
      const ib = inn * K;
      for (let k = 0; k < K; k++) {
        const dk = dot[k]! - P[ob + k]! + P[ib + k]!;
        dot[k] = dk;
        const raw = 1 - dk / (sw * sp[k]!);
        if (raw < bestRaw[k]!) {
          const d = Math.abs(raw) < 1e-14 ? 0 : raw;
          if (d < best[k]!) {
            best[k] = d;
            bestAt[k] = s;
          }
          bestRaw[k] = raw;
        }
      }
    }
    members.forEach((pi, k) => {
      out[pi] = result(t, best[k]!, bestAt[k]!, width);
    });
  }
  return out;
}
