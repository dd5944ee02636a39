import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StandardAudit } from "../../audit/standard.js";
import { sha256Hex } from "../../core/hash.js";
import { buildReport, type BuiltReport } from "../../report/build.js";
import { ManifestSchema } from "../../report/manifest.js";
import { pgAvailable } from "../../../test/helpers/pg.js";
import { startTestServer, type TestServer } from "../../../test/helpers/server.js";
import { ROUTE_MODULES } from "../app.js";
import { reportRoutes, serverReport } from "./report.js";

const extraRoutes = [reportRoutes].filter((m) => !ROUTE_MODULES.includes(m));
let shared: Promise<StandardAudit> | undefined;

describe.each([
  ["sqlite", true],
  ["postgres", pgAvailable],
] as const)("report routes (%s)", (dialect, enabled) => {
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
    expect((await get("/api/report", {})).statusCode).toBe(401);
    expect((await get("/api/report/manifest", {})).statusCode).toBe(401);
  });

  it.runIf(enabled)("serves the library's report of the server's audit, built once, with a no-script policy", async () => {
    const [r1, r2] = await Promise.all([get("/api/report"), get("/api/report")]);
    expect(serverReport(s.ctx)).toBe(serverReport(s.ctx));
    expect(r1.statusCode).toBe(200);
    expect(r1.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(String(r1.headers["content-security-policy"])).toContain("default-src 'none'");
    expect(String(r1.headers["content-security-policy"])).not.toContain("script-src");
    expect(r1.headers["x-frame-options"]).toBe("SAMEORIGIN");
    expect(r1.body).toBe(r2.body);
    expect(r1.body.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(r1.body).not.toMatch(/<script/i);
    // byte-identical to the report the library builds from the same audit
    const audit = await s.ctx.audit();
    const direct: BuiltReport = await buildReport({ runner: () => audit });
    expect(sha256Hex(r1.body)).toBe(sha256Hex(direct.html));
    for (const f of audit.findings.slice(0, 5)) expect(r1.body).toContain(f.id);
  });

  it.runIf(enabled)("serves the manifest's exact bytes; it hashes the served HTML", async () => {
    const html = (await get("/api/report")).body;
    const r = await get("/api/report/manifest");
    expect(r.statusCode).toBe(200);
    expect(r.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(r.body).toBe((await serverReport(s.ctx)).manifestText);
    const m = ManifestSchema.parse(r.json());
    expect(m.report.html.sha256).toBe(sha256Hex(html));
    const audit = await s.ctx.audit();
    expect(m.findings.map((f) => f.id)).toEqual(audit.findings.map((f) => f.id));
  });
});
