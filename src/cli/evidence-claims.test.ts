import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Command } from "commander";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runStandardAudit } from "../audit/standard.js";
import { initArchive, openArchive } from "../evidence/store/archive.js";
import { verifyArchive } from "../evidence/store/verify.js";
import { register } from "./evidence-claims.js";
import type { Io } from "./io.js";
import type { CliContext } from "./main.js";

async function run(args: string[], withGroup = false): Promise<{ out: string; err: string; exit: number; error?: unknown }> {
  let out = "";
  let err = "";
  let exit = 0;
  const io: Io = { out: (t) => (out += t.endsWith("\n") ? t : `${t}\n`), err: (t) => (err += t) };
  const ctx: CliContext = { io, setExit: (c) => (exit = Math.max(exit, c)) };
  const program = new Command().exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  if (withGroup) program.command("evidence").description("created by the archive core");
  register(program, ctx);
  try {
    await program.parseAsync(["node", "organ-audit", ...args]);
  } catch (e) {
    return { out, err, exit: 2, error: e };
  }
  return { out, err, exit };
}

let tmp: string;
let dir: string;
let findingsFile: string;
let itemId: string;
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "oa-claims-cli-"));
  dir = join(tmp, "archive");
  const a = await initArchive(dir, { actor: "tester" });
  itemId = (await a.addItem({ bytes: Buffer.from("天津市第一中心醫院 肝移植 等待 兩週"), filename: "big5-page.txt", evidenceType: "hospital-web-page", addedBy: "tester", language: "zh-Hant" })).id;
  await a.close();
  findingsFile = join(tmp, "findings.json");
  const audit = runStandardAudit({ sims: 99, draws: 2000 });
  writeFileSync(findingsFile, JSON.stringify({ findings: audit.findings }));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("organ-audit evidence (claims commands)", () => {
  it("registers under an existing evidence group", async () => {
    const r = await run(["evidence", "starter", "--archive", dir, "--json", "--actor", "tester"], true);
    expect(r.exit).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ status: "loaded", caseId: "robertson2020", claims: 5 });
    const again = await run(["evidence", "starter", "--archive", dir]);
    expect(again.out).toMatch(/already loaded; nothing was changed/);
  });

  it("claims --json: the five claims with findings resolved from a findings file", async () => {
    const r = await run(["evidence", "claims", "--archive", dir, "--findings", findingsFile, "--json"]);
    expect(r.exit).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.claims.map((c: { claim: { id: string } }) => c.claim.id)).toEqual(["RB2020-C1", "RB2020-C2", "RB2020-C3", "RB2020-C4", "RB2020-C5"]);
    expect(j.caveats[0].code).toBe("C_EV_CLAIM_MAP");
    const c2 = j.claims[1];
    expect(c2.findings.every((f: { currentId: string | null }) => /^F-[0-9a-f]{16}$/.test(f.currentId ?? ""))).toBe(true);
    expect(j.claims[3].findings).toEqual([]);
  });

  it("claims --no-audit says findings were not computed", async () => {
    const r = await run(["evidence", "claims", "--archive", dir, "--no-audit", "--claim", "RB2020-C5"]);
    expect(r.exit).toBe(0);
    expect(r.out).toMatch(/RB2020-C5 {2}Contradictory official statements/);
    expect(r.out).toMatch(/not recomputed/);
    expect(r.out).toMatch(/links are annotations, not proof/);
  });

  it("link ITEM CLAIM --stance: recorded, shown in the claim map, archive still verifies", async () => {
    const r = await run(["evidence", "link", itemId, "RB2020-C3", "--stance", "supports", "--note", "advertised wait", "--archive", dir, "--json", "--actor", "tester"]);
    expect(r.exit).toBe(0);
    expect(JSON.parse(r.out).link).toMatchObject({ claimId: "RB2020-C3", kind: "item", ref: itemId, stance: "supports" });
    const m = JSON.parse((await run(["evidence", "claims", "--archive", dir, "--no-audit", "--claim", "RB2020-C3", "--json"])).out);
    expect(m.claims[0].items).toEqual([expect.objectContaining({ id: itemId, stance: "supports", label: "big5-page.txt" })]);
    const a = await openArchive(dir, { readonly: true });
    const rep = await verifyArchive(a);
    await a.close();
    expect(rep.ok).toBe(true);
  });

  it("link refuses a bad stance, an unknown claim and an unknown item", async () => {
    const bad = await run(["evidence", "link", itemId, "RB2020-C3", "--stance", "proves", "--archive", dir]);
    expect(bad.error).toMatchObject({ code: "EV_CLAIM_BAD_STANCE" });
    const noClaim = await run(["evidence", "link", itemId, "RB2020-C9", "--stance", "context", "--archive", dir]);
    expect(noClaim.error).toMatchObject({ code: "EV_CLAIM_NOT_FOUND" });
    const noItem = await run(["evidence", "link", "I-none", "RB2020-C3", "--stance", "context", "--archive", dir]);
    expect(noItem.error).toMatchObject({ code: "EV_CLAIM_ITEM_NOT_FOUND" });
  });

  it("entities --query finds a person by traditional characters and by toneless pinyin", async () => {
    const a = JSON.parse((await run(["evidence", "entities", "--archive", dir, "--query", "黃潔夫", "--json"])).out);
    expect(a.entities.map((e: { id: string }) => e.id)).toEqual(["ent-huang-jiefu"]);
    expect(a.entities[0].claims).toEqual(["RB2020-C1", "RB2020-C5"]);
    const b = JSON.parse((await run(["evidence", "entities", "--archive", dir, "--query", "huang jiefu", "--json"])).out);
    expect(b.entities.map((e: { id: string }) => e.id)).toEqual(["ent-huang-jiefu"]);
    const c = JSON.parse((await run(["evidence", "entities", "--archive", dir, "--query", "中國器官移植發展基金會", "--json"])).out);
    expect(c.entities.map((e: { id: string }) => e.id)).toEqual(["ent-cotdf"]);
    const h = JSON.parse((await run(["evidence", "entities", "--archive", dir, "--kind", "hospital", "--json"])).out);
    expect(h.entities.length).toBeGreaterThan(0);
    expect(h.entities.every((e: { kind: string }) => e.kind === "hospital")).toBe(true);
  });

  it("timeline --from 1999 --to 2007: in date order, inclusive of the whole of 2007", async () => {
    const r = JSON.parse((await run(["evidence", "timeline", "--archive", dir, "--from", "1999", "--to", "2007", "--json"])).out);
    const dates = r.events.map((e: { date: string }) => e.date);
    expect(dates).toEqual([...dates].sort());
    // tle-0004 has year precision ("1999") and sorts before the days of 1999 (tle-0002, tle-0003)
    expect(dates.slice(0, 3)).toEqual(["1999", "1999-07-20", "1999-07-22"]);
    expect(dates).toContain("2007-05-01");
    expect(dates.every((d: string) => d >= "1999" && d < "2008")).toBe(true);
    const campaign = r.events.find((e: { id: string }) => e.id === "tle-0002");
    expect(campaign).toMatchObject({ precision: "day", category: "campaign", sourceIds: ["IRB1999"], claims: ["RB2020-C1"] });
    const bad = await run(["evidence", "timeline", "--archive", dir, "--from", "July 1999"]);
    expect(bad.error).toMatchObject({ code: "F_CHK_BAD_DATE" });
  });

  it("claim-add refuses an unattributed statement and accepts an attributed one", async () => {
    const bad = await run(["evidence", "claim-add", "--archive", dir, "--title", "x", "--statement", "The data were falsified."]);
    expect(bad.error).toMatchObject({ code: "EV_CLAIM_WORDING" });
    const ok = await run(["evidence", "claim-add", "--archive", dir, "--id", "X-1", "--title", "x", "--statement", "The investigation claims that x.", "--json"]);
    expect(JSON.parse(ok.out)).toMatchObject({ id: "X-1", caseId: null });
  });

  it("link-finding resolves a selector against a findings file and stores the id; ambiguous and unresolved selectors are refused", async () => {
    const audit = JSON.parse((await import("node:fs")).readFileSync(findingsFile, "utf8")) as { findings: { id: string; method: string; title: string; verdict: string }[] };
    const vol = audit.findings.find((f) => f.method === "forensics.aggregation.counter" && f.title.includes("registered volunteers"))!;
    const r = await run(["evidence", "link-finding", "X-1", "--method", "forensics.aggregation.counter", "--title-includes", "registered volunteers", "--expect", "flag", "--findings", findingsFile, "--archive", dir, "--json"]);
    expect(r.exit).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.link).toMatchObject({ claimId: "X-1", kind: "finding", ref: vol.id, resolvedVerdict: vol.verdict, expect: "flag" });
    const amb = await run(["evidence", "link-finding", "X-1", "--method", "forensics.aggregation.counter", "--findings", findingsFile, "--archive", dir]);
    expect(amb.error).toMatchObject({ code: "EV_CLAIM_SELECTOR" });
    expect(String((amb.error as Error).message)).toMatch(/matches 2 findings/);
    const none = await run(["evidence", "link-finding", "X-1", "--method", "forensics.fit", "--param", "model=poly9", "--findings", findingsFile, "--archive", dir]);
    expect(none.error).toMatchObject({ code: "EV_CLAIM_SELECTOR" });
    const kept = await run(["evidence", "link-finding", "X-1", "--method", "forensics.fit", "--param", "model=poly9", "--allow-unresolved", "--findings", findingsFile, "--archive", dir, "--json"]);
    expect(JSON.parse(kept.out).link).toMatchObject({ ref: "", selector: { method: "forensics.fit", parameters: { model: "poly9" } } });
  });

  it("entity-add: a person needs a public role; aliases are searchable; unknown source ids are refused", async () => {
    const noRole = await run(["evidence", "entity-add", "--archive", dir, "--id", "ent-p", "--kind", "person", "--name", "Someone"]);
    expect(noRole.error).toMatchObject({ code: "EV_ENTITY_PERSON_ROLE" });
    const badSrc = await run(["evidence", "entity-add", "--archive", dir, "--id", "ent-h", "--kind", "hospital", "--name", "H", "--source", "NOPE"]);
    expect(badSrc.error).toMatchObject({ code: "EV_CASE_UNKNOWN_REF" });
    const ok = await run(["evidence", "entity-add", "--archive", dir, "--id", "ent-changzheng", "--kind", "hospital", "--name", "Shanghai Changzheng Hospital", "--alias", "上海长征医院@zh-Hans", "--alias", "Shànghǎi Chángzhēng Yīyuàn@pinyin", "--source", "STOPOH", "--json"]);
    expect(ok.exit).toBe(0);
    const found = JSON.parse((await run(["evidence", "entities", "--archive", dir, "--query", "上海長征醫院", "--json"])).out);
    expect(found.entities.map((e: { id: string }) => e.id)).toEqual(["ent-changzheng"]);
    const pin = JSON.parse((await run(["evidence", "entities", "--archive", dir, "--query", "shanghai changzheng yiyuan", "--json"])).out);
    expect(pin.entities.map((e: { id: string }) => e.id)).toEqual(["ent-changzheng"]);
  });

  it("event-add: checks the date against its precision, links to claims, and appears in the timeline", async () => {
    const bad = await run(["evidence", "event-add", "--archive", dir, "--id", "ev-x", "--date", "2019-13", "--title", "t"]);
    expect(bad.error).toMatchObject({ code: "E_INVALID_VALUE" });
    const badDay = await run(["evidence", "event-add", "--archive", dir, "--id", "ev-x", "--date", "2019-02-30", "--title", "t"]);
    expect(badDay.error).toMatchObject({ code: "F_CHK_BAD_DATE" });
    const ok = await run(["evidence", "event-add", "--archive", dir, "--id", "ev-retract", "--date", "2019-08", "--title", "Journals retract papers over organ-source concerns", "--category", "international_response", "--source", "REDACTION2019", "--claim", "RB2020-C5", "--json"]);
    expect(ok.exit).toBe(0);
    expect(JSON.parse(ok.out).event).toMatchObject({ id: "ev-retract", precision: "month", sourceIds: ["REDACTION2019"] });
    const t = JSON.parse((await run(["evidence", "timeline", "--archive", dir, "--claim", "RB2020-C5", "--json"])).out);
    expect(t.events.map((e: { id: string }) => e.id)).toContain("ev-retract");
  });

  it("with the archive core's commands: 'evidence init' loads the starter case, and the claim map is ready", async () => {
    const { register: registerCore } = await import("./evidence.js");
    let out = "";
    const io: Io = { out: (t) => (out += t.endsWith("\n") ? t : `${t}\n`), err: () => {} };
    const ctx: CliContext = { io, setExit: () => {} };
    const program = new Command().exitOverride();
    registerCore(program, ctx);
    register(program, ctx);
    const fresh = join(tmp, "fresh");
    await program.parseAsync(["node", "organ-audit", "evidence", "init", "--archive", fresh, "--json", "--actor", "tester"]);
    expect(JSON.parse(out).starter).toMatchObject({ status: "loaded", caseId: "robertson2020", claims: 5 });
    out = "";
    await program.parseAsync(["node", "organ-audit", "evidence", "claims", "--archive", fresh, "--no-audit", "--json"]);
    expect(JSON.parse(out).claims).toHaveLength(5);
  });
});
