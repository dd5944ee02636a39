import { createHmac, randomBytes } from "node:crypto";
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import type { ServerContext } from "./context.js";
import { errorBodySchema, installErrorHandlers } from "./errors.js";
import { installAuth, type RouteInfo } from "./auth/hook.js";
import { openApiRoutes, registerOpenApi } from "./openapi.js";
import { staticRoutes } from "./static.js";
import { authRoutes } from "./routes/auth.js";
import { healthRoutes } from "./routes/health.js";
import { usersRoutes } from "./routes/users.js";
import { dataRoutes } from "./routes/data.js";
import { findingsRoutes } from "./routes/findings.js";
import { accountingRoutes } from "./routes/accounting.js";
import { reportRoutes } from "./routes/report.js";
import { evidenceRoutes } from "./routes/evidence.js";
import { claimsRoutes } from "./routes/claims.js";
import { screeningRoutes } from "./routes/screening.js";
import "./auth/request-user.js";

/** A route module: registers its routes (relative paths) inside the /api scope. */
export type RouteModule = (app: FastifyInstance, ctx: ServerContext) => Promise<void>;

/**
 * Every API route module, registered under /api in this order. Add one line per module
 * (`src/server/routes/<area>.ts` exporting `<area>Routes`).
 */
export const ROUTE_MODULES: readonly RouteModule[] = [
  healthRoutes,
  authRoutes,
  usersRoutes,
  dataRoutes,
  findingsRoutes,
  accountingRoutes,
  reportRoutes,
  evidenceRoutes,
  claimsRoutes,
  screeningRoutes,
];

export interface BuildOptions {
  /** fastify logger: false (default), true, or options (level, stream); secrets are redacted either way */
  logger?: boolean | { level?: string; stream?: { write(msg: string): void } };
  /** the web app build (default <package root>/dist/web) */
  webDir?: string;
  /** trust X-Forwarded-* (only behind a reverse proxy you run) */
  trustProxy?: boolean;
  /** extra route modules (tests) */
  extraRoutes?: readonly RouteModule[];
}

/** Paths pino removes from every log line: credentials never reach the logs. */
export const REDACT_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'res.headers["set-cookie"]',
  "headers.authorization",
  "headers.cookie",
  "password",
  "token",
  "*.password",
  "*.token",
  "*.newPassword",
  "*.currentPassword",
  "*.password_hash",
  "*.sensitive",
  // request bodies (witness fields, passwords) and raw header sets are never logged, even by a careless handler
  "body",
  "*.body",
  "*.headers.authorization",
  "*.headers.cookie",
  '*.headers["x-witness-fields"]',
  'headers["x-witness-fields"]',
];

/** Per-process key of the query digests: the same query gives the same digest within one run, not across runs. */
const QUERY_LOG_KEY = randomBytes(32);

/**
 * What a log line says about a query string: its length and a keyed digest (HMAC-SHA256 with a per-process
 * random key, 12 hex digits). Search terms may name witnesses; an unkeyed hash of a short name could be
 * reversed by hashing candidate names, a keyed one cannot without the key (which is never written anywhere).
 */
export function queryDigest(query: string): { length: number; hmac: string } {
  return { length: query.length, hmac: createHmac("sha256", QUERY_LOG_KEY).update(query).digest("hex").slice(0, 12) };
}

/**
 * pino serializer of `req` in fastify's request log lines ("incoming request"): method, path without the
 * query string (its length and digest instead), client address. No headers, no body.
 */
export function logRequest(req: { method?: string; url?: string; ip?: string }): Record<string, unknown> {
  const url = req.url ?? "";
  const q = url.indexOf("?");
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? "" : url.slice(q + 1);
  return { method: req.method, path, ...(query !== "" ? { query: queryDigest(query) } : {}), remoteAddress: req.ip };
}

/** Security headers on every response unless the route set its own (e.g. the sandboxed raw evidence view). */
export const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-src 'self'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
};

const registries = new WeakMap<FastifyInstance, RouteInfo[]>();

/** The routes of an app built by buildApp (method, url, declared access, operationId). */
export function registeredRoutes(app: FastifyInstance): readonly RouteInfo[] {
  return registries.get(app) ?? [];
}

/** Build the fastify app on an open context: API under /api, OpenAPI, auth, errors, headers, web app. Ready on return. */
export async function buildApp(ctx: ServerContext, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const logger: FastifyServerOptions["logger"] =
    opts.logger === undefined || opts.logger === false
      ? false
      : {
          level: "info",
          ...(opts.logger === true ? {} : opts.logger),
          redact: { paths: REDACT_PATHS, censor: "[redacted]" },
          serializers: { req: logRequest },
        };
  const app = Fastify({
    logger,
    bodyLimit: ctx.limits.maxJsonBytes,
    trustProxy: opts.trustProxy ?? false,
    forceCloseConnections: true,
    ajv: { customOptions: { removeAdditional: false } },
  });
  if (logger) ctx.log = app.log;
  const registry: RouteInfo[] = [];
  registries.set(app, registry);

  installErrorHandlers(app, ctx.limits);
  app.addSchema(errorBodySchema);
  // JSON only by default: a route that takes other bodies (uploads) adds its own parser in its scope
  app.removeContentTypeParser("text/plain");
  await registerOpenApi(app);
  installAuth(app, ctx, registry);
  app.addHook("onSend", async (request, reply, payload) => {
    for (const [h, v] of Object.entries(SECURITY_HEADERS)) if (!reply.hasHeader(h)) reply.header(h, v);
    if (request.url.startsWith("/api/") && !reply.hasHeader("cache-control")) reply.header("cache-control", "no-store");
    return payload;
  });

  await app.register(
    async (api) => {
      await openApiRoutes(api);
      // each module in its own scope: its content-type parsers and hooks do not leak into the others
      for (const mod of [...ROUTE_MODULES, ...(opts.extraRoutes ?? [])]) await api.register(async (scope) => mod(scope, ctx));
    },
    { prefix: "/api" },
  );
  await app.register(async (web) => staticRoutes(web, opts.webDir ? { webDir: opts.webDir } : {}));
  await app.ready();
  return app;
}
