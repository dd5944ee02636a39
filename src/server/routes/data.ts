import type { FastifyInstance } from "fastify";
import { OrganAuditError } from "../../core/errors.js";
import { defaultDataDir, getTable, loadPackage, type LoadedPackage } from "../../data/package.js";
import type { Cell, TypedTable } from "../../data/validate.js";
import type { ServerContext } from "../context.js";
import { registerErrorStatus } from "../errors.js";
import { errorResponses, notFoundResponses, pageQueryProperties, pageSchema } from "../schemas.js";

/**
 * Data package routes (viewer): the tables of the data package the server was started with (the
 * shipped one by default), their rows with filters, and the source register.
 *
 *   GET /api/tables                 the tables: name, title, description, rows, SHA-256, schema fields
 *   GET /api/tables/:name           a page of rows: ?offset&limit&status=all|default|alternative|excluded&year=&measure=
 *   GET /api/sources/:id            one row of the sources table (citation, URL, grade, notes)
 */

/** The page of `all` at offset/limit (an offset past the end gives an empty page). */
export function pageOf<T>(all: readonly T[], offset: number, limit: number): { items: T[]; total: number; offset: number; limit: number } {
  return { items: all.slice(offset, offset + limit), total: all.length, offset, limit };
}

/**
 * A fault of the server's own data (its package or audit), not of the request: a plain Error, so that
 * the error handler answers 500 E_INTERNAL without details (no server paths in the body) and logs it.
 */
export function serverFault(what: string, e: unknown): Error {
  return new Error(`${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}

/** The data package of the server (validated once per process by loadPackage's cache). */
export function serverPackage(ctx: ServerContext): LoadedPackage {
  try {
    return loadPackage(ctx.dataDir ?? defaultDataDir());
  } catch (e) {
    throw serverFault("the server's data package cannot be loaded", e);
  }
}

export const ROW_STATUSES = ["all", "default", "alternative", "excluded"] as const;
export type RowStatusFilter = (typeof ROW_STATUSES)[number];

export interface RowFilter {
  status?: RowStatusFilter;
  year?: number;
  measure?: string;
}

/**
 * Rows of a table matching the filters, in file order. A filter on a column the table does not have
 * (status, year or measure) is an input error naming the column (S_DATA_TABLE_FILTER).
 */
export function filterRows(t: TypedTable, f: RowFilter): TypedTable["rows"] {
  const has = new Set(t.header);
  const need = (column: string, param: string) => {
    if (!has.has(column)) {
      throw new OrganAuditError("S_DATA_TABLE_FILTER", { table: t.resource.name, column, columns: t.header.join(", ") }, { field: param });
    }
  };
  const status = f.status ?? "all";
  if (status !== "all") need("status", "status");
  if (f.year !== undefined) need("year", "year");
  if (f.measure !== undefined) need("measure", "measure");
  return t.rows.filter(
    (r) =>
      (status === "all" || r.values.status === status) &&
      (f.year === undefined || r.values.year === f.year) &&
      (f.measure === undefined || r.values.measure === f.measure),
  );
}

interface TableSummary {
  name: string;
  path: string;
  title: string | null;
  description: string | null;
  rows: number;
  sha256: string;
  primaryKey: string[];
  fields: { name: string; type: string; title: string | null; unit: string | null; description: string | null }[];
}

/** Summary of every table of the package, in the package's order. */
export function tableSummaries(pkg: LoadedPackage): TableSummary[] {
  const out: TableSummary[] = [];
  for (const r of pkg.descriptor.resources) {
    const t = pkg.tables.get(r.name);
    if (!t) continue;
    const pk = r.schema.primaryKey;
    out.push({
      name: r.name,
      path: `data/${r.path}`,
      title: r.title ?? null,
      description: r.description ?? null,
      rows: t.rows.length,
      sha256: t.sha256,
      primaryKey: pk === undefined ? [] : Array.isArray(pk) ? pk : [pk],
      fields: r.schema.fields.map((f) => ({
        name: f.name,
        type: f.type,
        title: f.title ?? null,
        unit: f.unit ?? null,
        description: f.description ?? null,
      })),
    });
  }
  return out;
}

const nullableString = { type: ["string", "null"] } as const;
const fieldSchema = {
  type: "object",
  required: ["name", "type", "title", "unit", "description"],
  properties: { name: { type: "string" }, type: { type: "string" }, title: nullableString, unit: nullableString, description: nullableString },
} as const;
const tableSchema = {
  type: "object",
  required: ["name", "path", "title", "description", "rows", "sha256", "primaryKey", "fields"],
  properties: {
    name: { type: "string" },
    path: { type: "string" },
    title: nullableString,
    description: nullableString,
    rows: { type: "integer" },
    sha256: { type: "string" },
    primaryKey: { type: "array", items: { type: "string" } },
    fields: { type: "array", items: fieldSchema },
  },
} as const;
const rowSchema = {
  type: "object",
  required: ["line", "values"],
  properties: {
    line: { type: "integer", description: "1-based line of the row in the CSV file (the header is line 1)" },
    values: { type: "object", additionalProperties: true, description: "typed cells by column (number, string, boolean or null)" },
  },
} as const;

export async function dataRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  // an unknown table is a missing resource here (the library's message lists the tables)
  registerErrorStatus("D_UNKNOWN_TABLE", 404);
  app.get<{ Querystring: { offset: number; limit: number } }>(
    "/tables",
    {
      config: { access: "viewer" },
      schema: {
        operationId: "listTables",
        tags: ["data"],
        summary: "Tables of the data package: name, title, description, row count, SHA-256 and schema fields",
        querystring: { type: "object", additionalProperties: false, properties: pageQueryProperties },
        response: { 200: pageSchema(tableSchema), ...errorResponses },
      },
    },
    async (req) => pageOf(tableSummaries(serverPackage(ctx)), req.query.offset, req.query.limit),
  );

  app.get<{
    Params: { name: string };
    Querystring: { offset: number; limit: number; status?: RowStatusFilter; year?: number; measure?: string };
  }>(
    "/tables/:name",
    {
      config: { access: "viewer" },
      schema: {
        operationId: "getTableRows",
        tags: ["data"],
        summary: "A page of typed rows of one table, filtered by status, year and measure",
        params: { type: "object", required: ["name"], properties: { name: { type: "string", maxLength: 200 } } },
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            ...pageQueryProperties,
            status: { type: "string", enum: [...ROW_STATUSES], default: "all", description: "row status (tables with a status column only)" },
            year: { type: "integer", description: "rows of this year (tables with a year column only)" },
            measure: { type: "string", minLength: 1, maxLength: 200, description: "rows of this measure (long tables with a measure column only)" },
          },
        },
        response: {
          200: pageSchema(rowSchema, {
            table: { type: "string" },
            columns: { type: "array", items: { type: "string" } },
          }),
          ...notFoundResponses,
        },
      },
    },
    async (req) => {
      const t = tableOrNotFound(serverPackage(ctx), req.params.name);
      const q = req.query;
      const filter: RowFilter = { status: q.status ?? "all" };
      if (q.year !== undefined) filter.year = q.year;
      if (q.measure !== undefined) filter.measure = q.measure;
      const rows = filterRows(t, filter);
      return { table: t.resource.name, columns: t.header, ...pageOf(rows, q.offset, q.limit) };
    },
  );

  app.get<{ Params: { id: string } }>(
    "/sources/:id",
    {
      config: { access: "viewer" },
      schema: {
        operationId: "getSource",
        tags: ["data"],
        summary: "One source of the register: citation, URL, quality grade, notes",
        params: { type: "object", required: ["id"], properties: { id: { type: "string", maxLength: 200 } } },
        response: {
          200: {
            type: "object",
            required: ["id", "line", "values"],
            properties: { id: { type: "string" }, line: { type: "integer" }, values: { type: "object", additionalProperties: true } },
          },
          ...notFoundResponses,
        },
      },
    },
    async (req) => {
      const t = tableOrNotFound(serverPackage(ctx), "sources");
      const row = t.rows.find((r) => r.values.id === req.params.id);
      if (!row) throw new OrganAuditError("S_NOT_FOUND", { what: `source "${req.params.id.slice(0, 100)}"` });
      return { id: req.params.id, line: row.line, values: row.values as Record<string, Cell> };
    },
  );
}

/** The table, or 404 with the library's D_UNKNOWN_TABLE message (which lists the tables). */
function tableOrNotFound(pkg: LoadedPackage, name: string): TypedTable {
  try {
    return getTable(pkg, name);
  } catch (e) {
    if (e instanceof OrganAuditError && e.code === "D_UNKNOWN_TABLE") {
      const shown = name.length > 100 ? `${name.slice(0, 100)}…` : name;
      throw new OrganAuditError("D_UNKNOWN_TABLE", { table: shown, available: [...pkg.tables.keys()].join(", ") });
    }
    throw e;
  }
}
