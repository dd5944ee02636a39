import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { Validator } from "@seriousme/openapi-schema-validator";
import { OrganAuditError } from "../core/errors.js";
import { buildApp, registeredRoutes, SECURITY_HEADERS } from "./app.js";
import { closeServerContext, openServerContext } from "./context.js";
import { pgAvailable } from "../../test/helpers/pg.js";
import { startTestServer, TEST_SCRYPT, type TestServer } from "../../test/helpers/server.js";

const dialects: ["sqlite" | "postgres", boolean][] = [
  ["sqlite", true],
  ["postgres", pgAvailable],
];

describe.each(dialects)("server app on %s", (dialect, enabled) => {
  let s: TestServer;
  beforeAll(async () => {
    if (enabled) s = await startTestServer({ dialect });
  });
  afterAll(async () => {
    if (enabled) await s.close();
  });

  it.runIf(enabled)("signs in with a cookie and a bearer token, reports the user, signs out", async () => {
    const r = await s.app.inject({ method: "POST", url: "/api/session", payload: { username: "reviewer", password: s.passwords.reviewer } });
    expect(r.statusCode).toBe(200);
    const body = r.json() as { user: { name: string; role: string; canSeeSensitive: boolean }; token: string };
    expect(body.user).toMatchObject({ name: "reviewer", role: "reviewer", canSeeSensitive: false });
    const cookie = String(r.headers["set-cookie"]);
    expect(cookie).toMatch(new RegExp(`^oa_session=${body.token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200$`));
    const me1 = await s.app.inject({ method: "GET", url: "/api/me", headers: { cookie: `other=1; oa_session=${body.token}` } });
    expect(me1.json()).toMatchObject({ name: "reviewer", role: "reviewer" });
    const me2 = await s.app.inject({ method: "GET", url: "/api/me", headers: { authorization: `Bearer ${body.token}` } });
    expect(me2.statusCode).toBe(200);
    const out = await s.app.inject({ method: "DELETE", url: "/api/session", headers: { authorization: `Bearer ${body.token}` } });
    expect(out.statusCode).toBe(200);
    expect(String(out.headers["set-cookie"])).toContain("oa_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    const me3 = await s.app.inject({ method: "GET", url: "/api/me", headers: { authorization: `Bearer ${body.token}` } });
    expect(me3.statusCode).toBe(401);
    // only the SHA-256 of a token is stored
    const rows = await s.ctx.teamDb.selectFrom("sessions").select("token_hash").execute();
    expect(rows.every((x) => /^[0-9a-f]{64}$/.test(x.token_hash))).toBe(true);
  });

  it.runIf(enabled)("admins create users and change roles; each change is in the custody log without secrets", async () => {
    const { headers } = await s.login("admin");
    const c = await s.app.inject({ method: "POST", url: "/api/users", headers, payload: { name: "李明", password: "a-long-password-1", role: "viewer" } });
    expect(c.statusCode).toBe(201);
    expect(c.json()).toMatchObject({ name: "李明", role: "viewer", disabled: false });
    expect(c.body).not.toContain("password");
    const dup = await s.app.inject({ method: "POST", url: "/api/users", headers, payload: { name: "李明", password: "a-long-password-2", role: "viewer" } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe("S_USER_EXISTS");
    const caseDup = await s.app.inject({ method: "POST", url: "/api/users", headers, payload: { name: "ADMIN", password: "a-long-password-2", role: "viewer" } });
    expect(caseDup.statusCode).toBe(409);
    expect(caseDup.json().error.message).toBe('field "name": a user named "admin" already exists');
    const weak = await s.app.inject({ method: "POST", url: "/api/users", headers, payload: { name: "weak", password: "short", role: "viewer" } });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.code).toBe("S_WEAK_PASSWORD");
    const badRole = await s.app.inject({ method: "POST", url: "/api/users", headers, payload: { name: "x", password: "a-long-password-1", role: "owner" } });
    expect(badRole.statusCode).toBe(400);
    expect(badRole.json().error.code).toBe("S_VALIDATION");

    const up = await s.app.inject({ method: "PUT", url: `/api/users/${encodeURIComponent("李明")}/role`, headers, payload: { role: "analyst" } });
    expect(up.statusCode).toBe(200);
    expect(up.json().role).toBe("analyst");
    const nobody = await s.app.inject({ method: "PUT", url: "/api/users/nobody/role", headers, payload: { role: "analyst" } });
    expect(nobody.statusCode).toBe(404);
    expect(nobody.json().error.code).toBe("S_NO_USER");

    const list = await s.app.inject({ method: "GET", url: "/api/users?limit=2&offset=1", headers });
    const page = list.json() as { items: { name: string }[]; total: number; offset: number; limit: number };
    expect(page).toMatchObject({ total: 5, offset: 1, limit: 2 });
    expect(page.items).toHaveLength(2);
    expect(list.body).not.toMatch(/scrypt|password/);

    const li = await s.app.inject({ method: "POST", url: "/api/session", payload: { username: "李明", password: "a-long-password-1" } });
    expect(li.json().user.role).toBe("analyst");

    const entries = (await s.ctx.archive.log.entries()).filter((e) => e.action === "account");
    const mine = entries.filter((e) => (e.data as { user?: string }).user === "李明");
    expect(mine.map((e) => [e.actor, (e.data as { event: string }).event])).toEqual([
      ["admin", "user-created"],
      ["admin", "role-changed"],
    ]);
    expect(JSON.stringify(entries)).not.toMatch(/a-long-password|scrypt\$|pw-/);
  });

  it.runIf(enabled)("a disabled user cannot sign in and loses its sessions; the last admin cannot be demoted or disabled", async () => {
    const { headers } = await s.login("admin");
    await s.app.inject({ method: "POST", url: "/api/users", headers, payload: { name: "temp", password: "temp-password-1", role: "analyst" } });
    const t = (await s.app.inject({ method: "POST", url: "/api/session", payload: { username: "temp", password: "temp-password-1" } })).json().token as string;
    const d = await s.app.inject({ method: "POST", url: "/api/users/temp/disable", headers });
    expect(d.statusCode).toBe(200);
    expect(d.json().disabled).toBe(true);
    expect((await s.app.inject({ method: "GET", url: "/api/me", headers: { authorization: `Bearer ${t}` } })).statusCode).toBe(401);
    const again = await s.app.inject({ method: "POST", url: "/api/session", payload: { username: "temp", password: "temp-password-1" } });
    expect(again.statusCode).toBe(401);
    const demote = await s.app.inject({ method: "PUT", url: "/api/users/admin/role", headers, payload: { role: "viewer" } });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().error.code).toBe("S_LAST_ADMIN");
    const dis = await s.app.inject({ method: "POST", url: "/api/users/admin/disable", headers });
    expect(dis.statusCode).toBe(409);
    // re-enabled: the same password works again (no old session comes back), and the change is logged
    const en = await s.app.inject({ method: "POST", url: "/api/users/temp/enable", headers });
    expect(en.statusCode, en.body).toBe(200);
    expect(en.json().disabled).toBe(false);
    expect((await s.app.inject({ method: "GET", url: "/api/me", headers: { authorization: `Bearer ${t}` } })).statusCode).toBe(401);
    const back = await s.app.inject({ method: "POST", url: "/api/session", payload: { username: "temp", password: "temp-password-1" } });
    expect(back.statusCode).toBe(200);
    const log = await s.ctx.archive.log.entries(0, await s.ctx.archive.log.size());
    expect(log.filter((e) => e.action === "account").map((e) => (e.data as { event?: string }).event)).toEqual(expect.arrayContaining(["user-disabled", "user-enabled"]));
    expect((await s.app.inject({ method: "POST", url: "/api/users/nobody/enable", headers })).statusCode).toBe(404);
  });

  it.runIf(enabled)("changes one's own password: the old one stops working and sessions end", async () => {
    const { headers: admin } = await s.login("admin");
    await s.app.inject({ method: "POST", url: "/api/users", headers: admin, payload: { name: "pwuser", password: "first-password-1", role: "viewer" } });
    const tok = (await s.app.inject({ method: "POST", url: "/api/session", payload: { username: "pwuser", password: "first-password-1" } })).json().token as string;
    const h = { authorization: `Bearer ${tok}` };
    const wrong = await s.app.inject({ method: "PUT", url: "/api/me/password", headers: h, payload: { currentPassword: "nope-nope-nope", newPassword: "second-password-2" } });
    expect(wrong.statusCode).toBe(401);
    const ok = await s.app.inject({ method: "PUT", url: "/api/me/password", headers: h, payload: { currentPassword: "first-password-1", newPassword: "second-password-2" } });
    expect(ok.statusCode).toBe(200);
    expect((await s.app.inject({ method: "GET", url: "/api/me", headers: h })).statusCode).toBe(401);
    expect((await s.app.inject({ method: "POST", url: "/api/session", payload: { username: "pwuser", password: "first-password-1" } })).statusCode).toBe(401);
    expect((await s.app.inject({ method: "POST", url: "/api/session", payload: { username: "pwuser", password: "second-password-2" } })).statusCode).toBe(200);
    const log = (await s.ctx.archive.log.entries()).filter((e) => e.action === "account" && (e.data as { event: string }).event === "password-changed");
    expect(log.map((e) => e.actor)).toContain("pwuser");
  });

  it.runIf(enabled)("sets the security headers on API responses, errors and the web app", async () => {
    for (const url of ["/api/health", "/api/nothing-here", "/", "/api/users"]) {
      const r = await s.app.inject({ method: "GET", url });
      for (const [h, v] of Object.entries(SECURITY_HEADERS)) expect(r.headers[h], `${url} ${h}`).toBe(v);
    }
    const h = await s.app.inject({ method: "GET", url: "/api/health" });
    expect(h.headers["cache-control"]).toBe("no-store");
  });

  it.runIf(enabled)("serves a valid OpenAPI 3.1 document listing every route with an operationId and security on non-public ones", async () => {
    const r = await s.app.inject({ method: "GET", url: "/api/openapi.json" });
    expect(r.statusCode).toBe(200);
    const doc = r.json() as { openapi: string; paths: Record<string, Record<string, { operationId?: string; security?: unknown[] }>> };
    expect(doc.openapi).toBe("3.1.0");
    const v = new Validator();
    const res = await v.validate(doc);
    expect(res.errors ?? []).toEqual([]);
    expect(res.valid).toBe(true);
    const ids = new Set<string>();
    for (const route of registeredRoutes(s.app)) {
      if (route.hidden || route.method === "HEAD") continue;
      const path = route.url.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
      const op = doc.paths[path]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.url} in the OpenAPI document`).toBeDefined();
      expect(op?.operationId, `${route.method} ${route.url} operationId`).toMatch(/^[a-z][A-Za-z0-9]+$/);
      expect(ids.has(op?.operationId ?? ""), `duplicate operationId ${op?.operationId}`).toBe(false);
      ids.add(op?.operationId ?? "");
      if (route.access !== "public") expect(op?.security).toEqual([{ cookieAuth: [] }, { bearerAuth: [] }]);
    }
    expect(ids.has("createSession") && ids.has("listUsers") && ids.has("getHealth")).toBe(true);
  });
});

describe("server app: startup checks and error bodies", () => {
  const dir = mkdtempSync(join(tmpdir(), "oa-app-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses to start when a route declares no config.access", async () => {
    const ctx = await openServerContext({ dir: join(dir, "a"), scrypt: TEST_SCRYPT });
    try {
      const bad = async (app: FastifyInstance): Promise<void> => {
        app.get("/oops", async () => ({ ok: true }));
      };
      await expect(buildApp(ctx, { extraRoutes: [bad] })).rejects.toMatchObject({ code: "S_ROUTE_NO_ACCESS" });
    } finally {
      await closeServerContext(ctx);
    }
  });

  it("answers errors with the error body: library errors 4xx with their code, crashes 500 without internals", async () => {
    const ctx = await openServerContext({ dir: join(dir, "b"), scrypt: TEST_SCRYPT });
    let app: FastifyInstance | undefined;
    try {
      const routes = async (a: FastifyInstance): Promise<void> => {
        a.get("/t/crash", { config: { access: "public" }, schema: { operationId: "crash", tags: ["t"] } }, async () => {
          throw new Error("SELECT secret FROM users -- at /srv/app.js:12");
        });
        a.get("/t/input", { config: { access: "public" }, schema: { operationId: "input", tags: ["t"] } }, async () => {
          throw new OrganAuditError("E_USAGE", { detail: "bad x" }, { field: "x" });
        });
        a.get("/t/missing", { config: { access: "public" }, schema: { operationId: "missing", tags: ["t"] } }, async () => {
          throw new OrganAuditError("S_NOT_FOUND", { what: "thing 7" });
        });
      };
      app = await buildApp(ctx, { extraRoutes: [routes] });
      const crash = await app.inject({ method: "GET", url: "/api/t/crash" });
      expect(crash.statusCode).toBe(500);
      expect(crash.json()).toEqual({ error: { code: "E_INTERNAL", message: "internal server error (the server log has the details)" } });
      const input = await app.inject({ method: "GET", url: "/api/t/input" });
      expect(input.statusCode).toBe(400);
      expect(input.json()).toEqual({ error: { code: "E_USAGE", message: 'field "x": usage error: bad x', location: { field: "x" } } });
      const missing = await app.inject({ method: "GET", url: "/api/t/missing" });
      expect(missing.statusCode).toBe(404);
      expect(missing.json().error.code).toBe("S_NOT_FOUND");
      const none = await app.inject({ method: "POST", url: "/api/no/such/route" });
      expect(none.statusCode).toBe(404);
      expect(none.json().error.code).toBe("S_NOT_FOUND");
      const badJson = await app.inject({ method: "POST", url: "/api/session", headers: { "content-type": "application/json" }, payload: "{not json" });
      expect(badJson.statusCode).toBe(400);
      expect(badJson.json().error.code).toBe("S_BAD_REQUEST");
      const badBody = await app.inject({ method: "POST", url: "/api/session", payload: { username: "a" } });
      expect(badBody.statusCode).toBe(400);
      expect(badBody.json().error.code).toBe("S_VALIDATION");
    } finally {
      await app?.close();
      await closeServerContext(ctx);
    }
  });

  it("serves the web app's index for client-side routes, and a how-to-build page when there is no build", async () => {
    const ctx = await openServerContext({ dir: join(dir, "c"), scrypt: TEST_SCRYPT });
    const web = join(dir, "web");
    const { mkdirSync, writeFileSync } = await import("node:fs");
    mkdirSync(join(web, "assets"), { recursive: true });
    writeFileSync(join(web, "index.html"), "<!doctype html><title>app</title>");
    writeFileSync(join(web, "assets", "a.js"), "console.log(1)");
    writeFileSync(join(dir, "secret.txt"), "outside");
    const app = await buildApp(ctx, { webDir: web });
    const none = await buildApp(ctx, { webDir: join(dir, "no-build") });
    try {
      expect((await app.inject({ method: "GET", url: "/" })).body).toContain("<title>app</title>");
      expect((await app.inject({ method: "GET", url: "/evidence/EV-1" })).body).toContain("<title>app</title>");
      const js = await app.inject({ method: "GET", url: "/assets/a.js" });
      expect(js.statusCode).toBe(200);
      expect(js.headers["content-type"]).toMatch(/javascript/);
      expect((await app.inject({ method: "GET", url: "/assets/missing.js" })).statusCode).toBe(404);
      expect((await app.inject({ method: "GET", url: "/../secret.txt" })).body).not.toContain("outside");
      expect((await app.inject({ method: "GET", url: "/%2e%2e/secret.txt" })).body).not.toContain("outside");
      expect((await app.inject({ method: "GET", url: "/api/unknown" })).statusCode).toBe(404);
      const how = await none.inject({ method: "GET", url: "/" });
      expect(how.statusCode).toBe(200);
      expect(how.body).toContain("npm run build:web");
    } finally {
      await app.close();
      await none.close();
      await closeServerContext(ctx);
    }
  });
});

describe("error status mapping", () => {
  it("maps codes to statuses; route modules can register theirs", async () => {
    const { registerErrorStatus, statusForCode, toErrorResponse } = await import("./errors.js");
    expect(statusForCode("S_UNAUTHENTICATED")).toBe(401);
    expect(statusForCode("S_FORBIDDEN")).toBe(403);
    expect(statusForCode("EV_ARCH_NO_ITEM")).toBe(404);
    expect(statusForCode("XX_THING_NOT_FOUND")).toBe(404);
    expect(statusForCode("XX_ODD")).toBe(400);
    registerErrorStatus("XX_ODD", 409);
    expect(statusForCode("XX_ODD")).toBe(409);
    const big = toErrorResponse(Object.assign(new Error("Request body is too large"), { code: "FST_ERR_CTP_BODY_TOO_LARGE", statusCode: 413 }), { maxJsonBytes: 77 });
    expect(big).toEqual({ status: 413, body: { error: { code: "S_BODY_TOO_LARGE", message: "the request body is larger than the limit of 77 bytes" } } });
    const media = toErrorResponse(Object.assign(new Error("Unsupported Media Type"), { code: "FST_ERR_CTP_INVALID_MEDIA_TYPE", statusCode: 415 }), { maxJsonBytes: 1 }, 'text/html; charset="<script>"');
    expect(media.body.error.message).toBe('unsupported content type "text/html" for this endpoint');
    const weird = toErrorResponse("a string thrown", { maxJsonBytes: 1 });
    expect(weird.status).toBe(500);
    expect(weird.body.error.code).toBe("E_INTERNAL");
  });
});
