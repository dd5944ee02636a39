import { z } from "zod";
import { canonicalJson } from "../../core/canonical.js";
import { OrganAuditError } from "../../core/errors.js";
import { sha256Hex } from "../../core/hash.js";
import type { Cell } from "../../data/validate.js";
import {
  caseManifestSchema,
  claimsFileSchema,
  entitiesFileSchema,
  DATE_PRECISIONS,
  type CaseFile,
  type DatePrecision,
  type TimelineEvent,
} from "./model.js";

/**
 * Validation of a case file set (pure): zod schemas, then cross-references: every source id must be
 * a row of the data package's sources table, every event a default row of timeline_events, every
 * entity a claim names must be defined, ids must be unique. Errors name the file and JSON path.
 */

export interface CaseRaw {
  /** parsed JSON of case.json, entities.json and claims.json, with their file names for messages */
  manifest: { file: string; json: unknown };
  entities: { file: string; json: unknown };
  claims: { file: string; json: unknown };
}

export interface PackageRefs {
  sourceIds: ReadonlySet<string>;
  /** timeline_events rows: row_id → values */
  timeline: ReadonlyMap<string, Record<string, Cell>>;
}

function zodFail(file: string, err: z.ZodError): never {
  const first = err.issues[0];
  const path = first ? `$${first.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("")}` : "$";
  throw new OrganAuditError("EV_CASE_INVALID", { detail: first?.message ?? "schema mismatch" }, { file, path });
}

function parseWith<T>(schema: z.ZodType<T>, file: string, json: unknown): T {
  const r = schema.safeParse(json);
  if (!r.success) zodFail(file, r.error);
  return r.data;
}

/** A timeline_events row as a TimelineEvent (default rows only). */
export function eventFromRow(id: string, v: Record<string, Cell>): TimelineEvent {
  const precision = String(v.date_precision ?? "");
  if (!(DATE_PRECISIONS as readonly string[]).includes(precision)) {
    throw new OrganAuditError("EV_CASE_INVALID", { detail: `event ${id} has date precision "${precision}"` }, { file: "timeline_events.csv", field: "date_precision" });
  }
  const zh = v.event_zh;
  return {
    id,
    date: String(v.date),
    precision: precision as DatePrecision,
    titleEn: String(v.event_en),
    titleZh: typeof zh === "string" && zh !== "" ? zh : null,
    category: String(v.category ?? ""),
    sourceIds: typeof v.source_id === "string" && v.source_id !== "" ? [v.source_id] : [],
    origin: `data/timeline_events.csv#${id}`,
  };
}

/** SHA-256 of the case content (canonical JSON of the three files), stored when the case is loaded. */
export function caseDigest(raw: CaseRaw): string {
  return sha256Hex(canonicalJson({ manifest: raw.manifest.json, entities: raw.entities.json, claims: raw.claims.json }));
}

export function validateCase(raw: CaseRaw, refs: PackageRefs): CaseFile {
  const manifest = parseWith(caseManifestSchema, raw.manifest.file, raw.manifest.json);
  const { entities } = parseWith(entitiesFileSchema, raw.entities.file, raw.entities.json);
  const { claims } = parseWith(claimsFileSchema, raw.claims.file, raw.claims.json);

  const unknown = (what: string, id: string, file: string, path: string, table: string): never => {
    throw new OrganAuditError("EV_CASE_UNKNOWN_REF", { what, id, table }, { file, path });
  };
  for (const [i, s] of manifest.basedOn.entries()) {
    if (!refs.sourceIds.has(s)) unknown("source", s, raw.manifest.file, `$.basedOn[${i}]`, "data/sources.csv");
  }

  const entityIds = new Set<string>();
  entities.forEach((e, i) => {
    if (entityIds.has(e.id)) throw new OrganAuditError("EV_CASE_INVALID", { detail: `duplicate entity id "${e.id}"` }, { file: raw.entities.file, path: `$.entities[${i}].id` });
    entityIds.add(e.id);
    e.sourceIds.forEach((s, j) => {
      if (!refs.sourceIds.has(s)) unknown("source", s, raw.entities.file, `$.entities[${i}].sourceIds[${j}]`, "data/sources.csv");
    });
  });

  const claimIds = new Set<string>();
  const usedEvents = new Set<string>();
  claims.forEach((c, i) => {
    const at = `$.claims[${i}]`;
    if (claimIds.has(c.id)) throw new OrganAuditError("EV_CASE_INVALID", { detail: `duplicate claim id "${c.id}"` }, { file: raw.claims.file, path: `${at}.id` });
    claimIds.add(c.id);
    c.sources.forEach((s, j) => {
      if (!refs.sourceIds.has(s.sourceId)) unknown("source", s.sourceId, raw.claims.file, `${at}.sources[${j}].sourceId`, "data/sources.csv");
    });
    c.events.forEach((ev, j) => {
      const row = refs.timeline.get(ev);
      if (!row || row.status !== "default") unknown("timeline event", ev, raw.claims.file, `${at}.events[${j}]`, "data/timeline_events.csv (default rows)");
      usedEvents.add(ev);
    });
    c.entities.forEach((en, j) => {
      if (!entityIds.has(en)) unknown("entity", en, raw.claims.file, `${at}.entities[${j}]`, raw.entities.file);
    });
    const selectors = new Set<string>();
    c.findings.forEach((f, j) => {
      const key = canonicalJson(f.selector);
      if (selectors.has(key)) throw new OrganAuditError("EV_CASE_INVALID", { detail: "the same finding selector is linked twice" }, { file: raw.claims.file, path: `${at}.findings[${j}]` });
      selectors.add(key);
    });
  });

  // the timeline: every default row of the package's timeline_events table (not only the ones claims use)
  const events: TimelineEvent[] = [];
  for (const [id, v] of refs.timeline) if (v.status === "default") events.push(eventFromRow(id, v));
  events.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id < b.id ? -1 : 1));
  return { manifest, entities, claims, events };
}
