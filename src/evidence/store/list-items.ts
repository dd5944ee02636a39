import { sql } from "kysely";
import { OrganAuditError } from "../../core/errors.js";
import { toItemRecord, type Archive, type ItemRecord } from "./archive.js";

/**
 * One page of archive items with the total count (adapter), for paged views: the filters of
 * `Archive.listItems` plus a capture-date range. Sealed witness fields are never opened here
 * (`sensitive` is "sealed" or null).
 */
export interface ItemPageFilter {
  evidenceType?: string;
  language?: string;
  tag?: string;
  /** captured on or after this day, YYYY-MM-DD (inclusive) */
  from?: string;
  /** captured on or before this day, YYYY-MM-DD (inclusive) */
  to?: string;
  offset: number;
  limit: number;
}

export interface ItemPage {
  items: ItemRecord[];
  total: number;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export async function listItemsPage(a: Archive, f: ItemPageFilter): Promise<ItemPage> {
  for (const [name, v] of [
    ["from", f.from],
    ["to", f.to],
  ] as const) {
    if (v !== undefined && (!DAY.test(v) || Number.isNaN(Date.parse(v))))
      throw new OrganAuditError("EV_SEARCH_BAD_FILTER", { filter: name, value: v }, { field: name });
  }
  let q = a.db.selectFrom("items");
  if (f.evidenceType) q = q.where("evidence_type", "=", f.evidenceType);
  if (f.language) q = q.where("language", "=", f.language);
  // tags are stored as a JSON array of strings: match the quoted tag
  if (f.tag) {
    const pattern = `%${JSON.stringify(f.tag).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where(sql<boolean>`tags like ${pattern} escape '\\'`);
  }
  // captured_at is ISO 8601: a day bound compares as a string prefix
  if (f.from) q = q.where("captured_at", ">=", f.from);
  if (f.to) q = q.where("captured_at", "<=", `${f.to}\uffff`);
  const total = Number((await q.select((eb) => eb.fn.countAll().as("n")).executeTakeFirst())?.n ?? 0);
  const rows = await q.selectAll().orderBy("added_at").orderBy("id").limit(f.limit).offset(f.offset).execute();
  return { items: rows.map((r) => toItemRecord(r)), total };
}
