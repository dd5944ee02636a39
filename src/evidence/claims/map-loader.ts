import type { Finding } from "../../core/finding.js";
import { getTable, loadPackage } from "../../data/package.js";
import { buildClaimMap, type ClaimMapEntry, type EntitySummary, type SourceSummary } from "./claim-map.js";
import type { TimelineEvent } from "./model.js";
import { resolveSelector } from "./selector.js";
import { claimsDb, getClaim, inTransaction, linkedItems, linkRecordOf, listClaims, listEntities, listEvents, listLinks, type ClaimsHost, type WriteOptions } from "./store.js";

/**
 * Assemble the claim map of an archive (adapter): read claims, links, items, entities and events from
 * the archive and source titles from the data package, then hand them to the pure buildClaimMap.
 */

/** Source summaries from the data package's sources table. */
export function packageSources(dataDir?: string): Map<string, SourceSummary> {
  const out = new Map<string, SourceSummary>();
  for (const r of getTable(loadPackage(dataDir), "sources").rows) {
    const v = r.values;
    if (typeof v.id !== "string") continue;
    const s = (x: unknown): string => (x === null || x === undefined ? "" : String(x));
    out.set(v.id, { id: v.id, title: s(v.title), author: s(v.author), year: s(v.year), qualityGrade: s(v.quality_grade), url: s(v.url) });
  }
  return out;
}

export interface ArchiveClaimMapOptions {
  /** findings of an audit run; null: show the verdicts stored at link time */
  findings: readonly Finding[] | null;
  dataDir?: string;
  /** only this claim */
  claimId?: string;
}

export async function archiveClaimMap(host: ClaimsHost, o: ArchiveClaimMapOptions): Promise<ClaimMapEntry[]> {
  const claims = o.claimId ? [await getClaim(host, o.claimId)].filter((c) => c !== null) : await listClaims(host);
  const links = await listLinks(host, o.claimId);
  const events = new Map<string, TimelineEvent>((await listEvents(host)).map((e) => [e.id, e]));
  const entities = new Map<string, EntitySummary>((await listEntities(host)).map((e) => [e.id, { id: e.id, kind: e.kind, name: e.name }]));
  return buildClaimMap({
    claims,
    links,
    items: await linkedItems(host, links),
    sources: packageSources(o.dataDir),
    events,
    entities,
    findings: o.findings,
  });
}

export interface RefreshResult {
  updated: { linkId: string; claimId: string; from: string; to: string; verdict: string | null }[];
  unchanged: number;
}

/**
 * Store, for every finding link, the id and verdict its selector resolves to in `findings` (e.g.
 * after the data package or the tool changed). Each change is one custody entry naming the previous
 * id, so the history of what a claim was linked to is kept.
 */
export async function refreshFindingLinks(host: ClaimsHost, findings: readonly Finding[], o: WriteOptions): Promise<RefreshResult> {
  const out: RefreshResult = { updated: [], unchanged: 0 };
  const rows = await claimsDb(host).selectFrom("case_link").selectAll().where("kind", "=", "finding").orderBy("claim_id").orderBy("id").execute();
  for (const row of rows) {
    const l = linkRecordOf(row);
    if (!l.selector) {
      out.unchanged++;
      continue;
    }
    const r = resolveSelector(findings, l.selector);
    const id = r.status === "resolved" ? r.finding.id : "";
    const verdict = r.status === "resolved" ? r.finding.verdict : null;
    if (id === l.ref && verdict === l.resolvedVerdict) {
      out.unchanged++;
      continue;
    }
    await inTransaction(host, async (trx, record) => {
      await trx.updateTable("case_link").set({ ref: id, resolved_verdict: verdict }).where("id", "=", l.id).execute();
      await record({
        actor: o.actor,
        action: "link",
        rows: [{ table: "case_link", id: l.id }],
        data: { claimId: l.claimId, kind: "finding", refresh: true, from: { ref: l.ref, verdict: l.resolvedVerdict }, to: { ref: id, verdict } },
      });
    });
    out.updated.push({ linkId: l.id, claimId: l.claimId, from: l.ref, to: id, verdict });
  }
  return out;
}
