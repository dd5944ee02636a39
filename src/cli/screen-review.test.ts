import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isOrganAuditError, type OrganAuditError } from "../core/errors.js";
import { importFile } from "../screening/records/import-file.js";
import type { Decision } from "../screening/review/decision.js";
import { withProjectFile } from "../screening/store/store.js";
import { register } from "./screen-review.js";
import { runRegistered } from "../../test/helpers/cli.js";

const FX = "test/fixtures/screening/s2";

const run = (args: string[]) => runRegistered(register, args);

describe("organ-audit screen (rank, simulate, decide, conflicts, agreement)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "oa-screen-review-"));
  const project = join(dir, "p.sqlite");
  const imp = await importFile(`${FX}/rank-invented.csv`);
  await withProjectFile(project, true, (p) => p.addImport(imp, "2026-11-28T00:00:00Z"));

  it("rank --input: unlabelled records, transplant ones (English and Chinese) first", async () => {
    const r = await run(["screen", "rank", "--input", `${FX}/rank-invented.csv`, "--top", "0", "--json"]);
    expect(r.error).toBeUndefined();
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ model: "nb", nRecords: 12, nLabelled: 6, nIncluded: 3, nExcluded: 3, nUnscreened: 6 });
    const ids = j.ranking.map((x: { id: string }) => x.id);
    // records 7 (heart, prisoners), 8 (心脏移植供体器官获取) and 11 (lung, procurement) share the
    // vocabulary of the included records; 9, 10, 12 share that of the excluded ones
    expect(new Set(ids.slice(0, 3))).toEqual(new Set(["rank-invented:7", "rank-invented:8", "rank-invented:11"]));
    expect(new Set(ids.slice(3))).toEqual(new Set(["rank-invented:9", "rank-invented:10", "rank-invented:12"]));
  });

  it("rank --chinese words uses jieba; every model runs", async () => {
    for (const model of ["nb", "cnb", "logistic", "svm"]) {
      const r = await run([
        "screen",
        "rank",
        "--input",
        `${FX}/rank-invented.csv`,
        "--model",
        model,
        "--chinese",
        "both",
        "--json",
      ]);
      expect(r.error).toBeUndefined();
      expect(JSON.parse(r.out).ranking).toHaveLength(6);
    }
    const bad = await run(["screen", "rank", "--input", `${FX}/rank-invented.csv`, "--model", "bert"]);
    expect((bad.error as OrganAuditError).code).toBe("SC_RANK_BAD_OPTION");
  });

  it("rank --project needs both an include and an exclude", async () => {
    const r = await run(["screen", "rank", "--project", project]);
    expect((r.error as OrganAuditError).code).toBe("SC_RANK_NEED_BOTH");
  });

  it("decide: single decisions, validation, and all-or-nothing CSV import", async () => {
    const bad = await run([
      "screen",
      "decide",
      "--project",
      project,
      "--record",
      "rank-invented:1",
      "--decision",
      "exclude",
      "--reviewer",
      "ann",
      "--stage",
      "full-text",
    ]);
    expect((bad.error as OrganAuditError).code).toBe("SC_REV_REASON_REQUIRED");
    const unknown = await run([
      "screen",
      "decide",
      "--project",
      project,
      "--record",
      "nope",
      "--decision",
      "include",
      "--reviewer",
      "ann",
    ]);
    expect((unknown.error as OrganAuditError).code).toBe("SC_REV_UNKNOWN_RECORD");
    // a CSV with one bad row writes nothing
    const badCsv = join(dir, "bad.csv");
    writeFileSync(badCsv, "record_id,reviewer,decision\nrank-invented:1,ann,include\nrank-invented:2,ann,perhaps\n");
    const r0 = await run(["screen", "decide", "--project", project, "--from", badCsv]);
    expect(isOrganAuditError(r0.error)).toBe(true);
    expect(String(r0.error)).toContain("bad.csv:3");
    expect(await withLog((l) => l.length)).toBe(0);
    const r = await run(["screen", "decide", "--project", project, "--from", `${FX}/decisions-invented.csv`, "--json"]);
    expect(r.error).toBeUndefined();
    expect(JSON.parse(r.out).written).toHaveLength(24);
  });

  it("conflicts and agreement from the project (hand-computed: kappa 8/17, AC1 9/17)", async () => {
    const c = JSON.parse((await run(["screen", "conflicts", "--project", project, "--json"])).out);
    expect(c.conflicts.map((x: { recordId: string }) => x.recordId)).toEqual([
      "rank-invented:11",
      "rank-invented:7",
      "rank-invented:8",
    ]);
    const r = await run(["screen", "agreement", "--project", project, "--json"]);
    expect(r.error).toBeUndefined();
    const f = JSON.parse(r.out).findings[0];
    // 12 records: both include 3, both exclude 6, ann include/bob exclude 2, ann exclude/bob include 1.
    // po = 9/12; pe = (7/12)(8/12) + (5/12)(4/12) = 76/144; kappa = (108 - 76)/(144 - 76) = 8/17.
    // AC1: pi = (15/24, 9/24); pe = 2 (15/24)(9/24) = 0.46875; AC1 = (0.75 - 0.46875)/0.53125 = 9/17.
    expect(f.verdict).toBe("estimate");
    expect(f.result.table).toEqual([
      [6, 1],
      [2, 3],
    ]);
    expect(f.result.cohenKappa.value).toBeCloseTo(8 / 17, 12);
    expect(f.result.gwetAc1.value).toBeCloseTo(9 / 17, 12);
    expect(f.result.percentAgreement.value).toBe(0.75);
    expect(JSON.parse(r.out).conflicts).toHaveLength(3);
    // the same from the CSV log, without a project
    const r2 = await run([
      "screen",
      "agreement",
      "--decisions",
      `${FX}/decisions-invented.csv`,
      "--reviewers",
      "ann,bob",
      "--json",
    ]);
    expect(JSON.parse(r2.out).findings[0].result.cohenKappa.value).toBeCloseTo(8 / 17, 12);
    const human = await run(["screen", "agreement", "--project", project]);
    expect(human.out).toContain("Cohen's kappa 0.471");
  });

  it("a resolution settles a conflict; rank then trains on the settled decisions", async () => {
    await run([
      "screen",
      "decide",
      "--project",
      project,
      "--record",
      "rank-invented:7",
      "--decision",
      "include",
      "--reviewer",
      "carol",
      "--resolve",
    ]);
    const c = JSON.parse((await run(["screen", "conflicts", "--project", project, "--json"])).out);
    expect(c.conflicts).toHaveLength(2);
    const r = await run(["screen", "rank", "--project", project, "--json"]);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ nIncluded: 4, nExcluded: 6, nUnscreened: 2 });
  });

  it("simulate --json prints n, nIncluded, wss95, wss100, recallAt10", async () => {
    const r = await run([
      "screen",
      "simulate",
      "--csv",
      `${FX}/Cohen_2006_Antihistamines.csv`,
      "--label-column",
      "label_included",
      "--seed",
      "1",
      "--runs",
      "1",
      "--ngram",
      "1",
      "--json",
    ]);
    expect(r.error).toBeUndefined();
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ n: 310, nIncluded: 16, seeds: [1] });
    for (const k of ["wss95", "wss100", "recallAt10", "atd"]) expect(Number.isFinite(j[k])).toBe(true);
    expect(j.findings[0].verdict).toBe("estimate");
    expect(j.recallCurve).toHaveLength(101);
    // same seed, same bytes
    const again = await run([
      "screen",
      "simulate",
      "--csv",
      `${FX}/Cohen_2006_Antihistamines.csv`,
      "--label-column",
      "label_included",
      "--seed",
      "1",
      "--runs",
      "1",
      "--ngram",
      "1",
      "--json",
    ]);
    expect(again.out).toBe(r.out);
    const human = await run(["screen", "simulate", "--csv", `${FX}/Cohen_2006_Antihistamines.csv`, "--runs", "1"]);
    expect(human.out).toMatch(/recall after screening 5 %: [0-9.]+, 10 %: 0\.333/);
    const unl = await run(["screen", "simulate", "--csv", `${FX}/rank-invented.csv`, "--json"]);
    expect((unl.error as OrganAuditError).code).toBe("SC_SIM_LABELS");
    expect(String(unl.error)).toContain("rank-invented.csv:8");
  });

  async function withLog<T>(f: (log: Decision[]) => T): Promise<T> {
    return f(await withProjectFile(project, false, (q) => q.decisions()));
  }
});
