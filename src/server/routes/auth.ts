import type { FastifyInstance } from "fastify";
import { OrganAuditError } from "../../core/errors.js";
import { authenticate, setPassword } from "../auth/accounts.js";
import { tokenFrom } from "../auth/hook.js";
import { LoginLimiter } from "../auth/rate-limit.js";
import { canSeeSensitive } from "../auth/roles.js";
import { meSchema } from "../auth/schemas.js";
import { clearedSessionCookie, createSession, deleteSession, purgeExpired, sessionCookie } from "../auth/sessions.js";
import type { ServerContext } from "../context.js";
import { errorRef, errorResponses } from "../schemas.js";

/** POST/DELETE /api/session (sign in/out), GET /api/me, PUT /api/me/password. */
export async function authRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const ipLimiter = new LoginLimiter(ctx.loginLimiter.max * 10, ctx.loginLimiter.windowMs);
  app.post<{ Body: { username: string; password: string } }>(
    "/session",
    {
      config: { access: "public" },
      schema: {
        operationId: "createSession",
        tags: ["auth"],
        summary: "Sign in: sets the HttpOnly cookie oa_session and returns the token (also usable as a Bearer token)",
        body: {
          type: "object",
          required: ["username", "password"],
          additionalProperties: false,
          properties: { username: { type: "string", minLength: 1, maxLength: 200 }, password: { type: "string", minLength: 1, maxLength: 1000 } },
        },
        response: {
          200: { type: "object", required: ["user", "token", "expiresAt"], properties: { user: meSchema, token: { type: "string" }, expiresAt: { type: "string" } } },
          401: errorRef,
          429: errorRef,
        },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const key = LoginLimiter.key(username, request.ip);
      // per user name and address, and (10 times looser) per address alone against spraying many names
      const ipKey = LoginLimiter.key("", request.ip);
      const wait = Math.max(ctx.loginLimiter.blockedFor(key), ipLimiter.blockedFor(ipKey));
      if (wait > 0) {
        reply.header("Retry-After", String(Math.ceil(wait / 1000)));
        throw new OrganAuditError("S_TOO_MANY_ATTEMPTS", { minutes: Math.ceil(wait / 60_000) });
      }
      const user = await authenticate(ctx, username, password);
      if (!user) {
        ctx.loginLimiter.fail(key);
        ipLimiter.fail(ipKey);
        request.log.info({ event: "login-failed" }, "sign-in refused");
        throw new OrganAuditError("S_BAD_LOGIN", {});
      }
      ctx.loginLimiter.succeed(key);
      await purgeExpired(ctx.teamDb);
      const s = await createSession(ctx.teamDb, user.id, ctx.sessionTtlMs);
      reply.header("Set-Cookie", sessionCookie(s.token, ctx.sessionTtlMs / 1000, ctx.secureCookies));
      request.log.info({ event: "login", user: user.name }, "signed in");
      return { user: { id: user.id, name: user.name, role: user.role, canSeeSensitive: canSeeSensitive(user.role) }, token: s.token, expiresAt: s.expiresAt };
    },
  );

  // public, so that a client whose session already expired can still clear its cookie
  app.delete(
    "/session",
    {
      config: { access: "public" },
      schema: {
        operationId: "deleteSession",
        tags: ["auth"],
        summary: "Sign out: ends this session (if any) and clears the cookie",
        response: { 200: { type: "object", required: ["ok"], properties: { ok: { type: "boolean" } } } },
      },
    },
    async (request, reply) => {
      const token = tokenFrom(request);
      if (token) await deleteSession(ctx.teamDb, token);
      reply.header("Set-Cookie", clearedSessionCookie(ctx.secureCookies));
      return { ok: true };
    },
  );

  app.get(
    "/me",
    {
      config: { access: "viewer" },
      schema: { operationId: "getMe", tags: ["auth"], summary: "The signed-in user", response: { 200: meSchema, ...errorResponses } },
    },
    async (request) => request.user,
  );

  app.put<{ Body: { currentPassword: string; newPassword: string } }>(
    "/me/password",
    {
      config: { access: "viewer" },
      schema: {
        operationId: "changeMyPassword",
        tags: ["auth"],
        summary: "Change one's own password (ends all of one's sessions; sign in again)",
        body: {
          type: "object",
          required: ["currentPassword", "newPassword"],
          additionalProperties: false,
          properties: { currentPassword: { type: "string", minLength: 1, maxLength: 1000 }, newPassword: { type: "string", minLength: 1, maxLength: 1000 } },
        },
        response: { 200: { type: "object", required: ["ok"], properties: { ok: { type: "boolean" } } }, ...errorResponses, 429: errorRef },
      },
    },
    async (request, reply) => {
      // the same throttle as sign-in: a stolen session must not become a password oracle
      const key = LoginLimiter.key(request.user.name, request.ip);
      const wait = ctx.loginLimiter.blockedFor(key);
      if (wait > 0) {
        reply.header("Retry-After", String(Math.ceil(wait / 1000)));
        throw new OrganAuditError("S_TOO_MANY_ATTEMPTS", { minutes: Math.ceil(wait / 60_000) });
      }
      const ok = await authenticate(ctx, request.user.name, request.body.currentPassword);
      if (!ok) {
        ctx.loginLimiter.fail(key);
        throw new OrganAuditError("S_BAD_LOGIN", {});
      }
      await setPassword(ctx, request.user.name, request.body.newPassword, request.user.name);
      reply.header("Set-Cookie", clearedSessionCookie(ctx.secureCookies));
      return { ok: true };
    },
  );
}
