import { describe, expect, it } from "vitest";
import { OrganAuditError } from "../core/errors.js";
import { allSpecs, citedSources, scenarioJsonSchema, validateScenario } from "./scenario.js";

function year(y: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    year: y,
    transplants: { fixed: 10000, source: "GODT2018" },
    executions: { uniform: [2000, 4000], source: "DUIHUA_TABLE" },
    shareUsed: { fixed: 0.5, source: "assumption", rationale: "test" },
    organsPerExecuted: { triangular: [2, 2.5, 3], source: "assumption", rationale: "test" },
    voluntaryDonors: { normal: [100, 10], source: "CNS2016" },
    organsPerDonor: { pert: [2, 2.8, 3.5], source: "CNS2016" },
    livingDonorTransplants: { lognormal: [6, 0.2], source: "GODT2018" },
    ...over,
  };
}
const scen = (years: unknown[], extra: Record<string, unknown> = {}): unknown => ({ name: "t", years, ...extra });

function fault(value: unknown): OrganAuditError {
  try {
    validateScenario(value, "s.json");
  } catch (e) {
    expect(e).toBeInstanceOf(OrganAuditError);
    return e as OrganAuditError;
  }
  throw new Error("expected the scenario to be rejected");
}

describe("validateScenario: accepted scenarios", () => {
  it("parses every distribution into a typed Dist, normal truncated at 0", () => {
    const s = validateScenario(scen([year(2000), year(2001)]));
    expect(s.years.map((y) => y.year)).toEqual([2000, 2001]);
    const y0 = s.years[0]!;
    expect(y0.transplants).toEqual([
      {
        organ: "all",
        spec: { dist: { kind: "fixed", value: 10000 }, source: "GODT2018", path: "$.years[0].transplants" },
      },
    ]);
    expect(y0.executions.dist).toEqual({ kind: "uniform", a: 2000, b: 4000 });
    expect(y0.voluntaryDonors.dist).toEqual({ kind: "normal", mean: 100, sd: 10, lower: 0 });
    expect(y0.organsPerDonor.dist).toEqual({ kind: "pert", min: 2, mode: 2.8, max: 3.5 });
    expect(allSpecs(s)).toHaveLength(14);
    expect(citedSources(s)).toEqual(["CNS2016", "DUIHUA_TABLE", "GODT2018"]);
  });
  it("accepts transplants by organ, sorted by organ name", () => {
    const y = year(2000);
    delete y.transplants;
    y.transplantsByOrgan = { liver: { fixed: 3, source: "GODT2018" }, kidney: { fixed: 7, source: "GODT2018" } };
    const s = validateScenario(scen([y]));
    expect(s.years[0]!.transplants.map((t) => t.organ)).toEqual(["kidney", "liver"]);
    expect(s.years[0]!.transplants[0]!.spec.path).toBe("$.years[0].transplantsByOrgan.kidney");
  });
});

describe("validateScenario: bad scenarios are rejected with the JSON path of the fault", () => {
  it("unknown distribution", () => {
    const e = fault(scen([year(2000, { executions: { gamma: [2, 3], source: "DUIHUA_TABLE" } })]));
    expect(e.code).toBe("M_ACC_UNKNOWN_DISTRIBUTION");
    expect(e.location?.path).toBe("$.years[0].executions.gamma");
    expect(e.location?.file).toBe("s.json");
    expect(e.message).toContain('unknown distribution "gamma"');
  });
  it("min > max", () => {
    const e = fault(
      scen([
        year(2000),
        year(2001),
        year(2002),
        year(2003, { executions: { uniform: [5000, 1000], source: "DUIHUA_TABLE" } }),
      ]),
    );
    expect(e.code).toBe("M_ACC_DIST_PARAMS");
    expect(e.location?.path).toBe("$.years[3].executions.uniform");
    expect(e.message).toContain("min > max");
  });
  it("mode outside [min, max]", () => {
    const e = fault(
      scen([year(2000, { organsPerExecuted: { triangular: [2, 5, 3], source: "assumption", rationale: "r" } })]),
    );
    expect(e.location?.path).toBe("$.years[0].organsPerExecuted.triangular");
  });
  it("negative counts", () => {
    const e = fault(scen([year(2000, { livingDonorTransplants: { fixed: -5, source: "GODT2018" } })]));
    expect(e.code).toBe("M_ACC_NEGATIVE");
    expect(e.location?.path).toBe("$.years[0].livingDonorTransplants.fixed");
    const e2 = fault(scen([year(2000, { transplants: { normal: [-10, 3], source: "GODT2018" } })]));
    expect(e2.location?.path).toBe("$.years[0].transplants.normal");
  });
  it("a share above 1 or with an unbounded distribution", () => {
    expect(
      fault(scen([year(2000, { shareUsed: { uniform: [0.5, 1.2], source: "assumption", rationale: "r" } })])).location
        ?.path,
    ).toBe("$.years[0].shareUsed.uniform");
    expect(
      fault(scen([year(2000, { shareUsed: { normal: [0.5, 0.1], source: "assumption", rationale: "r" } })])).code,
    ).toBe("M_ACC_DIST_PARAMS");
  });
  it("missing years (gap, or outside the declared period)", () => {
    const e = fault(scen([year(2000), year(2001), year(2004)]));
    expect(e.code).toBe("M_ACC_MISSING_YEARS");
    expect(e.location?.path).toBe("$.years");
    expect(e.message).toContain("2002-2003");
    const e2 = fault(scen([year(2000), year(2001)], { period: [2000, 2003] }));
    expect(e2.message).toContain("2002-2003");
  });
  it("years out of order", () => {
    const e = fault(scen([year(2001), year(2000)]));
    expect(e.location?.path).toBe("$.years[1].year");
  });
  it("a missing variable", () => {
    const y = year(2000);
    delete y.executions;
    const e = fault(scen([y]));
    expect(e.code).toBe("M_ACC_SCENARIO_INVALID");
    expect(e.location?.path).toBe("$.years[0].executions");
  });
  it("no distribution, two distributions, assumption without rationale", () => {
    expect(fault(scen([year(2000, { executions: { source: "DUIHUA_TABLE" } })])).message).toContain("no distribution");
    expect(
      fault(scen([year(2000, { executions: { fixed: 1, uniform: [1, 2], source: "DUIHUA_TABLE" } })])).message,
    ).toContain("more than one distribution");
    const e = fault(scen([year(2000, { executions: { fixed: 1, source: "assumption" } })]));
    expect(e.code).toBe("M_ACC_UNSOURCED");
    expect(e.location?.path).toBe("$.years[0].executions.rationale");
  });
  it("wrong types and unknown top-level fields", () => {
    expect(fault(scen([year(2000, { executions: { uniform: [1, "2"], source: "X" } })])).location?.path).toBe(
      "$.years[0].executions.uniform[1]",
    );
    expect(fault({ name: "t", years: [year(2000)], colour: "red" }).message).toContain('unknown field "colour"');
    expect(fault(scen([year(2000)], { yearCorrelation: { executionz: 0.5 } })).location?.path).toBe(
      "$.yearCorrelation.executionz",
    );
    expect(fault(scen([year(2000)], { yearCorrelation: { executions: 1.5 } })).location?.path).toBe(
      "$.yearCorrelation.executions",
    );
  });
  it("lists every fault in details", () => {
    const e = fault(
      scen([year(2000, { executions: { uniform: [5, 1], source: "X" }, transplants: { fixed: -1, source: "X" } })]),
    );
    const faults = (e.details as { faults: { path: string }[] }).faults.map((f) => f.path);
    expect(faults).toEqual(["$.years[0].transplants.fixed", "$.years[0].executions.uniform"]);
  });
});

describe("JSON Schema", () => {
  it("is generated from the zod schema and describes the value spec", () => {
    const js = scenarioJsonSchema() as {
      $schema: string;
      properties: { years: { items: { properties: Record<string, unknown> } } };
      required: string[];
    };
    expect(js.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(js.required).toEqual(["name", "years"]);
    const yearProps = js.properties.years.items.properties;
    expect(Object.keys(yearProps)).toEqual(
      expect.arrayContaining([
        "year",
        "transplants",
        "transplantsByOrgan",
        "executions",
        "shareUsed",
        "organsPerExecuted",
        "voluntaryDonors",
        "organsPerDonor",
        "livingDonorTransplants",
      ]),
    );
    const spec = yearProps.executions as {
      additionalProperties: boolean;
      required: string[];
      properties: Record<string, unknown>;
    };
    expect(spec.additionalProperties).toBe(false);
    expect(spec.required).toEqual(["source"]);
    expect(Object.keys(spec.properties)).toEqual(
      expect.arrayContaining(["fixed", "uniform", "triangular", "normal", "lognormal", "pert", "shared"]),
    );
  });
});
