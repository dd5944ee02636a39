import { z } from "zod";
import { OrganAuditError } from "../core/errors.js";
import type { MessageArgs, MessageCode } from "../core/messages.js";
import { DIST_KINDS, type Dist, type DistKind } from "./distributions.js";

/**
 * Scenario of the organ-source accounting model: per year, a distribution for each input of the
 * identity
 *
 *   unexplained = transplants − executions·shareUsed·organsPerExecuted − voluntaryDonors·organsPerDonor − livingDonorTransplants
 *
 * Every value cites a source id (the data package's source register) or says `"source": "assumption"`
 * with a `rationale`. See scenarios/README.md for the format, defaults and the correlation design.
 */

export const VARIABLES = [
  "transplants",
  "executions",
  "shareUsed",
  "organsPerExecuted",
  "voluntaryDonors",
  "organsPerDonor",
  "livingDonorTransplants",
] as const;
export type Variable = (typeof VARIABLES)[number];

/** Variables that are counts (non-negative); the others are rates per donor or shares. */
const COUNT_VARIABLES: ReadonlySet<string> = new Set([
  "transplants",
  "executions",
  "voluntaryDonors",
  "livingDonorTransplants",
]);
const SHARE_VARIABLES: ReadonlySet<string> = new Set(["shareUsed"]);

/** The word a value uses instead of a source id when it is a stated assumption. */
export const ASSUMPTION = "assumption";

// ---------------------------------------------------------------------------------------------
// zod schema (structure). Semantic checks (parameter order, signs, years) are in validateScenario.

const finite = z.number();
const pair = z.tuple([finite, finite]);
const triple = z.tuple([finite, finite, finite]);

export const valueSpecSchema = z
  .object({
    fixed: finite.optional().describe("a point value"),
    uniform: pair.optional().describe("[a, b], a ≤ b"),
    triangular: triple.optional().describe("[min, mode, max], min ≤ mode ≤ max"),
    normal: pair
      .optional()
      .describe("[mean, sd], sd ≥ 0; always truncated below at 0 (all model inputs are non-negative)"),
    lognormal: pair.optional().describe("[mu, sigma] of log(X), sigma ≥ 0"),
    pert: triple.optional().describe("[min, mode, max], min ≤ mode ≤ max; shape `lambda` (default 4)"),
    lambda: z.number().positive().optional().describe("PERT shape parameter; default 4"),
    source: z
      .string()
      .min(1)
      .describe('source id from the data package\'s source register, or "assumption" (then `rationale` is required)'),
    rationale: z.string().min(1).optional().describe('why this value; required when source is "assumption"'),
    basedOn: z
      .array(z.string().min(1))
      .optional()
      .describe("source ids an assumption is derived from (e.g. the two values an interpolation joins)"),
    shared: z
      .string()
      .min(1)
      .optional()
      .describe(
        "name of a shared draw: all values with the same name use one standard-normal score per iteration (comonotonic), e.g. a parameter that is uncertain but constant over time",
      ),
    note: z.string().optional().describe("free text, e.g. how a DERIVED value was computed"),
  })
  .strict()
  .describe("one model input: exactly one distribution key plus its source");

const yearShape: Record<string, z.ZodType> = {
  year: z.number().int().describe("calendar year"),
  transplants: valueSpecSchema.optional().describe("all transplants performed (give this or transplantsByOrgan)"),
  transplantsByOrgan: z
    .record(z.string().min(1), valueSpecSchema)
    .optional()
    .describe("transplants by organ (e.g. kidney, liver, heart, lung); the total is their sum"),
  executions: valueSpecSchema.describe("executions in the year"),
  shareUsed: valueSpecSchema.describe("share of executed prisoners used as organ donors, in [0, 1]"),
  organsPerExecuted: valueSpecSchema.describe("organs transplanted per executed donor"),
  voluntaryDonors: valueSpecSchema.describe("voluntary (citizen) deceased donors"),
  organsPerDonor: valueSpecSchema.describe("organs transplanted per voluntary deceased donor"),
  livingDonorTransplants: valueSpecSchema.describe("transplants from living donors"),
};

export const yearSpecSchema = z.object(yearShape).strict();

export const scenarioSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().min(1).describe("short name, e.g. official"),
    description: z.string().optional(),
    period: z
      .tuple([z.number().int(), z.number().int()])
      .optional()
      .describe("[first, last] year; when given, every year in it must be present"),
    yearCorrelation: z
      .record(z.string(), z.number().min(-1).max(1))
      .optional()
      .describe(
        "per variable, correlation rho of the Gaussian copula between consecutive years (AR(1) on normal scores); default 0 = independent years",
      ),
    years: z.array(yearSpecSchema).min(1).max(500).describe("one entry per year, ascending, no gaps (at most 500)"),
  })
  .strict()
  .describe("Organ Audit organ-source accounting scenario");

/** JSON Schema (draft 2020-12) of the scenario file, generated from the zod schema. */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(scenarioSchema) as Record<string, unknown>;
  return {
    ...schema,
    $id: "https://organ-audit.example/schemas/scenario.schema.json",
    title: "Organ Audit accounting scenario",
  };
}

// ---------------------------------------------------------------------------------------------
// Validated, typed scenario

export interface InputSpec {
  dist: Dist;
  source: string;
  rationale?: string;
  basedOn?: string[];
  shared?: string;
  note?: string;
  /** JSON path of the value in the scenario file */
  path: string;
}

export interface YearInputs {
  year: number;
  /** one entry per organ; a single entry with organ "all" when the total is given */
  transplants: { organ: string; spec: InputSpec }[];
  executions: InputSpec;
  shareUsed: InputSpec;
  organsPerExecuted: InputSpec;
  voluntaryDonors: InputSpec;
  organsPerDonor: InputSpec;
  livingDonorTransplants: InputSpec;
}

export interface Scenario {
  name: string;
  description?: string;
  years: YearInputs[];
  /** rho per variable (0 when absent) */
  yearCorrelation: Partial<Record<Variable, number>>;
}

/** One fault found in a scenario, with the JSON path where it is. */
export interface ScenarioFault {
  path: string;
  code: MessageCode;
  message: string;
}

export function jsonPath(path: readonly PropertyKey[]): string {
  let s = "$";
  for (const p of path) {
    if (typeof p === "number") s += `[${p}]`;
    else if (typeof p === "string" && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(p)) s += `.${p}`;
    else s += `[${JSON.stringify(String(p))}]`;
  }
  return s;
}

class FaultList {
  readonly faults: { path: string; code: MessageCode; args: unknown }[] = [];
  add<C extends MessageCode>(path: string, code: C, args: MessageArgs<C>): void {
    this.faults.push({ path, code, args });
  }
}

function isValueSpecPath(path: readonly PropertyKey[]): boolean {
  if (path[0] !== "years" || typeof path[1] !== "number") return false;
  if (path.length === 3) return (VARIABLES as readonly string[]).includes(String(path[2]));
  return path.length === 4 && path[2] === "transplantsByOrgan";
}

type RawSpec = z.infer<typeof valueSpecSchema>;

function toDist(raw: RawSpec, kind: DistKind): Dist {
  switch (kind) {
    case "fixed":
      return { kind, value: raw.fixed! };
    case "uniform":
      return { kind, a: raw.uniform![0], b: raw.uniform![1] };
    case "triangular":
      return { kind, min: raw.triangular![0], mode: raw.triangular![1], max: raw.triangular![2] };
    case "normal":
      return { kind, mean: raw.normal![0], sd: raw.normal![1], lower: 0 };
    case "lognormal":
      return { kind, mu: raw.lognormal![0], sigma: raw.lognormal![1] };
    case "pert":
      return raw.lambda !== undefined
        ? { kind, min: raw.pert![0], mode: raw.pert![1], max: raw.pert![2], lambda: raw.lambda }
        : { kind, min: raw.pert![0], mode: raw.pert![1], max: raw.pert![2] };
  }
}

function checkSpec(raw: RawSpec, path: string, variable: string, faults: FaultList): InputSpec | null {
  const kinds = DIST_KINDS.filter((k) => raw[k] !== undefined);
  if (kinds.length === 0) {
    faults.add(path, "M_ACC_SCENARIO_INVALID", {
      detail: `no distribution given (one of ${DIST_KINDS.join(", ")})`,
    });
    return null;
  }
  if (kinds.length > 1) {
    faults.add(path, "M_ACC_SCENARIO_INVALID", { detail: `more than one distribution given (${kinds.join(", ")})` });
    return null;
  }
  const kind = kinds[0]!;
  const dpath = `${path}.${kind}`;
  const before = faults.faults.length;
  const isCount = COUNT_VARIABLES.has(variable);
  const isShare = SHARE_VARIABLES.has(variable);
  const what = `${variable}${isCount ? " (a count)" : ""}`;
  const neg = (v: number): void => faults.add(dpath, "M_ACC_NEGATIVE", { what, value: String(v) });
  const order = (detail: string): void => faults.add(dpath, "M_ACC_DIST_PARAMS", { detail });
  switch (kind) {
    case "fixed":
      if (raw.fixed! < 0) neg(raw.fixed!);
      if (isShare && raw.fixed! > 1) order(`a share must be ≤ 1, found ${raw.fixed}`);
      break;
    case "uniform": {
      const [a, b] = raw.uniform!;
      if (a > b) order(`min > max (${a} > ${b})`);
      else if (a < 0) neg(a);
      if (isShare && b > 1) order(`a share must be ≤ 1, found max ${b}`);
      break;
    }
    case "triangular":
    case "pert": {
      const [mn, mo, mx] = (kind === "pert" ? raw.pert : raw.triangular)!;
      if (mn > mx) order(`min > max (${mn} > ${mx})`);
      else if (mo < mn || mo > mx) order(`mode ${mo} outside [min, max] = [${mn}, ${mx}]`);
      else if (mn < 0) neg(mn);
      if (isShare && mx > 1) order(`a share must be ≤ 1, found max ${mx}`);
      break;
    }
    case "normal": {
      const [m, sd] = raw.normal!;
      if (sd < 0) order(`sd < 0 (${sd})`);
      else if (m < 0) neg(m);
      if (isShare) order("a share needs a bounded distribution (fixed, uniform, triangular or pert)");
      break;
    }
    case "lognormal": {
      const [, sigma] = raw.lognormal!;
      if (sigma < 0) order(`sigma < 0 (${sigma})`);
      if (isShare) order("a share needs a bounded distribution (fixed, uniform, triangular or pert)");
      break;
    }
  }
  if (kind !== "pert" && raw.lambda !== undefined) {
    faults.add(`${path}.lambda`, "M_ACC_SCENARIO_INVALID", { detail: "lambda applies to pert only" });
  }
  if (raw.source === ASSUMPTION && (raw.rationale === undefined || raw.rationale.trim() === "")) {
    faults.add(`${path}.rationale`, "M_ACC_UNSOURCED", { detail: 'source is "assumption" but no rationale is given' });
  }
  if (faults.faults.length > before) return null;
  const spec: InputSpec = { dist: toDist(raw, kind), source: raw.source, path };
  if (raw.rationale !== undefined) spec.rationale = raw.rationale;
  if (raw.basedOn !== undefined) spec.basedOn = raw.basedOn;
  if (raw.shared !== undefined) spec.shared = raw.shared;
  if (raw.note !== undefined) spec.note = raw.note;
  return spec;
}

function zodFaults(error: z.ZodError, faults: FaultList): void {
  for (const issue of error.issues) {
    const path = issue.path as PropertyKey[];
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        if (isValueSpecPath(path)) {
          faults.add(jsonPath([...path, key]), "M_ACC_UNKNOWN_DISTRIBUTION", {
            found: key,
            allowed: DIST_KINDS.join(", "),
          });
        } else {
          faults.add(jsonPath([...path, key]), "M_ACC_SCENARIO_INVALID", { detail: `unknown field "${key}"` });
        }
      }
      continue;
    }
    if (issue.code === "invalid_type" && (issue as { input?: unknown }).input === undefined) {
      faults.add(jsonPath(path), "M_ACC_SCENARIO_INVALID", { detail: `required field missing (${issue.expected})` });
      continue;
    }
    faults.add(jsonPath(path), "M_ACC_SCENARIO_INVALID", { detail: issue.message });
  }
}

/**
 * Validate a parsed scenario JSON value. Returns the typed scenario, or throws an OrganAuditError
 * whose location.path is the JSON path of the first fault (`details` lists all faults).
 */
export function validateScenario(value: unknown, file?: string): Scenario {
  const faults = new FaultList();
  const parsed = scenarioSchema.safeParse(value);
  if (!parsed.success) {
    zodFaults(parsed.error, faults);
    throwFaults(faults, file);
  }
  const raw = parsed.data!;
  const years: YearInputs[] = [];
  raw.years.forEach((y, i) => {
    const base = `$.years[${i}]`;
    const get = (v: Variable): InputSpec | null => {
      const spec = (y as Record<string, unknown>)[v] as RawSpec;
      return checkSpec(spec, `${base}.${v}`, v, faults);
    };
    const transplants: { organ: string; spec: InputSpec }[] = [];
    const total = y.transplants as RawSpec | undefined;
    const byOrgan = y.transplantsByOrgan as Record<string, RawSpec> | undefined;
    if (total !== undefined && byOrgan !== undefined) {
      faults.add(base, "M_ACC_SCENARIO_INVALID", { detail: "give transplants or transplantsByOrgan, not both" });
    } else if (total === undefined && byOrgan === undefined) {
      faults.add(`${base}.transplants`, "M_ACC_SCENARIO_INVALID", {
        detail: "required field missing (transplants or transplantsByOrgan)",
      });
    } else if (total !== undefined) {
      const s = checkSpec(total, `${base}.transplants`, "transplants", faults);
      if (s) transplants.push({ organ: "all", spec: s });
    } else {
      const organs = Object.keys(byOrgan!).sort();
      if (organs.length === 0) {
        faults.add(`${base}.transplantsByOrgan`, "M_ACC_SCENARIO_INVALID", { detail: "no organ given" });
      }
      if (organs.length > 64) {
        faults.add(`${base}.transplantsByOrgan`, "M_ACC_SCENARIO_INVALID", { detail: "more than 64 organs" });
      }
      for (const organ of organs) {
        const s = checkSpec(
          byOrgan![organ]!,
          jsonPath(["years", i, "transplantsByOrgan", organ]),
          "transplants",
          faults,
        );
        if (s) transplants.push({ organ, spec: s });
      }
    }
    const executions = get("executions");
    const shareUsed = get("shareUsed");
    const organsPerExecuted = get("organsPerExecuted");
    const voluntaryDonors = get("voluntaryDonors");
    const organsPerDonor = get("organsPerDonor");
    const livingDonorTransplants = get("livingDonorTransplants");
    if (executions && shareUsed && organsPerExecuted && voluntaryDonors && organsPerDonor && livingDonorTransplants) {
      years.push({
        year: y.year as number,
        transplants,
        executions,
        shareUsed,
        organsPerExecuted,
        voluntaryDonors,
        organsPerDonor,
        livingDonorTransplants,
      });
    }
  });
  // years: ascending, unique, contiguous, covering the declared period
  const ys = raw.years.map((y) => y.year as number);
  for (let i = 1; i < ys.length; i++) {
    if (ys[i]! <= ys[i - 1]!) {
      faults.add(`$.years[${i}].year`, "M_ACC_SCENARIO_INVALID", {
        detail: `years must be ascending and unique (${ys[i]} after ${ys[i - 1]})`,
      });
    }
  }
  const present = new Set(ys);
  const first = raw.period ? raw.period[0] : Math.min(...ys);
  const last = raw.period ? raw.period[1] : Math.max(...ys);
  if (raw.period && first > last) {
    faults.add("$.period", "M_ACC_SCENARIO_INVALID", { detail: `period start ${first} is after end ${last}` });
  } else {
    const missing: number[] = [];
    for (let y = first; y <= last; y++) if (!present.has(y)) missing.push(y);
    if (missing.length > 0) faults.add("$.years", "M_ACC_MISSING_YEARS", { missing: compactYears(missing) });
    if (raw.period) {
      const outside = ys.filter((y) => y < first || y > last);
      if (outside.length > 0) {
        faults.add("$.years", "M_ACC_SCENARIO_INVALID", {
          detail: `years outside the declared period: ${outside.join(", ")}`,
        });
      }
    }
  }
  const yearCorrelation: Partial<Record<Variable, number>> = {};
  for (const [k, rho] of Object.entries(raw.yearCorrelation ?? {})) {
    if (!(VARIABLES as readonly string[]).includes(k)) {
      faults.add(jsonPath(["yearCorrelation", k]), "M_ACC_SCENARIO_INVALID", {
        detail: `unknown variable "${k}" (variables: ${VARIABLES.join(", ")})`,
      });
    } else if (rho !== 0) yearCorrelation[k as Variable] = rho;
  }
  if (faults.faults.length > 0) throwFaults(faults, file);
  const scenario: Scenario = { name: raw.name, years, yearCorrelation };
  if (raw.description !== undefined) scenario.description = raw.description;
  return scenario;
}

function compactYears(ys: number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < ys.length) {
    let j = i;
    while (j + 1 < ys.length && ys[j + 1] === ys[j]! + 1) j++;
    parts.push(j > i ? `${ys[i]}-${ys[j]}` : String(ys[i]));
    i = j + 1;
  }
  return parts.join(", ");
}

function throwFaults(faults: FaultList, file: string | undefined): never {
  const first = faults.faults[0]!;
  const all: ScenarioFault[] = faults.faults.map((f) => {
    const e = new OrganAuditError(f.code, f.args as never);
    return { path: f.path, code: f.code, message: e.message };
  });
  throw new OrganAuditError(
    first.code,
    first.args as never,
    file !== undefined ? { file, path: first.path } : { path: first.path },
    { faults: all },
  );
}

/** Every input spec of the scenario, in a stable order (year, variable, organ). */
export function allSpecs(s: Scenario): { year: number; variable: Variable; organ?: string; spec: InputSpec }[] {
  const out: { year: number; variable: Variable; organ?: string; spec: InputSpec }[] = [];
  for (const y of s.years) {
    for (const t of y.transplants) out.push({ year: y.year, variable: "transplants", organ: t.organ, spec: t.spec });
    for (const v of VARIABLES) {
      if (v === "transplants") continue;
      out.push({ year: y.year, variable: v, spec: y[v] });
    }
  }
  return out;
}

/** Source ids cited by the scenario (sources and basedOn), sorted, without "assumption". */
export function citedSources(s: Scenario): string[] {
  const ids = new Set<string>();
  for (const { spec } of allSpecs(s)) {
    if (spec.source !== ASSUMPTION) ids.add(spec.source);
    for (const b of spec.basedOn ?? []) ids.add(b);
  }
  return [...ids].sort();
}
