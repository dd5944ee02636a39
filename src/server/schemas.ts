import { errorBodySchema } from "./errors.js";

/**
 * JSON-schema fragments shared by the route modules (src/server/routes/*.ts): paging, error responses,
 * id parameters. Schemas of one area's own objects stay in that area's module (users and the signed-in
 * user: src/server/auth/schemas.ts).
 */

/** Largest page a list endpoint returns. */
export const MAX_LIMIT = 500;
export const DEFAULT_LIMIT = 50;

/** Querystring properties of every paginated list: ?offset=0&limit=50 (limit ≤ MAX_LIMIT). */
export const pageQueryProperties = {
  offset: { type: "integer", minimum: 0, default: 0, description: "items to skip" },
  limit: { type: "integer", minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT, description: `page size (at most ${MAX_LIMIT})` },
} as const;

/**
 * Response schema of a page `{ items, total, offset, limit }` whose items have the given schema, plus
 * extra top-level properties (required too, listed after the page's own).
 */
export function pageSchema(items: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: "object",
    required: ["items", "total", "offset", "limit", ...Object.keys(extra)],
    properties: {
      items: { type: "array", items },
      total: { type: "integer", minimum: 0 },
      offset: { type: "integer", minimum: 0 },
      limit: { type: "integer", minimum: 1 },
      ...extra,
    },
  };
}

/** A response of the error body (src/server/errors.ts, registered under its $id). */
export const errorRef = { $ref: `${errorBodySchema.$id}#` } as const;

/** Error responses of every authenticated route: bad input, no session, role too low. */
export const errorResponses = { 400: errorRef, 401: errorRef, 403: errorRef } as const;

/** errorResponses and 404. */
export const notFoundResponses = { ...errorResponses, 404: errorRef } as const;

/** Path parameters `{ id }` of an item, claim, entity or screening project. */
export const idParams = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", minLength: 1, maxLength: 200 } },
} as const;
