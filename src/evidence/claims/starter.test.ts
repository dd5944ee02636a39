import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { parse } from "csv-parse/sync";
import { runStandardAudit } from "../../audit/standard.js";
import type { Finding } from "../../core/finding.js";
import { createRng } from "../../stats/rng.js";
import { initArchive, openArchive } from "../store/archive.js";
import { verifyArchive } from "../store/verify.js";
import { archiveClaimMap, refreshFindingLinks } from "./map-loader.js";
import { CLAIMS_TABLES } from "./migration.js";
import { addClaim, claimsDb, linkClaim, listEntities, listEvents, listLinks } from "./store.js";
import { defaultCaseDir, loadCase, loadStarterCase, readCase } from "./starter.js";

const ROOT = join(import.meta.dirname, "../../..");
const FIX = join(ROOT, "test/fixtures/evidence/claims");
const CASE = defaultCaseDir();

// Reference counts read directly from the files (not through the loader under test).
const claimsJson = JSON.parse(readFileSync(join(CASE, "claims.json"), "utf8")) as {
  claims: { id: string; statement: string; sources: unknown[]; findings: unknown[]; events: string[]; entities: string[] }[];
};
const entitiesJson = JSON.parse(readFileSync(join(CASE, "entities.json"), "utf8")) as { entities: { id: string; kind: string; note: string }[] };
const timelineRows = parse(readFileSync(join(ROOT, "data/timeline_events.csv")), { columns: true }) as { row_id: string; status: string }[];
const defaultEvents = timelineRows.filter((r) => r.status === "default").length;
const linkCount = claimsJson.claims.reduce((n, c) => n + c.sources.length + c.findings.length + c.events.length + c.entities.length, 0);

let tmp: string;
let findings: Finding[];
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "oa-claims-"));
  findings = runStandardAudit({ sims: 99, draws: 2000 }).findings;
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("the shipped starter case", () => {
  it("names Robertson 2020's five main claims, each attributed, with sources, and findings where the audit has any", () => {
    expect(claimsJson.claims.map((c) => c.id)).toEqual(["RB2020-C1", "RB2020-C2", "RB2020-C3", "RB2020-C4", "RB2020-C5"]);
    for (const c of claimsJson.claims) {
      expect(c.statement.startsWith("The investigation claims that")).toBe(true);
      expect(c.sources.length).toBeGreaterThan(0);
    }
    // blood testing (C4) has no quantitative finding in the audit; every other claim has some
    expect(claimsJson.claims.map((c) => c.findings.length > 0)).toEqual([true, true, true, false, true]);
    expect(new Set(entitiesJson.entities.map((e) => e.kind))).toEqual(new Set(["hospital", "person", "facility", "organisation"]));
  });

  it("holds no witness data: every person is a public official or a published author, stated in the note", () => {
    const persons = entitiesJson.entities.filter((e) => e.kind === "person");
    expect(persons.length).toBeGreaterThan(0);
    for (const p of persons) expect(p.note).toMatch(/^(public official|published author)/);
    expect(readFileSync(join(CASE, "claims.json"), "utf8")).not.toMatch(/witness [A-Z]|phone|@/);
  });

  it("validates against the data package: every source id and timeline event resolves", () => {
    const rc = readCase(CASE);
    expect(rc.caseFile.claims).toHaveLength(5);
    expect(rc.caseFile.entities).toHaveLength(entitiesJson.entities.length);
    expect(rc.caseFile.events).toHaveLength(defaultEvents);
    expect(rc.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it("every finding selector resolves to exactly one finding of the current standard audit, or to none (never ambiguous)", async () => {
    const { resolveSelector } = await import("./selector.js");
    const rc = readCase(CASE);
    const statuses = rc.caseFile.claims.flatMap((c) => c.findings.map((f) => resolveSelector(findings, f.selector).status));
    expect(statuses).not.toContain("ambiguous");
    // the forensic and aggregation links resolve today (C2 and C5 use only forensics.* methods)
    for (const c of rc.caseFile.claims.filter((x) => x.id === "RB2020-C2" || x.id === "RB2020-C5")) {
      for (const f of c.findings) expect(resolveSelector(findings, f.selector).status, JSON.stringify(f.selector)).toBe("resolved");
    }
  });
});

describe("loading the starter case into an archive", () => {
  it("loads claims, entities, timeline and links in one custody entry; the archive verifies; a second load changes nothing", async () => {
    const dir = join(tmp, "a1");
    const a = await initArchive(dir, { actor: "tester" });
    const before = await a.log.size();
    const r = await loadStarterCase(a, { actor: "tester", findings });
    expect(r).toMatchObject({ status: "loaded", caseId: "robertson2020", claims: 5, entities: entitiesJson.entities.length, events: defaultEvents, links: linkCount });
    expect(r.findingsResolved).toBeGreaterThan(0);
    expect(await a.log.size()).toBe(before + 1);
    const [entry] = await a.log.entries(before);
    expect(entry!.action).toBe("annotate");
    expect(entry!.rows).toHaveLength(1 + 5 + entitiesJson.entities.length + defaultEvents + linkCount);
    expect((await listEvents(a)).length).toBe(defaultEvents);
    expect((await listEntities(a, "hospital")).every((e) => e.kind === "hospital")).toBe(true);

    const again = await loadStarterCase(a, { actor: "tester" });
    expect(again.status).toBe("already-loaded");
    expect(await a.log.size()).toBe(before + 1);
    await a.close();

    const ro = await openArchive(dir, { readonly: true });
    const rep = await verifyArchive(ro);
    await ro.close();
    expect(rep.failures).toEqual([]);
    expect(rep.ok).toBe(true);
  });

  it("builds a working claim map: the July 1999, 2007 and 2015 events, sources with titles, findings with verdicts", async () => {
    const a = await openArchive(join(tmp, "a1"));
    const map = await archiveClaimMap(a, { findings });
    await a.close();
    expect(map.map((m) => m.claim.id)).toEqual(["RB2020-C1", "RB2020-C2", "RB2020-C3", "RB2020-C4", "RB2020-C5"]);
    const c1 = map[0]!;
    // links keep the case file's order
    expect(c1.sources.map((x) => x.id)).toEqual((claimsJson.claims[0]!.sources as { sourceId: string }[]).map((x) => x.sourceId));
    const dates = c1.events.map((e) => e.date);
    expect(dates).toEqual([...dates].sort()); // events are shown chronologically
    expect(c1.events.map((e) => e.id)).toEqual(expect.arrayContaining(["tle-0002", "tle-0013", "tle-0015"]));
    expect(c1.events.find((e) => e.id === "tle-0002")!.date).toBe("1999-07-20");
    const c5 = map[4]!;
    expect(c5.events.map((e) => e.id)).toEqual(expect.arrayContaining(["tle-0025", "tle-0026"]));
    expect(c5.sources.find((s) => s.id === "DIPLOMAT2017")!.title).toBe("China's Organ Transplant Problem");
    // C5's volunteer-counter link: the same finding and verdict as the audit reports
    const vol = findings.find((f) => f.method === "forensics.aggregation.counter" && f.title.includes("registered volunteers"))!;
    const entry = c5.findings.find((f) => f.selectorLabel.includes("registered volunteers"))!;
    expect(entry).toMatchObject({ currentId: vol.id, linkedId: vol.id, verdict: vol.verdict, idChanged: false });
    expect(map.every((m) => m.sources.every((s) => !s.missing))).toBe(true);
  });

  it("links an archive item to a claim through the custody log; a tampered link row fails verify naming the row", async () => {
    const dir = join(tmp, "a1");
    const a = await openArchive(dir);
    const item = await a.addItem({ bytes: Buffer.from("<html><body>器官移植中心 等待时间 两周</body></html>"), filename: "notice.html", evidenceType: "hospital-web-page", addedBy: "tester", language: "zh" });
    const { link, replaced } = await linkClaim(a, { claimId: "RB2020-C3", kind: "item", ref: item.id, stance: "supports", note: "advertised wait" }, { actor: "tester" });
    expect(replaced).toBeNull();
    const again = await linkClaim(a, { claimId: "RB2020-C3", kind: "item", ref: item.id, stance: "context" }, { actor: "tester" });
    expect(again.link.id).toBe(link.id);
    expect(again.replaced!.stance).toBe("supports");
    const map = await archiveClaimMap(a, { findings: null, claimId: "RB2020-C3" });
    expect(map[0]!.items).toEqual([expect.objectContaining({ id: item.id, sha256: item.sha256, stance: "context", label: "notice.html" })]);
    const last = (await a.log.entries((await a.log.size()) - 1))[0]!;
    expect(last).toMatchObject({ action: "link", itemId: item.id, data: { replaces: { stance: "supports" } } });
    await expect(linkClaim(a, { claimId: "RB2020-C3", kind: "item", ref: "I-missing", stance: "supports" }, { actor: "t" })).rejects.toMatchObject({ code: "EV_CLAIM_ITEM_NOT_FOUND" });
    await expect(linkClaim(a, { claimId: "NOPE", kind: "source", ref: "VOC2020", stance: "supports" }, { actor: "t" })).rejects.toMatchObject({ code: "EV_CLAIM_NOT_FOUND" });

    // tamper: change the stance of the link row behind the log's back
    await sql`update case_link set stance = 'supports' where id = ${link.id}`.execute(a.db);
    await a.close();
    const ro = await openArchive(dir, { readonly: true });
    const rep = await verifyArchive(ro);
    await ro.close();
    expect(rep.ok).toBe(false);
    expect(rep.failures).toEqual([expect.objectContaining({ kind: "row", table: "case_link", rowId: link.id })]);
  });

  it("tamper: one changed character in a sampled row of each claims table, a deleted row, an unlogged row: verify names each", async () => {
    const dir = join(tmp, "a4");
    const a = await initArchive(dir, { actor: "tester" });
    await loadStarterCase(a, { actor: "tester" });
    const rng = createRng(6962);
    const tamper: { table: string; id: string; column: string }[] = [];
    for (const table of CLAIMS_TABLES) {
      const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(table)} order by id`.execute(a.db)).rows;
      const row = rows[rng.int(rows.length)]!;
      const cols = Object.keys(row).filter((k) => k !== "id" && typeof row[k] === "string" && (row[k] as string).length > 0);
      const column = cols[rng.int(cols.length)]!;
      const v = row[column] as string;
      const pos = rng.int(v.length);
      const changed = v.slice(0, pos) + (v[pos] === "x" ? "y" : "x") + v.slice(pos + 1);
      await sql`update ${sql.table(table)} set ${sql.ref(column)} = ${changed} where id = ${row.id as string}`.execute(a.db);
      tamper.push({ table, id: row.id as string, column });
    }
    const victim = (await sql<{ id: string }>`select id from case_event order by id limit 1`.execute(a.db)).rows[0]!.id;
    await sql`delete from case_event where id = ${victim}`.execute(a.db);
    await sql`insert into case_claim (id, case_id, title, statement, counterpoints, created_at, created_by) values ('FORGED', null, 't', 'The investigation claims that x.', '', '2020-01-01', 'x')`.execute(a.db);
    await a.close();
    const ro = await openArchive(dir, { readonly: true });
    const rep = await verifyArchive(ro);
    await ro.close();
    expect(rep.ok).toBe(false);
    const named = rep.failures.map((f) => `${f.table}/${f.rowId}`);
    for (const t of tamper) expect(named, `${t.table}.${t.column}`).toContain(`${t.table}/${t.id}`);
    expect(named).toContain(`case_event/${victim}`);
    expect(named).toContain("case_claim/FORGED");
    expect(rep.failures.every((f) => f.kind === "row")).toBe(true);
  });

  it("refreshFindingLinks stores the ids the selectors resolve to now and logs each change", async () => {
    const dir = join(tmp, "a2");
    const a = await initArchive(dir, { actor: "tester" });
    await loadStarterCase(a, { actor: "tester" }); // no findings: links stored unresolved
    const unresolved = (await listLinks(a)).filter((l) => l.kind === "finding");
    expect(unresolved.every((l) => l.ref === "" && l.resolvedVerdict === null)).toBe(true);
    const size = await a.log.size();
    const r = await refreshFindingLinks(a, findings, { actor: "tester" });
    const resolvable = unresolved.filter((l) => findings.some((f) => f.method === l.selector!.method));
    expect(r.updated.length).toBeGreaterThan(0);
    expect(r.updated.length).toBeLessThanOrEqual(resolvable.length);
    expect(await a.log.size()).toBe(size + r.updated.length);
    const again = await refreshFindingLinks(a, findings, { actor: "tester" });
    expect(again.updated).toEqual([]);
    await a.close();
    const ro = await openArchive(dir, { readonly: true });
    expect((await verifyArchive(ro)).ok).toBe(true);
    await ro.close();
  });
});

describe("bad case files: clear errors, nothing stored", () => {
  it("an unknown source id is named with file and JSON path", () => {
    expect(() => readCase(join(FIX, "bad-source"))).toThrow(expect.objectContaining({
      code: "EV_CASE_UNKNOWN_REF",
      location: expect.objectContaining({ file: join(FIX, "bad-source/claims.json"), path: "$.claims[0].sources[1].sourceId" }),
    }));
  });
  it("a claim asserted as fact is refused", () => {
    expect(() => readCase(join(FIX, "unattributed"))).toThrow(expect.objectContaining({ code: "EV_CASE_INVALID", location: expect.objectContaining({ path: "$.claims[0].statement" }) }));
  });
  it("a case file naming a path outside its folder is refused", () => {
    expect(() => readCase(join(FIX, "traversal"))).toThrow(expect.objectContaining({ code: "EV_CASE_INVALID", location: expect.objectContaining({ path: "$.files.entities" }) }));
  });
  it("broken JSON and a missing file are named", () => {
    const d = join(tmp, "broken");
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, "case.json"), readFileSync(join(CASE, "case.json")));
    writeFileSync(join(d, "entities.json"), '{"entities": [');
    expect(() => readCase(d)).toThrow(expect.objectContaining({ code: "E_INVALID_JSON", location: { file: join(d, "entities.json") } }));
    writeFileSync(join(d, "entities.json"), '{"entities": []}');
    expect(() => readCase(d)).toThrow(expect.objectContaining({ code: "E_FILE_NOT_FOUND" }));
  });

  it("a load that fails half-way (claim id already taken) leaves no case row, entity or log entry", async () => {
    const dir = join(tmp, "a3");
    const a = await initArchive(dir, { actor: "tester" });
    await addClaim(a, { id: "RB2020-C4", title: "taken", statement: "The investigation claims that this id is taken." }, { actor: "tester" });
    const size = await a.log.size();
    await expect(loadCase(a, readCase(CASE), { actor: "tester" })).rejects.toMatchObject({ code: "EV_CLAIM_EXISTS" });
    expect(await a.log.size()).toBe(size);
    const db = claimsDb(a);
    expect(await db.selectFrom("case_info").selectAll().execute()).toEqual([]);
    expect(await db.selectFrom("case_entity").selectAll().execute()).toEqual([]);
    expect((await db.selectFrom("case_claim").select("id").execute()).map((c) => c.id)).toEqual(["RB2020-C4"]);
    await expect(addClaim(a, { title: "x", statement: "China did it." }, { actor: "t" })).rejects.toMatchObject({ code: "EV_CLAIM_WORDING" });
    await a.close();
  });
});
