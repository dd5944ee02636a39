import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { OrganAuditError } from "../core/errors.js";
import { scenarioJsonSchema } from "../models/scenario.js";
import type { CliContext } from "./main.js";
import { register } from "./model-accounting.js";

const SMALL = "test/fixtures/models-accounting/small.json";
const OTHER = "test/fixtures/models-accounting/other.json";

async function run(args: string[]): Promise<string> {
  let out = "";
  const ctx: CliContext = { io: { out: (t) => (out += t), err: (t) => (out += t) }, setExit: () => {} };
  const program = new Command()
    .exitOverride()
    .configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (out += s) });
  register(program, ctx);
  await program.parseAsync(["node", "organ-audit", ...args]);
  return out;
}

describe("model accounting", () => {
  it("--json prints seed, draws, per-year and total summaries and the finding", async () => {
    const out = JSON.parse(
      await run(["model", "accounting", "--scenario", SMALL, "--draws", "2000", "--seed", "5", "--json"]),
    ) as {
      seed: number;
      draws: number;
      years: {
        year: number;
        unexplained: Record<string, number>;
        pCovered: number;
        shareExplained: Record<string, number>;
      }[];
      total: Record<string, unknown>;
      finding: { verdict: string; provenance: { seed: number; inputs: { name: string; sourceIds: string[] }[] } };
    };
    expect(out.seed).toBe(5);
    expect(out.draws).toBe(2000);
    expect(out.years.map((y) => y.year)).toEqual([2013, 2014, 2015]);
    for (const y of out.years) {
      expect(Object.keys(y.unexplained)).toEqual(expect.arrayContaining(["mean", "p05", "p25", "p50", "p75", "p95"]));
      expect(y.pCovered).toBeGreaterThanOrEqual(0);
      expect(y.shareExplained.p50).toBeGreaterThan(0);
    }
    expect(Object.keys(out.total)).toEqual(
      expect.arrayContaining(["mean", "p05", "p50", "p95", "pCovered", "shareExplained"]),
    );
    expect(out.finding.verdict).toBe("estimate");
    expect(out.finding.provenance.seed).toBe(5);
    expect(out.finding.provenance.inputs[0]!.name).toBe(SMALL);
  });

  it("the same scenario and seed give byte-identical output", async () => {
    const args = ["model", "accounting", "--scenario", SMALL, "--draws", "3000", "--seed", "9", "--json"];
    const a = await run(args);
    expect(await run(args)).toBe(a);
    expect(await run([...args.slice(0, 7), "10", "--json"])).not.toBe(a);
  });

  it("defaults to scenarios/official.json and prints a table for humans", async () => {
    const out = await run(["model", "accounting", "--draws", "100"]);
    expect(out).toContain("scenario official (scenarios/official.json), 100 draws, seed 20200310");
    expect(out).toMatch(/^year\s+transplants\s+explained\s+unexplained p50/m);
    expect(out).toContain("caveat: ");
  });

  it("rejects bad options and bad files with OrganAuditError (exit code 2 in main)", async () => {
    await expect(run(["model", "accounting", "--scenario", SMALL, "--draws", "lots"])).rejects.toThrow(OrganAuditError);
    await expect(run(["model", "accounting", "--scenario", SMALL, "--seed", "-1"])).rejects.toThrow(
      /--seed must be an integer/,
    );
    await expect(
      run(["model", "accounting", "--scenario", "test/fixtures/models-accounting/bad-min-max.json"]),
    ).rejects.toMatchObject({
      code: "M_ACC_DIST_PARAMS",
      location: { path: "$.years[1].executions.uniform" },
    });
  });
});

describe("model sensitivity and schema", () => {
  it("sensitivity --compare --json", async () => {
    const out = JSON.parse(
      await run([
        "model",
        "sensitivity",
        "--scenario",
        SMALL,
        "--compare",
        OTHER,
        "--draws",
        "500",
        "--seed",
        "1",
        "--json",
      ]),
    ) as {
      sensitivity: { factors: string[]; tornado: { bars: { factor: string }[] }; sobol: { entries: unknown[] } };
      comparison: { a: string; b: string; commonYears: number[] };
      finding: { method: string; provenance: { seed: number } };
    };
    // variables in identity order, then shared draws
    expect(out.sensitivity.factors).toEqual([
      "transplants",
      "shareUsed",
      "organsPerExecuted",
      "voluntaryDonors",
      "shared:execLevel",
    ]);
    expect(out.sensitivity.tornado.bars).toHaveLength(5);
    expect(out.comparison).toMatchObject({ a: "fixture-small", b: "fixture-other", commonYears: [2014, 2015] });
    expect(out.finding.provenance.seed).toBe(1);
  });
  it("sensitivity for humans", async () => {
    const out = await run(["model", "sensitivity", "--scenario", SMALL, "--draws", "200"]);
    expect(out).toMatch(/^factor\s+at p05\s+at p95\s+swing\s+Spearman/m);
  });
  it("schema prints the JSON Schema", async () => {
    expect(JSON.parse(await run(["model", "schema"]))).toEqual(scenarioJsonSchema());
  });
  it("adds to an existing model command instead of creating a second one", async () => {
    const program = new Command();
    program.command("model").description("existing");
    register(program, { io: { out: () => {}, err: () => {} }, setExit: () => {} });
    expect(program.commands.filter((c) => c.name() === "model")).toHaveLength(1);
    expect(program.commands[0]!.commands.map((c) => c.name())).toEqual(["accounting", "sensitivity", "schema"]);
  });
});
