import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { isOrganAuditError } from "../core/errors.js";
import { makeDecision } from "../screening/review/decision.js";
import { withProjectFile } from "../screening/store/store.js";
import { register } from "./screen-records.js";
import { runRegistered } from "../../test/helpers/cli.js";

const FX = "test/fixtures/screening/s1";

const run = (args: string[]) => runRegistered(register, args);

describe("organ-audit screen (records, dedupe, rules, match, prisma)", () => {
  const dir = mkdtempSync(join(tmpdir(), "oa-screen-"));
  const project = join(dir, "p.sqlite");

  it("import: all files or none", async () => {
    const bad = join(dir, "bad.ris");
    writeFileSync(bad, "TY  - JOUR\nTI  - truncated\n");
    const r0 = await run(["screen", "import", "--project", project, `${FX}/medline-invented.nbib`, bad]);
    expect(isOrganAuditError(r0.error)).toBe(true);
    expect(String(r0.error)).toContain("bad.ris:1");
    expect(existsSync(project)).toBe(false); // nothing written

    const r = await run(["screen", "import", "--project", project, `${FX}/medline-invented.nbib`, `${FX}/pubmed-invented.xml`, `${FX}/cnki-estudy-invented.txt`, `${FX}/wanfang-noteexpress-invented.txt`, "--json"]);
    expect(r.exit).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.imported.map((x: { format: string; records: number }) => [x.format, x.records])).toEqual([
      ["medline", 2], ["pubmed-xml", 2], ["cnki", 2], ["cnki", 1],
    ]);
    // importing the same bytes again is refused
    const again = await run(["screen", "import", "--project", project, `${FX}/medline-invented.nbib`]);
    expect(String(again.error)).toContain("already imported");
  });

  it("import --attach: full texts go to the record with that id or source id, all or nothing", async () => {
    const ft = join(dir, "XGYZ200304001.txt"); // the CNKI file name of the E-Study record
    writeFileSync(ft, "供体于脑死亡 后立即气管插管");
    const none = join(dir, "NOSUCHPAPER.txt");
    writeFileSync(none, "x");
    const bad = await run(["screen", "import", "--project", project, "--attach", ft, none]);
    expect(String(bad.error)).toContain('no record match the full text "NOSUCHPAPER"');
    const recs = await withProjectFile(project, false, (p0) => p0.records());
    expect(recs.every((r) => r.fullText === undefined)).toBe(true);
    const ok = await run(["screen", "import", "--project", project, "--attach", ft, "--json"]);
    expect(JSON.parse(ok.out).attached).toEqual([{ record: "cnki-estudy-invented:XGYZ200304001", file: ft }]);
  });

  it("dedupe: DOI and normalised-title duplicates across MEDLINE, XML, CNKI and Wanfang", async () => {
    const r = await run(["screen", "dedupe", "--project", project, "--json"]);
    expect(r.exit).toBe(0);
    const j = JSON.parse(r.out);
    // 7 records: the 2 PubMed records appear twice (DOI; PMID for the one without a DOI in the XML), the CNKI
    // heart paper appears in E-Study and NoteExpress (title)
    expect(j.unique).toBe(4);
    expect(j.byReason).toEqual({ doi: 1, pmid: 1, title: 1, fuzzy: 0 });
  });

  it("rules on the project and on an input file", async () => {
    const r = await run(["screen", "rules", "--rules", `${FX}/rules-example.txt`, "--project", project, "--json"]);
    expect(r.exit).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.records).toBe(4);
    // the full text attached to the CNKI record above holds a near-copy of a target phrase next to 供
    expect(j.rules).toEqual([{ rule: "dead_donor", matched: 1 }, { rule: "english_donor", matched: 1 }]);
    const r2 = await run(["screen", "rules", "--rules", `${FX}/rules-example.txt`, "--input", `${FX}/fulltext-invented.txt`, "--json"]);
    const j2 = JSON.parse(r2.out);
    expect(j2.rules[0]).toEqual({ rule: "dead_donor", matched: 1 });
    const hit = j2.results[0].rules[0].hits.find((h: { distance?: number }) => h.distance !== undefined);
    // R gives location 9, distance 0.20000000000000007 for this phrase in this file (see the match test below)
    expect(hit.start).toBe(9);
    // context as R&L stored it: substr(text, loc - 70, loc + 70), here the whole short text
    expect(hit.context).toBe("虚构论文全文\n供体于脑死亡 后立即气管插管接简易呼吸囊行控制呼吸。\n");
    expect(Math.abs(hit.distance - 0.20000000000000007)).toBeLessThan(1e-9);
    const bad = join(dir, "bad-rules.txt");
    writeFileSync(bad, 'rule x:\n  "a" AND (\n');
    const r3 = await run(["screen", "rules", "--rules", bad, "--project", project]);
    expect(String(r3.error)).toMatch(/bad-rules\.txt:3: rule syntax error at column 1/);
  });

  it("match --json prints R's distance, location and match", async () => {
    const r = await run(["screen", "match", "--text-file", `${FX}/fulltext-invented.txt`, "--phrase", "脑死亡后立即气管内插管给氧", "--json"]);
    expect(r.exit).toBe(0);
    const j = JSON.parse(r.out);
    // values from R 4.2 / stringdist 0.9.10, run in test/fixtures/screening/s1:
    //   Rscript -e 'library(stringdist); x <- readChar("fulltext-invented.txt", file.info("fulltext-invented.txt")$size, useBytes=TRUE);
    //     Encoding(x) <- "UTF-8"; r <- afind(x, c("脑死亡后立即气管内插管给氧","供体","呼吸"), method="running_cosine");
    //     cat(sprintf("%d %.17g [%s]\n", r$location[1,], r$distance[1,], r$match[1,]))'
    //   → 9 0.20000000000000007 [体于脑死亡 后立即气管插管]; 8 0 [供体]; 25 0 [呼吸]
    expect(j.location).toBe(9);
    expect(Math.abs(j.distance - 0.20000000000000007)).toBeLessThan(1e-9);
    expect(j.match).toBe("体于脑死亡 后立即气管插管");
    expect(j.input.sha256).toMatch(/^[0-9a-f]{64}$/);
    const m = await run(["screen", "match", "--text-file", `${FX}/fulltext-invented.txt`, "--phrase", "供体", "--phrase", "呼吸", "--context", "3", "--json"]);
    const mj = JSON.parse(m.out);
    expect(mj.results.map((x: { location: number; distance: number }) => [x.location, x.distance])).toEqual([[8, 0], [25, 0]]);
    expect(mj.results[0].context).toBe("全文\n供体于脑"); // R: substr(x, 8 - 3, 8 + 3)
    // several files, Robertson & Lavee's CSV columns
    const ctxFile = join(dir, "CJFD2000_LCMZ200003005.txt");
    // the first context of the dead_donor_sample: R gives 71, 0.23076923076923062, "脑死亡 后立即气管插管" (fixture)
    writeFileSync(ctxFile, JSON.parse(readFileSync(`${FX}/dead-donor-afind-r.json`, "utf8"))[0].context);
    const csv = join(dir, "matches.csv");
    const c = await run(["screen", "match", "--text-file", `${FX}/fulltext-invented.txt`, "--text-file", ctxFile, "--phrase", "脑死亡后,紧急气管插管", "--phrase", "供体", "--csv", csv, "--json"]);
    expect(c.exit).toBe(0);
    expect(JSON.parse(c.out).files).toHaveLength(2);
    const rows = parse(readFileSync(csv, "utf8")) as string[][];
    expect(rows[0]).toEqual(["file_name", "target_string", "string_location", "string_distance", "matching_string", "context"]);
    expect(rows).toHaveLength(5);
    expect(rows[3]!.slice(0, 3)).toEqual(["CJFD2000_LCMZ200003005.txt", "脑死亡后,紧急气管插管", "71"]);
    expect(Math.abs(Number(rows[3]![3]) - 0.23076923076923062)).toBeLessThan(1e-9);
    expect(rows[3]![4]).toBe("脑死亡 后立即气管插管");
    expect(rows[1]![5]).toBe("虚构论文全文\n供体于脑死亡 后立即气管插管接简易呼吸囊行控制呼吸。\n"); // short text: whole text
    const e = await run(["screen", "match", "--text-file", `${FX}/fulltext-invented.txt`]);
    expect(String(e.error)).toContain("--phrase");
  });

  it("prisma from the decision log, with the SVG", async () => {
    await withProjectFile(project, false, async (p) => {
      const ids = (await p.records()).map((r) => r.id);
      const t = "2026-11-28T12:00:00Z";
      const add = async (recordId: string, stage: string, decision: string, reasonCode: string | null = null): Promise<void> => {
        const d = makeDecision({ seq: 1, recordId, stage, reviewer: "A", decision, reasonCode, time: t });
        const { seq: _s, ...rest } = d;
        await p.appendDecision(rest);
      };
      await add(ids[0]!, "title-abstract", "include");
      await add(ids[1]!, "title-abstract", "exclude", "wrong-population");
      await add(ids[2]!, "title-abstract", "include");
      await add(ids[3]!, "title-abstract", "exclude");
      await add(ids[0]!, "full-text", "include");
      await add(ids[2]!, "full-text", "exclude", "wrong-design");
    });
    const svg = join(dir, "flow.svg");
    const r = await run(["screen", "prisma", "--project", project, "--svg", svg, "--json"]);
    expect(r.exit).toBe(0);
    const c = JSON.parse(r.out).findings[0].result;
    expect([c.identifiedTotal, c.duplicatesRemoved, c.screened, c.screeningExcluded, c.sought, c.assessed, c.fullTextExcluded, c.included]).toEqual([7, 3, 4, 2, 2, 2, 1, 1]);
    expect(c.excludedWithReasons).toEqual([{ reason: "wrong-design", n: 1 }]);
    expect(readFileSync(svg, "utf8")).toContain("Studies included in review (n = 1)");
    const h = await run(["screen", "prisma", "--project", project]);
    expect(h.out).toContain("identified 7");
  });

  it("usage errors", async () => {
    expect(String((await run(["screen", "prisma", "--project", join(dir, "none.sqlite")])).error)).toContain("no project");
    const copy = join(dir, "x.unknown");
    copyFileSync(`${FX}/asreview-invented.csv`, copy);
    expect(String((await run(["screen", "import", "--project", project, copy])).error)).toContain("give --format");
  });
});
