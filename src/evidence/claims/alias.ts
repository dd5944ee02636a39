import * as OpenCC from "opencc-js";
import type { Entity } from "./model.js";

/**
 * Name folding for entity look-up (pure): traditional Chinese folded to simplified (OpenCC t→cn),
 * NFKC, lower case, tone marks and other diacritics removed (Huáng Jiéfū → huangjiefu), and spaces,
 * hyphens, apostrophes and dots dropped, so that 黃潔夫, 黄洁夫, "Huang Jiefu" and "huang jie-fu" each
 * fold to one key per script. Names of entities are short, so the OpenCC phrase errors that matter
 * for running text (STACK.md: 植发→植髮 in s→t) do not arise in this t→s direction; a test pins
 * the domain names.
 */
let t2s: ((s: string) => string) | null = null;

function toSimplified(s: string): string {
  const convert = (t2s ??= OpenCC.Converter({ from: "t", to: "cn" }));
  return convert(s);
}

export function foldName(s: string): string {
  return toSimplified(s.normalize("NFKC"))
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .normalize("NFC")
    .toLowerCase()
    .replace(/[\s\-‐‑'’.·・,，()（）]+/gu, "");
}

/** Every folded key of an entity: its name and each alias. */
export function entityKeys(e: Pick<Entity, "name" | "aliases">): string[] {
  const keys = new Set<string>([foldName(e.name)]);
  for (const a of e.aliases) keys.add(foldName(a.text));
  keys.delete("");
  return [...keys];
}

/**
 * Rank entities for a query: 2 = a key equals the folded query, 1 = a key contains it (queries of
 * at least 2 folded characters), 0 = no match. Ties keep the input order.
 */
export function matchEntities<E extends Pick<Entity, "name" | "aliases">>(entities: readonly E[], query: string): E[] {
  const q = foldName(query);
  if (q === "") return [];
  const scored = entities.map((e, i) => {
    const keys = entityKeys(e);
    const score = keys.includes(q) ? 2 : q.length >= 2 && keys.some((k) => k.includes(q)) ? 1 : 0;
    return { e, i, score };
  });
  return scored
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .map((s) => s.e);
}
