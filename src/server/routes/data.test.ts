import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultDataDir, loadPackage } from "../../data/package.js";
import { pgAvailable } from "../../../test/helpers/pg.js";
import { startTestServer, type TestServer } from "../../../test/helpers/server.js";
import { ROUTE_MODULES } from "../app.js";
import { dataRoutes } from "./data.js";

const pkg = loadPackage();
const extraRoutes = [dataRoutes].filter((m) => !ROUTE_MODULES.includes(m));

describe.each([
  ["sqlite", true],
  ["postgres", pgAvailable],
] as const)("data routes (%s)", (dialect, enabled) => {
  let s: TestServer;
  let viewer: Record<string, string>;
  beforeAll(async () => {
    if (!enabled) return;
    s = await startTestServer({ dialect, build: { extraRoutes } });
    viewer = (await s.login("viewer")).headers;
  });
  afterAll(async () => {
    if (enabled) await s.close();
  });
  const get = (url: string, headers: Record<string, string> = viewer) => s.app.inject({ method: "GET", url, headers });

  it.runIf(enabled)("refuses requests without a session", async () => {
    for (const url of ["/api/tables", "/api/tables/sources", "/api/sources/CD2007"]) {
      const r = await get(url, {});
      expect(r.statusCode).toBe(401);
      expect(r.json().error.code).toBe("S_UNAUTHENTICATED");
    }
  });

  it.runIf(enabled)("lists the package's tables with row counts, hashes and fields", async () => {
    const r = await get("/api/tables?limit=500");
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.total).toBe(pkg.descriptor.resources.length);
    expect(body.items.map((t: { name: string }) => t.name)).toEqual(pkg.descriptor.resources.map((x) => x.name));
    for (const t of body.items) {
      const lib = pkg.tables.get(t.name)!;
      expect(t.rows).toBe(lib.rows.length);
      expect(t.sha256).toBe(lib.sha256);
      expect(t.fields.map((f: { name: string }) => f.name)).toEqual(lib.header);
    }
    const intl = body.items.find((t: { name: string }) => t.name === "international_deceased_donors");
    expect(intl.fields.find((f: { name: string }) => f.name === "deceased_donors_actual")).toMatchObject({ type: "integer", unit: "donors" });
    expect(intl.primaryKey).toEqual(["row_id"]);
  });

  it.runIf(enabled)("pages: limits, offsets past the end, bad values", async () => {
    const all = pkg.descriptor.resources.length;
    const p = (await get("/api/tables?offset=1&limit=2")).json();
    expect(p).toMatchObject({ total: all, offset: 1, limit: 2 });
    expect(p.items.map((t: { name: string }) => t.name)).toEqual(pkg.descriptor.resources.slice(1, 3).map((x) => x.name));
    const past = (await get(`/api/tables?offset=${all}`)).json();
    expect(past).toMatchObject({ items: [], total: all, offset: all, limit: 50 });
    for (const q of ["limit=501", "limit=0", "offset=-1", "limit=abc", "nonsense=1"]) {
      const r = await get(`/api/tables?${q}`);
      expect(r.statusCode, q).toBe(400);
      expect(r.json().error.code).toBe("S_VALIDATION");
    }
  });

  it.runIf(enabled)("serves typed rows with the library's filters (status, year, measure)", async () => {
    const t = pkg.tables.get("china_deceased_donors")!;
    const want = t.rows.filter((row) => row.values.status === "default" && row.values.measure === "deceased_donors" && row.values.year === 2015);
    expect(want.length).toBeGreaterThan(0);
    const r = await get("/api/tables/china_deceased_donors?status=default&measure=deceased_donors&year=2015&limit=500");
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.table).toBe("china_deceased_donors");
    expect(body.columns).toEqual(t.header);
    expect(body.total).toBe(want.length);
    expect(body.items).toEqual(want.map((row) => ({ line: row.line, values: row.values })));
    expect(typeof body.items[0].values.value).toBe("number");
    expect(body.items[0].values).toHaveProperty("source_id");
    expect(body.items[0].values).toHaveProperty("status_reason");
    // status=all (the default) returns every row; alternative rows only with status=alternative
    expect((await get("/api/tables/china_deceased_donors?limit=1")).json().total).toBe(t.rows.length);
    const alt = (await get("/api/tables/china_deceased_donors?status=alternative&limit=500")).json();
    expect(alt.total).toBe(t.rows.filter((row) => row.values.status === "alternative").length);
    expect(alt.items.every((i: { values: { status: string } }) => i.values.status === "alternative")).toBe(true);
  });

  it.runIf(enabled)("an unknown table is a 404 with the library's D_UNKNOWN_TABLE message", async () => {
    const r = await get("/api/tables/no_such_table");
    expect(r.statusCode).toBe(404);
    const e = r.json().error;
    expect(e.code).toBe("D_UNKNOWN_TABLE");
    expect(e.message).toContain('unknown table "no_such_table"');
    expect(e.message).toContain("china_deceased_donors");
  });

  it.runIf(enabled)("a filter on a column the table lacks is a 400 naming the column", async () => {
    const r = await get("/api/tables/sources?status=default");
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatchObject({ code: "S_DATA_TABLE_FILTER", location: { field: "status" } });
    const y = await get("/api/tables/china_cumulative_counters?year=2015");
    expect(y.statusCode).toBe(400);
    expect(y.json().error.message).toContain('no column "year"');
    expect((await get("/api/tables/sources?status=bogus")).statusCode).toBe(400);
    expect((await get("/api/tables/sources?year=20x5")).statusCode).toBe(400);
    expect((await get("/api/tables/china_deceased_donors?measure=")).statusCode).toBe(400);
  });

  it.runIf(enabled)("serves one source of the register, 404 otherwise", async () => {
    const row = pkg.tables.get("sources")!.rows[0]!;
    const id = String(row.values.id);
    const r = await get(`/api/sources/${encodeURIComponent(id)}`);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ id, line: row.line, values: row.values });
    const missing = await get("/api/sources/NO_SUCH_SOURCE");
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toMatchObject({ code: "S_NOT_FOUND" });
    expect(missing.json().error.message).toContain('source "NO_SUCH_SOURCE"');
  });
});

describe("data, findings, accounting and report routes in the OpenAPI document", () => {
  it("the document with all four modules is valid OpenAPI 3.1 and lists each route once", async () => {
    const { Validator } = await import("@seriousme/openapi-schema-validator");
    const { findingsRoutes } = await import("./findings.js");
    const { accountingRoutes } = await import("./accounting.js");
    const { reportRoutes } = await import("./report.js");
    const mine = [dataRoutes, findingsRoutes, accountingRoutes, reportRoutes];
    const s = await startTestServer({ dialect: "sqlite", build: { extraRoutes: mine.filter((m) => !ROUTE_MODULES.includes(m)) } });
    try {
      const doc = (await s.app.inject({ method: "GET", url: "/api/openapi.json" })).json() as {
        paths: Record<string, Record<string, { operationId?: string; tags?: string[]; security?: unknown[] }>>;
      };
      const res = await new Validator().validate(doc as never);
      expect(res.errors ?? []).toEqual([]);
      expect(res.valid).toBe(true);
      const want: [string, string, string][] = [
        ["/api/tables", "get", "listTables"],
        ["/api/tables/{name}", "get", "getTableRows"],
        ["/api/sources/{id}", "get", "getSource"],
        ["/api/findings", "get", "listFindings"],
        ["/api/findings/{id}", "get", "getFinding"],
        ["/api/charts", "get", "listCharts"],
        ["/api/charts/{id}", "get", "getChart"],
        ["/api/scenarios", "get", "listScenarios"],
        ["/api/scenarios/{name}", "get", "getScenario"],
        ["/api/scenarios/{name}/sliders", "get", "getScenarioSliders"],
        ["/api/accounting", "post", "runAccounting"],
        ["/api/report", "get", "getReport"],
        ["/api/report/manifest", "get", "getReportManifest"],
      ];
      for (const [path, method, id] of want) {
        const op = doc.paths[path]?.[method];
        expect(op?.operationId, `${method} ${path}`).toBe(id);
        expect(op?.tags?.length, `${method} ${path} tags`).toBeGreaterThan(0);
        expect(op?.security).toEqual([{ cookieAuth: [] }, { bearerAuth: [] }]);
      }
    } finally {
      await s.close();
    }
  });
});

describe("data routes on another data package (ctx.dataDir)", () => {
  it("serves the tables of the package the server was started with", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "oa-data-"));
    const dataDir = join(tmp, "data");
    cpSync(defaultDataDir(), dataDir, { recursive: true });
    const file = join(dataDir, "sources.csv");
    const text = readFileSync(file, "utf8");
    writeFileSync(file, text.replace("used in: other_quantitative (2)\n", "changed note for this test\n"));
    const s = await startTestServer({ dialect: "sqlite", context: { dataDir }, build: { extraRoutes } });
    try {
      const { headers } = await s.login("viewer");
      const r = await s.app.inject({ method: "GET", url: "/api/sources/ABM2015", headers });
      expect(r.statusCode).toBe(200);
      expect(r.json().values.notes).toBe("changed note for this test");
      const t = (await s.app.inject({ method: "GET", url: "/api/tables?limit=500", headers })).json();
      const sources = t.items.find((x: { name: string }) => x.name === "sources");
      expect(sources.sha256).not.toBe(pkg.tables.get("sources")!.sha256);
      expect(sources.sha256).toBe(loadPackage(dataDir).tables.get("sources")!.sha256);
    } finally {
      await s.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe("a server whose data package is missing", () => {
  it("answers 500 E_INTERNAL without server paths, for tables, findings and the report", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "oa-nodata-"));
    const s = await startTestServer({ dialect: "sqlite", context: { dataDir: tmp }, build: { extraRoutes } });
    try {
      const { headers } = await s.login("viewer");
      for (const url of ["/api/tables", "/api/tables/sources", "/api/sources/CD2007", "/api/findings", "/api/charts", "/api/report", "/api/report/manifest"]) {
        const r = await s.app.inject({ method: "GET", url, headers });
        expect(r.statusCode, url).toBe(500);
        expect(r.json().error.code, url).toBe("E_INTERNAL");
        expect(r.body, url).not.toContain(tmp);
        expect(r.body, url).not.toContain("datapackage");
      }
    } finally {
      await s.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
