import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runStandardAudit, type StandardAudit } from "../../audit/standard.js";
import { canonicalJson } from "../../core/canonical.js";
import { chartsForAudit } from "../../report/charts.js";
import { pgAvailable } from "../../../test/helpers/pg.js";
import { startTestServer, type TestServer } from "../../../test/helpers/server.js";
import { ROUTE_MODULES } from "../app.js";
import { findingsRoutes } from "./findings.js";

const extraRoutes = [findingsRoutes].filter((m) => !ROUTE_MODULES.includes(m));

/** The reference: the library's standard audit computed here, independently of the server. */
let reference: StandardAudit;
/** The first server's audit promise, reused by the second dialect's server (the audit does not depend on the database). */
let shared: Promise<StandardAudit> | undefined;

beforeAll(() => {
  reference = runStandardAudit();
});

describe.each([
  ["sqlite", true],
  ["postgres", pgAvailable],
] as const)("findings and charts routes (%s)", (dialect, enabled) => {
  let s: TestServer;
  let viewer: Record<string, string>;
  beforeAll(async () => {
    if (!enabled) return;
    s = await startTestServer({ dialect, build: { extraRoutes } });
    if (shared) s.ctx.audit = () => shared!;
    else shared = s.ctx.audit();
    viewer = (await s.login("viewer")).headers;
  });
  afterAll(async () => {
    if (enabled) await s.close();
  });
  const get = (url: string, headers: Record<string, string> = viewer) => s.app.inject({ method: "GET", url, headers });

  it.runIf(enabled)("refuses requests without a session", async () => {
    for (const url of ["/api/findings", `/api/findings/${reference.findings[0]!.id}`, "/api/charts", "/api/charts/x"]) {
      expect((await get(url, {})).statusCode).toBe(401);
    }
  });

  it.runIf(enabled)("concurrent first requests share one audit", async () => {
    const rs = await Promise.all([1, 2, 3, 4].map(() => get("/api/findings?limit=1")));
    expect(new Set(rs.map((r) => r.body)).size).toBe(1);
    expect(s.ctx.audit()).toBe(s.ctx.audit());
  });

  it.runIf(enabled)("serves every finding exactly as the library computes it, with the audit's meta", async () => {
    const first = (await get("/api/findings")).json();
    expect(first).toMatchObject({ total: reference.findings.length, offset: 0, limit: 50 });
    expect(first.items).toHaveLength(Math.min(50, reference.findings.length));
    expect(first.meta.toolVersion).toBe(reference.toolVersion);
    expect(first.meta.parameters).toEqual(reference.parameters);
    expect(first.meta.inputs).toEqual(reference.inputs);
    expect(first.meta.findings).toBe(reference.findings.length);
    const all = (await get("/api/findings?limit=500")).json().items as { id: string }[];
    expect(all.map((f) => f.id)).toEqual(reference.findings.map((f) => f.id));
    all.forEach((f, i) => expect(canonicalJson(f)).toBe(canonicalJson(reference.findings[i])));
    const one = reference.findings[7]!;
    const r = await get(`/api/findings/${one.id}`);
    expect(r.statusCode).toBe(200);
    expect(canonicalJson(r.json())).toBe(canonicalJson(one));
  });

  it.runIf(enabled)("pages and filters by verdict, method prefix and section", async () => {
    const n = reference.findings.length;
    const last = (await get(`/api/findings?offset=${n - 1}&limit=5`)).json();
    expect(last.items.map((f: { id: string }) => f.id)).toEqual([reference.findings[n - 1]!.id]);
    expect((await get(`/api/findings?offset=${n}`)).json().items).toEqual([]);
    for (const verdict of ["flag", "pass", "insufficient-data", "estimate"]) {
      const r = (await get(`/api/findings?verdict=${verdict}&limit=500`)).json();
      expect(r.items.map((f: { id: string }) => f.id)).toEqual(reference.findings.filter((f) => f.verdict === verdict).map((f) => f.id));
    }
    const digits = (await get("/api/findings?method=forensics.digits&limit=500")).json();
    expect(digits.total).toBeGreaterThan(0);
    expect(digits.items.every((f: { method: string }) => f.method.startsWith("forensics.digits."))).toBe(true);
    expect((await get("/api/findings?method=forensics.dig")).json().total).toBe(0);
    const acc = (await get("/api/findings?section=accounting&limit=500")).json();
    const accIds = reference.sections.accounting.flatMap((a) => [a.accounting.id, ...(a.sensitivity ? [a.sensitivity.id] : [])]);
    expect(acc.items.map((f: { id: string }) => f.id)).toEqual(accIds);
    expect(acc.meta.sections.accounting).toBe(accIds.length);
    expect(Object.values(acc.meta.sections as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(n);
    const both = (await get("/api/findings?section=forensics&verdict=flag&limit=500")).json();
    expect(both.items.map((f: { id: string }) => f.id)).toEqual(reference.sections.forensics.findings.filter((f) => f.verdict === "flag").map((f) => f.id));
    for (const q of ["verdict=maybe", "section=nope", "limit=501", "offset=-3", "extra=1", "method="]) expect((await get(`/api/findings?${q}`)).statusCode, q).toBe(400);
  });

  it.runIf(enabled)("an unknown finding is a 404", async () => {
    const r = await get("/api/findings/F-0000000000000000");
    expect(r.statusCode).toBe(404);
    expect(r.json().error.code).toBe("S_NOT_FOUND");
  });

  it.runIf(enabled)("charts are the report's own specs", async () => {
    const charts = chartsForAudit(reference);
    const list = (await get("/api/charts?limit=500")).json();
    expect(list.total).toBe(charts.length);
    expect(list.items.map((c: { id: string }) => c.id)).toEqual(charts.map((c) => c.id));
    expect(list.items[0].findingIds).toEqual(charts[0]!.findingIds);
    expect(list.items[0].caption).toBe(charts[0]!.caption);
    expect(typeof list.items[0].title).toBe("string");
    for (const c of [charts[0]!, charts[charts.length - 1]!, charts.find((x) => x.id.startsWith("fan-"))!]) {
      const r = await get(`/api/charts/${encodeURIComponent(c.id)}`);
      expect(r.statusCode).toBe(200);
      expect(r.json()).toEqual(JSON.parse(JSON.stringify(c.spec)));
    }
    const missing = await get("/api/charts/no-such-chart");
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe("S_NOT_FOUND");
  });
});
