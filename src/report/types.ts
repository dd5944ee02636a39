import type { StandardAudit } from "../audit/standard.js";

/**
 * The audit the report is built from: the `StandardAudit` of src/audit/standard.ts (the report only
 * reads its fields, so any audit with this shape can be reported).
 */
export type ReportAudit = StandardAudit;

/** Options of a standard audit run, recorded in the manifest so that `report verify` can re-run it. */
export interface AuditRunOptions {
  dataDir?: string;
  scenarios?: string[];
  seed?: number;
  draws?: number;
  sims?: number;
}

export type AuditRunner = (opts: AuditRunOptions) => ReportAudit;

/** A source of the data package's sources table, for the references section. */
export interface SourceRef {
  id: string;
  title: string;
  author: string;
  year: string;
  url: string;
  language: string;
}
