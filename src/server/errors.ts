import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { isOrganAuditError, OrganAuditError, type Location } from "../core/errors.js";

/** The error body of every refused or failed request. */
export interface ErrorBody {
  error: { code: string; message: string; location?: Location; details?: unknown };
}

/** JSON schema of ErrorBody, registered as "ErrorBody" (routes may use `{ $ref: "ErrorBody#" }`). */
export const errorBodySchema = {
  $id: "ErrorBody",
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string" },
        message: { type: "string" },
        location: { type: "object", additionalProperties: true },
        details: {},
      },
    },
  },
} as const;

/**
 * HTTP status of an OrganAuditError code. Route modules may add their codes with registerErrorStatus();
 * otherwise codes ending in _NOT_FOUND / _NO_ITEM are 404 and all others 400 (bad input).
 */
const STATUS = new Map<string, number>([
  ["S_NOT_FOUND", 404],
  ["S_NO_USER", 404],
  ["S_UNAUTHENTICATED", 401],
  ["S_BAD_LOGIN", 401],
  ["S_FORBIDDEN", 403],
  ["S_USER_EXISTS", 409],
  ["S_LAST_ADMIN", 409],
  ["S_TOO_MANY_ATTEMPTS", 429],
  ["S_BODY_TOO_LARGE", 413],
  ["S_UNSUPPORTED_MEDIA_TYPE", 415],
  ["EV_ARCH_NO_ITEM", 404],
]);

export function registerErrorStatus(code: string, status: number): void {
  STATUS.set(code, status);
}

export function statusForCode(code: string): number {
  return STATUS.get(code) ?? (/_(NOT_FOUND|NO_ITEM)$/.test(code) ? 404 : 400);
}

function body(code: string, message: string, location?: Location, details?: unknown): ErrorBody {
  return { error: { code, message, ...(location ? { location } : {}), ...(details !== undefined ? { details } : {}) } };
}

/** Map any thrown value to a status and an error body (no stack, SQL or internals for 5xx). */
export function toErrorResponse(err: unknown, limits: { maxJsonBytes: number }, contentType?: string): { status: number; body: ErrorBody } {
  if (isOrganAuditError(err)) {
    const status = statusForCode(err.code);
    return { status, body: body(err.code, err.message, err.location, err.details) };
  }
  const fe = err as Partial<FastifyError> & { validation?: unknown; validationContext?: string };
  if (fe && fe.validation) {
    const e = new OrganAuditError("S_VALIDATION", { detail: String(fe.message ?? "invalid input") }, fe.validationContext ? { field: fe.validationContext } : undefined);
    return { status: 400, body: body(e.code, e.message, e.location) };
  }
  const status = typeof fe?.statusCode === "number" ? fe.statusCode : 500;
  if (fe?.code === "FST_ERR_CTP_BODY_TOO_LARGE" || status === 413) {
    const e = new OrganAuditError("S_BODY_TOO_LARGE", { limit: limits.maxJsonBytes });
    return { status: 413, body: body(e.code, e.message) };
  }
  if (fe?.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE" || status === 415) {
    const type = (contentType ?? "").split(";")[0]?.trim() || "none";
    const e = new OrganAuditError("S_UNSUPPORTED_MEDIA_TYPE", { type: type.replace(/[^\w.+/-]/g, "?").slice(0, 100) });
    return { status: 415, body: body(e.code, e.message) };
  }
  if (status >= 400 && status < 500) {
    const code = status === 404 ? "S_NOT_FOUND" : status === 401 ? "S_UNAUTHENTICATED" : "S_BAD_REQUEST";
    const e =
      code === "S_NOT_FOUND"
        ? new OrganAuditError("S_NOT_FOUND", { what: "resource" })
        : code === "S_UNAUTHENTICATED"
          ? new OrganAuditError("S_UNAUTHENTICATED", {})
          : new OrganAuditError("S_BAD_REQUEST", { detail: String(fe?.message ?? "bad request").slice(0, 300) });
    return { status, body: body(e.code, e.message) };
  }
  return { status: 500, body: body("E_INTERNAL", "internal server error (the server log has the details)") };
}

/** Install the error handler and the 404 handler on the root instance. */
export function installErrorHandlers(app: FastifyInstance, limits: { maxJsonBytes: number }): void {
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const ct = request.headers["content-type"];
    // the limit that applied: the route's own bodyLimit (uploads) or the server's JSON limit
    const routeLimit = (request.routeOptions as { bodyLimit?: number } | undefined)?.bodyLimit;
    const { status, body: b } = toErrorResponse(err, { maxJsonBytes: routeLimit ?? limits.maxJsonBytes }, typeof ct === "string" ? ct : undefined);
    if (status >= 500) request.log.error({ err }, "request failed");
    else request.log.info({ code: b.error.code, status }, "request refused");
    return reply.status(status).type("application/json; charset=utf-8").send(b);
  });
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const e = new OrganAuditError("S_NOT_FOUND", { what: `${request.method} ${request.url.split("?")[0] ?? ""}`.slice(0, 200) });
    return reply.status(404).type("application/json; charset=utf-8").send(body(e.code, e.message));
  });
}
