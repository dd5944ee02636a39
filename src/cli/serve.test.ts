import { afterAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { register, startServer } from "./serve.js";
import { verifyArchive } from "../evidence/store/verify.js";
import { runRegistered } from "../../test/helpers/cli.js";
import { dropPgSchema, freshPgLocation, pgAvailable } from "../../test/helpers/pg.js";

const dir = mkdtempSync(join(tmpdir(), "oa-serve-"));
const pgLocations: string[] = [];
afterAll(async () => {
  for (const l of pgLocations) await dropPgSchema(l);
  rmSync(dir, { recursive: true, force: true });
});

describe.each([
  ["sqlite", true],
  ["postgres", pgAvailable],
] as const)("organ-audit user (%s)", (dialect, enabled) => {
  it.runIf(enabled)("adds, lists, changes the role of and disables users without a server; refuses bad input", async () => {
    const where = ["--dir", join(dir, `users-${dialect}`)];
    if (dialect === "postgres") {
      const l = freshPgLocation();
      pgLocations.push(l);
      where.push("--db", l);
    }
    const pwFile = join(dir, `pw-${dialect}`);
    writeFileSync(pwFile, "file-password-123\n");
    const add = await runRegistered(register, ["user", "add", "ada", "--role", "admin", "--password-file", pwFile, ...where]);
    expect(add.exit).toBe(0);
    expect(add.out).toContain("added user ada (admin)");
    expect(add.err).toBe(""); // no one-time password: it came from the file
    const add2 = await runRegistered(register, ["user", "add", "bo", "--role", "viewer", ...where]);
    expect(add2.exit).toBe(0);
    expect(add2.err).toMatch(/one-time password for bo: [A-Za-z0-9_-]{24} \(shown only now\)/);
    const role = await runRegistered(register, ["user", "role", "bo", "reviewer", ...where]);
    expect(role.out).toContain("bo is now reviewer");
    const list = await runRegistered(register, ["user", "list", "--json", ...where]);
    const users = JSON.parse(list.out) as { items: { name: string; role: string; disabled: boolean }[]; total: number };
    expect(users.items.map((u) => [u.name, u.role, u.disabled])).toEqual([
      ["ada", "admin", false],
      ["bo", "reviewer", false],
    ]);
    expect(list.out).not.toMatch(/scrypt|password/);
    expect((await runRegistered(register, ["user", "disable", "bo", ...where])).out).toContain("disabled bo");
    expect((await runRegistered(register, ["user", "enable", "bo", ...where])).out).toContain("enabled bo");
    expect((await runRegistered(register, ["user", "disable", "bo", ...where])).out).toContain("disabled bo");
    const last = await runRegistered(register, ["user", "disable", "ada", ...where]);
    expect(last.exit).toBe(2);
    expect((last.error as { code?: string }).code).toBe("S_LAST_ADMIN");
    const dup = await runRegistered(register, ["user", "add", "ada", "--role", "viewer", ...where]);
    expect((dup.error as { code?: string }).code).toBe("S_USER_EXISTS");
    const badRole = await runRegistered(register, ["user", "add", "cy", "--role", "owner", ...where]);
    expect((badRole.error as { code?: string }).code).toBe("S_BAD_ROLE");
    const noFile = await runRegistered(register, ["user", "add", "cy", "--role", "viewer", "--password-file", join(dir, "missing"), ...where]);
    expect((noFile.error as { code?: string }).code).toBe("S_PASSWORD_FILE");
    const noUser = await runRegistered(register, ["user", "password", "nobody", ...where]);
    expect((noUser.error as { code?: string }).code).toBe("S_NO_USER");
  });
});

describe("startServer", () => {
  it("creates the first admin once, listens on loopback and answers over real HTTP", async () => {
    const sdir = join(dir, "srv");
    const s = await startServer({ dir: sdir, port: 0, scrypt: { N: 1024, r: 8, p: 1 }, precomputeAudit: false });
    let token: string;
    try {
      expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(s.firstAdmin?.name).toBe("admin");
      const pw = s.firstAdmin?.password ?? "";
      expect(pw).toMatch(/^[A-Za-z0-9_-]{24}$/);
      const h = await fetch(new URL("api/health", s.url));
      expect(h.status).toBe(200);
      expect(h.headers.get("x-frame-options")).toBe("DENY");
      const li = await fetch(new URL("api/session", s.url), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "admin", password: pw }) });
      expect(li.status).toBe(200);
      token = ((await li.json()) as { token: string }).token;
      const me = await fetch(new URL("api/me", s.url), { headers: { authorization: `Bearer ${token}` } });
      expect(((await me.json()) as { role: string }).role).toBe("admin");
    } finally {
      await s.close();
    }
    // a second start finds the user: no new admin, no password shown; the old session is still valid
    const again = await startServer({ dir: sdir, port: 0, precomputeAudit: false });
    try {
      expect(again.firstAdmin).toBeUndefined();
      const me = await fetch(new URL("api/me", again.url), { headers: { authorization: `Bearer ${token}` } });
      expect(me.status).toBe(200);
    } finally {
      await again.close();
    }
  });

  it("accounts changed with the user command while the server runs take effect at once (same SQLite files)", async () => {
    const sdir = join(dir, "srv3");
    const s = await startServer({ dir: sdir, port: 0, adminPassword: "admin-password-1", scrypt: { N: 1024, r: 8, p: 1 }, precomputeAudit: false });
    try {
      const pwFile = join(dir, "pw-live");
      writeFileSync(pwFile, "live-password-123\r\n");
      const add = await runRegistered(register, ["user", "add", "live", "--role", "analyst", "--password-file", pwFile, "--dir", sdir]);
      expect(add.exit).toBe(0);
      const signIn = (password: string) =>
        fetch(new URL("api/session", s.url), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "live", password }) });
      const li = await signIn("live-password-123");
      expect(li.status).toBe(200);
      const token = ((await li.json()) as { token: string }).token;
      expect((await runRegistered(register, ["user", "disable", "live", "--dir", sdir])).exit).toBe(0);
      expect((await fetch(new URL("api/me", s.url), { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
      expect((await signIn("live-password-123")).status).toBe(401);
      // the server's own account writes interleave with the command's in one valid custody log
      const admin = await fetch(new URL("api/session", s.url), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "admin", password: "admin-password-1" }) });
      const adminToken = ((await admin.json()) as { token: string }).token;
      const created = await fetch(new URL("api/users", s.url), {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${adminToken}` },
        body: JSON.stringify({ name: "after", password: "after-password-1", role: "viewer" }),
      });
      expect(created.status).toBe(201);
      const report = await verifyArchive(s.ctx.archive);
      expect(report.ok).toBe(true);
      const events = (await s.ctx.archive.log.entries()).filter((e) => e.action === "account").map((e) => (e.data as { event: string; user: string }).user + ":" + (e.data as { event: string }).event);
      expect(events).toEqual(["admin:user-created", "live:user-created", "live:user-disabled", "after:user-created"]);
    } finally {
      await s.close();
    }
  });

  it("takes the first admin's password from --admin-password-file and does not print it", async () => {
    const s = await startServer({ dir: join(dir, "srv2"), port: 0, adminPassword: "from-a-file-123", scrypt: { N: 1024, r: 8, p: 1 }, precomputeAudit: false });
    try {
      expect(s.firstAdmin).toEqual({ name: "admin", password: null });
      const li = await fetch(new URL("api/session", s.url), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "admin", password: "from-a-file-123" }) });
      expect(li.status).toBe(200);
    } finally {
      await s.close();
    }
  });
});

describe("startServer: the standard audit before listening; captures of private addresses", () => {
  it("computes the audit before the port opens, so findings and health answer at once; refuses private captures by default", async () => {
    const lines: string[] = [];
    const s = await startServer({ dir: join(dir, "srv4"), port: 0, adminPassword: "admin-password-4", scrypt: { N: 1024, r: 8, p: 1 }, progress: (l) => lines.push(l) });
    try {
      expect(lines).toEqual(["computing the standard audit..."]);
      expect(s.audit).toMatchObject({ ms: expect.any(Number) });
      // the audit is cached: asking again costs nothing
      const t0 = performance.now();
      await s.ctx.audit();
      expect(performance.now() - t0).toBeLessThan(50);
      const li = await fetch(new URL("api/session", s.url), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "admin", password: "admin-password-4" }) });
      const headers = { authorization: `Bearer ${((await li.json()) as { token: string }).token}`, "content-type": "application/json" };
      const t1 = performance.now();
      const [f, h] = await Promise.all([fetch(new URL("api/findings?limit=5", s.url), { headers }), fetch(new URL("api/health", s.url))]);
      expect(f.status).toBe(200);
      expect(h.status).toBe(200);
      expect(performance.now() - t1).toBeLessThan(1000); // no multi-second audit in the request path
      // SSRF policy is on unless --allow-private-capture: a loopback URL is refused before any request
      const cap = await fetch(new URL("api/evidence/capture", s.url), { method: "POST", headers, body: JSON.stringify({ url: "http://127.0.0.1:9/" }) });
      expect(cap.status).toBe(400);
      expect(((await cap.json()) as { error: { code: string } }).error.code).toBe("S_EV_CAPTURE_REFUSED");
    } finally {
      await s.close();
    }
  }, 60_000);
});

describe("organ-audit serve (a real process)", () => {
  it("prints the URL and the one-time password once, serves, and shuts down cleanly on SIGTERM", async () => {
    const sdir = join(dir, "proc");
    // only this command group (independent of main.ts's wiring), with the process's real stdout/stderr and signals
    const entry = [
      'import { Command } from "commander";',
      'import { register } from "./src/cli/serve.ts";',
      'import { processIo } from "./src/cli/io.ts";',
      "const program = new Command().exitOverride();",
      "register(program, { io: processIo, setExit: () => undefined });",
      "await program.parseAsync(process.argv);",
    ].join("\n");
    // a page on this machine: reachable only with --allow-private-capture
    const { createServer } = await import("node:http");
    const page = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end("<html><body><p>本地页面 local page</p></body></html>");
    });
    await new Promise<void>((r) => page.listen(0, "127.0.0.1", r));
    const pageUrl = `http://127.0.0.1:${(page.address() as import("node:net").AddressInfo).port}/p.html`;
    const args = ["serve", "--dir", sdir, "--port", "0", "--empty", "--log-level", "warn", "--allow-private-capture"];
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", entry, "organ-audit", ...args], {
      cwd: join(import.meta.dirname, "..", ".."),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no URL printed: ${stderr}`)), 60_000);
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        const m = /Organ Audit server: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stderr);
        if (m?.[1]) {
          clearTimeout(t);
          resolve(m[1]);
        }
      });
      child.on("exit", (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    // health answers at once after the URL is printed: the audit ran before listening
    const t0 = performance.now();
    const h0 = await fetch(new URL("api/health", url));
    expect(h0.status).toBe(200);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(stderr.indexOf("computing the standard audit...")).toBeGreaterThanOrEqual(0);
    expect(stderr.indexOf("computing the standard audit...")).toBeLessThan(stderr.indexOf("Organ Audit server:"));
    expect(stderr).toContain("warning: --allow-private-capture");
    const pw = /one-time password: (\S+)/.exec(stderr)?.[1] ?? "";
    expect(pw).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(stderr.split(pw).length - 1).toBe(1); // printed once
    const h = await fetch(new URL("api/health", url));
    expect(h.status).toBe(200);
    const li = await fetch(new URL("api/session", url), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "admin", password: pw }) });
    expect(li.status).toBe(200);
    const token = ((await li.clone().json()) as { token: string }).token;
    const cap = await fetch(new URL("api/evidence/capture", url), {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ url: pageUrl }),
    });
    expect(cap.status).toBe(200);
    expect(((await cap.json()) as { finalUrl: string }).finalUrl).toBe(pageUrl);
    await new Promise<void>((r) => page.close(() => r()));
    const code = await new Promise<number | null>((resolve) => {
      child.on("exit", (c) => resolve(c));
      child.kill("SIGTERM");
    });
    expect(code).toBe(0);
    expect(stderr).toContain("SIGTERM: shutting down");
    expect(stdout + stderr).not.toContain(((await li.json()) as { token: string }).token);
    // the archive was closed cleanly: latest-sth.json written on close
    const { existsSync } = await import("node:fs");
    expect(existsSync(join(sdir, "archive", "latest-sth.json"))).toBe(true);
  }, 90_000);
});
