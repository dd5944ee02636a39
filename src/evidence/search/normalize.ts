/**
 * Search normalisation (no I/O): the same folding is applied to documents and to queries, so that a query
 * in simplified characters finds traditional text and the reverse, full-width and Kangxi-radical forms match
 * their ordinary forms, and case does not matter.
 *
 * fold(s) = lower-case( OpenCC traditional→simplified( pre-pass( NFKC + CJK radicals(s) ) ) )
 *
 * The pre-pass is a small phrase dictionary run before OpenCC for conversions OpenCC's forward
 * maximum matching gets wrong in this field's vocabulary. Simplified text passes through OpenCC's t→s
 * conversion unchanged for the domain terms tested in normalize.test.ts.
 */
import * as OpenCC from "opencc-js";
import { normalizeCjk } from "../content/cjk-compat.js";

/**
 * Known phrase errors, fixed before the main conversion. OpenCC s→t turns 移植发展 into 移植髮展 (植发 is
 * matched as "hair transplant"); the t→s direction used for folding is correct for it, but documents that
 * were produced by a faulty s→t conversion carry 髮, which must fold to 发 in this phrase as well.
 */
export const PHRASE_FIXES: [string, string][] = [
  ["移植髮展", "移植发展"],
  ["移植髪展", "移植发展"],
];

let t2s: ((s: string) => string) | undefined;
let prepass: ((s: string) => string) | undefined;

function converters(): { t2s: (s: string) => string; prepass: (s: string) => string } {
  const a = (t2s ??= OpenCC.Converter({ from: "t", to: "cn" }));
  const b = (prepass ??= OpenCC.CustomConverter(PHRASE_FIXES));
  return { t2s: a, prepass: b };
}

/** Traditional → simplified with the phrase pre-pass (no other change). */
export function toSimplified(s: string): string {
  const c = converters();
  return c.t2s(c.prepass(s));
}

const ASCII_ONLY = /^\p{ASCII}*$/u;
const NON_ASCII_RUN = /\P{ASCII}+/gu;

/**
 * The search folding of a document or query. ASCII-only text skips NFKC and OpenCC (both are the identity
 * on ASCII); otherwise OpenCC converts only the runs of non-ASCII characters (its dictionaries and the
 * phrase fixes hold no ASCII, so no phrase spans an ASCII character and the result is the same as
 * converting the whole string, with less work on the Latin parts of mixed text).
 */
export function fold(s: string): string {
  if (ASCII_ONLY.test(s)) return s.toLowerCase();
  const n = normalizeCjk(s);
  if (ASCII_ONLY.test(n)) return n.toLowerCase();
  return n.replace(NON_ASCII_RUN, (run) => toSimplified(run)).toLowerCase();
}

const HAN = /\p{Script=Han}/u;

export function isHan(ch: string): boolean {
  return HAN.test(ch);
}

export function hasHan(s: string): boolean {
  return HAN.test(s);
}

/** Number of code points. */
export function cpLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}
