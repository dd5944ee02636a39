/**
 * Feature extraction for ranking: the text of a record (title, abstract and optionally keywords),
 * tokenised (English word n-grams; Chinese character bigrams and/or segmenter words) and weighted by
 * TF-IDF. Pure (a segmenter is injected).
 */
import type { ScreeningRecord } from "../records/record.js";
import { tfidf, type TfidfModel, type TfidfOptions } from "./tfidf.js";
import { tokenize, type TokenizerOptions } from "./tokenize.js";

export interface FeatureOptions extends TokenizerOptions, TfidfOptions {
  /** add the keywords to the text; default false (ASReview uses title and abstract) */
  keywords?: boolean;
}

/** The text a record is ranked on. */
export function recordText(r: Pick<ScreeningRecord, "title" | "abstract" | "keywords">, keywords = false): string {
  return keywords ? `${r.title} ${r.abstract} ${r.keywords.join("; ")}` : `${r.title} ${r.abstract}`;
}

export function buildFeatures(
  records: ReadonlyArray<Pick<ScreeningRecord, "title" | "abstract" | "keywords">>,
  opts: FeatureOptions = {},
): TfidfModel {
  return tfidf(
    records.map((r) => tokenize(recordText(r, opts.keywords ?? false), opts)),
    opts,
  );
}
