import type { InputRef } from "../core/finding.js";

/**
 * A numeric series handed to a forensic test: x (usually years) and y (counts), same length, sorted
 * by x, no duplicate x. `input` says where the values came from (file hash, source ids).
 */
export interface Series {
  name: string;
  x: number[];
  y: number[];
  input: InputRef;
}

/** A named group of peer series (e.g. one per comparator country). */
export interface PeerSet {
  /** e.g. "GODT deceased donors, 2000-2017" */
  name: string;
  series: Series[];
}
