import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { OrganAuditError } from "../../core/errors.js";
import type { Finding } from "../../core/finding.js";
import { getTable, loadPackage, packageRoot } from "../../data/package.js";
import type { Cell } from "../../data/validate.js";
import { caseDigest, validateCase, type CaseRaw, type PackageRefs } from "./case-file.js";
import type { ClaimsTables } from "./migration.js";
import type { CaseFile } from "./model.js";
import { resolveSelector } from "./selector.js";
import { claimRowOf, entityRowOf, eventRowOf, inTransaction, linkRowOf, type ClaimsHost, type NewLink, type WriteOptions } from "./store.js";

/**
 * Case files on disk (adapter): read a case folder (case.json + the files it names), validate it
 * against the data package, and load it into an archive in one transaction with one custody entry.
 */

/** The starter case shipped with Organ Audit. */
export const STARTER_CASE_ID = "robertson2020";

export function defaultCaseDir(caseId: string = STARTER_CASE_ID): string {
  return join(packageRoot(), "data", "case", caseId);
}

const MAX_CASE_FILE_BYTES = 8 * 1024 * 1024;

function readJson(file: string): unknown {
  if (!existsSync(file) || !statSync(file).isFile()) throw new OrganAuditError("E_FILE_NOT_FOUND", { file });
  if (statSync(file).size > MAX_CASE_FILE_BYTES) {
    throw new OrganAuditError("EV_CASE_INVALID", { detail: `file larger than ${MAX_CASE_FILE_BYTES} bytes` }, { file });
  }
  const text = readFileSync(file, "utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new OrganAuditError("E_INVALID_JSON", { detail: (e as Error).message }, { file });
  }
}

/** The file a manifest names must sit in the case folder itself (no paths, no traversal). */
function caseMember(dir: string, name: unknown, field: string, manifestFile: string): string {
  if (typeof name !== "string" || name === "" || basename(name) !== name || name === "." || name === "..") {
    throw new OrganAuditError("EV_CASE_INVALID", { detail: `files.${field} must be a plain file name in the case folder` }, { file: manifestFile, path: `$.files.${field}` });
  }
  return join(dir, name);
}

export function readCaseRaw(dir: string): CaseRaw {
  const root = resolve(dir);
  const manifestFile = join(root, "case.json");
  const manifest = readJson(manifestFile);
  const files = (manifest as { files?: Record<string, unknown> } | null)?.files ?? {};
  const entitiesFile = caseMember(root, files.entities, "entities", manifestFile);
  const claimsFile = caseMember(root, files.claims, "claims", manifestFile);
  return {
    manifest: { file: manifestFile, json: manifest },
    entities: { file: entitiesFile, json: readJson(entitiesFile) },
    claims: { file: claimsFile, json: readJson(claimsFile) },
  };
}

/** Source ids and timeline rows of a data package. */
export function packageRefs(dataDir?: string): PackageRefs {
  const pkg = loadPackage(dataDir);
  const sourceIds = new Set<string>();
  for (const r of getTable(pkg, "sources").rows) if (typeof r.values.id === "string") sourceIds.add(r.values.id);
  const timeline = new Map<string, Record<string, Cell>>();
  for (const r of getTable(pkg, "timeline_events").rows) if (typeof r.values.row_id === "string") timeline.set(r.values.row_id, r.values);
  return { sourceIds, timeline };
}

export interface ReadCase {
  dir: string;
  caseFile: CaseFile;
  digest: string;
}

/** Read and validate a case folder against the data package (default: the shipped one). */
export function readCase(dir: string = defaultCaseDir(), dataDir?: string): ReadCase {
  const raw = readCaseRaw(dir);
  return { dir: resolve(dir), caseFile: validateCase(raw, packageRefs(dataDir)), digest: caseDigest(raw) };
}

export interface LoadCaseOptions extends WriteOptions {
  /** findings of a standard-audit run: finding links store the id and verdict they resolve to now */
  findings?: readonly Finding[] | null;
}

export interface LoadCaseResult {
  status: "loaded" | "already-loaded";
  caseId: string;
  version: string;
  claims: number;
  entities: number;
  events: number;
  links: number;
  /** finding links that resolved to a finding of the supplied audit (0 when none was supplied) */
  findingsResolved: number;
}

/** The link rows a case file defines (pure apart from the clock in WriteOptions). */
export function caseLinks(c: CaseFile, findings: readonly Finding[] | null | undefined): NewLink[] {
  const links: NewLink[] = [];
  for (const claim of c.claims) {
    for (const s of claim.sources) links.push({ claimId: claim.id, kind: "source", ref: s.sourceId, stance: s.stance, note: s.note });
    for (const f of claim.findings) {
      const r = findings ? resolveSelector(findings, f.selector) : null;
      const hit = r?.status === "resolved" ? r.finding : null;
      links.push({
        claimId: claim.id, kind: "finding", ref: hit?.id ?? "", stance: f.stance, note: f.note,
        selector: f.selector, expect: f.expect ?? null, resolvedVerdict: hit?.verdict ?? null,
      });
    }
    for (const e of claim.events) links.push({ claimId: claim.id, kind: "event", ref: e, stance: "context", note: "" });
    for (const e of claim.entities) links.push({ claimId: claim.id, kind: "entity", ref: e, stance: "context", note: "" });
  }
  return links;
}

/**
 * Load a validated case into the archive: claims, entities, every timeline event of the package (an
 * event already present, e.g. from another case, is kept as is) and the links, in one transaction
 * with one custody entry pinning every row written. Loading the same case id again changes nothing.
 */
export async function loadCase(host: ClaimsHost, rc: ReadCase, o: LoadCaseOptions): Promise<LoadCaseResult> {
  const c = rc.caseFile;
  const m = c.manifest;
  const links = caseLinks(c, o.findings);
  const base = { caseId: m.id, version: m.version, claims: c.claims.length, entities: c.entities.length };
  return inTransaction(host, async (trx, record) => {
    const loaded = await trx.selectFrom("case_info").selectAll().where("id", "=", m.id).executeTakeFirst();
    if (loaded) return { status: "already-loaded", ...base, version: loaded.version, events: 0, links: 0, findingsResolved: 0 };
    const rows: { table: string; id: string }[] = [];
    const info: ClaimsTables["case_info"] = {
      id: m.id, version: m.version, title: m.title, manifest_sha256: rc.digest,
      loaded_at: (o.now ?? new Date()).toISOString(), loaded_by: o.actor,
    };
    await trx.insertInto("case_info").values(info).execute();
    rows.push({ table: "case_info", id: m.id });
    for (const cl of c.claims) {
      const row = claimRowOf({ id: cl.id, caseId: m.id, title: cl.title, statement: cl.statement, counterpoints: cl.counterpoints }, o);
      if (await trx.selectFrom("case_claim").select("id").where("id", "=", row.id).executeTakeFirst()) throw new OrganAuditError("EV_CLAIM_EXISTS", { id: row.id });
      await trx.insertInto("case_claim").values(row).execute();
      rows.push({ table: "case_claim", id: row.id });
    }
    for (const e of c.entities) {
      if (await trx.selectFrom("case_entity").select("id").where("id", "=", e.id).executeTakeFirst()) throw new OrganAuditError("EV_ENTITY_EXISTS", { id: e.id });
      await trx.insertInto("case_entity").values(entityRowOf(e, m.id, o)).execute();
      rows.push({ table: "case_entity", id: e.id });
    }
    let events = 0;
    for (const ev of c.events) {
      if (await trx.selectFrom("case_event").select("id").where("id", "=", ev.id).executeTakeFirst()) continue;
      await trx.insertInto("case_event").values(eventRowOf(ev, m.id, o)).execute();
      rows.push({ table: "case_event", id: ev.id });
      events++;
    }
    let findingsResolved = 0;
    for (const [i, l] of links.entries()) {
      const row = linkRowOf(l, o, i);
      await trx.insertInto("case_link").values(row).execute();
      rows.push({ table: "case_link", id: row.id });
      if (l.kind === "finding" && l.ref !== "") findingsResolved++;
    }
    await record({
      actor: o.actor,
      action: "annotate",
      rows,
      data: { kind: "case", caseId: m.id, version: m.version, caseSha256: rc.digest, findingsResolved },
    });
    return { status: "loaded", ...base, events, links: links.length, findingsResolved };
  });
}

/**
 * Load the shipped starter case (for `evidence init`): read, validate, load. Pass `findings` (e.g.
 * runStandardAudit().findings) to store the finding ids the links resolve to now; without them the
 * links resolve when the claim map is built.
 */
export async function loadStarterCase(host: ClaimsHost, o: LoadCaseOptions & { dataDir?: string; caseDir?: string }): Promise<LoadCaseResult> {
  return loadCase(host, readCase(o.caseDir ?? defaultCaseDir(), o.dataDir), o);
}
