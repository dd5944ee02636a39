import type { FastifyInstance } from "fastify";
import { TOOL_VERSION } from "../../core/version.js";
import type { ServerContext } from "../context.js";

/** GET /api/health: liveness, no database access (the load benchmark's floor). */
export async function healthRoutes(app: FastifyInstance, _ctx: ServerContext): Promise<void> {
  app.get(
    "/health",
    {
      config: { access: "public" },
      schema: {
        operationId: "getHealth",
        tags: ["server"],
        summary: "Liveness check",
        response: { 200: { type: "object", required: ["status", "version"], properties: { status: { type: "string", const: "ok" }, version: { type: "string" } } } },
      },
    },
    async () => ({ status: "ok" as const, version: TOOL_VERSION }),
  );
}
