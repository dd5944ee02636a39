/**
 * A real server for route tests: a temp folder (SQLite) or a fresh PostgreSQL schema, the app built by
 * buildApp (not listening; use app.inject), and one user per role already created:
 * user names "viewer", "analyst", "reviewer", "admin" with the passwords in `passwords`.
 *
 *   const s = await startTestServer({ dialect: "sqlite" });
 *   const { headers } = await s.login("analyst");
 *   const r = await s.app.inject({ method: "GET", url: "/api/me", headers });
 *   await s.close();
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { buildApp, type BuildOptions } from "../../src/server/app.js";
import { closeServerContext, openServerContext, ROLES, type OpenServerOptions, type Role, type ServerContext } from "../../src/server/context.js";
import { createUser } from "../../src/server/auth/accounts.js";
import { dropPgSchema, freshPgLocation, pgAvailable } from "./pg.js";

export interface TestServerOptions {
  dialect: "sqlite" | "postgres";
  seed?: {
    /** load the starter case (data/case/robertson2020) into the archive */
    starter?: boolean;
  };
  /** passed to openServerContext (limits, loginMaxFailures, ...) */
  context?: Omit<OpenServerOptions, "dir" | "db">;
  /** passed to buildApp (logger stream, webDir, extraRoutes) */
  build?: BuildOptions;
}

export interface TestServer {
  app: FastifyInstance;
  ctx: ServerContext;
  dir: string;
  /** password of each seeded user (user name = role name) */
  passwords: Record<Role, string>;
  /** sign in as the user of that role; headers carry the session cookie */
  login(role: Role): Promise<{ headers: Record<string, string>; token: string }>;
  close(): Promise<void>;
}

/** Cheap scrypt for tests (the stored format and the code path are the same as in production). */
export const TEST_SCRYPT = { N: 2 ** 10, r: 8, p: 1 };

export async function startTestServer(opts: TestServerOptions): Promise<TestServer> {
  if (opts.dialect === "postgres" && !pgAvailable) throw new Error("startTestServer: PostgreSQL is not available (set ORGAN_AUDIT_TEST_PG)");
  const dir = mkdtempSync(join(tmpdir(), "oa-server-"));
  const db = opts.dialect === "postgres" ? freshPgLocation() : undefined;
  let ctx: ServerContext | undefined;
  let app: FastifyInstance | undefined;
  const cleanup = async (): Promise<void> => {
    await app?.close().catch(() => undefined);
    if (ctx) await closeServerContext(ctx).catch(() => undefined);
    if (db) await dropPgSchema(db);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    ctx = await openServerContext({ scrypt: TEST_SCRYPT, durability: "relaxed", ...(opts.context ?? {}), dir, ...(db ? { db } : {}) });
    const passwords = {} as Record<Role, string>;
    for (const role of ROLES) {
      passwords[role] = `pw-${role}-${randomBytes(9).toString("base64url")}`;
      await createUser(ctx, { name: role, password: passwords[role], role }, "test-setup");
    }
    if (opts.seed?.starter) {
      const { loadStarterCase } = await import("../../src/evidence/claims/starter.js");
      await loadStarterCase(ctx.archive, { actor: "test-setup" });
    }
    app = await buildApp(ctx, opts.build ?? {});
    const a = app;
    const sessions = new Map<Role, { headers: Record<string, string>; token: string }>();
    return {
      app: a,
      ctx,
      dir,
      passwords,
      async login(role) {
        const known = sessions.get(role);
        if (known) return known;
        const r = await a.inject({ method: "POST", url: "/api/session", payload: { username: role, password: passwords[role] } });
        if (r.statusCode !== 200) throw new Error(`login as ${role} failed: ${r.statusCode} ${r.body}`);
        const token = (r.json() as { token: string }).token;
        const s = { headers: { cookie: `oa_session=${token}` }, token };
        sessions.set(role, s);
        return s;
      },
      close: cleanup,
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
