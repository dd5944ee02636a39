import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StandardAudit } from "../../audit/standard.js";
import { canonicalJson } from "../../core/canonical.js";
import type { Finding } from "../../core/finding.js";
import { packageRoot } from "../../data/package.js";
import type { AccountingResult } from "../../models/accounting.js";
import { scenarioJsonSchema } from "../../models/scenario.js";
import { pgAvailable } from "../../../test/helpers/pg.js";
import { startTestServer, type TestServer } from "../../../test/helpers/server.js";
import { ROUTE_MODULES } from "../app.js";
import { accountingRoutes, readShippedScenarios } from "./accounting.js";

const extraRoutes = [accountingRoutes].filter((m) => !ROUTE_MODULES.includes(m));
const SHIPPED = ["duihua-high", "duihua-low", "independent", "official"];

/** A valid inline scenario of n years (fixed values). */
function longInline(n: number): Record<string, unknown> {
  const v = (x: number) => ({ fixed: x, source: "DUIHUA_TABLE" });
  const years = Array.from({ length: n }, (_, i) => ({
    year: 1900 + i,
    transplants: v(1000),
    executions: v(100),
    shareUsed: v(0.5),
    organsPerExecuted: v(3),
    voluntaryDonors: v(0),
    organsPerDonor: v(2.5),
    livingDonorTransplants: v(100),
  }));
  return { name: "long", years };
}
let shared: Promise<StandardAudit> | undefined;

type Body = {
  finding: Finding<AccountingResult>;
  fan: { year: number; p05: number; p25: number; p50: number; p75: number; p95: number }[];
  explained: { year: number; p50: number }[];
  claimed: { year: number; p50: number }[];
  chart: { id: string; findingIds: string[] };
  spec: Record<string, unknown>;
};

describe.each([
  ["sqlite", true],
  ["postgres", pgAvailable],
] as const)("accounting routes (%s)", (dialect, enabled) => {
  let s: TestServer;
  let viewer: Record<string, string>;
  let analyst: Record<string, string>;
  beforeAll(async () => {
    if (!enabled) return;
    s = await startTestServer({ dialect, build: { extraRoutes }, context: { limits: { maxDraws: 50_000 } } });
    if (shared) s.ctx.audit = () => shared!;
    else shared = s.ctx.audit();
    viewer = (await s.login("viewer")).headers;
    analyst = (await s.login("analyst")).headers;
  });
  afterAll(async () => {
    if (enabled) await s.close();
  });
  const get = (url: string, headers: Record<string, string> = viewer) => s.app.inject({ method: "GET", url, headers });
  const post = (payload: unknown, headers: Record<string, string> = analyst) =>
    s.app.inject({ method: "POST", url: "/api/accounting", headers, payload: payload as Record<string, unknown> });

  it.runIf(enabled)("lists the shipped scenarios and serves each file's JSON with the schema", async () => {
    const list = (await get("/api/scenarios")).json();
    expect(list.items.map((x: { name: string }) => x.name)).toEqual(SHIPPED);
    const off = list.items.find((x: { name: string }) => x.name === "official");
    expect(off).toMatchObject({ file: "scenarios/official.json", title: "official", firstYear: 2000, lastYear: 2022, years: 23 });
    const r = (await get("/api/scenarios/official")).json();
    expect(r.scenario).toEqual(JSON.parse(readFileSync(join(packageRoot(), "scenarios/official.json"), "utf8")));
    expect(r.schema).toEqual(JSON.parse(JSON.stringify(scenarioJsonSchema())));
    expect((await get("/api/scenarios/nope")).statusCode).toBe(404);
    // names are looked up among the shipped files only: no path reaches the file system
    for (const n of ["..%2Fpackage", "..%2F..%2Fetc%2Fpasswd", "official.json", "%2Fetc%2Fpasswd"]) {
      const r = await get(`/api/scenarios/${n}`);
      expect(r.statusCode, n).toBe(404);
      expect(r.body).not.toContain("root:");
    }
    expect((await post({ scenario: "../scenarios/official" })).statusCode).toBe(404);
    expect((await get(`/api/scenarios/${"x".repeat(65)}`)).statusCode).toBe(400);
    expect((await get("/api/scenarios", {})).statusCode).toBe(401);
  });

  it.runIf(enabled)("sliders: a scale factor per variable, every end of every range gives a valid run", async () => {
    for (const name of ["official", "independent"]) {
      const r = (await get(`/api/scenarios/${name}/sliders`)).json();
      expect(r.scenario).toBe(name);
      const share = r.sliders.find((x: { name: string }) => x.name === "shareUsed");
      expect(share).toMatchObject({ path: "scale.shareUsed", min: 0, max: 1, value: 1 });
      const ex = r.sliders.find((x: { name: string }) => x.name === "executions");
      expect(ex).toMatchObject({ min: 0.5, max: 2, step: 0.05 });
      for (const sl of r.sliders as { path: string; min: number; max: number }[]) {
        for (const value of [sl.min, sl.max]) {
          const res = await post({ scenario: name, overrides: [{ path: sl.path, value }], draws: 1000 });
          expect(res.statusCode, `${name} ${sl.path}=${value}: ${res.body.slice(0, 200)}`).toBe(200);
        }
      }
    }
    expect((await get("/api/scenarios/nope/sliders")).statusCode).toBe(404);
  });

  it.runIf(enabled)("access: viewers and anonymous users cannot run the model", async () => {
    expect((await post({ scenario: "official" }, viewer)).statusCode).toBe(403);
    expect((await post({ scenario: "official" }, {})).statusCode).toBe(401);
  });

  it.runIf(enabled)("an unchanged shipped scenario reproduces the standard audit's (the report's) finding", async () => {
    const audit = await s.ctx.audit();
    for (const sec of audit.sections.accounting) {
      const a = { ...sec, accounting: sec.accounting as Finding<AccountingResult> };
      const name = a.scenarioFile.replace(/^scenarios\//, "").replace(/\.json$/, "");
      const r = await post({ scenario: name });
      expect(r.statusCode).toBe(200);
      const body = r.json() as Body;
      expect(canonicalJson(body.finding)).toBe(canonicalJson(a.accounting));
      expect(body.fan).toEqual(a.accounting.result.years.map((y) => ({ year: y.year, p05: y.unexplained.p05, p25: y.unexplained.p25, p50: y.unexplained.p50, p75: y.unexplained.p75, p95: y.unexplained.p95 })));
      expect(body.claimed.map((c) => c.p50)).toEqual(a.accounting.result.years.map((y) => (y.transplants as { p50: number }).p50));
      expect(body.chart.findingIds).toEqual([a.accounting.id]);
      expect(JSON.stringify(body.spec)).toContain(a.accounting.id);
    }
  });

  it.runIf(enabled)("deterministic: the same body gives byte-identical responses", async () => {
    const payload = { scenario: "independent", overrides: [{ path: "scale.executions", value: 1.35 }, { path: "$.years[2].transplants.uniform[1]", value: 16000 }], draws: 5000, seed: 42 };
    const a = await post(payload);
    const b = await post(payload);
    expect(a.statusCode).toBe(200);
    expect(b.body).toBe(a.body);
    const c = await post({ ...payload, seed: 43 });
    expect(c.body).not.toBe(a.body);
    // the defaults are the standard audit's draws and seed; an empty override list changes nothing
    const d1 = await post({ scenario: "official" });
    const d2 = await post({ scenario: "official", overrides: [], draws: 20_000, seed: 20191114 });
    expect(d2.body).toBe(d1.body);
  });

  it.runIf(enabled)("overrides move the result and are recorded in the finding's provenance", async () => {
    const base = (await post({ scenario: "official" })).json() as Body;
    const more = (await post({ scenario: "official", overrides: [{ path: "scale.executions", value: 1.5 }] })).json() as Body;
    expect(more.finding.provenance.parameters.overrides).toEqual([{ path: "scale.executions", value: 1.5 }]);
    expect(more.finding.caveats.map((c) => c.code)).toContain("C_ACC_OVERRIDDEN");
    expect(more.finding.id).not.toBe(base.finding.id);
    expect(more.finding.result.scenario).toBe("official (modified: executions ×1.5)");
    // official 2000: 12,000 executions, every one a donor, 3.76 organs each (all fixed): ×1.5 explains 0.5 × 12,000 × 3.76 more organs
    expect(base.fan[0]!.p50 - more.fan[0]!.p50).toBeCloseTo(0.5 * 12000 * 3.76, 6);
    expect(more.explained[0]!.p50 - base.explained[0]!.p50).toBeCloseTo(0.5 * 12000 * 3.76, 6);
    expect(more.claimed).toEqual(base.claimed);
    // the same change by JSON path on one year only
    const one = (await post({ scenario: "official", overrides: [{ path: "$.years[0].executions.fixed", value: 18000 }] })).json() as Body;
    expect(one.fan[0]!.p50).toBeCloseTo(more.fan[0]!.p50, 6);
    expect(one.fan[1]!.p50).toBe(base.fan[1]!.p50);
  });

  it.runIf(enabled)("a bad path or value is a 400 naming the JSON path", async () => {
    const cases: [unknown, number, string, string | undefined][] = [
      [{ scenario: "official", overrides: [{ path: "$.years[99].executions.fixed", value: 1 }] }, 400, "M_ACC_OVERRIDE_PATH", "$.years[99].executions.fixed"],
      [{ scenario: "official", overrides: [{ path: "scale.prisoners", value: 1 }] }, 400, "M_ACC_OVERRIDE_PATH", "scale.prisoners"],
      [{ scenario: "official", overrides: [{ path: "scale.executions", value: 1000 }] }, 400, "M_ACC_OVERRIDE_VALUE", "scale.executions"],
      [{ scenario: "official", overrides: [{ path: "scale.shareUsed", value: 1.5 }] }, 400, "M_ACC_DIST_PARAMS", "$.years[0].shareUsed.fixed"],
      [{ scenario: "official", overrides: [{ path: "$.years[3].executions.fixed", value: -5 }] }, 400, "M_ACC_NEGATIVE", "$.years[3].executions.fixed"],
      [{ scenario: "official", overrides: [{ path: "scale.executions", value: null }] }, 400, "S_DATA_BAD_BODY", "$.overrides[0].value"],
      [{ scenario: "official", overrides: [{ path: "scale.executions", value: "2" }] }, 400, "S_DATA_BAD_BODY", "$.overrides[0].value"],
      [{ scenario: "official", overrides: [{ path: 3, value: 2 }] }, 400, "S_DATA_BAD_BODY", "$.overrides[0].path"],
      [{ scenario: "official", overrides: [{ path: "scale.executions", value: 2, extra: 1 }] }, 400, "S_DATA_BAD_BODY", "$.overrides[0].extra"],
      [{ scenario: "official", override: [] }, 400, "S_DATA_BAD_BODY", "$.override"],
      [{ scenario: "official", overrides: {} }, 400, "S_DATA_BAD_BODY", "$.overrides"],
      [{ scenario: 5 }, 400, "S_DATA_BAD_BODY", "$.scenario"],
      [{ scenario: "official", draws: "100" }, 400, "S_DATA_BAD_BODY", "$.draws"],
      [{ scenario: "official", draws: 50_001 }, 400, "S_DATA_DRAWS_LIMIT", "$.draws"],
      [{ scenario: "official", draws: 1 }, 400, "S_VALIDATION", undefined],
      [{ scenario: "official", seed: -1 }, 400, "S_VALIDATION", undefined],
      [{ scenario: "nope" }, 404, "S_NOT_FOUND", undefined],
      [{ scenario: longInline(41), draws: 50_000 }, 400, "S_DATA_WORK_LIMIT", "$.draws"],
      [[1, 2], 400, "S_DATA_BAD_BODY", "$"],
    ];
    for (const [payload, status, code, path] of cases) {
      const r = await post(payload);
      const label = JSON.stringify(payload);
      expect(r.statusCode, label).toBe(status);
      const e = r.json().error;
      expect(e.code, label).toBe(code);
      if (path !== undefined) {
        expect(e.location?.path, label).toBe(path);
        expect(e.message, label).toContain(path);
      }
    }
  });

  it.runIf(enabled)("a missing or non-JSON body is refused", async () => {
    const none = await s.app.inject({ method: "POST", url: "/api/accounting", headers: analyst });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.code).toBe("S_DATA_BAD_BODY");
    const text = await s.app.inject({ method: "POST", url: "/api/accounting", headers: { ...analyst, "content-type": "text/plain" }, payload: "scenario=official" });
    expect(text.statusCode).toBe(415);
    const broken = await s.app.inject({ method: "POST", url: "/api/accounting", headers: { ...analyst, "content-type": "application/json" }, payload: '{"scenario": "official",' });
    expect(broken.statusCode).toBe(400);
    expect(broken.body).not.toMatch(/at .*\.js/);
  });

  it.runIf(enabled)("runs an inline scenario; an invalid one is refused with the path of the fault", async () => {
    const raw = JSON.parse(readFileSync(join(packageRoot(), "scenarios/independent.json"), "utf8")) as { name: string; years: Record<string, unknown>[] };
    const small = { ...raw, name: "inline-test", period: undefined, years: raw.years.slice(0, 3) };
    delete small.period;
    const r = await post({ scenario: small, draws: 2000 });
    expect(r.statusCode).toBe(200);
    const f = (r.json() as Body).finding;
    expect(f.provenance.inputs[0]).toMatchObject({ name: "inline scenario", n: 3 });
    expect(f.result.years).toHaveLength(3);
    const bad = structuredClone(small) as { years: Record<string, Record<string, unknown>>[] };
    bad.years[1]!.executions = { triangular: [5, 1, 3], source: "DUIHUA_TABLE" };
    const e = await post({ scenario: bad, draws: 2000 });
    expect(e.statusCode).toBe(400);
    expect(e.json().error.location.path).toBe("$.years[1].executions.triangular");
    // values so large that the identity overflows are refused, not answered with Infinity or NaN
    const huge = longInline(2) as { years: Record<string, unknown>[] };
    huge.years[1]!.executions = { fixed: 1e308, source: "DUIHUA_TABLE" };
    const h = await post({ scenario: huge, draws: 100 });
    expect(h.statusCode).toBe(400);
    expect(h.json().error.code).toBe("M_ACC_DIST_PARAMS");
    expect(h.body).not.toMatch(/Infinity|NaN/);
    // at the work limit exactly (50,000 draws × 40 years) the run is accepted
    const edge = await post({ scenario: longInline(40), draws: 50_000 });
    expect(edge.statusCode).toBe(200);
    expect((edge.json() as Body).finding.result.years).toHaveLength(40);
  });

  it.runIf(enabled)("fast enough for a slider: 20,000 draws of the largest shipped scenario", async () => {
    const shipped = readShippedScenarios();
    const longest = [...shipped.values()].sort((a, b) => b.scenario.years.length - a.scenario.years.length)[0]!;
    await post({ scenario: "independent", overrides: [{ path: "scale.executions", value: 1.1 }] }); // warm up
    const times: number[] = [];
    for (const name of [longest.name, "independent"]) {
      const t = performance.now();
      const r = await post({ scenario: name, overrides: [{ path: "scale.executions", value: 1.2 }] });
      times.push(performance.now() - t);
      expect(r.statusCode).toBe(200);
    }
    // typically 40-120 ms on the project machine; the bound leaves room for a busy shared CPU
    expect(Math.max(...times)).toBeLessThan(1500);
  });
});
