import { OrganAuditError } from "../core/errors.js";
import { caveat, makeFinding, type Finding, type InputRef } from "../core/finding.js";
import { accountingFinding, type AccountingResult } from "./accounting.js";
import { distQuantile, isDegenerate, support } from "./distributions.js";
import { jsonPath, VARIABLES, validateScenario, type InputSpec, type Scenario, type Variable } from "./scenario.js";

/**
 * Changes to an accounting scenario, e.g. from the web app's sliders, applied to the scenario's JSON
 * before it is validated (so every changed value goes through the scenario's zod schema and checks,
 * and a bad value is reported with its JSON path). Pure: no I/O.
 *
 * An override is `{ path, value }` where `path` is either
 * - a JSON path to a number of the scenario, e.g. `$.years[3].executions.triangular[1]` (the `$.` may be
 *   omitted): that number is replaced by `value`; or
 * - `scale.<variable>` (a variable of the identity: transplants, executions, shareUsed,
 *   organsPerExecuted, voluntaryDonors, organsPerDonor, livingDonorTransplants): the variable is
 *   multiplied by `value` in every year, i.e. its distribution is rescaled (fixed, uniform, triangular
 *   and pert parameters and the normal mean and sd are multiplied; a lognormal's mu is shifted by
 *   ln(value)); for transplantsByOrgan every organ is scaled. `value` is a factor from 0 to 100.
 * Overrides apply in the order given.
 */
export interface ScenarioOverride {
  path: string;
  value: number;
}

/** Largest factor a `scale.<variable>` override accepts. */
export const MAX_SCALE = 100;
const SCALE_PREFIX = "scale.";
const DIST_KEYS = ["fixed", "uniform", "triangular", "normal", "lognormal", "pert"] as const;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Parse a JSON path (`$.a[0]["b c"]`, `$` optional) into its segments. Throws M_ACC_OVERRIDE_PATH. */
export function parseJsonPath(path: string): (string | number)[] {
  const bad = (detail: string): never => {
    throw new OrganAuditError("M_ACC_OVERRIDE_PATH", { path, detail }, { path });
  };
  let s = path.trim();
  if (s.startsWith("$")) s = s.slice(1);
  else if (s !== "" && s[0] !== "[" && s[0] !== ".") s = `.${s}`;
  const out: (string | number)[] = [];
  let i = 0;
  while (i < s.length) {
    if (s[i] === ".") {
      const m = /^[A-Za-z_$][A-Za-z0-9_$-]*/.exec(s.slice(i + 1));
      if (!m) bad(`expected a field name after "." at character ${i + 1}`);
      out.push(m![0]);
      i += 1 + m![0].length;
    } else if (s[i] === "[") {
      const num = /^\[(\d{1,6})\]/.exec(s.slice(i));
      const str = /^\["((?:[^"\\]|\\.)*)"\]/.exec(s.slice(i));
      if (num) {
        out.push(Number(num[1]));
        i += num[0].length;
      } else if (str) {
        out.push(JSON.parse(`"${str[1]}"`) as string);
        i += str[0].length;
      } else bad(`expected [index] or ["name"] at character ${i + 1}`);
    } else bad(`unexpected character ${JSON.stringify(s[i])} at character ${i + 1}`);
  }
  if (out.length === 0) bad("the path names no value");
  return out;
}

function isObject(v: unknown): v is Record<string, Json> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Multiply the random variable of one raw value spec by k (in place). */
function scaleRawSpec(spec: Record<string, Json>, k: number): void {
  for (const key of DIST_KEYS) {
    const v = spec[key];
    if (v === undefined) continue;
    if (key === "lognormal" && Array.isArray(v) && typeof v[0] === "number") {
      if (k === 0) {
        delete spec.lognormal;
        spec.fixed = 0;
      } else v[0] = v[0] + Math.log(k);
    } else if (typeof v === "number") spec[key] = v * k;
    else if (Array.isArray(v)) spec[key] = v.map((x) => (typeof x === "number" ? x * k : x));
  }
}

function checkValue(o: ScenarioOverride, scale: boolean): void {
  const bad = (detail: string): never => {
    throw new OrganAuditError("M_ACC_OVERRIDE_VALUE", { path: o.path, detail }, { path: o.path });
  };
  if (typeof o.value !== "number" || !Number.isFinite(o.value)) bad(`expected a finite number, found ${JSON.stringify(o.value)}`);
  if (scale && (o.value < 0 || o.value > MAX_SCALE)) bad(`a scale factor must be from 0 to ${MAX_SCALE}, found ${o.value}`);
}

/**
 * Apply overrides to a scenario's JSON value (not changed: a modified deep copy is returned). Throws
 * M_ACC_OVERRIDE_PATH (a path that is malformed or names no number of the scenario) or
 * M_ACC_OVERRIDE_VALUE, with `location.path` = the override's path. The result still has to be
 * validated (validateScenario), which names the JSON path of any value the change made invalid.
 */
export function applyOverrides(raw: unknown, overrides: readonly ScenarioOverride[]): unknown {
  const copy = JSON.parse(JSON.stringify(raw)) as Json;
  for (const o of overrides) {
    if (typeof o.path !== "string") {
      throw new OrganAuditError("M_ACC_OVERRIDE_PATH", { path: String(o.path), detail: "the path must be a string" });
    }
    if (o.path.startsWith(SCALE_PREFIX)) {
      checkValue(o, true);
      const variable = o.path.slice(SCALE_PREFIX.length);
      if (!(VARIABLES as readonly string[]).includes(variable)) {
        throw new OrganAuditError(
          "M_ACC_OVERRIDE_PATH",
          { path: o.path, detail: `unknown variable "${variable}" (variables: ${VARIABLES.join(", ")})` },
          { path: o.path },
        );
      }
      scaleVariable(copy, variable as Variable, o.value);
      continue;
    }
    checkValue(o, false);
    const segs = parseJsonPath(o.path);
    let node: Json = copy;
    for (let k = 0; k < segs.length - 1; k++) node = child(node, segs[k]!, o.path, segs.slice(0, k + 1));
    const last = segs[segs.length - 1]!;
    const current = child(node, last, o.path, segs);
    if (typeof current !== "number") {
      throw new OrganAuditError(
        "M_ACC_OVERRIDE_PATH",
        { path: o.path, detail: `${jsonPath(segs)} holds ${current === null ? "null" : Array.isArray(current) ? "an array" : typeof current}, not a number` },
        { path: o.path },
      );
    }
    (node as Record<string | number, Json>)[last] = o.value;
  }
  return copy;
}

function child(node: Json, seg: string | number, path: string, upTo: (string | number)[]): Json {
  const missing = (): never => {
    throw new OrganAuditError("M_ACC_OVERRIDE_PATH", { path, detail: `the scenario has no value at ${jsonPath(upTo)}` }, { path });
  };
  if (typeof seg === "number") {
    if (!Array.isArray(node) || seg >= node.length) return missing();
    return node[seg]!;
  }
  if (!isObject(node) || !Object.prototype.hasOwnProperty.call(node, seg)) return missing();
  return node[seg]!;
}

function scaleVariable(root: Json, variable: Variable, k: number): void {
  if (!isObject(root) || !Array.isArray(root.years)) return; // validation reports the missing years
  for (const y of root.years) {
    if (!isObject(y)) continue;
    if (variable === "transplants" && isObject(y.transplantsByOrgan)) {
      for (const spec of Object.values(y.transplantsByOrgan)) if (isObject(spec)) scaleRawSpec(spec, k);
    }
    const spec = y[variable];
    if (isObject(spec)) scaleRawSpec(spec, k);
  }
}

/** Short human-readable form of an override: "executions ×1.5" or "$.years[3].executions.fixed = 9000". */
export function overrideLabel(o: ScenarioOverride): string {
  if (o.path.startsWith(SCALE_PREFIX)) return `${o.path.slice(SCALE_PREFIX.length)} ×${o.value}`;
  return `${jsonPath(parseJsonPath(o.path))} = ${o.value}`;
}

/** Apply the overrides and validate: the changed scenario, named "<name> (modified: …)" when changed. */
export function scenarioWithOverrides(raw: unknown, overrides: readonly ScenarioOverride[], file?: string): Scenario {
  const changed = overrides.length > 0 ? applyOverrides(raw, overrides) : raw;
  const s = validateScenario(changed, file);
  if (overrides.length === 0) return s;
  return { ...s, name: `${s.name} (modified: ${overrides.map(overrideLabel).join("; ")})` };
}

/**
 * The accounting finding of a run on a scenario changed by overrides: the library's finding with the
 * overrides (in order) recorded as the parameter `overrides` and a caveat saying the scenario was
 * changed. Without overrides it is exactly accountingFinding's finding.
 */
export function accountingFindingWithOverrides(
  s: Scenario,
  result: AccountingResult,
  input: InputRef,
  overrides: readonly ScenarioOverride[],
): Finding<AccountingResult> {
  const f = accountingFinding(s, result, input);
  if (overrides.length === 0) return f;
  const list = overrides.map(overrideLabel).join("; ");
  return makeFinding({
    method: f.method,
    methodVersion: f.provenance.methodVersion,
    title: f.title,
    verdict: f.verdict,
    statement: f.statement,
    ...(f.statistic ? { statistic: f.statistic } : {}),
    ...(f.interval ? { interval: f.interval } : {}),
    result: f.result,
    caveats: [...f.caveats, caveat("C_ACC_OVERRIDDEN", { n: overrides.length, list })],
    inputs: f.provenance.inputs,
    parameters: { ...f.provenance.parameters, overrides: overrides.map((o) => ({ path: o.path, value: o.value })) },
    seed: f.provenance.seed,
  });
}

// ---------------------------------------------------------------------------------------------
// Sliders

/** A slider the web app can show for a scenario: sending `{ path, value }` as an override moves it. */
export interface ScenarioSlider {
  /** the variable of the identity */
  name: Variable;
  /** override path: `scale.<variable>` */
  path: string;
  label: string;
  /** scale factor range and step; the scenario as published is value 1 */
  min: number;
  max: number;
  step: number;
  value: number;
  unit: string;
  /** what the factor multiplies: the range over years of the variable's median in the scenario */
  baseline: { from: number; to: number; lowMedian: number; highMedian: number; unit: string; uncertain: boolean };
}

const VARIABLE_TEXT: Record<Variable, { label: string; unit: string }> = {
  transplants: { label: "Claimed transplants", unit: "transplants per year" },
  executions: { label: "Executions", unit: "executions per year" },
  shareUsed: { label: "Share of executed prisoners used as donors", unit: "share (0 to 1)" },
  organsPerExecuted: { label: "Organs per executed donor", unit: "organs per donor" },
  voluntaryDonors: { label: "Voluntary deceased donors", unit: "donors per year" },
  organsPerDonor: { label: "Organs per voluntary donor", unit: "organs per donor" },
  livingDonorTransplants: { label: "Living-donor transplants", unit: "transplants per year" },
};

/** Default range of a scale slider: half to twice the scenario's values. */
export const SLIDER_RANGE = { min: 0.5, max: 2, step: 0.05 } as const;

/**
 * Sliders for a validated scenario: one per variable of the identity that is non-zero in some year,
 * each a scale factor on the scenario's values (every year at once) from 0.5× to 2× in steps of 0.05,
 * value 1 = as published. A share (shareUsed) goes from 0 to the largest factor that keeps every year's
 * upper bound ≤ 1 (at most 2). Variables that are 0 in every year get no slider (scaling would not
 * change them).
 */
export function scenarioSliders(s: Scenario): ScenarioSlider[] {
  const out: ScenarioSlider[] = [];
  const round = (x: number) => Math.round(x * 1e6) / 1e6;
  for (const v of VARIABLES) {
    const per = s.years.map((y) => {
      const specs: InputSpec[] = v === "transplants" ? y.transplants.map((t) => t.spec) : [y[v]];
      return {
        median: specs.reduce((a, sp) => a + distQuantile(sp.dist, 0.5), 0),
        upper: specs.reduce((a, sp) => a + support(sp.dist)[1], 0),
        uncertain: specs.some((sp) => !isDegenerate(sp.dist)),
      };
    });
    const maxUpper = Math.max(...per.map((p) => p.upper));
    if (!(maxUpper > 0)) continue;
    let { min, max } = SLIDER_RANGE as { min: number; max: number };
    const step = SLIDER_RANGE.step;
    if (v === "shareUsed") {
      min = 0;
      max = Math.min(SLIDER_RANGE.max, Math.floor(round(1 / maxUpper / step)) * step);
      max = round(max);
      if (max < 1) max = 1; // cannot happen for a valid scenario (shares ≤ 1); keeps value 1 inside the range
    }
    const medians = per.map((p) => p.median);
    const t = VARIABLE_TEXT[v];
    out.push({
      name: v,
      path: `${SCALE_PREFIX}${v}`,
      label: `${t.label} (× scenario values)`,
      min,
      max,
      step,
      value: 1,
      unit: "× scenario value",
      baseline: {
        from: s.years[0]!.year,
        to: s.years[s.years.length - 1]!.year,
        lowMedian: round(Math.min(...medians)),
        highMedian: round(Math.max(...medians)),
        unit: t.unit,
        uncertain: per.some((p) => p.uncertain),
      },
    });
  }
  return out;
}
