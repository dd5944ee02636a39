import { z } from "zod";

/**
 * The subset of Frictionless Data Package / Table Schema that Organ Audit reads, as zod schemas.
 * Custom properties (x-series, x-monotonic, x-default-key, unit) are documented in docs/DATA.md.
 */
export const FieldType = z.enum(["string", "integer", "number", "boolean", "date", "year", "datetime", "any"]);
export type FieldType = z.infer<typeof FieldType>;

export const Constraints = z
  .object({
    required: z.boolean().optional(),
    unique: z.boolean().optional(),
    minimum: z.union([z.number(), z.string()]).optional(),
    maximum: z.union([z.number(), z.string()]).optional(),
    minLength: z.number().int().nonnegative().optional(),
    maxLength: z.number().int().nonnegative().optional(),
    pattern: z.string().optional(),
    enum: z.array(z.union([z.string(), z.number(), z.boolean()])).optional(),
  })
  .loose();

export const Field = z
  .object({
    name: z.string().min(1),
    type: FieldType.default("string"),
    format: z.string().optional(),
    title: z.string().optional(),
    description: z.string().optional(),
    unit: z.string().optional(),
    constraints: Constraints.optional(),
  })
  .loose();
export type Field = z.infer<typeof Field>;

const StringOrList = z.union([z.string(), z.array(z.string()).min(1)]);

export const ForeignKey = z.object({
  fields: StringOrList,
  reference: z.object({ resource: z.string(), fields: StringOrList }),
});

export const SeriesHint = z
  .object({
    x: z.string(),
    y: z.string().optional(),
    measure: z.string().optional(),
    measures: z.array(z.string()).optional(),
    geography: z.string().optional(),
    body: z.string().optional(),
    key: z.string().optional(),
  })
  .loose();
export type SeriesHint = z.infer<typeof SeriesHint>;

export const MonotonicRule = z.object({
  key: z.array(z.string()),
  order: z.string(),
  value: z.string(),
  /**
   * Primary-key values of rows whose decrease is documented as published by the source (a real
   * inconsistency in official figures, kept as evidence): reported as warnings instead of errors.
   */
  acknowledged: z.array(z.string()).optional(),
});

export const TableSchema = z
  .object({
    fields: z.array(Field).min(1),
    primaryKey: StringOrList.optional(),
    foreignKeys: z.array(ForeignKey).optional(),
    missingValues: z.array(z.string()).optional(),
  })
  .loose();
export type TableSchema = z.infer<typeof TableSchema>;

export const Resource = z
  .object({
    name: z.string().regex(/^[a-z0-9._-]+$/, "resource names are lower-case letters, digits, '.', '_' or '-'"),
    path: z.string().min(1),
    title: z.string().optional(),
    description: z.string().optional(),
    format: z.string().optional(),
    mediatype: z.string().optional(),
    encoding: z.string().optional(),
    schema: TableSchema,
    "x-series": SeriesHint.optional(),
    "x-monotonic": MonotonicRule.optional(),
    "x-default-key": z.array(z.string()).optional(),
  })
  .loose();
export type Resource = z.infer<typeof Resource>;

export const DataPackage = z
  .object({
    name: z.string().min(1),
    title: z.string().optional(),
    version: z.string().optional(),
    description: z.string().optional(),
    resources: z.array(Resource).min(1),
  })
  .loose();
export type DataPackage = z.infer<typeof DataPackage>;

export function asList(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}
