import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { afindRunningCosine, afindRunningCosineMany, contextAround, prepareText } from "./running-cosine.js";

interface RefRow {
  row: number;
  target: string;
  context: string;
  paperDistance: number;
  rLocation: number;
  rDistance: number;
  rMatch: string;
}

// Reference values computed ONCE with R 4.2 + stringdist 0.9.10 (Debian r-cran-stringdist) by
// test/fixtures/screening/s1/dead-donor-afind-r.R:
//   afind(d$context[i], d$target_string[i], method = "running_cosine")
// on the 40 rows of Robertson & Lavee's round_4 coding file (mpr1255/dead_donor_replication, MIT).
const ref = JSON.parse(
  readFileSync(new URL("../../../test/fixtures/screening/s1/dead-donor-afind-r.json", import.meta.url), "utf8"),
) as RefRow[];

describe("afindRunningCosine reproduces R stringdist::afind(method = 'running_cosine')", () => {
  it("has the 40 reference rows", () => {
    expect(ref).toHaveLength(40);
  });

  it.each(ref.map((r) => [r.row, r] as const))("dead_donor_sample row %i: distance, location and match", (_row, r) => {
    const got = afindRunningCosine(r.context, r.target);
    expect(Math.abs(got.distance! - r.rDistance)).toBeLessThan(1e-9);
    expect(got.location).toBe(r.rLocation);
    expect(got.match).toBe(r.rMatch);
    // and R reproduces the distance the paper stored (6 significant digits in the file)
    expect(Math.abs(got.distance! - r.paperDistance)).toBeLessThan(1e-12);
  });

  // Each value below printed by: Rscript -e 'library(stringdist); r <- afind(x, p, method="running_cosine", q=Q);
  //   cat(sprintf("%d %.17g %s", r$location[1,1], r$distance[1,1], r$match[1,1]))'
  it.each([
    ["abcde zhij", "bcd", 1, 2, 0, "bcd"],
    ["abcabc", "ab", 1, 1, 0, "ab"], // ties: the first best window
    ["aaaa", "ab", 1, 1, 0.29289321881345254, "aa"],
    ["ab", "abcd", 1, 1, 0.29289321881345254, "ab"], // window longer than the text: the whole text
    ["xyz", "ab", 1, 1, 1, "xy"],
    ["脑死亡 后立即气管插管", "脑死亡后立即气管内插管给氧", 1, 1, 0.14066215115268055, "脑死亡 后立即气管插管"],
    ["abcdefabc", "cab", 2, 1, 0.50000000000000011, "abc"],
    ["abcdefabc", "cab", 3, 1, 1, "abc"],
    ["If you squeeze my lizzard, I put my snake on you.", "lizard", 3, 19, 0.5, "lizzar"],
    ["𠀀𠀁ab𠀀", "𠀁a", 1, 2, 0, "𠀁a"], // astral-plane characters count as one character, as in R
  ] as const)("afind(%j, %j, q=%i)", (x, p, q, loc, d, m) => {
    const got = afindRunningCosine(x, p, { q });
    expect(got.location).toBe(loc);
    expect(Math.abs(got.distance! - d)).toBeLessThan(1e-12);
    expect(got.match).toBe(m);
  });

  // Rscript -e 'library(stringdist); x <- "供体心肺功能正常,但胸廓小于受体10%。于脑死亡 后立即气管插管接简易呼吸囊行控制呼吸，FiO尸0 2。";
  //   for (p in c("脑死亡后立即气管内插管给氧","供者气管插管","控制呼吸")) for (q in 2:3) { r <- afind(x, p, method="running_cosine", q=q);
  //   cat(sprintf("%s %d %d %.17g %s\n", p, q, r$location[1,1], r$distance[1,1], r$match[1,1])) }'
  const zh = "供体心肺功能正常,但胸廓小于受体10%。于脑死亡 后立即气管插管接简易呼吸囊行控制呼吸，FiO尸0 2。";
  it.each([
    ["脑死亡后立即气管内插管给氧", 2, 20, 0.41666666666666663, "。于脑死亡 后立即气管插管"],
    ["脑死亡后立即气管内插管给氧", 3, 18, 0.63636363636363635, "0%。于脑死亡 后立即气管"],
    ["供者气管插管", 2, 27, 0.40000000000000013, "立即气管插管"],
    ["供者气管插管", 3, 27, 0.5, "立即气管插管"],
    ["控制呼吸", 2, 40, 0, "控制呼吸"],
    ["控制呼吸", 3, 40, 0, "控制呼吸"],
  ] as const)("Chinese text, q-grams > 1: afind(zh, %j, q=%i)", (p, q, loc, d, m) => {
    const got = afindRunningCosine(zh, p, { q });
    expect(got.location).toBe(loc);
    expect(Math.abs(got.distance! - d)).toBeLessThan(1e-9);
    expect(got.match).toBe(m);
  });

  it("returns null (R: NaN) when no q-gram can be formed, never NaN", () => {
    expect(afindRunningCosine("", "ab")).toEqual({ location: null, distance: null, match: "" });
    // R: afind("ab", "abc", q = 3) gives distance NaN
    expect(afindRunningCosine("ab", "abc", { q: 3 }).distance).toBeNull();
  });

  it("gives the same answers from a prepared text reused across patterns", () => {
    const r = ref[0]!;
    const prepared = prepareText(r.context);
    for (const row of ref.slice(0, 5)) {
      expect(afindRunningCosine(prepared, row.target)).toEqual(afindRunningCosine(r.context, row.target));
    }
  });

  it("agrees with a brute-force cosine over every window (q = 1 and q = 2)", () => {
    const text = "供体心肺功能正常,但胸廓小于受体10%。于脑死亡 后立即气管插管接简易呼吸囊行控制呼吸";
    for (const q of [1, 2]) {
      for (const p of ["气管插管", "脑死亡后", "呼吸囊控制", "供者"]) {
        const got = afindRunningCosine(text, p, { q });
        const chars = Array.from(text);
        const grams = (s: string[]): Map<string, number> => {
          const m = new Map<string, number>();
          for (let i = 0; i + q <= s.length; i++) m.set(s.slice(i, i + q).join(""), (m.get(s.slice(i, i + q).join("")) ?? 0) + 1);
          return m;
        };
        const pg = grams(Array.from(p));
        let best = Infinity;
        let at = -1;
        const w = Array.from(p).length;
        for (let s = 0; s + w <= chars.length; s++) {
          const wg = grams(chars.slice(s, s + w));
          let dot = 0, a = 0, b = 0;
          for (const [g, k] of wg) { a += k * k; dot += k * (pg.get(g) ?? 0); }
          for (const k of pg.values()) b += k * k;
          const d = 1 - dot / (Math.sqrt(a) * Math.sqrt(b));
          if (d < best - 1e-12) { best = d; at = s + 1; }
        }
        expect(got.location).toBe(at);
        expect(Math.abs(got.distance! - best)).toBeLessThan(1e-12);
      }
    }
  });

  it("afindRunningCosineMany gives exactly the per-pattern results (all 40 targets × 40 contexts)", () => {
    const targets = ref.map((r) => r.target);
    for (const r of ref) {
      const pt = prepareText(r.context);
      expect(afindRunningCosineMany(pt, targets)).toEqual(targets.map((p) => afindRunningCosine(pt, p)));
    }
    expect(afindRunningCosineMany("", ["ab", "c"])).toEqual([
      { location: null, distance: null, match: "" },
      { location: null, distance: null, match: "" },
    ]);
    expect(afindRunningCosineMany("ab", ["abcd", "b"])).toEqual([afindRunningCosine("ab", "abcd"), afindRunningCosine("ab", "b")]);
  });

  it("contextAround is R's substr(text, loc - 70, loc + 70) on characters", () => {
    const text = "一二三四五六七八九十";
    expect(contextAround(text, 5, 2, 3)).toBe("三四五六七八");
    expect(contextAround(text, 1, 70, 70)).toBe(text);
  });

  it("rejects a bad q or window", () => {
    expect(() => afindRunningCosine("abc", "a", { q: 0 })).toThrow(RangeError);
    expect(() => afindRunningCosine("abc", "a", { window: 0 })).toThrow(RangeError);
  });
});
