import gammaln from "@stdlib/math-base-special-gammaln";
import type { Rng } from "./rng.js";

/**
 * Seeded samplers for count noise, built on the project's Rng (never Math.random).
 * - Poisson: inversion by sequential search for mu < 10; for mu >= 10 the PTRS transformed-rejection
 *   method of Hormann (1993), as used by numpy's legacy `random_poisson_ptrs`.
 * - Gamma: Marsaglia & Tsang (2000), with the u^(1/a) boost for shape < 1.
 * - Negative binomial with mean mu and size k (Var = mu + mu^2 / k): Poisson(Gamma(k, mu / k)).
 */
export function samplePoisson(rng: Rng, mu: number): number {
  if (!(mu >= 0) || !Number.isFinite(mu)) throw new RangeError(`Poisson mean must be finite and >= 0, got ${mu}`);
  if (mu === 0) return 0;
  if (mu < 10) {
    const L = Math.exp(-mu);
    let k = 0;
    let p = L;
    let cdf = L;
    const u = rng.uniform();
    while (u > cdf && k < 1000) {
      k++;
      p *= mu / k;
      cdf += p;
    }
    return k;
  }
  const slam = Math.sqrt(mu);
  const loglam = Math.log(mu);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const U = rng.uniform() - 0.5;
    const V = rng.uniform();
    const us = 0.5 - Math.abs(U);
    const k = Math.floor(((2 * a) / us + b) * U + mu + 0.43);
    if (us >= 0.07 && V <= vr) return k;
    if (k < 0 || (us < 0.013 && V > us)) continue;
    if (Math.log(V) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -mu + k * loglam - gammaln(k + 1)) return k;
  }
}

export function sampleGamma(rng: Rng, shape: number, scale: number): number {
  if (!(shape > 0) || !(scale > 0)) throw new RangeError(`gamma shape and scale must be > 0`);
  if (shape < 1) return sampleGamma(rng, shape + 1, scale) * rng.uniformOpen() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.uniformOpen();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v * scale;
  }
}

/** Negative binomial count with mean mu and size k > 0 (Var = mu + mu^2 / k). */
export function sampleNegBinomial(rng: Rng, mu: number, k: number): number {
  if (mu === 0) return 0;
  return samplePoisson(rng, sampleGamma(rng, k, mu / k));
}

/** Exponential draw with the given rate (inversion). */
export function sampleExponential(rng: Rng, rate: number): number {
  if (!(rate > 0)) throw new RangeError(`exponential rate must be > 0, got ${rate}`);
  return -Math.log(rng.uniformOpen()) / rate;
}

/**
 * Count with mean mu and variance phi * mu: Poisson when phi <= 1, otherwise the gamma-Poisson
 * (negative binomial) mixture with size mu / (phi - 1).
 */
export function sampleOverdispersedCount(rng: Rng, mu: number, phi: number): number {
  if (phi <= 1 || mu === 0) return samplePoisson(rng, mu);
  return sampleNegBinomial(rng, mu, mu / (phi - 1));
}
