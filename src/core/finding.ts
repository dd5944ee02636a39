import { canonicalJson } from "./canonical.js";
import { sha256Hex } from "./hash.js";
import { message, type MessageArgs, type MessageCode } from "./messages.js";
import { TOOL_NAME, TOOL_VERSION } from "./version.js";

/**
 * The outcome of a test on the data.
 * - `flag`: the data are inconsistent with the stated reference (at the stated level).
 * - `pass`: the data are consistent with the reference; this is not proof of authenticity.
 * - `insufficient-data`: the test cannot decide with these data (too few points, no power).
 * - `estimate`: a model output (e.g. an accounting gap) that is not a test and carries no verdict.
 */
export type Verdict = "flag" | "pass" | "insufficient-data" | "estimate";

/** A caveat is a first-class part of a finding, with a stable code from messages.ts. */
export interface Caveat {
  code: string;
  message: string;
}

export function caveat<C extends MessageCode>(code: C, args: MessageArgs<C>): Caveat {
  return { code, message: message(code, args) };
}

/** One input of a computation: a named data set with the SHA-256 of its canonical content. */
export interface InputRef {
  /** e.g. "data/china_deceased_donors.csv#national-default" or a user's file path */
  name: string;
  /** SHA-256 of the bytes of the file, or of the canonical JSON of the values used */
  sha256: string;
  /** number of values or rows used */
  n?: number;
  /** source ids (from the data package's sources table) that the values cite */
  sourceIds?: string[];
}

export interface Provenance {
  tool: { name: string; version: string; commit?: string };
  method: string;
  methodVersion: string;
  inputs: InputRef[];
  parameters: Record<string, unknown>;
  /** seed of every random draw in the computation; null when the method draws nothing */
  seed: number | null;
}

export interface Finding<R = unknown> {
  /** deterministic id: hash of method, version, inputs, parameters and seed */
  id: string;
  method: string;
  title: string;
  verdict: Verdict;
  /** one neutral sentence: what the test shows, with "consistent with"/"inconsistent with" */
  statement: string;
  statistic?: { name: string; value: number };
  /** p-value of the test, null where it cannot be computed */
  pValue?: number | null;
  /** multiplicity-adjusted p-value (e.g. Holm) when the finding is part of a battery */
  pAdjusted?: number | null;
  interval?: { level: number; low: number; high: number };
  result: R;
  caveats: Caveat[];
  provenance: Provenance;
}

export interface FindingInit<R> {
  method: string;
  methodVersion: string;
  title: string;
  verdict: Verdict;
  statement: string;
  statistic?: { name: string; value: number };
  pValue?: number | null;
  interval?: { level: number; low: number; high: number };
  result: R;
  caveats?: Caveat[];
  inputs: InputRef[];
  parameters: Record<string, unknown>;
  seed?: number | null;
}

/** Build a finding with its provenance and deterministic id. Pure: no clock, no randomness. */
export function makeFinding<R>(init: FindingInit<R>): Finding<R> {
  const provenance: Provenance = {
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    method: init.method,
    methodVersion: init.methodVersion,
    inputs: init.inputs,
    parameters: init.parameters,
    seed: init.seed ?? null,
  };
  const id = findingId(provenance);
  const f: Finding<R> = {
    id,
    method: init.method,
    title: init.title,
    verdict: init.verdict,
    statement: init.statement,
    result: init.result,
    caveats: init.caveats ?? [],
    provenance,
  };
  if (init.statistic) f.statistic = init.statistic;
  if (init.pValue !== undefined) f.pValue = init.pValue;
  if (init.interval) f.interval = init.interval;
  return f;
}

export function findingId(p: Omit<Provenance, "tool"> & { tool?: unknown }): string {
  const basis = canonicalJson({
    method: p.method,
    methodVersion: p.methodVersion,
    inputs: p.inputs,
    parameters: p.parameters,
    seed: p.seed,
  });
  return `F-${sha256Hex(basis).slice(0, 16)}`;
}

/** Hash the values a method actually used (for inputs that are not whole files). */
export function hashValues(values: unknown): string {
  return sha256Hex(canonicalJson(values));
}
