import { fitModel, type FitOptions, type FitResult } from "./fit.js";
import type { ModelSpec } from "./models.js";

/**
 * Memoised fitModel for the peer tests. The battery fits the same model to the same peer values many
 * times (peer benchmark, prediction check, negative binomial dispersion from peers; and again for every
 * target in a leave-one-out calibration), and a nonlinear fit (Levenberg-Marquardt, several starts) can
 * take tens of milliseconds when a parameter drifts along a ridge (e.g. quadratic1 on a near-linear peer).
 * fitModel is pure, so a cache keyed by (spec, cumulative, x, y) returns exactly what a fresh fit would;
 * results are shared: callers must not mutate them. The cache holds at most MAX_ENTRIES fits and is
 * emptied when full (no eviction order to reason about).
 */
const MAX_ENTRIES = 5000;
const cache = new Map<string, FitResult>();

export function cachedFit(x: number[], y: number[], spec: ModelSpec, opts: FitOptions = {}): FitResult {
  const key = `${JSON.stringify(spec)}|${opts.cumulative ? 1 : 0}|${x.join(",")}|${y.join(",")}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const f = fitModel(x, y, spec, opts);
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(key, f);
  return f;
}

/** Empty the cache (for benchmarks that time cold runs). */
export function clearFitCache(): void {
  cache.clear();
}
