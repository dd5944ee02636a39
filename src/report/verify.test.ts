import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OrganAuditError } from "../core/errors.js";
import { buildReport, writeReport, type ReportBuildOptions } from "./build.js";
import { verifyReport } from "./verify.js";
import { fixtureAudit, REPO } from "../../test/fixtures/report/fixture-audit.js";

let tmp: string;
let opts: ReportBuildOptions;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "oa-report-"));
  cpSync(join(REPO, "data"), join(tmp, "data"), { recursive: true });
  cpSync(join(REPO, "scenarios/official.json"), join(tmp, "official.json"));
  opts = {
    dataDir: join(tmp, "data"),
    scenarios: [join(tmp, "official.json")],
    seed: 42,
    draws: 2000,
    sims: 99,
    runner: fixtureAudit,
    commit: "0123456789abcdef0123456789abcdef01234567",
    sourceDateEpoch: "1700000000",
  };
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function buildInto(name: string, o: ReportBuildOptions = opts): Promise<string> {
  const dir = join(tmp, name);
  writeReport(dir, await buildReport(o));
  return dir;
}

describe("report build and verify", () => {
  it("two builds of the same inputs give identical bytes; the date comes from SOURCE_DATE_EPOCH", async () => {
    const a = await buildInto("a");
    const b = await buildInto("b");
    for (const f of ["report.html", "manifest.json"]) expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f).toBe(true);
    const html = readFileSync(join(a, "report.html"), "utf8");
    // 1700000000 s = 2023-11-14T22:13:20Z (python: datetime.datetime.fromtimestamp(1700000000, datetime.UTC))
    expect(html).toContain("2023-11-14T22:13:20Z");
    const m = JSON.parse(readFileSync(join(a, "manifest.json"), "utf8"));
    expect(m.run).toEqual({ dataDir: join(tmp, "data"), scenarios: [join(tmp, "official.json")], seed: 42, draws: 2000, sims: 99 });
    expect(m.tool.commit).toBe("0123456789abcdef0123456789abcdef01234567");
    expect(m.inputs.map((i: { name: string }) => i.name.split("/").pop())).toEqual(expect.arrayContaining(["datapackage.json", "wait_times.csv", "official.json"]));
    expect(m.findings.length).toBeGreaterThan(5);
    for (const f of m.findings) expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("a different seed changes the findings recorded in the manifest", async () => {
    const one = await buildReport(opts);
    const two = await buildReport({ ...opts, seed: 43 });
    expect(one.manifest.findings.map((f) => f.sha256)).not.toEqual(two.manifest.findings.map((f) => f.sha256));
  });

  it("verify passes on a fresh build", async () => {
    const dir = await buildInto("fresh");
    const r = await verifyReport(dir, { runner: fixtureAudit });
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.recomputed).toBe(true);
    expect(r.findingsChecked).toBeGreaterThan(5);
  });

  it("verify fails, naming the input, after an input file changes", async () => {
    const dir = await buildInto("changed-input");
    const file = join(tmp, "data", "wait_times.csv");
    const original = readFileSync(file);
    try {
      writeFileSync(file, Buffer.concat([original, Buffer.from("\n")]));
      const r = await verifyReport(dir, { runner: fixtureAudit });
      expect(r.ok).toBe(false);
      expect(r.recomputed).toBe(false);
      expect(r.problems).toHaveLength(1);
      expect(r.problems[0]!.code).toBe("R_VERIFY_INPUT_CHANGED");
      expect(r.problems[0]!.subject).toBe(join(tmp, "data", "wait_times.csv"));
      expect(r.problems[0]!.message).toContain("wait_times.csv has changed");
    } finally {
      writeFileSync(file, original);
    }
    expect((await verifyReport(dir, { runner: fixtureAudit })).ok).toBe(true);
  });

  it("verify fails after a scenario file changes, and when an input is missing", async () => {
    const dir = await buildInto("changed-scenario");
    const file = join(tmp, "official.json");
    const original = readFileSync(file);
    try {
      writeFileSync(file, original.toString("utf8").replace(/\n$/, "") + " \n");
      const r = await verifyReport(dir, { runner: fixtureAudit });
      expect(r.problems.map((p) => [p.code, p.subject])).toEqual([["R_VERIFY_INPUT_CHANGED", file]]);
      rmSync(file);
      const r2 = await verifyReport(dir, { runner: fixtureAudit });
      expect(r2.problems.map((p) => p.code)).toEqual(["R_VERIFY_INPUT_MISSING"]);
    } finally {
      writeFileSync(file, original);
    }
  });

  it("verify fails, naming the file or finding, when the report or a recorded finding hash was altered", async () => {
    const dir = await buildInto("tampered");
    const htmlPath = join(dir, "report.html");
    writeFileSync(htmlPath, readFileSync(htmlPath, "utf8").replace("consistent with reference", "authentic"));
    const manifestPath = join(dir, "manifest.json");
    const m = JSON.parse(readFileSync(manifestPath, "utf8"));
    const victim = m.findings[0].id as string;
    m.findings[0].sha256 = "0".repeat(64);
    writeFileSync(manifestPath, JSON.stringify(m));
    const r = await verifyReport(dir, { runner: fixtureAudit });
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => [p.code, p.subject])).toEqual([
      ["R_VERIFY_FINDING_CHANGED", victim],
      ["R_VERIFY_REPORT_CHANGED", "report.html"],
    ]);
  });

  it("a directory without a manifest, or with an invalid one, is an input error naming the file", async () => {
    const empty = join(tmp, "empty");
    cpSync(join(tmp, "official.json"), join(empty, "x.json"));
    await expect(verifyReport(empty)).rejects.toMatchObject({ code: "R_MANIFEST_MISSING" });
    writeFileSync(join(empty, "manifest.json"), JSON.stringify({ manifestVersion: 1, tool: { name: "organ-audit" } }));
    const e = await verifyReport(empty).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OrganAuditError);
    expect((e as OrganAuditError).code).toBe("R_MANIFEST_INVALID");
    expect((e as OrganAuditError).location).toMatchObject({ file: join(empty, "manifest.json"), path: "$.tool.version" });
  });
});
