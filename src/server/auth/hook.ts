import type { FastifyInstance, FastifyRequest, RouteOptions } from "fastify";
import { OrganAuditError } from "../../core/errors.js";
import type { ServerContext } from "../context.js";
import { isAccess, roleAtLeast, type Access } from "./roles.js";
import type { RequestUser } from "./request-user.js";
import { readCookie, SESSION_COOKIE, userForToken } from "./sessions.js";

/** One registered route, as the auth hook saw it (for tests and the OpenAPI check). */
export interface RouteInfo {
  method: string;
  url: string;
  access: Access;
  operationId: string | undefined;
  hidden: boolean;
}

export const SECURITY_REQUIREMENT = [{ cookieAuth: [] }, { bearerAuth: [] }];

/** The session token of a request: `Authorization: Bearer <token>`, else the oa_session cookie. */
export function tokenFrom(request: FastifyRequest): string | undefined {
  const auth = request.headers.authorization;
  if (typeof auth === "string") {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    return m ? m[1] : undefined;
  }
  const c = readCookie(request.headers.cookie, SESSION_COOKIE);
  return c === "" ? undefined : c;
}

/**
 * Install the access control on the root instance (before any route is registered):
 * - onRoute: every route must declare `config.access`, else registration throws (the server does not start);
 *   non-public routes get the OpenAPI security requirement; the route is added to `registry`.
 * - onRequest: resolve the session and refuse with 401 (no valid session) or 403 (role too low).
 */
export function installAuth(app: FastifyInstance, ctx: ServerContext, registry: RouteInfo[]): void {
  app.decorateRequest("user", null as unknown as RequestUser);
  app.addHook("onRoute", (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const access = (route.config as { access?: unknown } | undefined)?.access;
    if (!isAccess(access)) throw new OrganAuditError("S_ROUTE_NO_ACCESS", { method: methods.join(","), url: route.url });
    const schema = (route.schema ?? {}) as Record<string, unknown>;
    if (access !== "public" && schema.security === undefined) route.schema = { ...schema, security: SECURITY_REQUIREMENT } as unknown as RouteOptions["schema"];
    for (const m of methods) {
      if (m === "HEAD" && methods.length === 1 && registry.some((r) => r.url === route.url && r.method === "GET")) continue;
      registry.push({ method: m, url: route.url, access, operationId: schema.operationId as string | undefined, hidden: schema.hide === true });
    }
  });
  app.addHook("onRequest", async (request) => {
    const access = (request.routeOptions.config as { access?: Access } | undefined)?.access;
    if (access === undefined || access === "public") return; // 404s and public routes
    const token = tokenFrom(request);
    const user = token ? await userForToken(ctx.teamDb, token) : undefined;
    if (!user) throw new OrganAuditError("S_UNAUTHENTICATED", {});
    if (!roleAtLeast(user.role, access)) throw new OrganAuditError("S_FORBIDDEN", { need: access, have: user.role });
    request.user = user;
  });
}
