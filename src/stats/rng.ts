import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";

/**
 * A seeded random source. Every random draw in Organ Audit goes through one of these, so the same
 * seed gives byte-identical results. Generator: xoroshiro128+ (pure-rand), 53-bit uniforms.
 */
export interface Rng {
  readonly seed: number;
  /** uniform on [0, 1) */
  uniform(): number;
  /** uniform on (0, 1): never 0, safe for logarithms and inverse CDFs */
  uniformOpen(): number;
  /** standard normal (Marsaglia polar method, spare value cached) */
  normal(): number;
  /** integer uniform on [0, n) */
  int(n: number): number;
  /** a new independent stream derived from this seed and a label (for parallel, order-free streams) */
  fork(label: number): Rng;
}

export function createRng(seed: number): Rng {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`seed must be an integer in [0, 2^32), got ${seed}`);
  }
  const g = xoroshiro128plus(seed | 0);
  let spare: number | null = null;
  const rng: Rng = {
    seed,
    uniform: () => uniformFloat64(g),
    uniformOpen: () => {
      let u = 0;
      while (u === 0) u = uniformFloat64(g);
      return u;
    },
    normal: () => {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u: number, v: number, s: number;
      do {
        u = 2 * uniformFloat64(g) - 1;
        v = 2 * uniformFloat64(g) - 1;
        s = u * u + v * v;
      } while (s >= 1 || s === 0);
      const m = Math.sqrt((-2 * Math.log(s)) / s);
      spare = v * m;
      return u * m;
    },
    int: (n: number) => Math.floor(uniformFloat64(g) * n),
    fork: (label: number) => createRng(mixSeed(seed, label)),
  };
  return rng;
}

/** Deterministically mix a seed and a label into a new 32-bit seed (splitmix-style finaliser). */
export function mixSeed(seed: number, label: number): number {
  let h = (seed ^ Math.imul(label + 0x9e3779b9, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
