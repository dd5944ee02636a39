import type { Kysely, Transaction } from "kysely";
import { canonicalJson } from "../../core/canonical.js";
import { OrganAuditError } from "../../core/errors.js";
import type { Verdict } from "../../core/finding.js";
import { sha256Hex } from "../../core/hash.js";
import type { EntryInit } from "../custody/entry.js";
import type { Archive, ItemRecord } from "../store/archive.js";
import type { ClaimRecord, ItemSummary, LinkRecord } from "./claim-map.js";
import type { ClaimsTables } from "./migration.js";
import {
  entitySchema,
  findingSelectorSchema,
  type AliasLang,
  type DatePrecision,
  type Entity,
  type EntityKind,
  type Expect,
  type FindingSelector,
  type LinkKind,
  type Stance,
  type TimelineEvent,
} from "./model.js";

/**
 * Database adapter for claims, entities, events and links, over the evidence archive. Every write
 * runs in one transaction with its custody-log entry, which pins the rows written by (table, id), so
 * that `evidence verify` detects any later change to them and a crash leaves all or nothing.
 */

/** What the claims module uses of the archive (the archive core's Archive). */
export type ClaimsHost = Pick<Archive, "db" | "transaction" | "record" | "getItem">;

export type ClaimsDb = Kysely<ClaimsTables>;
export type ClaimsTrx = Transaction<ClaimsTables>;

export function claimsDb(host: ClaimsHost): ClaimsDb {
  return host.db as unknown as ClaimsDb;
}

/** Run fn in one transaction; `record` appends a custody entry in the same transaction. */
export function inTransaction<T>(host: ClaimsHost, fn: (trx: ClaimsTrx, record: (e: EntryInit) => Promise<unknown>) => Promise<T>): Promise<T> {
  return host.transaction((trx) => fn(trx as unknown as ClaimsTrx, (e) => host.record(e, trx)));
}

function nowIso(now?: Date): string {
  return (now ?? new Date()).toISOString();
}

export interface WriteOptions {
  actor: string;
  now?: Date;
}

// ---------- claims ----------

export interface NewClaim {
  id?: string;
  caseId?: string | null;
  title: string;
  statement: string;
  counterpoints?: string;
}

export function claimRowOf(c: NewClaim, o: WriteOptions): ClaimsTables["case_claim"] {
  const statement = c.statement.trim();
  if (!/^The investigation claims\b/.test(statement)) {
    throw new OrganAuditError("EV_CLAIM_WORDING", { statement: statement.slice(0, 80) }, { field: "statement" });
  }
  if (c.title.trim() === "") throw new OrganAuditError("E_USAGE", { detail: "a claim needs a title" });
  return {
    id: c.id ?? `C-${sha256Hex(statement).slice(0, 12)}`,
    case_id: c.caseId ?? null,
    title: c.title.trim(),
    statement,
    counterpoints: (c.counterpoints ?? "").trim(),
    created_at: nowIso(o.now),
    created_by: o.actor,
  };
}

export async function addClaim(host: ClaimsHost, c: NewClaim, o: WriteOptions): Promise<ClaimRecord> {
  const row = claimRowOf(c, o);
  await inTransaction(host, async (trx, record) => {
    const existing = await trx.selectFrom("case_claim").select("id").where("id", "=", row.id).executeTakeFirst();
    if (existing) throw new OrganAuditError("EV_CLAIM_EXISTS", { id: row.id });
    await trx.insertInto("case_claim").values(row).execute();
    await record({ actor: o.actor, action: "annotate", rows: [{ table: "case_claim", id: row.id }], data: { kind: "claim", claimId: row.id } });
  });
  return claimRecordOf(row);
}

export function claimRecordOf(r: ClaimsTables["case_claim"]): ClaimRecord {
  return { id: r.id, caseId: r.case_id, title: r.title, statement: r.statement, counterpoints: r.counterpoints };
}

export async function getClaim(host: ClaimsHost, id: string): Promise<ClaimRecord | null> {
  const r = await claimsDb(host).selectFrom("case_claim").selectAll().where("id", "=", id).executeTakeFirst();
  return r ? claimRecordOf(r) : null;
}

export async function listClaims(host: ClaimsHost): Promise<ClaimRecord[]> {
  const rows = await claimsDb(host).selectFrom("case_claim").selectAll().orderBy("id").execute();
  return rows.map(claimRecordOf);
}

// ---------- entities ----------

export function entityRowOf(e: Entity, caseId: string | null, o: WriteOptions): ClaimsTables["case_entity"] {
  return {
    id: e.id,
    case_id: caseId,
    kind: e.kind,
    name: e.name,
    aliases_json: canonicalJson(e.aliases),
    note: e.note,
    source_ids_json: canonicalJson(e.sourceIds),
    created_at: nowIso(o.now),
    created_by: o.actor,
  };
}

export interface StoredEntity extends Entity {
  caseId: string | null;
}

export function entityOf(r: ClaimsTables["case_entity"]): StoredEntity {
  return {
    id: r.id,
    kind: r.kind as EntityKind,
    name: r.name,
    aliases: JSON.parse(r.aliases_json) as { text: string; lang: AliasLang }[],
    note: r.note,
    sourceIds: JSON.parse(r.source_ids_json) as string[],
    caseId: r.case_id,
  };
}

/**
 * Add an entity. Entities are stored in clear, so a person must carry a note stating the public role
 * that makes them relevant (official, published author); witnesses belong in sealed item fields.
 */
export async function addEntity(host: ClaimsHost, e: Entity, o: WriteOptions & { caseId?: string | null }): Promise<StoredEntity> {
  const parsed = entitySchema.safeParse(e);
  if (!parsed.success) throw new OrganAuditError("E_INVALID_VALUE", { detail: parsed.error.issues[0]?.message ?? "invalid entity" });
  if (e.kind === "person" && e.note.trim() === "") throw new OrganAuditError("EV_ENTITY_PERSON_ROLE", {});
  const row = entityRowOf(parsed.data, o.caseId ?? null, o);
  await inTransaction(host, async (trx, record) => {
    if (await trx.selectFrom("case_entity").select("id").where("id", "=", row.id).executeTakeFirst()) {
      throw new OrganAuditError("EV_ENTITY_EXISTS", { id: row.id });
    }
    await trx.insertInto("case_entity").values(row).execute();
    await record({ actor: o.actor, action: "annotate", rows: [{ table: "case_entity", id: row.id }], data: { kind: "entity", entityId: row.id } });
  });
  return entityOf(row);
}

export async function listEntities(host: ClaimsHost, kind?: EntityKind): Promise<StoredEntity[]> {
  let q = claimsDb(host).selectFrom("case_entity").selectAll();
  if (kind) q = q.where("kind", "=", kind);
  return (await q.orderBy("kind").orderBy("id").execute()).map(entityOf);
}

// ---------- events ----------

export function eventRowOf(e: TimelineEvent, caseId: string | null, o: WriteOptions): ClaimsTables["case_event"] {
  return {
    id: e.id,
    case_id: caseId,
    date: e.date,
    date_precision: e.precision,
    title_en: e.titleEn,
    title_zh: e.titleZh,
    category: e.category,
    source_ids_json: canonicalJson(e.sourceIds),
    origin: e.origin,
    created_at: nowIso(o.now),
    created_by: o.actor,
  };
}

export function eventOf(r: ClaimsTables["case_event"]): TimelineEvent {
  return {
    id: r.id,
    date: r.date,
    precision: r.date_precision as DatePrecision,
    titleEn: r.title_en,
    titleZh: r.title_zh,
    category: r.category,
    sourceIds: JSON.parse(r.source_ids_json) as string[],
    origin: r.origin,
  };
}

/** Add a timeline event (date YYYY, YYYY-MM or YYYY-MM-DD matching its precision). */
export async function addEvent(host: ClaimsHost, e: TimelineEvent, o: WriteOptions & { caseId?: string | null }): Promise<TimelineEvent> {
  const shape = { year: /^\d{4}$/, month: /^\d{4}-(0[1-9]|1[0-2])$/, day: /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/ }[e.precision];
  if (!shape || !shape.test(e.date)) throw new OrganAuditError("E_INVALID_VALUE", { detail: `date "${e.date}" does not match precision "${e.precision}" (YYYY, YYYY-MM or YYYY-MM-DD)` }, { field: "date" });
  // a calendar day that exists (2019-02-30 does not): the ISO round trip must give the same date
  if (e.precision === "day") {
    const t = Date.parse(`${e.date}T00:00:00Z`);
    if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== e.date) throw new OrganAuditError("F_CHK_BAD_DATE", { value: e.date }, { field: "date" });
  }
  if (e.titleEn.trim() === "") throw new OrganAuditError("E_USAGE", { detail: "an event needs a title" });
  const row = eventRowOf(e, o.caseId ?? null, o);
  await inTransaction(host, async (trx, record) => {
    if (await trx.selectFrom("case_event").select("id").where("id", "=", row.id).executeTakeFirst()) {
      throw new OrganAuditError("E_INVALID_VALUE", { detail: `an event with id "${row.id}" already exists` });
    }
    await trx.insertInto("case_event").values(row).execute();
    await record({ actor: o.actor, action: "annotate", rows: [{ table: "case_event", id: row.id }], data: { kind: "event", eventId: row.id } });
  });
  return eventOf(row);
}

export interface EventFilter {
  from?: string;
  to?: string;
  category?: string;
}

export async function listEvents(host: ClaimsHost, f: EventFilter = {}): Promise<TimelineEvent[]> {
  let q = claimsDb(host).selectFrom("case_event").selectAll();
  if (f.from) q = q.where("date", ">=", f.from);
  // a bound "2015" must include "2015-12-31": compare against the bound followed by a high character
  if (f.to) q = q.where("date", "<=", `${f.to}\uffff`);
  if (f.category) q = q.where("category", "=", f.category);
  return (await q.orderBy("date").orderBy("id").execute()).map(eventOf);
}

// ---------- links ----------

export interface NewLink {
  claimId: string;
  kind: LinkKind;
  /** item, source, event or entity id; for a finding: the id it resolved to (may be "" if unresolved) */
  ref: string;
  stance: Stance;
  note?: string;
  selector?: FindingSelector | null;
  expect?: Expect | null;
  resolvedVerdict?: Verdict | null;
}

/** Deterministic link id: one link per claim and target (a finding is identified by its selector). */
export function linkId(claimId: string, kind: LinkKind, key: string): string {
  return `L-${sha256Hex(canonicalJson({ claimId, kind, key })).slice(0, 16)}`;
}

export function linkRowOf(l: NewLink, o: WriteOptions, position = 0): ClaimsTables["case_link"] {
  const selector = l.selector ? findingSelectorSchema.parse(l.selector) : null;
  const key = l.kind === "finding" && selector ? canonicalJson(selector) : l.ref;
  return {
    id: linkId(l.claimId, l.kind, key),
    claim_id: l.claimId,
    kind: l.kind,
    ref: l.ref,
    stance: l.stance,
    note: l.note ?? "",
    selector_json: selector ? canonicalJson(selector) : null,
    expect: l.expect ?? null,
    resolved_verdict: l.resolvedVerdict ?? null,
    position,
    created_at: nowIso(o.now),
    created_by: o.actor,
  };
}

export function linkRecordOf(r: ClaimsTables["case_link"]): LinkRecord {
  return {
    id: r.id,
    claimId: r.claim_id,
    kind: r.kind as LinkKind,
    ref: r.ref,
    stance: r.stance as Stance,
    note: r.note,
    selector: r.selector_json ? (JSON.parse(r.selector_json) as FindingSelector) : null,
    expect: (r.expect as Expect | null) ?? null,
    resolvedVerdict: (r.resolved_verdict as Verdict | null) ?? null,
  };
}

/**
 * Link a claim to an item, source, finding, event or entity. Linking the same target again replaces
 * the stance and note (the log keeps both entries, so the history of the annotation is kept).
 */
export async function linkClaim(host: ClaimsHost, l: NewLink, o: WriteOptions): Promise<{ link: LinkRecord; replaced: LinkRecord | null }> {
  if (l.kind === "item" && !(await host.getItem(l.ref))) throw new OrganAuditError("EV_CLAIM_ITEM_NOT_FOUND", { id: l.ref });
  const row = linkRowOf(l, o);
  return inTransaction(host, async (trx, record) => {
    if (!(await trx.selectFrom("case_claim").select("id").where("id", "=", l.claimId).executeTakeFirst())) {
      throw new OrganAuditError("EV_CLAIM_NOT_FOUND", { id: l.claimId });
    }
    if (l.kind === "entity" && !(await trx.selectFrom("case_entity").select("id").where("id", "=", l.ref).executeTakeFirst())) {
      throw new OrganAuditError("EV_ENTITY_NOT_FOUND", { id: l.ref });
    }
    if (l.kind === "event" && !(await trx.selectFrom("case_event").select("id").where("id", "=", l.ref).executeTakeFirst())) {
      throw new OrganAuditError("EV_EVENT_NOT_FOUND", { id: l.ref });
    }
    const prev = await trx.selectFrom("case_link").selectAll().where("id", "=", row.id).executeTakeFirst();
    if (prev) {
      await trx.updateTable("case_link").set({ ...row, position: prev.position, created_at: prev.created_at, created_by: prev.created_by }).where("id", "=", row.id).execute();
    } else {
      const last = await trx.selectFrom("case_link").select((eb) => eb.fn.max("position").as("p")).where("claim_id", "=", l.claimId).executeTakeFirst();
      await trx.insertInto("case_link").values({ ...row, position: Number(last?.p ?? -1) + 1 }).execute();
    }
    await record({
      actor: o.actor,
      action: "link",
      ...(l.kind === "item" ? { itemId: l.ref } : {}),
      rows: [{ table: "case_link", id: row.id }],
      data: {
        claimId: l.claimId, kind: l.kind, ref: l.ref, stance: l.stance,
        ...(prev ? { replaces: { stance: prev.stance, note: prev.note } } : {}),
      },
    });
    const stored = await trx.selectFrom("case_link").selectAll().where("id", "=", row.id).executeTakeFirstOrThrow();
    return { link: linkRecordOf(stored), replaced: prev ? linkRecordOf(prev) : null };
  });
}

export async function listLinks(host: ClaimsHost, claimId?: string): Promise<LinkRecord[]> {
  let q = claimsDb(host).selectFrom("case_link").selectAll();
  if (claimId) q = q.where("claim_id", "=", claimId);
  // insertion order is not portable: order by claim, kind, then the stored position
  return (await q.orderBy("claim_id").orderBy("kind").orderBy("position").orderBy("id").execute()).map(linkRecordOf);
}

/** The summary of an archive item shown in the claim map. */
export function itemSummaryOf(item: ItemRecord): ItemSummary {
  return { id: item.id, sha256: item.sha256, label: item.filename ?? item.url ?? item.id, evidenceType: item.evidenceType };
}

/** Summaries of the items that links point to (items missing from the archive are left out). */
export async function linkedItems(host: ClaimsHost, links: readonly LinkRecord[]): Promise<Map<string, ItemSummary>> {
  const out = new Map<string, ItemSummary>();
  for (const l of links) {
    if (l.kind !== "item" || out.has(l.ref)) continue;
    const got = await host.getItem(l.ref);
    if (got) out.set(l.ref, itemSummaryOf(got.item));
  }
  return out;
}
