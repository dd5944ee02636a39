import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { STANDARD_DEFAULTS } from "../../audit/standard.js";
import { canonicalJson } from "../../core/canonical.js";
import { OrganAuditError } from "../../core/errors.js";
import type { InputRef } from "../../core/finding.js";
import { sha256Hex } from "../../core/hash.js";
import { packageRoot } from "../../data/package.js";
import { parseScenarioJson } from "../../data/scenario-file.js";
import { runAccounting } from "../../models/accounting.js";
import {
  accountingFindingWithOverrides,
  MAX_SCALE,
  scenarioSliders,
  scenarioWithOverrides,
  type ScenarioOverride,
} from "../../models/scenario-overrides.js";
import { citedSources, scenarioJsonSchema, validateScenario, type Scenario } from "../../models/scenario.js";
import { accountingFanChart, claimedVolume, explainedFan, unexplainedFan } from "../../report/fan-chart.js";
import type { ServerContext } from "../context.js";
import { errorResponses, notFoundResponses } from "../schemas.js";

/**
 * Accounting scenarios and the accounting model (organ-source accounting, src/models/accounting.ts).
 *
 *   GET  /api/scenarios                 [viewer]  the shipped scenarios (scenarios/*.json)
 *   GET  /api/scenarios/:name           [viewer]  one scenario's JSON, with the scenario JSON Schema
 *   GET  /api/scenarios/:name/sliders   [viewer]  suggested sliders (scale factors) for the web app
 *   POST /api/accounting                [analyst] run the model on a shipped or inline scenario with overrides
 *
 * POST /api/accounting body: `{ scenario: "official" | {inline scenario}, overrides?: [{ path, value }],
 * draws?: 2..limits.maxDraws (default 20,000), seed?: 0..2^32-1 (default 20191114, the standard audit's) }`.
 * An override path is `scale.<variable>` (a factor on every year of the variable, what the sliders send)
 * or a JSON path to a number of the scenario (`$.years[3].executions.triangular[1]`); see
 * src/models/scenario-overrides.ts. The changed scenario is validated by the scenario schema: a bad
 * path or value is a 400 whose `location.path` names the JSON path. With the defaults and no overrides,
 * a shipped scenario gives exactly the standard audit's (and the report's) accounting finding.
 * The response is deterministic: the same body gives byte-identical output.
 */

/** Draws when the body gives none: the standard audit's. */
export const DEFAULT_API_DRAWS = STANDARD_DEFAULTS.draws;
/** Seed when the body gives none: the standard audit's, so that an unchanged shipped scenario reproduces the report. */
export const DEFAULT_API_SEED = STANDARD_DEFAULTS.seed;
export const MAX_OVERRIDES = 200;
/** A run may cost at most limits.maxDraws × this many years of draws (the shipped scenarios have at most 23 years). */
export const WORK_YEARS = 40;

const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** A shipped scenario file: its raw JSON and bytes' hash, validated once. */
export interface ShippedScenario {
  name: string;
  /** path relative to the package root, as the standard audit records it */
  file: string;
  sha256: string;
  raw: unknown;
  scenario: Scenario;
}

/** Read and validate every scenarios/*.json of a folder (sorted by name). Invalid files are an error. */
export function readShippedScenarios(dir: string = join(packageRoot(), "scenarios")): Map<string, ShippedScenario> {
  const out = new Map<string, ShippedScenario>();
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".json") && NAME.test(f.slice(0, -5)))
    .sort();
  for (const f of files) {
    const path = join(dir, f);
    const bytes = readFileSync(path);
    const raw = parseScenarioJson(bytes.toString("utf8").replace(/^\uFEFF/, ""), `scenarios/${f}`);
    const scenario = validateScenario(raw, `scenarios/${f}`);
    out.set(f.slice(0, -5), { name: f.slice(0, -5), file: `scenarios/${f}`, sha256: sha256Hex(bytes), raw, scenario });
  }
  return out;
}

export interface AccountingRequest {
  scenario: string | Record<string, unknown>;
  overrides?: ScenarioOverride[];
  draws?: number;
  seed?: number;
}

/**
 * Run the accounting model for an API request: the library's finding (overrides recorded as a
 * parameter), the fans and the fan chart spec. Pure apart from the shipped scenarios passed in.
 */
export function runAccountingRequest(
  body: AccountingRequest,
  shipped: ReadonlyMap<string, ShippedScenario>,
  maxDraws: number,
): Record<string, unknown> {
  const overrides = (body.overrides ?? []).map((o) => ({ path: o.path, value: o.value }));
  const draws = body.draws ?? DEFAULT_API_DRAWS;
  if (!Number.isInteger(draws) || draws < 2 || draws > maxDraws) {
    throw new OrganAuditError("S_DATA_DRAWS_LIMIT", { value: draws, max: maxDraws }, { path: "$.draws" });
  }
  const seed = body.seed ?? DEFAULT_API_SEED;
  let raw: unknown;
  let input: Omit<InputRef, "n" | "sourceIds">;
  if (typeof body.scenario === "string") {
    const s = shipped.get(body.scenario);
    if (!s) {
      throw new OrganAuditError("S_NOT_FOUND", { what: `scenario "${body.scenario.slice(0, 64)}" (scenarios: ${[...shipped.keys()].join(", ")})` });
    }
    raw = s.raw;
    input = { name: s.file, sha256: s.sha256 };
  } else {
    raw = body.scenario;
    input = { name: "inline scenario", sha256: sha256Hex(canonicalJson(raw)) };
  }
  const scenario = scenarioWithOverrides(raw, overrides);
  // the model's time is linear in draws × years: bound it (a 500-year inline scenario at the largest draws would block the server for seconds)
  const maxWork = maxDraws * WORK_YEARS;
  if (draws * scenario.years.length > maxWork) {
    throw new OrganAuditError("S_DATA_WORK_LIMIT", { draws, years: scenario.years.length, max: maxWork }, { path: "$.draws" });
  }
  const { result } = runAccounting(scenario, { draws, seed });
  const fullInput: InputRef = { ...input, n: scenario.years.length, sourceIds: citedSources(scenario) };
  const finding = accountingFindingWithOverrides(scenario, result, fullInput, overrides);
  const chart = accountingFanChart(finding);
  return {
    finding,
    fan: unexplainedFan(result),
    explained: explainedFan(result),
    claimed: claimedVolume(result),
    chart: { id: chart.id, caption: chart.caption, findingIds: chart.findingIds },
    spec: chart.spec,
  };
}

/**
 * Strict types of the POST body before fastify's schema validation (which coerces types: it would turn
 * `"value": null` into 0 or `true` into 1). Names the JSON path of the first fault.
 */
export function checkAccountingBody(body: unknown): void {
  const bad = (path: string, detail: string): never => {
    throw new OrganAuditError("S_DATA_BAD_BODY", { path, detail }, { path });
  };
  const kind = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "an array" : typeof v);
  if (body === null || typeof body !== "object" || Array.isArray(body)) return bad("$", `expected a JSON object, found ${kind(body)}`);
  const b = body as Record<string, unknown>;
  const known = ["scenario", "overrides", "draws", "seed"];
  for (const k of Object.keys(b)) if (!known.includes(k)) bad(`$${jsonKey(k)}`, `unknown field (fields: ${known.join(", ")})`);
  if (typeof b.scenario !== "string" && (b.scenario === null || typeof b.scenario !== "object" || Array.isArray(b.scenario))) {
    bad("$.scenario", `expected a scenario name or a scenario object, found ${kind(b.scenario)}`);
  }
  for (const k of ["draws", "seed"] as const) {
    if (b[k] !== undefined && (typeof b[k] !== "number" || !Number.isInteger(b[k]))) bad(`$.${k}`, `expected an integer, found ${kind(b[k])}`);
  }
  if (b.overrides === undefined) return;
  if (!Array.isArray(b.overrides)) return bad("$.overrides", `expected an array, found ${kind(b.overrides)}`);
  b.overrides.forEach((o: unknown, i) => {
    if (o === null || typeof o !== "object" || Array.isArray(o)) bad(`$.overrides[${i}]`, `expected an object {path, value}, found ${kind(o)}`);
    const r = o as Record<string, unknown>;
    for (const k of Object.keys(r)) if (k !== "path" && k !== "value") bad(`$.overrides[${i}]${jsonKey(k)}`, "unknown field (fields: path, value)");
    if (typeof r.path !== "string") bad(`$.overrides[${i}].path`, `expected a string, found ${kind(r.path)}`);
    if (typeof r.value !== "number") bad(`$.overrides[${i}].value`, `expected a number, found ${kind(r.value)}`);
  });
}

function jsonKey(k: string): string {
  const shown = k.length > 64 ? `${k.slice(0, 64)}…` : k;
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(shown) ? `.${shown}` : `[${JSON.stringify(shown)}]`;
}

const fanRowSchema = {
  type: "object",
  required: ["year", "p05", "p25", "p50", "p75", "p95"],
  properties: {
    year: { type: "integer" },
    p05: { type: "number" },
    p25: { type: "number" },
    p50: { type: "number" },
    p75: { type: "number" },
    p95: { type: "number" },
  },
} as const;
const fanSchema = { type: "array", items: fanRowSchema } as const;

const scenarioSummarySchema = {
  type: "object",
  required: ["name", "file", "sha256", "title", "description", "firstYear", "lastYear", "years"],
  properties: {
    name: { type: "string", description: "the name to use in URLs and in POST /api/accounting" },
    file: { type: "string" },
    sha256: { type: "string" },
    title: { type: "string", description: "the scenario's own name field" },
    description: { type: ["string", "null"] },
    firstYear: { type: "integer" },
    lastYear: { type: "integer" },
    years: { type: "integer" },
  },
} as const;

const sliderSchema = {
  type: "object",
  required: ["name", "path", "label", "min", "max", "step", "value", "unit", "baseline"],
  properties: {
    name: { type: "string" },
    path: { type: "string", description: "send { path, value } in POST /api/accounting overrides" },
    label: { type: "string" },
    min: { type: "number" },
    max: { type: "number" },
    step: { type: "number" },
    value: { type: "number", description: "1 = the scenario as published" },
    unit: { type: "string" },
    baseline: {
      type: "object",
      required: ["from", "to", "lowMedian", "highMedian", "unit", "uncertain"],
      properties: {
        from: { type: "integer" },
        to: { type: "integer" },
        lowMedian: { type: "number" },
        highMedian: { type: "number" },
        unit: { type: "string" },
        uncertain: { type: "boolean" },
      },
    },
  },
} as const;

const nameParams = {
  type: "object",
  required: ["name"],
  properties: { name: { type: "string", maxLength: 64, description: "scenario name, e.g. official" } },
} as const;

export async function accountingRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const shipped = readShippedScenarios();
  const get = (name: string): ShippedScenario => {
    const s = shipped.get(name);
    if (!s) throw new OrganAuditError("S_NOT_FOUND", { what: `scenario "${name.slice(0, 64)}" (scenarios: ${[...shipped.keys()].join(", ")})` });
    return s;
  };

  app.get(
    "/scenarios",
    {
      config: { access: "viewer" },
      schema: {
        operationId: "listScenarios",
        tags: ["accounting"],
        summary: "The shipped accounting scenarios (scenarios/*.json)",
        response: { 200: { type: "object", required: ["items", "total"], properties: { items: { type: "array", items: scenarioSummarySchema }, total: { type: "integer" } } }, ...errorResponses },
      },
    },
    async () => {
      const items = [...shipped.values()].map((s) => ({
        name: s.name,
        file: s.file,
        sha256: s.sha256,
        title: s.scenario.name,
        description: s.scenario.description ?? null,
        firstYear: s.scenario.years[0]!.year,
        lastYear: s.scenario.years[s.scenario.years.length - 1]!.year,
        years: s.scenario.years.length,
      }));
      return { items, total: items.length };
    },
  );

  app.get<{ Params: { name: string } }>(
    "/scenarios/:name",
    {
      config: { access: "viewer" },
      schema: {
        operationId: "getScenario",
        tags: ["accounting"],
        summary: "One shipped scenario's JSON, with the JSON Schema of scenario files",
        params: nameParams,
        response: {
          200: {
            type: "object",
            required: ["name", "file", "sha256", "scenario", "schema"],
            properties: {
              name: { type: "string" },
              file: { type: "string" },
              sha256: { type: "string" },
              scenario: { type: "object", additionalProperties: true, description: "the file's JSON as shipped" },
              schema: { type: "object", additionalProperties: true, description: "JSON Schema (2020-12) of scenario files" },
            },
          },
          ...notFoundResponses,
        },
      },
    },
    async (req) => {
      const s = get(req.params.name);
      return { name: s.name, file: s.file, sha256: s.sha256, scenario: s.raw, schema: scenarioJsonSchema() };
    },
  );

  app.get<{ Params: { name: string } }>(
    "/scenarios/:name/sliders",
    {
      config: { access: "viewer" },
      schema: {
        operationId: "getScenarioSliders",
        tags: ["accounting"],
        summary: "Sliders for the accounting chart: a scale factor per variable of the identity (0.5× to 2×; shares up to 1)",
        params: nameParams,
        response: {
          200: {
            type: "object",
            required: ["scenario", "sliders", "maxScale"],
            properties: { scenario: { type: "string" }, sliders: { type: "array", items: sliderSchema }, maxScale: { type: "number" } },
          },
          ...notFoundResponses,
        },
      },
    },
    async (req) => {
      const s = get(req.params.name);
      return { scenario: s.name, sliders: scenarioSliders(s.scenario), maxScale: MAX_SCALE };
    },
  );

  app.post<{ Body: AccountingRequest }>(
    "/accounting",
    {
      config: { access: "analyst" },
      preValidation: async (req: FastifyRequest) => checkAccountingBody(req.body),
      schema: {
        operationId: "runAccounting",
        tags: ["accounting"],
        summary: "Run the organ-source accounting model on a shipped or inline scenario, with overrides (e.g. from sliders)",
        body: {
          type: "object",
          required: ["scenario"],
          additionalProperties: false,
          properties: {
            scenario: {
              anyOf: [
                { type: "string", maxLength: 64, description: "a shipped scenario's name (GET /api/scenarios)" },
                { type: "object", additionalProperties: true, description: "an inline scenario (the JSON of a scenario file)" },
              ],
            },
            overrides: {
              type: "array",
              maxItems: MAX_OVERRIDES,
              items: {
                type: "object",
                required: ["path", "value"],
                additionalProperties: false,
                properties: {
                  path: { type: "string", minLength: 1, maxLength: 300, description: "scale.<variable> or a JSON path to a number of the scenario" },
                  value: { type: "number" },
                },
              },
            },
            draws: { type: "integer", minimum: 2, description: `Monte Carlo draws (default ${DEFAULT_API_DRAWS}; at most the server's limit)` },
            seed: { type: "integer", minimum: 0, maximum: 4294967295, description: `random seed (default ${DEFAULT_API_SEED}, the standard audit's)` },
          },
        },
        response: {
          200: {
            type: "object",
            required: ["finding", "fan", "explained", "claimed", "chart", "spec"],
            properties: {
              finding: { type: "object", additionalProperties: true, description: "the accounting Finding (overrides in provenance.parameters.overrides)" },
              fan: { ...fanSchema, description: "unexplained transplants per year: 5/25/50/75/95 % quantiles" },
              explained: { ...fanSchema, description: "organs explained by the modelled sources per year" },
              claimed: { ...fanSchema, description: "claimed transplants per year (a scenario input)" },
              chart: {
                type: "object",
                required: ["id", "caption", "findingIds"],
                properties: { id: { type: "string" }, caption: { type: "string" }, findingIds: { type: "array", items: { type: "string" } } },
              },
              spec: { type: "object", additionalProperties: true, description: "Vega-Lite v6 fan chart" },
            },
          },
          ...notFoundResponses,
        },
      },
    },
    async (req) => runAccountingRequest(req.body, shipped, ctx.limits.maxDraws),
  );
}
