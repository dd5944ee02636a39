/**
 * Security tests of the server foundation, on SQLite and PostgreSQL: every non-public route refuses
 * requests without a session (401) and from a lower role (403); sign-in failures look the same for an
 * unknown user and a wrong password; brute force is throttled (429); expired and forged tokens are refused;
 * passwords, tokens and password hashes never appear in responses or logs; oversized JSON → 413, wrong
 * content type → 415. (Upload and captured-page tests live with the evidence routes.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { registeredRoutes } from "../../src/server/app.js";
import { ROLES, type Role } from "../../src/server/context.js";
import { tokenHash } from "../../src/server/auth/sessions.js";
import { pgAvailable } from "../helpers/pg.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

const dialects: ["sqlite" | "postgres", boolean][] = [
  ["sqlite", true],
  ["postgres", pgAvailable],
];

/** A concrete URL for a route pattern (params filled with a harmless value). */
function concrete(url: string): string {
  return url.replace(/:[A-Za-z0-9_]+/g, "x1").replace(/\*$/, "x1");
}

const LOG_ROUTE = async (app: FastifyInstance): Promise<void> => {
  // a careless handler that logs the whole request: redaction must still remove the credentials
  app.post("/t/log-everything", { config: { access: "viewer" }, schema: { operationId: "tLogEverything", tags: ["test"] } }, async (request) => {
    request.log.info({ headers: request.headers, body: request.body }, "careless log line");
    return { ok: true };
  });
};

describe.each(dialects)("server security on %s", (dialect, enabled) => {
  let s: TestServer;
  let logText = "";
  beforeAll(async () => {
    if (!enabled) return;
    s = await startTestServer({
      dialect,
      context: { limits: { maxJsonBytes: 4096 } },
      build: { logger: { level: "debug", stream: { write: (m: string) => void (logText += m) } }, extraRoutes: [LOG_ROUTE] },
    });
  });
  afterAll(async () => {
    if (enabled) await s.close();
  });

  it.runIf(enabled)("every non-public route refuses requests without a session (401) and from a lower role (403)", async () => {
    const routes = registeredRoutes(s.app).filter((r) => r.access !== "public" && r.method !== "HEAD");
    expect(routes.length).toBeGreaterThanOrEqual(7);
    const checked: string[] = [];
    for (const r of routes) {
      const url = concrete(r.url);
      const method = r.method as "GET" | "POST" | "PUT" | "DELETE" | "PATCH";
      const anon = await s.app.inject({ method, url, payload: method === "GET" || method === "DELETE" ? undefined : {} });
      expect(anon.statusCode, `${method} ${r.url} without a session`).toBe(401);
      expect(anon.json().error.code).toBe("S_UNAUTHENTICATED");
      const forged = await s.app.inject({ method, url, headers: { authorization: `Bearer ${randomBytes(32).toString("base64url")}` } });
      expect(forged.statusCode, `${method} ${r.url} with a forged token`).toBe(401);
      const need = ROLES.indexOf(r.access as Role);
      if (need > 0) {
        const lower = ROLES[need - 1] as Role;
        const { headers } = await s.login(lower);
        const low = await s.app.inject({ method, url, headers, payload: method === "GET" || method === "DELETE" ? undefined : {} });
        expect(low.statusCode, `${method} ${r.url} as ${lower} (needs ${r.access})`).toBe(403);
        expect(low.json().error.code).toBe("S_FORBIDDEN");
        // the lowest role too
        const v = await s.login("viewer");
        expect((await s.app.inject({ method, url, headers: v.headers })).statusCode).toBe(403);
      }
      checked.push(`${method} ${r.url}`);
    }
    // fastify's automatic HEAD routes carry the same access
    expect((await s.app.inject({ method: "HEAD", url: "/api/users" })).statusCode).toBe(401);
    expect((await s.app.inject({ method: "HEAD", url: "/api/users", headers: (await s.login("reviewer")).headers })).statusCode).toBe(403);
    expect(checked).toContain("GET /api/users");
    expect(checked).toContain("GET /api/me");
  });

  it.runIf(enabled)("the declared roles are enough: a user with exactly the route's role passes the access check", async () => {
    for (const r of registeredRoutes(s.app).filter((x) => x.access !== "public" && x.method === "GET")) {
      const { headers } = await s.login(r.access as Role);
      const res = await s.app.inject({ method: "GET", url: concrete(r.url), headers });
      expect([401, 403], `GET ${r.url} as ${r.access}`).not.toContain(res.statusCode);
    }
  });

  it.runIf(enabled)("a bad sign-in answers 401 with the same body for an unknown user and a wrong password", async () => {
    const unknown = await s.app.inject({ method: "POST", url: "/api/session", payload: { username: "no-such-user", password: "whatever-123" } });
    const wrong = await s.app.inject({ method: "POST", url: "/api/session", payload: { username: "analyst", password: "whatever-123" } });
    const invalidName = await s.app.inject({ method: "POST", url: "/api/session", payload: { username: "a b/c", password: "whatever-123" } });
    for (const r of [unknown, wrong, invalidName]) {
      expect(r.statusCode).toBe(401);
      expect(r.headers["set-cookie"]).toBeUndefined();
    }
    expect(unknown.body).toBe(wrong.body);
    expect(invalidName.body).toBe(wrong.body);
    expect(wrong.json()).toEqual({ error: { code: "S_BAD_LOGIN", message: "unknown user name or wrong password" } });
  });

  it.runIf(enabled)("brute force is throttled: after 10 failures for a user name from one address, even the right password gets 429", async () => {
    const { headers } = await s.login("admin");
    await s.app.inject({ method: "POST", url: "/api/users", headers, payload: { name: "target", password: "right-password-1", role: "viewer" } });
    for (let i = 0; i < 10; i++) {
      const r = await s.app.inject({ method: "POST", url: "/api/session", payload: { username: "target", password: `guess-${i}-xxxx` } });
      expect(r.statusCode).toBe(401);
    }
    const blocked = await s.app.inject({ method: "POST", url: "/api/session", payload: { username: "TARGET", password: "right-password-1" } });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error.code).toBe("S_TOO_MANY_ATTEMPTS");
    expect(Number(blocked.headers["retry-after"])).toBeGreaterThan(200);
    const right = await s.app.inject({ method: "POST", url: "/api/session", payload: { username: "target", password: "right-password-1" } });
    expect(right.statusCode).toBe(429);
    // another address, or another user from the same address, is not affected
    const other = await s.app.inject({ method: "POST", url: "/api/session", remoteAddress: "10.9.9.9", payload: { username: "target", password: "right-password-1" } });
    expect(other.statusCode).toBe(200);
    const otherUser = await s.app.inject({ method: "POST", url: "/api/session", payload: { username: "viewer", password: s.passwords.viewer } });
    expect(otherUser.statusCode).toBe(200);
    // spraying many user names from one address: after 100 failures that address is throttled for every name
    const sprayer = "10.7.7.7";
    for (let i = 0; i < 100; i++) {
      const r = await s.app.inject({ method: "POST", url: "/api/session", remoteAddress: sprayer, payload: { username: `name${i}`, password: "guess-guess" } });
      expect(r.statusCode).toBe(401);
    }
    const sprayed = await s.app.inject({ method: "POST", url: "/api/session", remoteAddress: sprayer, payload: { username: "viewer", password: s.passwords.viewer } });
    expect(sprayed.statusCode).toBe(429);
  });

  it.runIf(enabled)("expired, malformed, forged and signed-out tokens are refused (cookie and bearer)", async () => {
    const login = await s.app.inject({ method: "POST", url: "/api/session", payload: { username: "analyst", password: s.passwords.analyst } });
    const token = login.json().token as string;
    const ok = await s.app.inject({ method: "GET", url: "/api/me", headers: { cookie: `oa_session=${token}` } });
    expect(ok.statusCode).toBe(200);
    await s.ctx.teamDb.updateTable("sessions").set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where("token_hash", "=", tokenHash(token)).execute();
    for (const headers of [
      { cookie: `oa_session=${token}` },
      { authorization: `Bearer ${token}` },
      { authorization: `Bearer ${token.slice(0, -1)}A` },
      { authorization: "Bearer " + "A".repeat(43) },
      { authorization: "Bearer ../../etc/passwd" },
      { authorization: `Basic ${Buffer.from(`analyst:${s.passwords.analyst}`).toString("base64")}` },
      { cookie: "oa_session=" },
      { cookie: `oa_session=${tokenHash(token)}` }, // the stored hash is not a token
    ]) {
      const r = await s.app.inject({ method: "GET", url: "/api/me", headers });
      expect(r.statusCode, JSON.stringify(headers)).toBe(401);
    }
  });

  it.runIf(enabled)("oversized JSON bodies get 413 and wrong content types 415, with the error body", async () => {
    const { headers } = await s.login("admin");
    const big = { name: "big", password: "x".repeat(5000), role: "viewer" };
    const r = await s.app.inject({ method: "POST", url: "/api/users", headers, payload: big });
    expect(r.statusCode).toBe(413);
    expect(r.json().error.code).toBe("S_BODY_TOO_LARGE");
    const anon = await s.app.inject({ method: "POST", url: "/api/users", payload: big });
    expect(anon.statusCode).toBe(401); // refused before the body is read
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml"]) {
      const t = await s.app.inject({ method: "POST", url: "/api/session", headers: { "content-type": type }, payload: "username=admin&password=x" });
      expect(t.statusCode, type).toBe(415);
      expect(t.json().error.code).toBe("S_UNSUPPORTED_MEDIA_TYPE");
    }
    const login = await s.app.inject({ method: "POST", url: "/api/session", payload: { username: "admin", password: "y".repeat(5000) } });
    expect(login.statusCode).toBe(413);
  });

  it.runIf(enabled)("passwords, tokens and password hashes never appear in responses or logs", async () => {
    const responses: string[] = [];
    const keep = (r: { body: string; headers: Record<string, unknown> }): void => {
      responses.push(r.body);
      responses.push(JSON.stringify(Object.fromEntries(Object.entries(r.headers).filter(([k]) => k !== "set-cookie"))));
    };
    const pw = "my-Secret-Passw0rd-42";
    const { headers } = await s.login("admin");
    keep(await s.app.inject({ method: "POST", url: "/api/users", headers, payload: { name: "secretive", password: pw, role: "analyst" } }));
    const li = await s.app.inject({ method: "POST", url: "/api/session", payload: { username: "secretive", password: pw } });
    const token = li.json().token as string;
    keep(await s.app.inject({ method: "POST", url: "/api/session", payload: { username: "secretive", password: `${pw}-wrong` } }));
    keep(await s.app.inject({ method: "GET", url: "/api/me", headers: { authorization: `Bearer ${token}` } }));
    keep(await s.app.inject({ method: "GET", url: "/api/users", headers }));
    keep(await s.app.inject({ method: "PUT", url: "/api/users/secretive/role", headers, payload: { role: "reviewer" } }));
    keep(await s.app.inject({ method: "POST", url: "/api/t/log-everything", headers: { cookie: `oa_session=${token}`, authorization: `Bearer ${token}` }, payload: { password: pw, token } }));
    keep(await s.app.inject({ method: "PUT", url: "/api/me/password", headers: { authorization: `Bearer ${token}` }, payload: { currentPassword: pw, newPassword: `${pw}-new` } }));
    const hashes = (await s.ctx.teamDb.selectFrom("users").select("password_hash").execute()).map((r) => r.password_hash);
    const secrets = [pw, `${pw}-wrong`, `${pw}-new`, token, s.passwords.admin, ...hashes, ...hashes.map((h) => h.split("$")[5] ?? "")];
    expect(logText).toContain("careless log line"); // the log stream was captured
    expect(logText).toContain("[redacted]");
    const custody = JSON.stringify(await s.ctx.archive.log.entries());
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(10);
      for (const body of responses) expect(body).not.toContain(secret);
      expect(logText).not.toContain(secret);
      expect(custody).not.toContain(secret);
    }
    expect(logText).not.toContain("scrypt$");
    expect(responses.join("\n")).not.toContain("scrypt$");
  });

  it.runIf(enabled)("request logs carry the path, not the query string: a searched name never reaches the log", async () => {
    const name = "张秀英证人"; // a witness's name searched for
    const { headers, token } = await s.login("viewer");
    const before = logText.length;
    const q = encodeURIComponent(name);
    const r = await s.app.inject({ method: "GET", url: `/api/evidence/search?q=${q}&limit=5`, headers: { ...headers, authorization: `Bearer ${token}` } });
    expect(r.statusCode).toBe(200);
    // refused and unknown requests with the name in the query are logged the same way
    await s.app.inject({ method: "GET", url: `/api/evidence/search?q=${q}&limit=99999`, headers });
    await s.app.inject({ method: "GET", url: `/api/no-such-route?q=${q}`, headers });
    await s.app.inject({ method: "GET", url: `/api/evidence/search?q=${q}` }); // no session: 401
    const lines = logText
      .slice(before)
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => JSON.parse(l) as { msg: string; req?: Record<string, unknown>; res?: { statusCode: number }; responseTime?: number });
    const text = logText.slice(before);
    for (const form of [name, q, q.toLowerCase(), "q=", token, "oa_session"]) expect(text, form).not.toContain(form);
    const incoming = lines.filter((l) => l.msg === "incoming request");
    expect(incoming).toHaveLength(4);
    for (const l of incoming) {
      expect(Object.keys(l.req ?? {}).sort()).toEqual(["method", "path", "query", "remoteAddress"]);
      expect(l.req?.query).toMatchObject({ length: expect.any(Number), hmac: expect.stringMatching(/^[0-9a-f]{12}$/) });
    }
    expect(incoming[0]?.req).toMatchObject({ method: "GET", path: "/api/evidence/search", query: { length: `q=${q}&limit=5`.length } });
    // the same query gives the same digest within a run (repeated searches can be told apart from new ones)
    const hmac = (i: number): string => (incoming[i]?.req?.query as { hmac: string }).hmac;
    expect(hmac(2)).toBe(hmac(3)); // both "q=<name>"
    expect(hmac(0)).not.toBe(hmac(3));
    const completed = lines.filter((l) => l.msg === "request completed");
    expect(completed.map((l) => l.res?.statusCode)).toEqual([200, 400, 404, 401]);
    for (const l of completed) expect(l.responseTime).toEqual(expect.any(Number));
  });

  it.runIf(enabled)("the session cookie is HttpOnly, SameSite=Strict and scoped to /", async () => {
    const r = await s.app.inject({ method: "POST", url: "/api/session", payload: { username: "viewer", password: s.passwords.viewer } });
    const c = String(r.headers["set-cookie"]);
    expect(c).toMatch(/^oa_session=[A-Za-z0-9_-]{43}; /);
    expect(c).toContain("; HttpOnly");
    expect(c).toContain("; SameSite=Strict");
    expect(c).toContain("; Path=/");
    expect(c).not.toContain("Secure"); // plain HTTP on localhost unless --secure-cookies
  });
});

describe("server security: Secure cookie behind TLS", () => {
  it("adds Secure when secureCookies is set", async () => {
    const s = await startTestServer({ dialect: "sqlite", context: { secureCookies: true } });
    try {
      const r = await s.app.inject({ method: "POST", url: "/api/session", payload: { username: "viewer", password: s.passwords.viewer } });
      expect(String(r.headers["set-cookie"])).toMatch(/; Secure$/);
    } finally {
      await s.close();
    }
  });
});

describe.each(dialects)("server security: web captures stay off the server's own network (%s)", (dialect, enabled) => {
  let s: TestServer;
  let local: import("node:http").Server;
  let port = 0;
  const hits: string[] = [];
  /** the first look-up of a name answers a public address, every later one 127.0.0.1 (DNS rebinding) */
  const lookups: string[] = [];
  const rebinding = async (host: string): Promise<string[]> => {
    lookups.push(host);
    if (host !== "rebind.test") throw new Error("ENOTFOUND");
    return lookups.filter((h) => h === host).length === 1 ? ["93.184.215.14"] : ["127.0.0.1"];
  };
  beforeAll(async () => {
    if (!enabled) return;
    const { createServer } = await import("node:http");
    local = createServer((req, res) => {
      hits.push(req.url ?? "");
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end("<p>internal admin page</p>");
    });
    await new Promise<void>((r) => local.listen(0, "127.0.0.1", r));
    port = (local.address() as import("node:net").AddressInfo).port;
    s = await startTestServer({ dialect, context: { captureResolve: rebinding } });
  });
  afterAll(async () => {
    if (!enabled) return;
    await s.close();
    await new Promise<void>((r) => local.close(() => r()));
  });

  it.runIf(enabled)("refuses loopback, private, mapped and unspecified addresses and a rebinding name, before any request", async () => {
    const { headers } = await s.login("analyst");
    const capture = (url: string) => s.app.inject({ method: "POST", url: "/api/evidence/capture", headers, payload: { url } });
    hits.length = 0;
    for (const url of [
      `http://127.0.0.1:${port}/admin`,
      `http://[::1]:${port}/admin`,
      `http://[::ffff:127.0.0.1]:${port}/admin`,
      `http://0.0.0.0:${port}/admin`,
      `http://169.254.169.254/latest/meta-data/`,
      `http://10.0.0.1/`,
      `http://rebind.test:${port}/admin`,
      `http://unknown.test/`,
    ]) {
      const r = await capture(url);
      expect(r.statusCode, url).toBe(400);
      expect(r.json().error.code, url).toBe("S_EV_CAPTURE_REFUSED");
      expect(r.json().error.location, url).toEqual({ field: "url" });
    }
    // rebind.test was resolved twice: public for the check, 127.0.0.1 at connection time, which was refused
    expect(lookups.filter((h) => h === "rebind.test")).toHaveLength(2);
    expect(hits).toEqual([]);
    expect((await s.app.inject({ method: "GET", url: "/api/evidence/items", headers })).json().total).toBe(0);
    // control: with private captures allowed (organ-audit serve --allow-private-capture) the same page is captured
    s.ctx.captureAllowPrivate = true;
    try {
      const ok = await capture(`http://127.0.0.1:${port}/admin`);
      expect(ok.statusCode).toBe(200);
      expect(hits).toEqual(["/admin"]);
    } finally {
      s.ctx.captureAllowPrivate = false;
    }
  });
});
