import type { FastifyInstance } from "fastify";
import { createUser, disableUser, enableUser, listUsers, setRole } from "../auth/accounts.js";
import { ROLES } from "../auth/roles.js";
import { userSchema } from "../auth/schemas.js";
import type { ServerContext } from "../context.js";
import { errorRef, errorResponses, pageQueryProperties, pageSchema } from "../schemas.js";

const nameParams = { type: "object", required: ["name"], properties: { name: { type: "string", minLength: 1, maxLength: 64 } } } as const;

/** User management (admin): list, create, change role, disable, enable. Every change is in the custody log. */
export async function usersRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get<{ Querystring: { offset: number; limit: number } }>(
    "/users",
    {
      config: { access: "admin" },
      schema: {
        operationId: "listUsers",
        tags: ["users"],
        summary: "List users with their role in the project",
        querystring: { type: "object", additionalProperties: false, properties: pageQueryProperties },
        response: { 200: pageSchema(userSchema), ...errorResponses },
      },
    },
    async (request) => {
      const { offset, limit } = request.query;
      const r = await listUsers(ctx, { offset, limit });
      return { ...r, offset, limit };
    },
  );

  app.post<{ Body: { name: string; password: string; role: string } }>(
    "/users",
    {
      config: { access: "admin" },
      schema: {
        operationId: "createUser",
        tags: ["users"],
        summary: "Create a user with a role",
        body: {
          type: "object",
          required: ["name", "password", "role"],
          additionalProperties: false,
          properties: { name: { type: "string", minLength: 1, maxLength: 64 }, password: { type: "string", minLength: 1, maxLength: 1000 }, role: { type: "string", enum: [...ROLES] } },
        },
        response: { 201: userSchema, ...errorResponses, 409: errorRef },
      },
    },
    async (request, reply) => {
      const u = await createUser(ctx, request.body, request.user.name);
      return reply.status(201).send(u);
    },
  );

  app.put<{ Params: { name: string }; Body: { role: string } }>(
    "/users/:name/role",
    {
      config: { access: "admin" },
      schema: {
        operationId: "setUserRole",
        tags: ["users"],
        summary: "Change a user's role",
        params: nameParams,
        body: { type: "object", required: ["role"], additionalProperties: false, properties: { role: { type: "string", enum: [...ROLES] } } },
        response: { 200: userSchema, ...errorResponses, 404: errorRef, 409: errorRef },
      },
    },
    async (request) => setRole(ctx, request.params.name, request.body.role, request.user.name),
  );

  app.post<{ Params: { name: string } }>(
    "/users/:name/disable",
    {
      config: { access: "admin" },
      schema: {
        operationId: "disableUser",
        tags: ["users"],
        summary: "Disable a user: sign-in refused, sessions ended",
        params: nameParams,
        response: { 200: userSchema, ...errorResponses, 404: errorRef, 409: errorRef },
      },
    },
    async (request) => disableUser(ctx, request.params.name, request.user.name),
  );

  app.post<{ Params: { name: string } }>(
    "/users/:name/enable",
    {
      config: { access: "admin" },
      schema: {
        operationId: "enableUser",
        tags: ["users"],
        summary: "Enable a disabled user again (sign-in with the existing password)",
        params: nameParams,
        response: { 200: userSchema, ...errorResponses, 404: errorRef },
      },
    },
    async (request) => enableUser(ctx, request.params.name, request.user.name),
  );
}
