import type { Finding, InputRef } from "../core/finding.js";
import type { PeerSet, Series } from "../forensics/series.js";

/**
 * The audit the report is built from. Structurally the `StandardAudit` of src/audit/standard.ts
 * (the report only reads these fields, so any audit with this shape can be reported).
 */
export interface ReportAudit {
  toolVersion: string;
  parameters: Record<string, unknown>;
  /** every input file: data package resources and scenario files */
  inputs: InputRef[];
  findings: Finding[];
  sections: {
    forensics: { target: Series; peers: PeerSet; findings: Finding[] };
    ratios: { findings: Finding[] };
    aggregation: { findings: Finding[] };
    accounting: { scenarioName: string; scenarioFile: string; accounting: Finding; sensitivity: Finding | null }[];
    waittime: { findings: Finding[] };
    changepoint: { findings: Finding[] };
    capacity: { findings: Finding[] };
  };
}

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
