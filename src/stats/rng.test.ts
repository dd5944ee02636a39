import { describe, expect, it } from "vitest";
import { bulkState, createRng, fillUniform53, xoshiro128ssNext } from "./rng.js";

// Reference outputs of xoshiro128** 1.1 from the authors' C code (https://prng.di.unimi.it/xoshiro128starstar.c),
// compiled with gcc -O2, state {1, 2, 3, 4}:
//   for (i = 0; i < 8; i++) printf("%u\n", next());
//   then, from {1, 2, 3, 4} again, 53-bit doubles: a = next() >> 5, b = next() >> 6;
//   printf("%.17g\n", (a * 67108864.0 + b) / 9007199254740992.0);
const REF_U32 = [11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849];
const REF_F64 = [2.6822090148925781e-6, 0.0013799966610139602, 0.47304711029826541, 0.29970869324795935];

describe("bulk generator (xoshiro128**)", () => {
  it("matches the reference C implementation, 32-bit outputs and 53-bit doubles", () => {
    const s = Uint32Array.from([1, 2, 3, 4]);
    expect(REF_U32.map(() => xoshiro128ssNext(s))).toEqual(REF_U32);
    const out = new Float64Array(4);
    fillUniform53(Uint32Array.from([1, 2, 3, 4]), out);
    expect([...out]).toEqual(REF_F64);
  });

  it("fillUniform continues the stream across calls and is a function of the seed", () => {
    const whole = new Float64Array(20);
    createRng(77).fillUniform(whole);
    const r = createRng(77);
    const a = new Float64Array(7);
    const b = new Float64Array(13);
    r.fillUniform(a);
    r.fillUniform(b);
    expect([...a, ...b]).toEqual([...whole]);
    const other = new Float64Array(20);
    createRng(78).fillUniform(other);
    expect([...other]).not.toEqual([...whole]);
    expect([...bulkState(77)]).toEqual([...bulkState(77)]);
  });

  it("does not change the uniform()/normal() stream (seeded outputs elsewhere stay pinned)", () => {
    const plain = createRng(123);
    const mixed = createRng(123);
    const buf = new Float64Array(1000);
    const got: number[] = [];
    const want: number[] = [];
    for (let i = 0; i < 50; i++) {
      want.push(plain.uniform(), plain.normal());
      mixed.fillUniform(buf);
      got.push(mixed.uniform(), mixed.normal());
    }
    expect(got).toEqual(want);
  });

  it("uniforms on [0, 1): mean, variance and a 100-cell chi-square within their null ranges", () => {
    const n = 1_000_000;
    const u = new Float64Array(n);
    createRng(9).fillUniform(u);
    let s = 0;
    let s2 = 0;
    const cells = new Float64Array(100);
    let outside = 0;
    for (const x of u) {
      if (!(x >= 0 && x < 1)) outside++;
      s += x;
      s2 += x * x;
      cells[Math.floor(x * 100)]!++;
    }
    expect(outside).toBe(0);
    const mean = s / n;
    // SE of the mean of U(0,1): sqrt(1/12/n); of the mean square: sqrt(Var(U²)/n), Var(U²) = 1/5 − 1/9
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(s2 / n - 1 / 3)).toBeLessThan(4 * Math.sqrt((1 / 5 - 1 / 9) / n));
    let chi = 0;
    for (const c of cells) chi += (c - n / 100) ** 2 / (n / 100);
    // scipy.stats.chi2(99).ppf(0.999) = 148.23
    expect(chi).toBeLessThan(148.23);
  });
});
