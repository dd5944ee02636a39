import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { parseFormats, register } from "./report.js";
import { fixtureAudit, REPO } from "../../test/fixtures/report/fixture-audit.js";
import type { AuditRunner, AuditRunOptions } from "../report/types.js";

const tmp = mkdtempSync(join(tmpdir(), "oa-cli-report-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(args: string[], runner: AuditRunner = fixtureAudit): Promise<{ out: string; err: string; exit: number }> {
  let out = "";
  let err = "";
  let exit = 0;
  const program = new Command().exitOverride();
  register(program, { io: { out: (s) => (out += s.endsWith("\n") ? s : `${s}\n`), err: (s) => (err += `${s}\n`) }, setExit: (c) => (exit = Math.max(exit, c)) }, { runner });
  await program.parseAsync(["node", "organ-audit", ...args]);
  return { out, err, exit };
}

describe("organ-audit report", () => {
  it("writes report.html and manifest.json, passes the options to the audit, and verify exits 0", async () => {
    const seen: AuditRunOptions[] = [];
    const spy = (o: AuditRunOptions) => (seen.push(o), fixtureAudit(o));
    const out = join(tmp, "r1");
    const scenario = join(REPO, "scenarios/official.json");
    const r = await run(["report", "--out", out, "--format", "html", "--seed", "5", "--draws", "1_000", "--sims", "99", "--scenario", scenario, "--json"], spy);
    expect(r.exit).toBe(0);
    const summary = JSON.parse(r.out);
    expect(summary).toMatchObject({ html: join(out, "report.html"), manifest: join(out, "manifest.json"), pdf: null });
    expect(summary.findings).toBeGreaterThan(5);
    expect(seen[0]).toMatchObject({ seed: 5, draws: 1000, sims: 99, scenarios: [scenario] });
    expect(existsSync(join(out, "report.html"))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")).run).toMatchObject({ seed: 5, draws: 1000, sims: 99, scenarios: ["scenarios/official.json"] });

    const v = await run(["report", "verify", out]);
    expect(v.exit).toBe(0);
    expect(v.out).toMatch(/^report verified: \d+ input file\(s\) unchanged, \d+ finding\(s\) and report.html recompute to identical bytes/);
    const vj = await run(["report", "verify", out, "--json"]);
    expect(JSON.parse(vj.out)).toMatchObject({ ok: true, problems: [] });
  }, 60_000);

  it("report verify exits 1 and names what differs when the audit no longer recomputes the same", async () => {
    const out = join(tmp, "r2");
    await run(["report", "--out", out, "--format", "html", "--draws", "1000", "--sims", "99"]);
    // the same inputs, but an audit that now computes with another seed (e.g. a changed method)
    const drifted = (o: AuditRunOptions) => fixtureAudit({ ...o, seed: (o.seed ?? 0) + 1 });
    const v = await run(["report", "verify", out], drifted);
    expect(v.exit).toBe(1);
    expect(v.out).toContain("does NOT match its inputs");
    expect(v.out).toContain("[R_VERIFY_REPORT_CHANGED] report.html differs from the rebuilt report");
    expect(v.out).toMatch(/\[R_VERIFY_FINDING_(CHANGED|MISSING|EXTRA)\]/);
  }, 60_000);

  it("rejects an unknown format and bad numbers as usage errors", async () => {
    expect(() => parseFormats("html,docx")).toThrow(/unknown report format "docx"/);
    expect(parseFormats("pdf")).toEqual({ html: true, pdf: true });
    expect(parseFormats("html")).toEqual({ html: true, pdf: false });
    await expect(run(["report", "--out", join(tmp, "r3"), "--draws", "lots"])).rejects.toMatchObject({ code: "E_USAGE" });
    await expect(run(["report", "verify", join(tmp, "nothing-here")])).rejects.toMatchObject({ code: "R_MANIFEST_MISSING" });
  });
});
