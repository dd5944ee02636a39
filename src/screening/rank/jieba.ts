/**
 * Adapter around @node-rs/jieba (native addon with its bundled dictionary): a Chinese word
 * segmenter for the tokeniser. The dictionary is loaded once, on first use (~0.25 s).
 */
import { Jieba } from "@node-rs/jieba";
import { dict } from "@node-rs/jieba/dict.js";

let instance: Jieba | null = null;

/** jieba's precise-mode segmentation (HMM for unknown words on). */
export function jiebaSegment(text: string): string[] {
  instance ??= Jieba.withDict(dict);
  return instance.cut(text, true);
}
