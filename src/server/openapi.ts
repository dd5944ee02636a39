import type { FastifyInstance } from "fastify";
import swagger from "@fastify/swagger";
import { TOOL_VERSION } from "../core/version.js";

/**
 * OpenAPI 3.1 from the route schemas (@fastify/swagger, dynamic mode). Register BEFORE the routes, then
 * call openApiRoute() inside the /api scope. Schemas added with app.addSchema({$id}) become
 * components.schemas under their $id.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Organ Audit API",
        version: TOOL_VERSION,
        description:
          "HTTP API of Organ Audit: data package tables, findings, charts and reports; the evidence archive (upload, capture, search, verify, custody log, claims, entities, timeline); literature screening; accounts. Sign in with POST /api/session; send the oa_session cookie or an Authorization: Bearer token.",
        license: { name: "MIT", identifier: "MIT" },
      },
      components: {
        securitySchemes: {
          cookieAuth: { type: "apiKey", in: "cookie", name: "oa_session" },
          bearerAuth: { type: "http", scheme: "bearer" },
        },
      },
    },
    refResolver: {
      buildLocalReference(json: Record<string, unknown>, _baseUri: unknown, _fragment: unknown, i: number): string {
        return typeof json.$id === "string" ? json.$id : `def-${i}`;
      },
    },
  });
}

/** GET /api/openapi.json (public). */
export async function openApiRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    "/openapi.json",
    {
      config: { access: "public" },
      schema: {
        operationId: "getOpenApi",
        tags: ["server"],
        summary: "This API's OpenAPI 3.1 description",
        response: { 200: { type: "object", additionalProperties: true } },
      },
    },
    async () => app.swagger(),
  );
}
